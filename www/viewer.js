// SPDX-License-Identifier: ISC
// viewer.js: the viewer page: mode switch, readouts, view transforms,
// fullscreen, snapshot, camera status and keyboard shortcuts.
// window.campipe holds the page's counters for tests and curious owners.
import { loadConfig, latencyOf, Meter } from './campipe.js';
import { liveMode, mjpegMode, stillsMode } from './modes.js';
import { h264Mode } from './h264.js';
import { webrtcMode, webrtcSupported } from './webrtc.js';
import { startSettings } from './settings.js';
import { showLinks } from './links.js';
import { rootOf } from './cameras.js';
import { JPEG_MODES, REASON, gives, isRefusal } from './h264only.js';
import { figures, serverState, viewState } from './states.js';

const $ = (id) => document.getElementById(id);
const MODES = ['live', 'mjpeg', 'stills', 'h264', 'webrtc'];
const MODE_NAMES = { live: 'live', mjpeg: 'MJPEG', stills: 'stills', h264: 'H.264',
    webrtc: 'WebRTC' };
const STATUS_EVERY = 3000;
const HIDDEN_STOP = 15000;

// localStorage, which may be missing or refuse (private windows).
const store = {
	get(k, d) {
		try {
			const v = localStorage.getItem('campipe.' + k);
			return v === null ? d : v;
		} catch (e) {
			return d;
		}
	},
	set(k, v) {
		try {
			localStorage.setItem('campipe.' + k, String(v));
		} catch (e) {
			// not remembered, still works
		}
	},
};

const cp = window.campipe = {
	mode: '', state: 'connecting', detail: '', frames: 0, fps: 0,
	latencyMs: null, dropped: 0, width: 0, height: 0, seq: null, path: '',
	untimed: 0, gives: '', says: '', camera: null, auto: false, fallback: '',
	rtc: null, latencyBy: '', stills: null, status: null, config: null,
};
const view = {
	// quarter turns, never wrapped, so the turn always animates clockwise
	turns: Math.round(Number(store.get('rot', 0)) / 90) || 0,
	flipH: store.get('flipH', '0') === '1',
	flipV: store.get('flipV', '0') === '1',
};
let meter = new Meter();
let latencies = [];
let modes = null;
let current = null;
let h264Only = false;	// JPEG modes unavailable: the camera gives H.264 only
let rtcOn = false;	// httpd hands WHEP to rtcd (/api/config "webrtc")

// Median of the last few latency samples: steadier than the last one.
function latencyMedian() {
	if (latencies.length === 0)
		return null;
	const s = latencies.slice().sort((a, b) => a - b);
	return s[s.length >> 1];
}

const hooks = {
	shown(com, w, h) {
		meter.tick();
		cp.frames++;
		cp.width = w;
		cp.height = h;
		const lat = com ? latencyOf(com) : null;
		if (!com) {
			cp.untimed++;	// shown without its capture time
		} else {
			cp.seq = com.seq;
			latencies.push(lat);
			if (latencies.length > 15)
				latencies.shift();
			cp.latencyMs = latencyMedian();
		}
		// each frame's own latency, for a benchmark that sets cp.listen
		if (cp.listen)
			window.dispatchEvent(new CustomEvent('campipe:shown', {
			    detail: { seq: com ? com.seq : null, latencyMs: lat } }));
	},
	// the H.264 mode's way of decoding: 'WebCodecs', 'MSE' or ''
	path(name) {
		cp.path = name;
		$('hud-mode').textContent = name ? 'H.264 (' + name + ')' : 'H.264';
		$('s-path').textContent = name || '–';
		$('s-path').title = name === 'WebCodecs' ? 'WebCodecs VideoDecoder, drawn on a canvas' :
		    name === 'MSE' ? 'Media Source Extensions, played in a video element' : '';
	},
	state(state, detail) {
		if (state === cp.state && detail === cp.detail)
			return;
		// capd's refusal through a JPEG mode: switch once the mode has
		// finished reporting (it may be scheduling its retry)
		if (!h264Only && JPEG_MODES.includes(cp.mode) && isRefusal(detail))
			setTimeout(onlyH264, 0);
		const was = cp.state;
		cp.state = state;
		cp.detail = detail;
		document.body.dataset.state = state;
		showState();
		render();
		// the connection broke: ask httpd at once what the camera does
		if (was === 'live' && state !== 'live' && state !== 'stopped' &&
		    state !== 'paused')
			pollSoon();
	},
	// the WebRTC mode, chosen by the page, did not play: today's default
	fallback(why) {
		cp.fallback = why;
		const to = h264Only ? 'h264' : 'live';
		$('rtc-note').hidden = false;
		$('rtc-note').textContent = 'WebRTC did not play here (' + why +
		    '); showing ' + (to === 'h264' ? 'H.264' : 'Live') +
		    '. Choose WebRTC to try again.';
		setMode(to, false);
	},
};

