// SPDX-License-Identifier: ISC
// modes.js: the viewer's three ways of getting pictures.  Each mode has
// start(), stop(), snapshot() (a Promise of a JPEG Blob or null) and el, the
// element it paints.  They report through the hooks object:
//   hooks.shown(com, width, height)   a picture reached the screen
//   hooks.state(state, detail)        connection state changed
import { Backoff, LiveFeed, paint, parseCom, snapshotOf } from './campipe.js';

// live: WebSocket frames drawn on a canvas.
export function liveMode(cfg, canvas, hooks) {
	const ctx = canvas.getContext('2d');
	let last = null;
	const feed = new LiveFeed(cfg, (bmp, bytes, com) => {
		paint(canvas, ctx, bmp);
		last = bytes;
		hooks.shown(com, canvas.width, canvas.height);
	}, hooks.state);
	return {
		el: canvas,
		start: () => feed.start(),
		stop: () => feed.stop(),
		dropped: () => feed.dropped,
		snapshot: async () => last && new Blob([last], { type: 'image/jpeg' }),
	};
}

// mjpeg: the browser plays /stream.mjpg in an <img>.  The element tells
// nothing per frame, so a tiny copy of the picture is compared on every
// animation frame to count the pictures that changed.
export function mjpegMode(img, hooks) {
	const probe = document.createElement('canvas');
	probe.width = 32;
	probe.height = 24;
	const pctx = probe.getContext('2d', { willReadFrequently: true });
	const backoff = new Backoff();
	let running = false, raf = 0, timer = 0, attempt = 0;
	let prev = 0, lastChange = 0;

	function sample() {
		raf = requestAnimationFrame(sample);
		if (!img.complete || img.naturalWidth === 0)
			return;
		pctx.drawImage(img, 0, 0, probe.width, probe.height);
		const d = pctx.getImageData(0, 0, probe.width, probe.height).data;
		let h = 0;
		for (let i = 0; i < d.length; i++)
			h = (Math.imul(h, 31) + d[i]) | 0;
		const now = performance.now();
		if (h !== prev) {
			prev = h;
			lastChange = now;
			hooks.state('live', '');
			hooks.shown(null, img.naturalWidth, img.naturalHeight);
		} else if (now - lastChange > 10000) {
			open('no new picture for 10 s');
		} else if (now - lastChange > 3000) {
			hooks.state('waiting', 'no new picture for ' +
			    ((now - lastChange) / 1000).toFixed(0) + ' s');
		}
	}

	function open(why) {
		img.onload = () => backoff.reset();
		img.onerror = () => {
			const d = backoff.delay();
			hooks.state('reconnecting', 'stream failed; retry in ' +
			    (d / 1000).toFixed(1) + ' s');
			img.removeAttribute('src');
			clearTimeout(timer);
			timer = setTimeout(() => open(''), d);
		};
		hooks.state(why ? 'reconnecting' : 'connecting', why);
		lastChange = performance.now();
		img.src = attempt++ === 0 ? 'stream.mjpg' : 'stream.mjpg?retry=' + attempt;
	}

	return {
		el: img,
		start() {
			if (running)
				return;
			running = true;
			attempt = 0;
			open('');
			raf = requestAnimationFrame(sample);
		},
		stop() {
			running = false;
			cancelAnimationFrame(raf);
			clearTimeout(timer);
			img.onerror = null;
			img.removeAttribute('src');
			hooks.state('stopped', '');
		},
		dropped: () => 0,
		snapshot: () => snapshotOf(img, img.naturalWidth, img.naturalHeight),
	};
}

// stills: /pi.jpg fetched again and again, one request at a time, shown
// through an object URL; the previous URL is revoked once the next shows.
export function stillsMode(img, hooks, intervalMs) {
	const backoff = new Backoff();
	let gen = 0, abort = null, url = null, blob = null;
	const stats = { inFlight: 0, maxInFlight: 0, requests: 0 };

	const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

	async function fetchOne() {
		abort = new AbortController();
		stats.inFlight++;
		stats.requests++;
		stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
		try {
			const r = await fetch('pi.jpg', { cache: 'no-store',
			    signal: abort.signal });
			if (!r.ok) {
				const why = (await r.text()).trim().slice(0, 120);
				throw new Error('HTTP ' + r.status + (why ? ': ' + why : ''));
			}
			return { buf: await r.arrayBuffer(),
			    stamp: r.headers.get('X-Timestamp') };
		} finally {
			stats.inFlight--;
		}
	}

	// The capture time: the COM segment, else httpd's X-Timestamp header.
	function captured(buf, stamp) {
		const t = Number(stamp);
		return parseCom(buf) || (stamp && t > 0 ? { seq: null, t } : null);
	}

	async function show({ buf, stamp }, g) {
		const b = new Blob([buf], { type: 'image/jpeg' });
		const u = URL.createObjectURL(b);
		img.src = u;
		try {
			await img.decode();
		} catch (e) {
			URL.revokeObjectURL(u);
			throw new Error('picture does not decode');
		}
		if (g !== gen) {
			URL.revokeObjectURL(u);
			return;
		}
		if (url !== null)
			URL.revokeObjectURL(url);
		url = u;
		blob = b;
		hooks.shown(captured(buf, stamp), img.naturalWidth, img.naturalHeight);
	}

	async function loop(g) {
		hooks.state('connecting', 'pi.jpg');
		while (g === gen) {
			const t0 = performance.now();
			let wait;
			try {
				await show(await fetchOne(), g);
				if (g !== gen)
					break;
				hooks.state('live', '');
				backoff.reset();
				wait = intervalMs() - (performance.now() - t0);
			} catch (e) {
				if (g !== gen)
					break;
				wait = backoff.delay();
				hooks.state('reconnecting', String(e.message || e) +
				    '; retry in ' + (wait / 1000).toFixed(1) + ' s');
			}
			await sleep(Math.max(0, wait));
		}
	}

	return {
		el: img,
		stats,
		start() {
			loop(++gen);
		},
		stop() {
			gen++;
			if (abort !== null)
				abort.abort();
			img.removeAttribute('src');
			if (url !== null)
				URL.revokeObjectURL(url);
			url = null;
			hooks.state('stopped', '');
		},
		dropped: () => 0,
		snapshot: async () => blob,
	};
}
