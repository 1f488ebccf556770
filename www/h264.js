// SPDX-License-Identifier: ISC
// h264.js: the viewer's H.264 mode: wsd's PATH.h264 WebSocket (an MP4 init
// segment, then one fragment per frame) played through Media Source
// Extensions in a <video>.  Each fragment's campipe SEI is read from the
// bytes before they are appended; a frame shown (requestVideoFrameCallback)
// is matched to its capture time through its media time.
import { Backoff, wsProtocols, wsUrl } from './campipe.js';

export const H264_TYPE = 'video/mp4; codecs="avc1.42E01F"';
const STALL_MS = 10000;
const MAX_LAG_S = 0.5;		// behind the live edge: jump
const KEEP_S = 10;		// buffer kept behind the playhead

// Finds "campipe seq=S t=SEC.USEC" in bytes (a fragment holding the SEI).
// Returns {seq, t} or null.
export function parseSei(u8) {
	const pat = [0x63, 0x61, 0x6d, 0x70, 0x69, 0x70, 0x65, 0x20, 0x73, 0x65,
	    0x71, 0x3d];	// "campipe seq="
	outer:
	for (let i = 0; i + pat.length < u8.length; i++) {
		for (let k = 0; k < pat.length; k++)
			if (u8[i + k] !== pat[k])
				continue outer;
		let s = '';
		for (let j = i; j < u8.length && j < i + 64 && u8[j] >= 0x20 &&
		    u8[j] < 0x7f; j++)
			s += String.fromCharCode(u8[j]);
		const m = /^campipe seq=(\d+) t=(\d+)\.(\d{6})/.exec(s);
		if (m !== null)
			return { seq: Number(m[1]), t: Number(m[2]) + Number(m[3]) / 1e6 };
	}
	return null;
}

// Whether this browser can play the stream at all.
export function h264Supported() {
	return typeof MediaSource !== 'undefined' &&
	    MediaSource.isTypeSupported(H264_TYPE) &&
	    'requestVideoFrameCallback' in HTMLVideoElement.prototype;
}

export function h264Mode(cfg, video, hooks) {
	const backoff = new Backoff();
	const h264cfg = Object.assign({}, cfg, { wsPath: cfg.wsPath + '.h264' });
	let gen = 0, ws = null, ms = null, sb = null, url = null, timer = 0;
	let queue = [], t0 = null, frames = [], last = 0, watch = 0, state = '';

	function setState(s, d) {
		state = s;
		hooks.state(s, d);
	}

	function teardown() {
		if (ws !== null) {
			ws.onclose = ws.onmessage = null;
			ws.close();
			ws = null;
		}
		video.removeAttribute('src');
		video.load();
		if (url !== null)
			URL.revokeObjectURL(url);
		url = ms = sb = null;
		queue = [];
		frames = [];
		t0 = null;
	}

	function retry(why) {
		teardown();
		const d = backoff.delay();
		setState('reconnecting', why + '; retry in ' + (d / 1000).toFixed(1) + ' s');
		clearTimeout(timer);
		timer = setTimeout(() => connect(gen), d);
	}

	// Appends the next queued segment when the buffer is free; keeps
	// playback near the live edge and the buffer short.
	function pump() {
		if (sb === null || sb.updating || queue.length === 0)
			return;
		try {
			const b = video.buffered;
			if (b.length > 0 && video.currentTime - b.start(0) > KEEP_S + 5) {
				sb.remove(b.start(0), video.currentTime - KEEP_S);
				return;
			}
			sb.appendBuffer(queue.shift());
		} catch (e) {
			retry('cannot play: ' + (e.message || e));
		}
	}

	function afterAppend() {
		const b = video.buffered;
		if (b.length > 0) {
			const end = b.end(b.length - 1);
			if (end - video.currentTime > MAX_LAG_S)
				video.currentTime = Math.max(b.start(b.length - 1), end - 0.05);
		}
		if (video.paused)
			video.play().catch(() => {});
		pump();
	}

	function message(data) {
		if (!(data instanceof ArrayBuffer))
			return;
		last = performance.now();
		const u8 = new Uint8Array(data);
		const sei = parseSei(u8);
		if (sei !== null) {
			// fragments are timed from the first one's capture time
			if (t0 === null)
				t0 = sei.t;
			frames.push({ media: sei.t - t0, seq: sei.seq, t: sei.t });
			if (frames.length > 120)
				frames.shift();
		}
		if (state !== 'live') {
			setState('live', '');
			backoff.reset();
		}
		queue.push(data);
		if (queue.length > 60)
			queue.splice(1, queue.length - 60);
		pump();
	}

	// The capture time of the frame shown at media time mt.
	function captured(mt) {
		let best = null;
		for (const f of frames)
			if (best === null || Math.abs(f.media - mt) < Math.abs(best.media - mt))
				best = f;
		return best && Math.abs(best.media - mt) < 0.02 ? best : null;
	}

	function onVideoFrame(g) {
		return (now, md) => {
			if (g !== gen)
				return;
			const f = captured(md.mediaTime);
			hooks.shown(f && { seq: f.seq, t: f.t }, md.width, md.height);
			video.requestVideoFrameCallback(onVideoFrame(g));
		};
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
		ms = new MediaSource();
		url = URL.createObjectURL(ms);
		video.src = url;
		ms.addEventListener('sourceopen', () => {
			if (g !== gen || ms === null)
				return;
			sb = ms.addSourceBuffer(H264_TYPE);
			sb.mode = 'segments';
			sb.addEventListener('updateend', afterAppend);
			pump();
		}, { once: true });
		let opened = false;
		ws.onopen = () => {
			opened = true;
			last = performance.now();
			setState('waiting', 'connected, no frames yet');
		};
		ws.onmessage = (ev) => message(ev.data);
		ws.onclose = (ev) => {
			ws = null;
			retry(!opened ? 'cannot connect to ' + u :
			    ev.code === 1006 ? 'connection lost' :
			    'closed (' + ev.code + (ev.reason ? ' ' + ev.reason : '') + ')');
		};
		video.requestVideoFrameCallback(onVideoFrame(g));
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
		el: video,
		start() {
			gen++;
			if (!h264Supported()) {
				setState('unsupported', 'this browser cannot play H.264 ' +
				    'through Media Source Extensions; choose Live');
				return;
			}
			video.muted = true;
			connect(gen);
			watch = setInterval(checkStall, 1000);
		},
		stop() {
			gen++;
			clearTimeout(timer);
			clearInterval(watch);
			teardown();
			setState('stopped', '');
		},
		dropped: () => 0,
		snapshot() {
			if (video.videoWidth === 0)
				return Promise.resolve(null);
			const c = document.createElement('canvas');
			c.width = video.videoWidth;
			c.height = video.videoHeight;
			c.getContext('2d').drawImage(video, 0, 0);
			return new Promise((res) => c.toBlob(res, 'image/jpeg', 0.92));
		},
	};
}
