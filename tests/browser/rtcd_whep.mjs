// SPDX-License-Identifier: ISC
// rtcd_whep.mjs: a real WebRTC viewer of campipe-rtcd.  The page's
// RTCPeerConnection makes a receive-only video offer; this script POSTs it
// to httpd's /whep (handed to rtcd), gives the page the answer, and checks that the
// video plays: frames presented in every second of five, inbound-rtp
// counters rising.  Then capd is killed and started again (the video
// comes back in the same session), a STUN flood runs (the video goes on),
// and DELETE ends the session (the status shows none).
// Usage: node rtcd_whep.mjs PORT
import { check, control, launch, run, until } from './harness.mjs';

const [port] = process.argv.slice(2);
const base = 'http://127.0.0.1:' + port;

// The page's offer: one receive-only video transceiver, the video shown.
async function offer(page) {
	return page.evaluate(async () => {
		const pc = new RTCPeerConnection();
		window.pc = pc;
		window.frames_at = [];
		const v = document.createElement('video');
		v.muted = true;
		v.autoplay = true;
		v.playsInline = true;
		document.body.appendChild(v);
		const tick = (now) => {
			window.frames_at.push(now);
			v.requestVideoFrameCallback(tick);
		};
		v.requestVideoFrameCallback(tick);
		pc.ontrack = (e) => {
			v.srcObject = new MediaStream([e.track]);
			v.play().catch(() => {});
		};
		pc.addTransceiver('video', { direction: 'recvonly' });
		await pc.setLocalDescription();
		return pc.localDescription.sdp;
	});
}

// The page's inbound-rtp video counters.
async function inbound(page) {
	return page.evaluate(async () => {
		const r = { packetsReceived: 0, framesDecoded: 0, bytesReceived: 0 };
		(await window.pc.getStats()).forEach((s) => {
			if (s.type === 'inbound-rtp' && s.kind === 'video') {
				r.packetsReceived = s.packetsReceived;
				r.framesDecoded = s.framesDecoded;
				r.bytesReceived = s.bytesReceived;
			}
		});
		return r;
	});
}

// Frames presented so far.
async function nframes(page) {
	return page.evaluate(() => window.frames_at.length);
}

// Waits until the page has presented n more frames than it had.
async function more_frames(page, n, ms, what) {
	const had = await nframes(page);
	return until(page, ([had, n]) => window.frames_at.length >= had + n,
	    [had, n], ms, what, async (p) => 'frames ' + await nframes(p) +
	    ', ' + JSON.stringify(await inbound(p)));
}

// rtcd's status.
async function status() {
	const r = await fetch(base + '/api/webrtc');
	return r.json();
}

run(async () => {
	const b = await launch(['--allow-loopback-in-peer-connection']);
	const page = await b.ctx.newPage();
	const sdp = await offer(page);
	const r = await fetch(base + '/whep', { method: 'POST', body: sdp,
	    headers: { 'Content-Type': 'application/sdp' } });
	const answer = await r.text();
	check(r.status === 201, 'POST /whep answers 201 Created', r.status + ' ' + answer);
	check(r.headers.get('content-type') === 'application/sdp',
	    'the answer is application/sdp', r.headers.get('content-type'));
	const loc = r.headers.get('location') || '';
	check(/^\/whep\/[0-9a-f]{32}$/.test(loc), 'Location: /whep/ID', loc);
	check(/^"[^"]+"$/.test(r.headers.get('etag') || ''), 'an ETag',
	    r.headers.get('etag'));
	const ufrag = (/^a=ice-ufrag:(\S+)\r$/m.exec(answer) || [])[1];
	const set = await page.evaluate(async (sdp) => {
		try {
			await window.pc.setRemoteDescription({ type: 'answer', sdp });
			return '';
		} catch (e) {
			return String(e);
		}
	}, answer);
	check(set === '', 'setRemoteDescription takes the answer', set);
	await until(page, () => window.pc.connectionState === 'connected', null,
	    20000, 'ICE and DTLS connect', async (p) =>
	    p.evaluate(() => window.pc.connectionState + ' ice ' +
	    window.pc.iceConnectionState));
	await more_frames(page, 1, 20000, 'the first frame is presented');

	// Five seconds of video: frames in each of them, counters rising.
	const s0 = await inbound(page);
	const t0 = await page.evaluate(() => performance.now());
	await page.waitForTimeout(5200);
	const s1 = await inbound(page);
	const per = await page.evaluate((t0) => {
		const n = [0, 0, 0, 0, 0];
		for (const t of window.frames_at)
			if (t >= t0 && t < t0 + 5000)
				n[Math.floor((t - t0) / 1000)]++;
		return n;
	}, t0);
	check(per.every((n) => n > 0), 'frames presented in every one of 5 s',
	    JSON.stringify(per));
	check(s1.packetsReceived > s0.packetsReceived &&
	    s1.framesDecoded > s0.framesDecoded && s1.bytesReceived > s0.bytesReceived,
	    'inbound-rtp counters increase', JSON.stringify([s0, s1]));
	let st = await status();
	check(st.sessions === 1 && st.peers.length === 1 &&
	    st.peers[0].state === 'media' && st.peers[0].packets > 0,
	    'the status shows the session playing', JSON.stringify(st.peers));

	// capd killed and started again: the same session plays on.
	await control('restart capd');
	await more_frames(page, 20, 30000, 'the video resumes after capd restarts');
	check(await page.evaluate(() => window.pc.connectionState) === 'connected',
	    'the same connection goes on');

	// A STUN flood without valid integrity: the video goes on.
	await control('flood ' + ufrag);
	await more_frames(page, 10, 10000, 'the video goes on after the flood');
	st = await status();
	check(st.sessions === 1, 'the session survived the flood', JSON.stringify(st));

	// DELETE ends the session.
	const d = await fetch(base + loc, { method: 'DELETE' });
	check(d.status === 200, 'DELETE answers 200', String(d.status));
	st = await status();
	check(st.sessions === 0 && st.peers.length === 0,
	    'the status shows no session after DELETE', JSON.stringify(st));
	await b.close();
});
