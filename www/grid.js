// SPDX-License-Identifier: ISC
// grid.js: the grid page: every camera of /api/cameras in a tile, each in
// stills mode (its pi.jpg fetched every second, one request at a time) or
// live mode (its WebSocket), chosen per tile and remembered in this
// browser.  A camera that gives H.264 only (its still refused with capd's
// reason, www/h264only.js) is played through H.264 instead, as the viewer's
// H.264 mode plays it (WebCodecs or MSE).  A tile shows its camera's state; a hidden page stops every
// feed after a while so that unwatched cameras can rest.
// window.campipeGrid.tiles[name] holds each tile's counters for tests.
import { Backoff, LiveFeed, loadConfig, paint } from './campipe.js';
import { h264Mode } from './h264.js';
import { REASON, isRefusal } from './h264only.js';
import { listedState, viewState } from './states.js';

const STILL_EVERY = 1000;
const LIST_EVERY = 3000;
const HIDDEN_STOP = 15000;
const $ = (id) => document.getElementById(id);
const grid = window.campipeGrid = { tiles: {}, cameras: null };

const store = {
	get(k, d) {
		try {
			return localStorage.getItem('campipe.grid.' + k) ?? d;
		} catch (e) {
			return d;
		}
	},
	set(k, v) {
		try {
			localStorage.setItem('campipe.grid.' + k, v);
		} catch (e) {
			// not remembered, still works
		}
	},
};

// The camera's URL under the site's root, relative to this page.
const camUrl = (name, rest) => 'cam/' + encodeURIComponent(name) + '/' + rest;

// Stills for one tile: one request at a time, every STILL_EVERY ms.
function stillsFeed(name, img, onShown, onState) {
	const backoff = new Backoff(1000, 10000);
	let gen = 0, url = null, abort = null;

	async function loop(g) {
		while (g === gen) {
			let wait = STILL_EVERY;
			try {
				abort = new AbortController();
				const r = await fetch(camUrl(name, 'pi.jpg'),
				    { cache: 'no-store', signal: abort.signal });
				if (!r.ok)
					throw new Error('HTTP ' + r.status + ': ' +
					    (await r.text()).trim().slice(0, 80));
				const blob = await r.blob();
				if (g !== gen)
					return;
				const next = URL.createObjectURL(blob);
				await new Promise((res) => {
					img.onload = img.onerror = res;
					img.src = next;
				});
				if (url !== null)
					URL.revokeObjectURL(url);
				url = next;
				backoff.reset();
				onState('live', '');
				onShown(img.naturalWidth, img.naturalHeight);
			} catch (e) {
				if (g !== gen)
					return;
				wait = backoff.delay();
				onState('error', String(e.message || e));
			}
			await new Promise((res) => setTimeout(res, wait));
		}
	}
	return {
		start() {
			loop(++gen);
		},
		stop() {
			gen++;
			if (abort !== null)
				abort.abort();
		},
	};
}