// Whether this user is an admin (the hint for admins).
const isAdmin = () => cp.config !== null && cp.config.raw.admin === true;

// The state line and the overlay: this view's connection with what httpd
// says of the camera (www/states.js); the technical detail in the tooltip.
function showState() {
	const s = viewState(cp.state, cp.detail, cp.camera);
	cp.says = s.text;
	document.body.dataset.says = s.key;
	$('conn-text').textContent = s.text;
	$('conn').title = cp.detail;
	const ov = $('overlay');
	ov.hidden = s.key === 'live' || s.key === 'stopped';
	const own = ['connecting', 'reconnecting', 'unsupported', 'error', 'waiting'];
	$('overlay-text').textContent = s.text + (own.includes(s.key) &&
	    cp.detail ? ' — ' + cp.detail : '');
	ov.title = cp.detail;
	const hint = s.hint && isAdmin() ? s.hint : '';
	$('overlay-hint').hidden = hint === '';
	$('overlay-hint').textContent = hint;
}

// Shows the counters, a few times a second.
function render() {
	cp.fps = meter.fps();
	cp.dropped = current ? current.dropped() : 0;
	const rtc = cp.mode === 'webrtc' ? renderRtc(current.fig) : null;
	const fps = cp.frames ? cp.fps.toFixed(1) : '–';
	// an old latency says nothing once frames stop
	const lat = cp.mode === 'mjpeg' ? 'n/a' :
	    rtc !== null && rtc !== '' ? rtc :
	    cp.latencyMs === null || cp.fps === 0 ? '–' :
	    Math.round(cp.latencyMs) + ' ms';
	$('s-fps').textContent = fps === '–' ? fps : fps + ' fps';
	$('s-lat').textContent = lat;
	$('s-frames').textContent = cp.frames;
	$('s-dropped').textContent = cp.dropped;
	$('s-size').textContent = cp.width ? cp.width + '×' + cp.height : '–';
	$('hud-fps').textContent = fps + ' fps';
	$('hud-lat').textContent = lat === 'n/a' || lat === '–' ? '' :
	    cp.latencyBy === 'jitter buffer' ? 'buffer ' + lat : lat;
	const d = document.body.dataset;
	d.frames = cp.frames;
	d.fps = cp.fps.toFixed(2);
	d.latency = cp.latencyMs === null ? '' : cp.latencyMs.toFixed(1);
	if (cp.width) {
		const r = view.turns % 2 ? cp.height / cp.width : cp.width / cp.height;
		$('stage').style.setProperty('--ar', r.toFixed(4));
	}
}

