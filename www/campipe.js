// SPDX-License-Identifier: ISC
// campipe.js: what the viewer and the stream page share: the configuration
// served by httpd, the WebSocket address, the COM segment reader, the live
// WebSocket feed with reconnect and frame dropping, and a frame-rate meter.

const DEFAULT_WS_PATH = '/stream';
const STALL_MS = 20000;

// Reads httpd's /api/config; a missing or broken config means "same origin,
// default path", which is also what a reverse proxy in front of both needs.
export async function loadConfig() {
	let c = null;
	try {
		const r = await fetch('api/config', { cache: 'no-store' });
		if (r.ok)
			c = await r.json();
	} catch (e) {
		// keep the defaults
	}
	return configFrom(c);
}

// The settings the pages use from the JSON of /api/config:
// {"ws":{"port":8081,"path":"/stream"},"auth":false} or {"ws_port":8081}.
export function configFrom(c) {
	if (c === null || typeof c !== 'object')
		c = {};
	const ws = (typeof c.ws === 'object' && c.ws) || {};
	const port = Number(ws.port ?? c.ws_port);
	const path = ws.path ?? c.ws_path;
	return {
		wsPort: Number.isInteger(port) && port > 0 && port < 65536 ? port : 0,
		wsPath: typeof path === 'string' && path !== '' ? path : DEFAULT_WS_PATH,
		auth: configAuth(c.auth),
		raw: c,
	};
}

// Whether httpd said authentication is on: true, false, or null when it
// said nothing (then the pages ask /api/token and take a 404 as "off").
function configAuth(a) {
	if (typeof a === 'object' && a !== null)
		a = a.enabled;
	return typeof a === 'boolean' ? a : null;
}

// The WebSocket URL for a page at loc: wss under https; wsd's own port if the
// config names one, else the page's origin with the path relative to the
// page, so that a proxy's prefix (https://host/cam/) is kept.
export function wsUrl(cfg, loc = window.location) {
	const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
	if (!cfg.wsPort) {
		const u = new URL(cfg.wsPath.replace(/^\/+/, ''), loc.href);
		return proto + '//' + u.host + u.pathname + u.search;
	}
	const path = cfg.wsPath.startsWith('/') ? cfg.wsPath : '/' + cfg.wsPath;
	return proto + '//' + loc.hostname + ':' + cfg.wsPort + path;
}

// Subprotocols for wsd: with auth on, "campipe" (which wsd answers with)
// and "campipe.token.<token>" with a fresh token from httpd's /api/token,
// which answers {"token": ...} (or the bare token) and 404 when auth is off.
export async function wsProtocols(cfg) {
	if (cfg.auth === false)
		return [];
	const r = await fetch('api/token', { cache: 'no-store' });
	if (r.status === 404 && cfg.auth === null)
		return [];
	if (!r.ok)
		throw new Error('token: HTTP ' + r.status);
	const body = (await r.text()).trim();
	const t = body.startsWith('{') ? JSON.parse(body).token : body;
	return ['campipe', 'campipe.token.' + t];
}

// Reads "campipe seq=S t=SEC.USEC" from the COM segment right after SOI:
// FF D8 FF FE len16 text.  Returns {seq, t} (t in seconds) or null.
export function parseCom(buf) {
	const b = new Uint8Array(buf instanceof ArrayBuffer ? buf : buf.buffer,
	    buf.byteOffset || 0, Math.min(buf.byteLength, 80));
	if (b.length < 6 || b[0] !== 0xff || b[1] !== 0xd8 ||
	    b[2] !== 0xff || b[3] !== 0xfe)
		return null;
	const len = (b[4] << 8) | b[5];
	if (len < 2 || 4 + len > b.length)
		return null;
	let s = '';
	for (let i = 6; i < 4 + len; i++)
		s += String.fromCharCode(b[i]);
	const m = /^campipe seq=(\d+) t=(\d+)\.(\d{6})$/.exec(s);
	if (m === null)
		return null;
	return { seq: Number(m[1]), t: Number(m[2]) + Number(m[3]) / 1e6 };
}

// Capture-to-display latency in ms of a frame captured at t (seconds), or
// null; assumes the camera's and this device's clocks agree.
export function latencyOf(com) {
	return com ? Date.now() - com.t * 1000 : null;
}

// Draws a decoded frame on a canvas sized to it, then frees the bitmap.
export function paint(canvas, ctx, bmp) {
	if (canvas.width !== bmp.width || canvas.height !== bmp.height) {
		canvas.width = bmp.width;
		canvas.height = bmp.height;
	}
	ctx.drawImage(bmp, 0, 0);
	bmp.close();
}

// The picture an image or video element shows (w by h), drawn again as
// a JPEG Blob; null before the first.
export function snapshotOf(el, w, h) {
	if (!w || !h)
		return Promise.resolve(null);
	const c = document.createElement('canvas');
	c.width = w;
	c.height = h;
	c.getContext('2d').drawImage(el, 0, 0);
	return new Promise((res) => c.toBlob(res, 'image/jpeg', 0.92));
}

// Counts frames and gives the rate over the last two seconds, or over a
// few frames when they come slower than that (stills every 5 s).
export class Meter {
	constructor(windowMs = 2000) {
		this.windowMs = windowMs;
		this.span = windowMs;
		this.times = [];
		this.frames = 0;
	}

