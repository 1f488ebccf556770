// SPDX-License-Identifier: ISC
// states.test.mjs: the one wording of the camera's state (www/states.js)
// from exact /api/status and /api/cameras documents, with the page's own
// connection states, and the Camera panel's figures.
import assert from 'node:assert/strict';
import test from 'node:test';
import { SERVICE_HINT, clockTime, figures, listedState, serverState, unplugged,
	viewState } from '../../www/states.js';

const capd = (state, extra = {}) => ({ camera: { state }, uptime: 900,
	capd: { source: 'v4l2:/dev/video0', state, cause: null, viewers: 2,
	uptime: 61.2, ...extra }, capd_unreachable: null,
	clients: { stream: 1, stills_watchers: 1 } });
// httpd could not reach capd at 21:01:25 local time
const since = new Date(2025, 4, 28, 21, 1, 25).getTime() / 1000;
const down = { camera: { state: 'idle' }, capd: null, uptime: 900,
	capd_unreachable: { since, cause: 'capd closed the connection',
	last_seen: since - 2 }, clients: { stream: 0, stills_watchers: 0 } };

test('the camera service stopped: said with the time, a hint for admins', () => {
	assert.equal(clockTime(since), '21:01:25');
	assert.deepEqual(serverState(down), { key: 'service',
	    text: 'Camera service stopped (since 21:01:25)', hint: SERVICE_HINT });
	assert.equal(SERVICE_HINT, 'On the Pi: systemctl status campipe-capd');
	// whatever the page's connection says, the camera is the cause
	for (const conn of ['waiting', 'reconnecting', 'connecting'])
		assert.equal(viewState(conn, 'cannot connect to ws://h:8081/stream.h264; ' +
		    'retry in 2.0 s', serverState(down)).text,
		    'Camera service stopped (since 21:01:25)');
	assert.equal(viewState('live', '', serverState(down)).text, 'Live');
	assert.equal(serverState({ ...down, capd_unreachable: { since,
	    cause: 'no answer in 5 s', last_seen: null } }).text,
	    'Camera service not answering (since 21:01:25)');
	// under /cam/NAME/ httpd's own subscription says it, without a time
	assert.equal(serverState({ camera: { state: 'capd unreachable' }, capd: null })
	    .text, 'Camera service stopped');
	assert.equal(listedState({ state: 'offline' }).text, 'Camera service stopped');
});

test('capd\'s own states in words', () => {
	assert.deepEqual(serverState(capd('streaming')),
	    { key: 'streaming', text: 'Streaming', hint: '' });
	assert.equal(serverState(capd('starting')).text, 'Camera starting');
	assert.equal(serverState(capd('stopped')).text, 'Camera off: nobody is watching');
	assert.equal(serverState(capd('failing', { cause: 'VIDIOC_DQBUF: No such device' }))
	    .text, 'Camera unplugged');
	assert.equal(serverState(capd('failing', { cause: '/dev/video0: No such file or ' +
	    'directory' })).text, 'Camera unplugged');
	assert.equal(serverState(capd('failing', { cause: '/dev/video0: busy (another ' +
	    'program has the camera)' })).text,
	    'Camera failing: /dev/video0: busy (another program has the camera)');
	assert.equal(serverState(capd('failing', { source: 'exec:false',
	    cause: 'exec: No such file or directory' })).key, 'failing');
	assert.equal(unplugged('test', 'No such device'), false);
	assert.equal(serverState(null).text, 'Web server unreachable');
});

test('the page\'s connection in words', () => {
	const ok = serverState(capd('streaming'));
	assert.equal(viewState('waiting', 'connected, no frames for 14 s', ok).text,
	    'No frames from the camera for 14 s');
	assert.equal(viewState('waiting', 'no new picture for 4 s', ok).text,
	    'No frames from the camera for 4 s');
	assert.equal(viewState('waiting', 'connected, no frames yet', ok).text,
	    'Waiting for frames');
	assert.equal(viewState('reconnecting', 'connection lost; retry in 1.0 s', ok).text,
	    'Reconnecting…');
	assert.equal(viewState('connecting', 'ws://h/stream', ok).text, 'Connecting…');
	assert.equal(viewState('connecting', '', null).text, 'Connecting…');
	assert.equal(viewState('reconnecting', 'x', serverState(null)).text,
	    'Web server unreachable');
	assert.equal(viewState('paused', '', ok).text, 'Paused while hidden');
	assert.equal(viewState('unsupported', 'no decoder', ok).key, 'unsupported');
	assert.equal(viewState('waiting', 'connected, no frames for 9 s',
	    serverState(capd('failing', { cause: 'VIDIOC_DQBUF: No such device' }))).text,
	    'Camera unplugged');
	assert.equal(viewState('error', 'HTTP 503', listedState({ state: 'error' })).text,
	    'No frames from the camera for 5 s');
	assert.equal(viewState('error', 'HTTP 500', listedState({ state: 'streaming' }))
	    .text, 'No picture');
});

test('figures: capd\'s viewers and uptime, each named for what it measures', () => {
	assert.deepEqual(figures(capd('streaming')), { viewers: 2, viewersBy: 'capd',
	    uptime: 61.2, uptimeOf: 'Camera service up' });
	// capd away: no viewer count, and the uptime is the web server's
	assert.deepEqual(figures(down), { viewers: null, viewersBy: '', uptime: 900,
	    uptimeOf: 'Web server up' });
	// under /cam/NAME/: what httpd serves, streams and stills watchers
	assert.deepEqual(figures({ camera: { state: 'streaming' }, capd: null, uptime: 5,
	    clients: { stream: 2, stills_watchers: 3 } }), { viewers: 5,
	    viewersBy: 'httpd', uptime: 5, uptimeOf: 'Web server up' });
	assert.equal(figures(null).viewers, null);
});
