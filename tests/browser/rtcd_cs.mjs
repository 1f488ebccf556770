// SPDX-License-Identifier: ISC
// rtcd_cs.mjs: Chromium plays campipe-rtcd through camera-streamer's JSON
// signalling on /webrtc, the way Mainsail and Fluidd run it: "request"
// (with STUN servers and keepAlive, and no Content-Type, as Mainsail sends
// it), the offer taken by a page with a receive-only transceiver, its
// answer POSTed, each gathered candidate POSTed as "remote_candidate";
// the video must play.  Then what rtcd refuses: a second answer, another
// session's id, an unknown type, a body that is not JSON.  The requests go
// to a real httpd, which hands them to rtcd: with "mainsail" made here as
// Mainsail makes them, with "page" made by the page the browser loaded
// from httpd, on its own origin, as camera-streamer's page posts to its
// own URL.
// Usage: node rtcd_cs.mjs PORT mainsail|page
import { check, launch, run, until } from './harness.mjs';

const [port, mode] = process.argv.slice(2);
const base = 'http://127.0.0.1:' + port;
let page = null;

// One signalling POST: the status, the content type and the body.
async function post(body, json = true) {
	const send = async ([url, body, json]) => {
		const r = await fetch(url, { method: 'POST', body,
		    headers: json ? { 'Content-Type': 'application/json' } : {} });
		return { status: r.status, ctype: r.headers.get('content-type'),
		    text: await r.text() };
	};
	const arg = [base + '/webrtc', body, json];
	return mode === 'page' ? page.evaluate(send, arg) : send(arg);
}

// The page takes the offer as the clients do and answers it.
async function answer(page, offer) {
	return page.evaluate(async (offer) => {
		const pc = new RTCPeerConnection({ iceServers: offer.iceServers,
		    sdpSemantics: 'unified-plan' });
		window.pc = pc;
		window.cands = [];
		window.frames = 0;
		const v = document.createElement('video');
		v.muted = true;
		v.autoplay = true;
		v.playsInline = true;
		document.body.appendChild(v);
		const tick = () => {
			window.frames++;
			v.requestVideoFrameCallback(tick);
		};
		v.requestVideoFrameCallback(tick);
		pc.addTransceiver('video', { direction: 'recvonly' });
		pc.onicecandidate = (e) => {
			if (e.candidate)
				window.cands.push(e.candidate.toJSON());
		};
		pc.ontrack = (e) => {
			if (e.track.kind === 'video') {
				v.srcObject = e.streams[0];
				v.play().catch(() => {});
			}
		};
		await pc.setRemoteDescription(offer);
		const a = await pc.createAnswer();
		await pc.setLocalDescription(a);
		return { type: pc.localDescription.type, sdp: pc.localDescription.sdp };
	}, offer);
}

run(async () => {
	const b = await launch(['--allow-loopback-in-peer-connection']);
	page = await b.ctx.newPage();
	if (mode === 'page')
		await page.goto(base + '/');
	// Mainsail's request; camera-streamer's page's, through httpd.
	const req = await post(JSON.stringify(mode === 'page' ? { type: 'request',
	    iceServers: [[{ urls: ['stun:stun.l.google.com:19302'] }]] } :
	    { type: 'request', iceServers: [{ urls: ['stun:stun.l.google.com:19302'] }],
	    keepAlive: true }), mode === 'page');
	check(req.status === 200, 'request answers 200', req.status + ' ' + req.text);
	check(req.ctype === 'application/json', 'as application/json', req.ctype);
	const offer = JSON.parse(req.text);
	check(/^[0-9a-f]{32}$/.test(offer.id) && offer.type === 'offer' &&
	    Array.isArray(offer.iceServers) && offer.iceServers.length === 0,
	    'the offer has an id, type offer and no ICE servers', req.text.slice(0, 80));
	check(req.text.startsWith('{"iceServers":[],"id":"' + offer.id +
	    '","sdp":"v=0\\r\\n'), 'keys in camera-streamer\'s order');
	const a = await answer(page, offer);
	const r = await post(JSON.stringify({ type: a.type, id: offer.id, sdp: a.sdp }));
	check(r.status === 200 && r.text === '{}', 'the answer is taken: 200 {}',
	    r.status + ' ' + r.text);
	await page.waitForTimeout(500);
	const cands = await page.evaluate(() => window.cands);
	for (const c of cands) {
		const rc = await post(JSON.stringify({ id: offer.id,
		    type: 'remote_candidate', candidates: [c] }));
		check(rc.status === 200 && rc.text === '{}',
		    'a remote_candidate is taken: 200 {}', rc.status + ' ' + rc.text);
	}
	await until(page, () => window.pc.connectionState === 'connected', null,
	    20000, 'ICE and DTLS connect', async (p) => p.evaluate(() =>
	    window.pc.connectionState + ' ice ' + window.pc.iceConnectionState));
	await until(page, () => window.frames >= 20, null, 20000,
	    'the video plays (20 frames presented)', async (p) =>
	    'frames ' + await p.evaluate(() => window.frames));

	// What is refused.
	let x = await post(JSON.stringify({ type: 'answer', id: offer.id, sdp: a.sdp }));
	check(x.status === 400 && x.text === 'the session has its answer already\n',
	    'a second answer: 400', x.status + ' ' + x.text);
	x = await post(JSON.stringify({ type: 'answer', id: '0'.repeat(32), sdp: a.sdp }));
	check(x.status === 404 && x.text === 'no such session\n',
	    'an unknown id: 404', x.status + ' ' + x.text);
	x = await post(JSON.stringify({ type: 'remote_candidate', id: 'x', candidates: [] }));
	check(x.status === 404, 'a remote_candidate of no session: 404', x.status + ' ' + x.text);
	x = await post(JSON.stringify({ type: 'hello' }));
	check(x.status === 400 && x.text === 'cs signal: the type is not request, ' +
	    'answer, remote_candidate or offer\n', 'an unknown type: 400 and why',
	    x.status + ' ' + x.text);
	x = await post('{"type":');
	check(x.status === 400 && /not one JSON object/.test(x.text),
	    'not JSON: 400 and why', x.status + ' ' + x.text);
	check(await page.evaluate(() => window.pc.connectionState) === 'connected',
	    'the session plays on');
	await b.close();
});
