// SPDX-License-Identifier: ISC
// h264.js: the viewer's H.264 mode: wsd's PATH.h264 WebSocket (an MP4 init
// segment, then one fragment per frame) played one of two ways.  In a
// secure context with a WebCodecs H.264 decoder, www/webcodecs.js decodes
// and draws on a canvas; elsewhere (plain http:// on a LAN) Media Source
// Extensions play it in a <video>.  Each fragment's campipe SEI is read from
// the bytes before they are played; with MSE a frame shown
// (requestVideoFrameCallback) is matched to its capture time through its
// media time, the decode time in the fragment's tfdt box (www/fmp4.js).
// "?h264=mse" or "?h264=webcodecs" in the page's address asks
// for one way where both work.
import { Backoff, snapshotOf, wsProtocols, wsUrl } from './campipe.js';
import { parseFragment, parseInit } from './fmp4.js';
import { parseSei } from './sei.js';
import { webcodecsSink, webcodecsSupported } from './webcodecs.js';

export { parseSei };
export const H264_TYPE = 'video/mp4; codecs="avc1.42E01F"';
const STALL_MS = 10000;
const MAX_LAG_S = 0.5;		// behind the live edge: jump
const FAST_LAG_S = 0.1;	// behind: play a little faster
const SLOW_LAG_S = 0.05;	// close enough: normal speed
const KEEP_S = 10;		// buffer kept behind the playhead

// Whether this browser can play the stream through MSE.
export function mseSupported() {
	return typeof MediaSource !== 'undefined' &&
	    MediaSource.isTypeSupported(H264_TYPE) &&
	    'requestVideoFrameCallback' in HTMLVideoElement.prototype;
}

// Which way: 'webcodecs', 'mse', or null with the reason.  want is the
// page's ?h264= choice, honoured where it works.
export async function choosePath(want) {
	const wc = await webcodecsSupported();
	const mse = mseSupported();
	if (want === 'mse' && mse)
		return { path: 'mse' };
	if (wc)
		return { path: 'webcodecs' };
	if (mse)
		return { path: 'mse' };
	return { path: null, why: 'this browser cannot play H.264: ' +
	    (window.isSecureContext ? 'no WebCodecs decoder for it' :
	    'WebCodecs needs HTTPS or localhost') +
	    ' and no Media Source Extensions for ' + H264_TYPE + '; choose Live' };
}

// The MSE sink: every message (init segment too) goes to one SourceBuffer.
function mseSink(video, hooks, fail) {
	const ms = new MediaSource();
	const url = URL.createObjectURL(ms);
	let sb = null, queue = [], scale = 0, frames = [], live = true;
	const sink = { dropped: 0 };

	// Appends the next queued segment when the buffer is free; keeps
	// playback near the live edge and the buffer short.
	function pump() {
		if (!live || sb === null || sb.updating || queue.length === 0)
			return;
		try {
			const b = video.buffered;
			if (b.length > 0 && video.currentTime - b.start(0) > KEEP_S + 5) {
				sb.remove(b.start(0), video.currentTime - KEEP_S);
				return;
			}
			sb.appendBuffer(queue.shift());
		} catch (e) {
			fail(e, false);
		}
	}

	function afterAppend() {
		if (!live)
			return;
		const b = video.buffered;
		if (b.length > 0) {
			const end = b.end(b.length - 1);
			const lag = end - video.currentTime;
			if (lag > MAX_LAG_S)
				video.currentTime = Math.max(b.start(b.length - 1), end - 0.05);
			else if (lag > FAST_LAG_S)
				video.playbackRate = 1.25;
			else if (lag < SLOW_LAG_S)
				video.playbackRate = 1;
		}
		if (video.paused)
			video.play().catch(() => {});
		pump();
	}

	// The capture time of the frame shown at media time mt.
	function captured(mt) {
		let best = null;
		for (const f of frames)
			if (best === null || Math.abs(f.media - mt) < Math.abs(best.media - mt))
				best = f;
		return best && Math.abs(best.media - mt) < 0.002 ? best : null;
	}

	function onVideoFrame(now, md) {
		if (!live)
			return;
		const f = captured(md.mediaTime);
		hooks.shown(f && { seq: f.seq, t: f.t }, md.width, md.height);
		video.requestVideoFrameCallback(onVideoFrame);
	}

	video.src = url;
	ms.addEventListener('sourceopen', () => {
		if (!live)
			return;
		try {
			sb = ms.addSourceBuffer(H264_TYPE);
		} catch (e) {
			fail(e, true);
			return;
		}
		sb.mode = 'segments';
		sb.addEventListener('updateend', afterAppend);
		pump();
	}, { once: true });
	video.requestVideoFrameCallback(onVideoFrame);

	// Queues a message; a fragment's SEI is kept with its media time.
	function add(u8) {
		const sei = parseSei(u8);
		if (sei !== null && scale > 0) {
			frames.push({ media: parseFragment(u8)[0].time / scale,
			    seq: sei.seq, t: sei.t });
			if (frames.length > 120)
				frames.shift();
		}
		queue.push(u8);
		if (queue.length > 60) {
			sink.dropped += queue.length - 60;
			queue.splice(1, queue.length - 60);
		}
		pump();
	}
	sink.push = add;
	sink.init = (u8) => {
		scale = parseInit(u8).timescale;
		add(u8);
	};
	sink.close = () => {
		live = false;
		video.removeAttribute('src');
		video.load();
		URL.revokeObjectURL(url);
	};
	sink.snapshot = () => snapshotOf(video, video.videoWidth, video.videoHeight);
	return sink;
}

