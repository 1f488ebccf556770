// SPDX-License-Identifier: ISC
// latency.mjs: capture-to-display latency of one viewer mode in headless
// Chromium, for make bench (scripts/bench_latency.py).  Usage:
//   node latency.mjs URL MODE SECONDS
// MODE is live, h264 (the URL's ?h264=mse|webcodecs picks the way) or
// webrtc.  After 3 s of warm-up it records, for SECONDS, each frame's own
// latency as the page reports it (window.campipe.listen: capture time from
// the COM segment, the SEI or WebRTC's abs-capture-time, display time at
// the canvas draw or requestVideoFrameCallback) and
// prints one JSON line: {mode, path, n, fps, p50, p90, width, height,
// jitterBufferMs}: for WebRTC, Chromium's jitter buffer's mean delay per
// frame over the window (inbound-rtp jitterBufferDelay ÷
// jitterBufferEmittedCount), part of the latency; else null.
import { chromium } from 'playwright-core';

const [url, mode, secs] = process.argv.slice(2);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
	'--disable-background-networking', '--disable-quic', '--no-first-run',
	'--disable-component-update', '--disable-sync'];

function pct(s, p) {
	return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))] : null;
}

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	headless: true, args: ARGS,
});
try {
	const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
	await page.addInitScript((m) => localStorage.setItem('campipe.mode', m), mode);
	// the page's peer connections, for their jitter buffer's figures
	await page.addInitScript(() => {
		const P = window.RTCPeerConnection;
		window.benchPeers = [];
		if (P)
			window.RTCPeerConnection = class extends P {
				constructor(...a) {
					super(...a);
					window.benchPeers.push(this);
				}
			};
	});
	await page.goto(url);
	await page.waitForFunction((m) => window.campipe && window.campipe.mode === m &&
	    window.campipe.state === 'live' && window.campipe.frames > 10, mode,
	    { timeout: 30000 });
	await page.waitForTimeout(3000);
	const r = await page.evaluate(async (ms) => {
		const lat = [];
		const on = (e) => {
			if (e.detail.latencyMs !== null)
				lat.push(e.detail.latencyMs);
		};
		// Chromium's jitter buffer: total delay and frames out, so far
		const jb = async () => {
			const pc = window.benchPeers[window.benchPeers.length - 1];
			let d = null;
			if (pc)
				(await pc.getStats()).forEach((s) => {
					if (s.type === 'inbound-rtp' && s.kind === 'video')
						d = [s.jitterBufferDelay, s.jitterBufferEmittedCount];
				});
			return d;
		};
		const j0 = await jb();
		const f0 = window.campipe.frames;
		window.campipe.listen = true;
		window.addEventListener('campipe:shown', on);
		await new Promise((res) => setTimeout(res, ms));
		window.removeEventListener('campipe:shown', on);
		const c = window.campipe, j1 = await jb();
		return { lat, frames: c.frames - f0, path: c.path, width: c.width,
		    height: c.height, jb: j0 && j1 && j1[1] > j0[1] ?
		    (j1[0] - j0[0]) * 1000 / (j1[1] - j0[1]) : null };
	}, Number(secs) * 1000);
	const s = r.lat.sort((a, b) => a - b);
	console.log(JSON.stringify({ mode, path: r.path, n: s.length,
	    fps: r.frames / Number(secs), p50: pct(s, 0.5), p90: pct(s, 0.9),
	    width: r.width, height: r.height, jitterBufferMs: r.jb }));
} finally {
	await browser.close();
}