// The WebRTC mode's own figures (lost, resent, route), and its latency
// text when the frames carry no capture time: the jitter buffer's delay,
// labelled so; '' when the usual latency applies.
function renderRtc(f) {
	const n = (v) => v === null ? '–' : String(v);
	$('s-lost').textContent = n(f.lost);
	$('s-nack').textContent = n(f.nacks);
	$('s-resent').textContent = n(f.resent);
	$('s-route').textContent = f.route || '–';
	$('s-route').title = (f.route === 'relay' ? 'through a TURN relay' :
	    f.route === 'host' ? 'straight to the camera\'s address' : '') +
	    (f.pair ? ' (candidates ' + f.pair + ')' : '');
	$('s-path').textContent = 'WebRTC' + (f.codec ? ' (' + f.codec + ')' : '');
	// frames received and decoded, as the browser counts them
	if (f.fps !== null && cp.frames)
		cp.fps = f.fps;
	cp.rtc = Object.assign({}, f);
	const timed = f.timed && cp.latencyMs !== null;
	cp.latencyBy = timed ? 'capture' : f.jitterMs !== null ? 'jitter buffer' : '';
	$('s-lat-label').textContent = timed || f.jitterMs === null ? 'Latency' :
	    'Jitter buffer';
	if (timed || f.jitterMs === null)
		return '';
	return cp.frames && cp.fps > 0 ? Math.round(f.jitterMs) + ' ms' : '–';
}

// The mode to open with: the one this browser's user picked, else WebRTC
// where httpd offers it and the browser has it (falling back to Live, or
// H.264 for a camera that gives only that, if it does not play), else Live.
function firstMode() {
	const m = store.get('mode', '');
	if (MODES.includes(m) && (m !== 'webrtc' || rtcOn))
		return [m, false, false];
	if (rtcOn && webrtcSupported())
		return ['webrtc', false, true];
	return ['live', false, false];
}

// Switches to mode m, stopping the old one and clearing the counters;
// remembered for the next visit when the user picked it.  auto: the page
// chose it (WebRTC then falls back instead of retrying).
function setMode(m, remember = true, auto = false) {
	if (!MODES.includes(m) || (m === 'webrtc' && !rtcOn))
		m = 'live';
	if (h264Only && JPEG_MODES.includes(m))
		return;
	if (current !== null && cp.mode === m)
		return;
	if (current !== null)
		current.stop();
	cp.mode = m;
	cp.frames = 0;
	cp.untimed = 0;
	cp.latencyMs = null;
	cp.seq = null;
	cp.path = '';
	$('s-path').textContent = '–';
	latencies = [];
	meter = new Meter();
	cp.auto = auto;
	cp.rtc = null;
	cp.latencyBy = '';
	$('s-lat-label').textContent = 'Latency';
	if (remember)
		store.set('mode', m);
	if (remember && m === 'webrtc')
		$('rtc-note').hidden = true;
	document.body.dataset.mode = m;
	$('hud-mode').textContent = MODE_NAMES[m];
	for (const input of document.querySelectorAll('input[name=mode]'))
		input.checked = input.value === m;
	$('interval-box').hidden = m !== 'stills';
	current = modes[m];
	for (const k of MODES)
		modes[k].el.hidden = k !== m;
	current.start(auto);
	render();
}

// Marks the JPEG modes unavailable (or available again) with the reason.
function markJpegModes(off) {
	for (const input of document.querySelectorAll('input[name=mode]')) {
		if (!JPEG_MODES.includes(input.value))
			continue;
		const label = input.closest('label');
		if (label.dataset.title === undefined)
			label.dataset.title = label.title;
		input.disabled = off;
		label.title = off ? 'Not available: ' + REASON +
		    '; H.264 plays it' : label.dataset.title;
	}
	cp.gives = off ? 'h264' : 'jpeg';
	document.body.dataset.gives = cp.gives;
}

// The camera gives H.264 only: H.264 mode, and no more JPEG attempts.
function onlyH264() {
	if (h264Only)
		return;
	h264Only = true;
	markJpegModes(true);
	if (cp.mode !== 'webrtc')
		setMode('h264', false);
}

// The camera gives JPEG again (capd restarted on another source).
function jpegAgain() {
	if (!h264Only) {
		cp.gives = 'jpeg';
		return;
	}
	h264Only = false;
	markJpegModes(false);
	if (cp.mode !== 'webrtc')
		setMode(...firstMode());
}