	tick() {
		const now = performance.now();
		const n = this.times.length;
		if (n > 0)
			this.span = Math.max(this.windowMs, 2.5 * (now - this.times[n - 1]));
		this.frames++;
		this.times.push(now);
		while (this.times.length > 2 && now - this.times[0] > this.span)
			this.times.shift();
	}

	fps() {
		const n = this.times.length;
		if (n < 2 || performance.now() - this.times[n - 1] > this.span)
			return 0;
		return (n - 1) * 1000 / (this.times[n - 1] - this.times[0]);
	}
}

// Retry delays: 0.5 s doubling to 10 s, back to the start after success.
export class Backoff {
	constructor(first = 500, max = 10000) {
		this.first = first;
		this.max = max;
		this.next = first;
	}

	delay() {
		const d = this.next;
		this.next = Math.min(this.next * 2, this.max);
		return d * (0.8 + 0.4 * Math.random());
	}

	reset() {
		this.next = this.first;
	}
}

// The live feed: one WebSocket to wsd, binary JPEG messages decoded with
// createImageBitmap.  At most one decode runs; while it runs only the newest
// message waits, older ones are dropped.  Reconnects with backoff.
//   onFrame(bitmap, bytes, com)  a decoded frame; the callee closes bitmap
//   onState(state, detail)      'connecting', 'live', 'waiting' (open, no
//                               frames for a while), 'reconnecting', 'stopped'
export class LiveFeed {
	constructor(cfg, onFrame, onState) {
		this.cfg = cfg;
		this.onFrame = onFrame;
		this.onState = onState;
		this.backoff = new Backoff();
		this.ws = null;
		this.timer = 0;
		this.decoding = false;
		this.pending = null;
		this.dropped = 0;
		this.received = 0;
		this.lastMessage = 0;
		this.running = false;
		this.gen = 0;
		this.state = '';
	}

	setState(state, detail) {
		this.state = state;
		this.onState(state, detail);
	}

	start() {
		if (this.running)
			return;
		this.running = true;
		this.connect();
		this.watch = setInterval(() => this.checkStall(), 1000);
	}

	stop() {
		this.running = false;
		this.gen++;
		clearTimeout(this.timer);
		clearInterval(this.watch);
		if (this.ws !== null) {
			this.ws.onclose = this.ws.onmessage = null;
			this.ws.close();
			this.ws = null;
		}
		this.pending = null;
		this.setState('stopped', '');
	}

	async connect() {
		const gen = this.gen;
		const url = wsUrl(this.cfg);
		this.setState('connecting', url);
		let ws;
		try {
			ws = new WebSocket(url, await wsProtocols(this.cfg));
		} catch (e) {
			this.retry(String(e.message || e));
			return;
		}
		if (gen !== this.gen) {
			ws.close();
			return;
		}
		this.ws = ws;
		ws.binaryType = 'arraybuffer';
		let opened = false;
		ws.onopen = () => {
			opened = true;
			this.lastMessage = performance.now();
			this.setState('waiting', 'connected, no frames yet');
		};
		ws.onmessage = (ev) => this.message(ev.data);
		ws.onclose = (ev) => {
			this.ws = null;
			this.retry(!opened ? 'cannot connect to ' + url :
			    ev.code === 1006 ? 'connection lost' :
			    'closed (' + ev.code + (ev.reason ? ' ' + ev.reason : '') + ')');
		};
	}

	retry(why) {
		if (!this.running)
			return;
		const d = this.backoff.delay();
		this.setState('reconnecting', why + '; retry in ' +
		    (d / 1000).toFixed(1) + ' s');
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.connect(), d);
	}

	// Says so when frames stop; after STALL_MS opens a new connection, in
	// case this one died without a word (a phone that slept, a lost route).
	checkStall() {
		const ws = this.ws;
		const quiet = performance.now() - this.lastMessage;
		if (ws === null || ws.readyState !== WebSocket.OPEN || quiet < 3000)
			return;
		if (quiet < STALL_MS) {
			this.setState('waiting', 'connected, no frames for ' +
			    (quiet / 1000).toFixed(0) + ' s');
			return;
		}
		ws.onclose = ws.onmessage = null;
		ws.close();
		this.ws = null;
		this.retry('no frames for ' + (quiet / 1000).toFixed(0) + ' s');
	}

	message(data) {
		if (!(data instanceof ArrayBuffer))
			return;
		this.received++;
		if (this.state !== 'live')
			this.setState('live', '');
		this.lastMessage = performance.now();
		this.backoff.reset();
		if (this.decoding) {
			if (this.pending !== null)
				this.dropped++;
			this.pending = data;
			return;
		}
		this.decode(data);
	}

	async decode(data) {
		const gen = this.gen;
		this.decoding = true;
		try {
			const bmp = await createImageBitmap(new Blob([data],
			    { type: 'image/jpeg' }));
			if (gen === this.gen)
				this.onFrame(bmp, data, parseCom(data));
			else
				bmp.close();
		} catch (e) {
			this.dropped++;
		}
		this.decoding = false;
		const next = this.pending;
		this.pending = null;
		if (next !== null && gen === this.gen)
			this.decode(next);
	}
}
