// SPDX-License-Identifier: ISC
// states.js: the one wording of the camera's state, for the viewer's
// state line and Camera panel, the H.264 mode and the grid's tiles.  The
// truth comes from httpd: /api/status (capd's own status, or since when
// httpd cannot reach capd, docs/httpd.md) or a camera of /api/cameras;
// the page adds what its own connection sees.  Each state is
//   { key, text, hint }
// key for tests and CSS, text for people, hint (or '') for admins.

export const SERVICE_HINT = 'On the Pi: systemctl status campipe-capd';

// HH:MM:SS of a Unix time in this browser's time zone.
export function clockTime(sec) {
	const d = new Date(sec * 1000);
	const p = (n) => String(n).padStart(2, '0');
	return p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds());
}

// Whether capd's failure is a camera gone from the machine: a V4L2
// device that is missing or answers "No such device".
export function unplugged(source, cause) {
	return typeof source === 'string' && source.startsWith('v4l2:') &&
	    /No such (device|file or directory)/.test(cause || '');
}

function say(key, text, hint = '') {
	return { key, text, hint };
}

// The camera service (capd) is not running, or hangs (its control socket
// takes a connection and answers nothing): since when httpd knows.
function serviceStopped(since, cause = '') {
	return say('service', 'Camera service ' + (/^no answer/.test(cause) ?
	    'not answering' : 'stopped') + (since ? ' (since ' + clockTime(since) +
	    ')' : ''), SERVICE_HINT);
}

// No frames for s seconds, or null for less than 3 s.
function noFrames(s) {
	return s >= 3 ? say('noframes', 'No frames from the camera for ' +
	    Math.round(s) + ' s') : null;
}

// capd's own state (docs/control.md, GET /status).
function fromCapd(c) {
	switch (c.state) {
	case 'streaming':
		return say('streaming', 'Streaming');
	case 'starting':
		return say('starting', 'Camera starting');
	case 'stopped':
		return say('resting', 'Camera off: nobody is watching');
	case 'failing':
		if (unplugged(c.source, c.cause))
			return say('unplugged', 'Camera unplugged');
		return say('failing', 'Camera failing: ' + (c.cause || 'no reason given'));
	}
	return say('unknown', 'Camera ' + c.state);
}

// httpd's own subscription (a camera of /api/cameras, or /api/status
// where capd's status is not asked: under /cam/NAME/).
function fromFeed(state, cause, age) {
	switch (state) {
	case 'offline':
	case 'capd unreachable':
		return serviceStopped(0);
	case 'streaming':
		return say('streaming', 'Streaming');
	case 'starting':
		return say('starting', 'Camera starting');
	case 'error':
		return noFrames(age ?? 5) || say('noframes', 'No frames from the camera');
	}
	return say('unknown', 'Camera not watched through this server');
}

// The camera's state from /api/status, or st null when httpd did not
// answer.
export function serverState(st) {
	if (st === null || typeof st !== 'object')
		return say('server', 'Web server unreachable');
	const u = st.capd_unreachable;
	if (u && typeof u === 'object')
		return serviceStopped(u.since, u.cause);
	if (st.capd && typeof st.capd === 'object')
		return fromCapd(st.capd);
	const cam = st.camera || {};
	return fromFeed(cam.state, cam.cause, cam.frame_age);
}

// The camera's state from its entry in /api/cameras.
export function listedState(cam) {
	return fromFeed(cam.state, cam.cause, null);
}

// Seconds without frames in a connection's detail ("... for 14 s"), or 0.
function quietOf(detail) {
	const m = /for (\d+) s\b/.exec(detail || '');
	return m ? Number(m[1]) : 0;
}

// What a view shows: its connection's state (conn, as the modes report
// it: live, waiting, connecting, reconnecting, stopped, paused,
// unsupported, error) with the server's truth (server, from serverState
// or listedState, or null before the first answer).  A camera that is
// down is named as the cause rather than the connection it broke.
export function viewState(conn, detail, server) {
	switch (conn) {
	case 'live':
		return say('live', 'Live');
	case 'stopped':
		return say('stopped', 'Stopped');
	case 'paused':
		return say('paused', 'Paused while hidden');
	case 'unsupported':
		return say('unsupported', 'Not supported here');
	}
	const down = ['service', 'unplugged', 'failing', 'starting'];
	if (server && down.includes(server.key))
		return server;
	if (conn === 'waiting')
		return noFrames(quietOf(detail)) || say('waiting', 'Waiting for frames');
	if (server && server.key === 'server')
		return server;
	if (conn === 'connecting')
		return say('connecting', 'Connecting…');
	if (conn === 'error')
		return server && server.key === 'noframes' ? server :
		    say('error', 'No picture');
	return say('reconnecting', 'Reconnecting…');
}

// The figures of the Camera panel: the camera's viewers as capd counts
// them (null when capd's status is not there), and an uptime with what
// it measures.
export function figures(st) {
	if (st === null || typeof st !== 'object')
		return { viewers: null, viewersBy: '', uptime: null, uptimeOf: '' };
	const capd = st.capd && typeof st.capd === 'object' ? st.capd : null;
	const cl = st.clients || {};
	const f = {};
	if (capd) {
		f.viewers = capd.viewers ?? null;
		f.viewersBy = 'capd';
	} else if (st.capd_unreachable) {
		f.viewers = null;
		f.viewersBy = '';
	} else {
		// under /cam/NAME/: what httpd serves itself
		f.viewers = (cl.stream ?? 0) + (cl.stills_watchers ?? 0);
		f.viewersBy = 'httpd';
	}
	if (capd && typeof capd.uptime === 'number') {
		f.uptime = capd.uptime;
		f.uptimeOf = 'Camera service up';
	} else {
		f.uptime = typeof st.uptime === 'number' ? st.uptime : null;
		f.uptimeOf = 'Web server up';
	}
	return f;
}