// Whether a message is an init segment (it starts with an ftyp box).
function isInit(u8) {
	return u8.length >= 8 && u8[4] === 0x66 && u8[5] === 0x74 &&
	    u8[6] === 0x79 && u8[7] === 0x70;
}

// The mode.  hooks.path(name) is told 'WebCodecs' or 'MSE' (or '').
export function h264Mode(cfg, video, canvas, hooks) {
	const backoff = new Backoff();
	const h264cfg = Object.assign({}, cfg, { wsPath: cfg.wsPath + '.h264' });
	const want = new URLSearchParams(window.location.search).get('h264');
	let gen = 0, ws = null, sink = null, timer = 0, path = null;
	let last = 0, watch = 0, state = '', noWebCodecs = false, dropped = 0;
	let el = video;

	function setState(s, d) {
		state = s;
		hooks.state(s, d);
	}

	function show(p) {
		path = p;
		el = p === 'webcodecs' ? canvas : video;
		video.hidden = p !== 'mse';
		canvas.hidden = p !== 'webcodecs';
		if (hooks.path)
			hooks.path(p === 'webcodecs' ? 'WebCodecs' : p === 'mse' ? 'MSE' : '');
	}

	function teardown() {
		if (ws !== null) {
			ws.onclose = ws.onmessage = null;
			ws.close();
			ws = null;
		}
		if (sink !== null) {
			dropped += sink.dropped;
			sink.close();
			sink = null;
		}
	}

	function retry(why) {
		teardown();
		const d = backoff.delay();
		setState('reconnecting', why + '; retry in ' + (d / 1000).toFixed(1) + ' s');
		clearTimeout(timer);
		timer = setTimeout(() => connect(gen), d);
	}

	// A sink failed: early in WebCodecs means this stream does not decode
	// that way here, so MSE takes over; anything else reconnects.
	function sinkFailed(g, e, early) {
		if (g !== gen)
			return;
		const why = String((e && e.message) || e);
		if (early && path === 'webcodecs' && mseSupported()) {
			noWebCodecs = true;
			teardown();
			show('mse');
			setState('connecting', 'WebCodecs failed (' + why + '); using MSE');
			connect(g);
			return;
		}
		retry('cannot play: ' + why);
	}

	function message(g, data) {
		if (!(data instanceof ArrayBuffer))
			return;
		last = performance.now();
		const u8 = new Uint8Array(data);
		if (sink === null) {
			// a sink torn down since says nothing
			let me = null;
			const fail = (e, early) => {
				if (sink === me)
					sinkFailed(g, e, early);
			};
			me = sink = path === 'webcodecs' ?
			    webcodecsSink(canvas, hooks, fail) : mseSink(video, hooks, fail);
		}
		try {
			if (isInit(u8))
				sink.init(u8);
			else
				sink.push(u8);
		} catch (e) {
			sinkFailed(g, e, path === 'webcodecs' && isInit(u8));
			return;
		}
		if (state !== 'live') {
			setState('live', '');
			backoff.reset();
		}
	}

	async function connect(g) {
		if (g !== gen)
			return;
		const u = wsUrl(h264cfg);
		setState('connecting', u);
		let sock;
		try {
			sock = new WebSocket(u, await wsProtocols(cfg));
		} catch (e) {
			retry(String(e.message || e));
			return;
		}
		if (g !== gen) {
			sock.close();
			return;
		}
		ws = sock;
		ws.binaryType = 'arraybuffer';
		let opened = false;
		ws.onopen = () => {
			opened = true;
			last = performance.now();
			setState('waiting', 'connected, no frames yet');
		};
		ws.onmessage = (ev) => message(g, ev.data);
		ws.onclose = (ev) => {
			ws = null;
			retry(!opened ? 'cannot connect to ' + u :
			    ev.code === 1006 ? 'connection lost' :
			    'closed (' + ev.code + (ev.reason ? ' ' + ev.reason : '') + ')');
		};
	}

	function checkStall() {
		if (ws === null || state === 'reconnecting')
			return;
		const quiet = performance.now() - last;
		if (quiet > STALL_MS)
			retry('no frames for ' + (quiet / 1000).toFixed(0) + ' s');
		else if (quiet > 3000)
			setState('waiting', 'no frames for ' + (quiet / 1000).toFixed(0) + ' s');
	}

	return {
		get el() {
			return el;
		},
		async start() {
			const g = ++gen;
			video.muted = true;
			setState('connecting', 'choosing a decoder');
			const c = await choosePath(noWebCodecs ? 'mse' : want);
			if (g !== gen)
				return;
			if (c.path === 'webcodecs' && noWebCodecs)
				c.path = mseSupported() ? 'mse' : null;
			show(c.path);
			if (c.path === null) {
				video.hidden = false;
				setState('unsupported', c.why || 'this browser cannot ' +
				    'play H.264; choose Live');
				return;
			}
			connect(g);
			watch = setInterval(checkStall, 1000);
		},
		stop() {
			gen++;
			clearTimeout(timer);
			clearInterval(watch);
			teardown();
			video.hidden = canvas.hidden = true;
			el = video;
			setState('stopped', '');
		},
		dropped: () => dropped + (sink !== null ? sink.dropped : 0),
		snapshot: () => sink !== null ? sink.snapshot() : Promise.resolve(null),
	};
}