// One tile: its elements, its mode, its feed.
function makeTile(cfg, cam) {
	const el = $('tile-t').content.firstElementChild.cloneNode(true);
	const canvas = el.querySelector('.tile-live');
	const img = el.querySelector('.tile-still');
	const ctx = canvas.getContext('2d');
	const video = el.querySelector('.tile-h264');
	const vcanvas = el.querySelector('.tile-h264c');
	const t = { name: cam.name, mode: store.get(cam.name, 'stills'),
	    frames: 0, width: 0, height: 0, seq: null, path: '', gives: '',
	    state: 'idle', detail: '', says: '',
	    camera: cam.state };
	grid.tiles[cam.name] = t;
	el.dataset.camera = cam.name;
	el.querySelector('.tile-name').textContent = cam.name;
	el.querySelector('.tile-pic').href = camUrl(cam.name, '');
	canvas.setAttribute('aria-label', cam.name + ', live');
	img.alt = cam.name + ', latest still';
	video.setAttribute('aria-label', cam.name + ', H.264');
	vcanvas.setAttribute('aria-label', cam.name + ', H.264');

	const shown = (w, h) => {
		t.frames++;
		t.lastFrame = new Date();
		t.width = w;
		t.height = h;
		el.dataset.frames = t.frames;
	};
	const state = (s, detail) => {
		t.state = s;
		t.detail = detail;
		// capd's refusal: H.264 once the feed has finished reporting
		if (t.mode !== 'h264' && isRefusal(detail))
			setTimeout(onlyH264, 0);
		render();
	};
	const feeds = {
		live: new LiveFeed({ ...cfg, wsPath: cam.ws || camUrl(cam.name, 'stream') },
		    (bmp) => {
			paint(canvas, ctx, bmp);
			shown(canvas.width, canvas.height);
		}, state),
		stills: stillsFeed(cam.name, img, shown, state),
		h264: cam.h264 ? h264Mode({ ...cfg, wsPath: cam.ws || camUrl(cam.name, 'stream') },
		    video, vcanvas, {
			shown(com, w, h) {
				if (com)
					t.seq = com.seq;
				shown(w, h);
			},
			state,
			path(p) {
				t.path = p;
			},
		}) : null,
	};
	let running = null;

	function render() {
		const v = viewState(t.state === 'idle' ? 'connecting' : t.state,
		    t.detail, listedState({ state: t.camera }));
		el.dataset.state = t.camera === 'offline' && t.state !== 'live' ?
		    'offline' : t.state;
		el.dataset.says = v.key;
		el.dataset.mode = t.mode;
		// A tile without pictures now keeps its last one, dimmed, and says
		// when it came.
		const stale = v.key !== 'live' && t.lastFrame !== undefined;
		el.toggleAttribute('data-stale', stale);
		t.says = v.text + (stale ? ', last frame ' +
		    t.lastFrame.toLocaleTimeString([], { hour12: false }) : '');
		el.querySelector('.tile-text').textContent = v.key === 'live' ?
		    { live: 'Live', h264: 'H.264' }[t.mode] || 'Stills' : t.says;
		el.querySelector('.tile-state').title = t.detail;
		const b = el.querySelector('.tile-mode');
		b.textContent = { live: 'Stills', stills: 'Live', h264: 'H.264 only' }[t.mode];
		b.disabled = t.mode === 'h264';
		b.title = t.mode === 'h264' ? REASON + ': played through H.264' :
		    'Switch between stills and live';
		canvas.hidden = t.mode !== 'live';
		img.hidden = t.mode !== 'stills';
	}
	function start() {
		if (running !== null)
			return;
		running = feeds[t.mode];
		if (running === null) {
			// httpd has no H.264 socket for this camera
			state('error', REASON + ', and this server has no H.264 for it');
			return;
		}
		running.start();
	}
	// The camera gives H.264 only: its feed for good (not remembered).
	function onlyH264() {
		if (t.mode === 'h264')
			return;
		stop();
		t.mode = 'h264';
		t.gives = 'h264';
		t.frames = 0;
		img.removeAttribute('src');
		render();
		start();
	}
	function stop() {
		if (running !== null)
			running.stop();
		running = null;
	}
	el.querySelector('.tile-mode').onclick = () => {
		stop();
		t.mode = t.mode === 'live' ? 'stills' : 'live';
		t.frames = 0;
		store.set(cam.name, t.mode);
		render();
		start();
	};
	render();
	return { el, start, stop, camera(c) {
		t.camera = c.state;
		render();
	} };
}

async function cameras() {
	const r = await fetch('api/cameras', { cache: 'no-store' });
	if (!r.ok)
		throw new Error('HTTP ' + r.status);
	return r.json();
}

async function main() {
	$('host').textContent = location.hostname;
	const cfg = await loadConfig();
	let list;
	try {
		list = await cameras();
	} catch (e) {
		$('grid-msg').textContent = 'cannot list the cameras: ' + (e.message || e);
		document.body.dataset.state = 'error';
		return;
	}
	grid.cameras = list;
	const tiles = list.cameras.map((c) => makeTile(cfg, c));
	for (const t of tiles)
		$('grid').append(t.el);
	// Why tiles start in stills: one small request a second per tile is
	// the lightest load on the Pi and the network when many are open.
	$('grid-msg').textContent = tiles.length ? 'Tiles show a still each ' +
	    'second, the lightest load on the camera and the network; Live ' +
	    'streams a tile (remembered in this browser).' : 'no cameras';
	document.body.dataset.state = 'ready';
	document.body.dataset.tiles = tiles.length;
	for (const t of tiles)
		t.start();

	// Camera states, while the page is seen.
	setInterval(async () => {
		if (document.hidden)
			return;
		try {
			const l = await cameras();
			grid.cameras = l;
			for (const c of l.cameras)
				tiles.find((t) => t.el.dataset.camera === c.name)?.camera(c);
		} catch (e) {
			// the tiles' own states say it
		}
	}, LIST_EVERY);

	// A page left hidden stops its feeds: the cameras can rest.
	let hiddenTimer = 0;
	document.addEventListener('visibilitychange', () => {
		clearTimeout(hiddenTimer);
		if (document.hidden)
			hiddenTimer = setTimeout(() => tiles.forEach((t) => t.stop()),
			    HIDDEN_STOP);
		else
			tiles.forEach((t) => t.start());
	});
}

main();