// Applies rotate and flip to the media through CSS variables.
function applyView() {
	const s = $('stage').style;
	s.setProperty('--rot', view.turns * 90 + 'deg');
	s.setProperty('--sx', view.flipH ? -1 : 1);
	s.setProperty('--sy', view.flipV ? -1 : 1);
	$('stage').dataset.rot = view.turns % 4 * 90;
	$('flip-h').setAttribute('aria-pressed', view.flipH);
	$('flip-v').setAttribute('aria-pressed', view.flipV);
	store.set('rot', view.turns % 4 * 90);
	store.set('flipH', view.flipH ? 1 : 0);
	store.set('flipV', view.flipV ? 1 : 0);
	render();
}

function rotate() {
	view.turns++;
	applyView();
}

function flip(axis) {
	view[axis] = !view[axis];
	applyView();
}

// Fullscreen for the picture; a full-window view where the API is missing
// (iPhone) or refuses.
function fullscreen() {
	const st = $('stage');
	if (document.fullscreenElement || document.webkitFullscreenElement) {
		(document.exitFullscreen || document.webkitExitFullscreen).call(document);
	} else if (st.classList.contains('pseudo-full')) {
		st.classList.remove('pseudo-full');
	} else {
		const req = st.requestFullscreen || st.webkitRequestFullscreen;
		const p = req ? req.call(st) : Promise.reject(new Error('no API'));
		if (p && p.catch)
			p.catch(() => st.classList.add('pseudo-full'));
	}
}

// campipe-YYYYMMDD-HHMMSS.jpg in local time.
function snapshotName(d) {
	const p = (n) => String(n).padStart(2, '0');
	return 'campipe-' + d.getFullYear() + p(d.getMonth() + 1) + p(d.getDate()) +
	    '-' + p(d.getHours()) + p(d.getMinutes()) + p(d.getSeconds()) + '.jpg';
}

