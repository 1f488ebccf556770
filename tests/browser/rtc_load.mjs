// SPDX-License-Identifier: ISC
// rtc_load.mjs: receive-only WebRTC sessions of one camera in one headless
// Chromium page, for make bench (scripts/bench_webrtc.py).  Usage:
//   node rtc_load.mjs URL N WARM SECONDS        N sessions, held
//   node rtc_load.mjs URL pli K                 1 session, K keyframe requests
// URL is httpd's root; each session POSTs its offer to URL/whep as the
// viewer's WebRTC mode does (H.264 first, abs-capture-time asked for) and
// DELETEs it at the end.  Each receiver's encoded frames go to one worker
// (RTCRtpScriptTransform), which counts them and passes only the key frames
// on to the decoder: 50 sessions cost Chromium the network, DTLS, SRTP and
// one decode per GOP each.  (Passing none would make each receiver ask for
// a keyframe every few hundred ms, and capd encode more IDRs.)
// Held: once every session has frames, WARM seconds, then "#window start",
// SECONDS, "#window end" (the caller samples CPU between the two), then one
// JSON line: {sessions, connected, withFrames, frames, bytes, keys, pli,
// fir, nack, lost, seconds}, the counts the window's (all sessions).
// pli: after 2 s, K requests 0.6 s apart (rtcd holds one per 500 ms per
// camera), each the receiver's sendKeyFrameRequest() (an RTCP PLI), timed
// in the worker from the request to the next key frame complete at the
// receiver; one JSON line: {asked, got, ms: [...]}.
import { chromium } from 'playwright-core';

const [url, a1, a2, a3] = process.argv.slice(2);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
	'--disable-background-networking', '--disable-quic', '--no-first-run',
	'--disable-component-update', '--disable-sync'];

// The worker: counts each session's encoded frames, passes the key frames; times
// a keyframe request to the next key frame.
const WORKER = `
const sess = new Map();
onrtctransform = async (ev) => {
	const t = ev.transformer;
	const s = { t, frames: 0, bytes: 0, keys: 0, asked: 0 };
	sess.set(t.options.id, s);
	const r = t.readable.getReader(), w = t.writable.getWriter();
	for (;;) {
		const { value, done } = await r.read();
		if (done)
			return;
		s.frames++;
		s.bytes += value.data.byteLength;
		if (value.type === 'key') {
			s.keys++;
			if (s.asked) {
				postMessage({ id: t.options.id, ms: performance.now() - s.asked });
				s.asked = 0;
			}
		}
		// only key frames go on to the decoder: the rest are counted only
		if (value.type === 'key')
			await w.write(value);
	}
};
onmessage = (e) => {
	const s = sess.get(e.data.id);
	if (e.data.pli && s) {
		s.asked = performance.now();
		s.t.sendKeyFrameRequest().catch((x) => postMessage({ id: e.data.id, err: String(x) }));
	} else if (e.data.counts) {
		postMessage({ counts: [...sess.values()].map((x) => [x.frames, x.keys]) });
	}
};
`;