// Downloads the picture on screen as it came from the camera.
async function snapshot() {
	const blob = current && await current.snapshot();
	if (!blob)
		return;
	const a = document.createElement('a');
	a.href = URL.createObjectURL(blob);
	a.download = snapshotName(new Date());
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

function fmtUptime(s) {
	if (s < 120)
		return Math.round(s) + ' s';
	if (s < 7200)
		return Math.round(s / 60) + ' min';
	if (s < 172800)
		return (s / 3600).toFixed(1) + ' h';
	return (s / 86400).toFixed(1) + ' days';
}

// Asks /api/status now rather than at the next poll (one at a time).
let pollTimer = 0, polling = false;
function pollSoon() {
	if (polling)
		return;
	clearTimeout(pollTimer);
	pollTimer = setTimeout(pollStatus, 200);
}

// Polls /api/status and fills the camera panel, while the page is seen.
async function pollStatus() {
	let st = null;
	clearTimeout(pollTimer);
	if (document.hidden) {
		pollTimer = setTimeout(pollStatus, STATUS_EVERY);
		return;
	}
	polling = true;
	try {
		const r = await fetch('api/status', { cache: 'no-store' });
		if (r.ok)
			st = await r.json();
	} catch (e) {
		// shown below as unreachable
	}
	polling = false;
	cp.status = st;
	const g = gives(st);
	if (g === 'h264')
		onlyH264();
	else if (g === 'jpeg')
		jpegAgain();
	const cam = (st && st.camera) || {};
	const said = cp.camera = serverState(st);
	showState();
	$('c-state').textContent = said.text + (h264Only ? ', H.264 only' : '');
	$('camera').dataset.state = said.key;
	const hint = said.hint && isAdmin() ? said.hint : '';
	$('c-hint').hidden = hint === '';
	$('c-hint').textContent = hint;
	const c = (st && st.capd) || cam;
	const live = said.key === 'streaming';
	$('c-size').textContent = live && c.size ? c.size.width + '×' + c.size.height : '–';
	$('c-fps').textContent = live && c.fps ? c.fps.toFixed(1) + ' fps' : '–';
	const f = figures(st);
	$('c-viewers').textContent = f.viewers === null ? '–' : String(f.viewers);
	$('c-note').firstChild.textContent = f.viewersBy === 'capd' ?
	    'Viewers as the camera service counts them, by every route: live, ' +
	    'MJPEG, H.264, RTSP, and stills fetched in the last 10 s. ' :
	    f.viewersBy === 'httpd' ? 'Viewers as this web server serves them ' +
	    '(MJPEG, H.264, stills); live viewers go through wsd. ' :
	    'Viewers unknown while the camera service does not answer. ';
	$('c-uptime-label').textContent = f.uptimeOf || 'Up';
	$('c-uptime').textContent = f.uptime === null ? '–' : fmtUptime(f.uptime);
	$('c-version').textContent = st && st.version ? 'Version: campipe ' +
	    st.version : '';
	pollTimer = setTimeout(pollStatus, STATUS_EVERY);
}

function onKey(ev) {
	if (ev.ctrlKey || ev.metaKey || ev.altKey ||
	    ev.target.closest('select, textarea, input[type=text]'))
		return;
	const act = {
		1: () => setMode('live'), 2: () => setMode('mjpeg'),
		3: () => setMode('stills'), 4: () => setMode('h264'),
		5: () => rtcOn && setMode('webrtc'), r: rotate, h: () => flip('flipH'),
		v: () => flip('flipV'), f: fullscreen, s: snapshot,
		escape: () => $('stage').classList.remove('pseudo-full'),
	}[ev.key.toLowerCase()];
	if (act) {
		ev.preventDefault();
		act();
	}
}

// Stops the feed when the page stays hidden, so the camera can rest.
let hiddenTimer = 0;
function onVisibility() {
	clearTimeout(hiddenTimer);
	if (document.hidden) {
		hiddenTimer = setTimeout(() => {
			current.stop();
			hooks.state('paused', '');
		}, HIDDEN_STOP);
	} else if (cp.state === 'paused') {
		current.start(cp.auto);
	}
}

// Who is signed in, and signing out (the login cookie; Basic credentials
// stay with the browser until it is closed).
function showUser(cfg) {
	const user = cfg.raw.user;
	$('who').hidden = typeof user !== 'string';
	if ($('who').hidden)
		return;
	$('who-name').textContent = 'Signed in as ' + user;
	const root = rootOf(location.pathname);
	$('logout').onclick = async () => {
		await fetch(root + 'api/logout', { method: 'POST', headers: {
		    'Content-Type': 'application/json' }, body: '{}' });
		location.assign(root + 'login.html');
	};
}

async function main() {
	$('host').textContent = location.hostname;
	document.title = 'campipe · ' + location.hostname;
	const cfg = await loadConfig();
	cp.config = cfg;
	$('open-banner').hidden = cfg.raw.open !== true;
	showLinks($('links'), cfg);
	showUser(cfg);
	const interval = $('interval');
	interval.value = store.get('interval', '250');
	if (interval.selectedIndex < 0)
		interval.value = '250';
	interval.onchange = () => store.set('interval', interval.value);
	modes = {
		live: liveMode(cfg, $('live'), hooks),
		mjpeg: mjpegMode($('mjpeg'), hooks),
		stills: stillsMode($('still'), hooks, () => Number(interval.value)),
		h264: h264Mode(cfg, $('h264'), $('h264c'), hooks),
		webrtc: webrtcMode(cfg, $('webrtc'), hooks),
	};
	rtcOn = cfg.raw.webrtc === true;
	$('mode-webrtc').hidden = !rtcOn;
	$('key-webrtc').hidden = !rtcOn;
	cp.stills = modes.stills.stats;
	for (const input of document.querySelectorAll('input[name=mode]'))
		input.onchange = () => setMode(input.value);
	$('rotate').onclick = rotate;
	$('flip-h').onclick = () => flip('flipH');
	$('flip-v').onclick = () => flip('flipV');
	$('fullscreen').onclick = fullscreen;
	$('snapshot').onclick = snapshot;
	$('stage').ondblclick = fullscreen;
	document.addEventListener('keydown', onKey);
	document.addEventListener('visibilitychange', onVisibility);
	applyView();
	setMode(...firstMode());
	setInterval(render, 250);
	pollStatus();
	startSettings();
}

main();