function pageMain() {
	const ACT = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time';
	const worker = new Worker(URL.createObjectURL(new Blob([window.campipeWorker],
	    { type: 'text/javascript' })));
	const bench = { worker, pcs: [], sessions: [], waiters: [] };
	worker.onmessage = (e) => {
		const w = bench.waiters.shift();
		if (w)
			w(e.data);
	};
	bench.ask = (msg) => new Promise((res) => {
		bench.waiters.push(res);
		worker.postMessage(msg);
	});
	// One session: offer, POST, answer; resolves with the Location.
	bench.open = async (id) => {
		const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle',
		    rtcpMuxPolicy: 'require' });
		const tr = pc.addTransceiver('video', { direction: 'recvonly' });
		const codecs = RTCRtpReceiver.getCapabilities('video').codecs;
		const h = codecs.filter((c) => /h264/i.test(c.mimeType) &&
		    /packetization-mode=1/.test(c.sdpFmtpLine || ''));
		h.sort((a, b) => /42e01f/.test(b.sdpFmtpLine) - /42e01f/.test(a.sdpFmtpLine));
		tr.setCodecPreferences(h.concat(codecs.filter((c) => /rtx/i.test(c.mimeType))));
		tr.setHeaderExtensionsToNegotiate(tr.getHeaderExtensionsToNegotiate()
		    .map((e) => e.uri === ACT ? { uri: e.uri, direction: 'recvonly' } : e));
		tr.receiver.transform = new RTCRtpScriptTransform(worker, { id });
		await pc.setLocalDescription(await pc.createOffer());
		const r = await fetch('/whep', { method: 'POST', cache: 'no-store',
		    headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
		const text = await r.text();
		if (r.status !== 201)
			throw new Error('POST /whep: ' + r.status + ' ' + text.slice(0, 200));
		await pc.setRemoteDescription({ type: 'answer', sdp: text });
		bench.pcs.push(pc);
		bench.sessions.push(new URL(r.headers.get('Location'), r.url).href);
	};
	// The figures summed over the sessions: frames and key frames as the
	// worker saw them, the rest from the inbound video stats.
	bench.stats = async () => {
		const t = { connected: 0, bytes: 0, frames: 0, keys: 0, pli: 0, fir: 0, nack: 0,
		    lost: 0, withFrames: 0 };
		for (const [f, k] of (await bench.ask({ counts: true })).counts) {
			t.frames += f;
			t.keys += k;
			if (f > 0)
				t.withFrames++;
		}
		for (const pc of bench.pcs) {
			if (pc.connectionState === 'connected')
				t.connected++;
			(await pc.getStats()).forEach((s) => {
				if (s.type !== 'inbound-rtp' || s.kind !== 'video')
					return;
				t.bytes += s.bytesReceived || 0;
				t.pli += s.pliCount || 0;
				t.fir += s.firCount || 0;
				t.nack += s.nackCount || 0;
				t.lost += s.packetsLost || 0;
			});
		}
		return t;
	};
	bench.close = async () => {
		await Promise.all(bench.sessions.map((u) => fetch(u, { method: 'DELETE' })
		    .then((r) => r.arrayBuffer()).catch(() => {})));
		for (const pc of bench.pcs)
			pc.close();
	};
	window.bench = bench;
}

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	headless: true, args: ARGS,
});
try {
	// the worker comes from a blob: the page's own CSP is not the point here
	const ctx = await browser.newContext({ bypassCSP: true });
	const page = await ctx.newPage();
	await page.goto(new URL('api/config', url).href);
	await page.evaluate((w) => { window.campipeWorker = w; }, WORKER);
	await page.evaluate(pageMain);
	const pli = a1 === 'pli';
	const n = pli ? 1 : Number(a1);
	for (let i = 0; i < n; i++)
		await page.evaluate((id) => window.bench.open(id), i);
	const until = Date.now() + 30000;
	let st = await page.evaluate(() => window.bench.stats());
	while (st.withFrames < n && Date.now() < until) {
		await page.waitForTimeout(200);
		st = await page.evaluate(() => window.bench.stats());
	}
	if (st.withFrames < n)
		throw new Error(`only ${st.withFrames} of ${n} sessions got frames`);
	if (pli) {
		await page.waitForTimeout(2000);
		const ms = await page.evaluate(async (k) => {
			const b = window.bench, out = [];
			for (let i = 0; i < k; i++) {
				const t = performance.now();
				const got = await Promise.race([b.ask({ id: 0, pli: true }),
				    new Promise((res) => setTimeout(() => res(null), 2000))]);
				if (got && typeof got.ms === 'number')
					out.push(got.ms);
				else if (got === null)
					b.waiters.shift();
				await new Promise((res) => setTimeout(res,
				    Math.max(0, t + 600 - performance.now())));
			}
			return out;
		}, Number(a2));
		console.log(JSON.stringify({ asked: Number(a2), got: ms.length, ms }));
	} else {
		await page.waitForTimeout(Number(a2) * 1000);
		const s0 = await page.evaluate(() => window.bench.stats());
		const t0 = Date.now();
		console.log('#window start');
		await page.waitForTimeout(Number(a3) * 1000);
		console.log('#window end');
		const s1 = await page.evaluate(() => window.bench.stats());
		const secs = (Date.now() - t0) / 1000;
		const d = {};
		for (const k of ['bytes', 'frames', 'keys', 'pli', 'fir', 'nack', 'lost'])
			d[k] = s1[k] - s0[k];
		console.log(JSON.stringify(Object.assign({ sessions: n, connected: s1.connected,
		    withFrames: s1.withFrames, seconds: secs }, d)));
	}
	await page.evaluate(() => window.bench.close());
} finally {
	await browser.close();
}
