// SPDX-License-Identifier: ISC
// sdp_answer.mjs: Chromium's own offers answered by campipe's SDP code
// (build/tools/sdp_answer, common/webrtc/sdp_answer.c): for a receive-only
// video transceiver, audio and video, and video with a data channel, the
// answer is taken by setRemoteDescription, the video is received as H.264
// and every other section is rejected.  No media flows: the answer's
// candidates are documentation addresses.
// Usage: node sdp_answer.mjs TOOL [SAVE_DIR]
// SAVE_DIR, when given, gets each offer and answer as NAME.offer.sdp and
// NAME.answer.sdp.  Exits 0 when every check holds.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { check, launch, run } from './harness.mjs';

const [tool, save] = process.argv.slice(2);

// The offers: what each asks for, made in the page.
const CASES = [
	{ name: 'video', audio: false, data: false },
	{ name: 'audio-video', audio: true, data: false },
	{ name: 'video-data', audio: false, data: true },
	// A positive control: the same answer without its fingerprint is refused.
	{ name: 'no-fingerprint', audio: false, data: false, drop: /^a=fingerprint:.*\r\n/m },
];

// Makes an offer in the page and keeps the connection for the answer.
async function offer(page, c) {
	return page.evaluate(async (c) => {
		const pc = new RTCPeerConnection();
		if (c.audio)
			pc.addTransceiver('audio', { direction: 'recvonly' });
		pc.addTransceiver('video', { direction: 'recvonly' });
		if (c.data)
			pc.createDataChannel('d');
		await pc.setLocalDescription();
		window.pcs = window.pcs || {};
		window.pcs[c.name] = pc;
		return pc.localDescription.sdp;
	}, c);
}

// Gives the connection its answer; what the page then sees.
async function answer(page, c, sdp) {
	return page.evaluate(async ([name, sdp]) => {
		const pc = window.pcs[name];
		try {
			await pc.setRemoteDescription({ type: 'answer', sdp });
		} catch (e) {
			return { error: String(e) };
		}
		return {
			signaling: pc.signalingState,
			transceivers: pc.getTransceivers().map((t) => ({
				kind: t.receiver.track.kind,
				mid: t.mid,
				direction: t.currentDirection,
			})),
			sctp: pc.sctp !== null,
		};
	}, [c.name, sdp]);
}

// The payload type of the answer's accepted video section, or null.
function chosen(sdp) {
	const m = /^m=video [1-9][0-9]* \S+ ([0-9]+)\r$/m.exec(sdp);
	return m ? m[1] : null;
}

// The offer's H.264 PTs with packetization-mode=1 and profile-level-id
// 42e01f (constrained baseline 3.1).
function h264(sdp) {
	const pts = [];
	for (const m of sdp.matchAll(/^a=fmtp:([0-9]+) (.*)\r$/gm)) {
		const p = m[2].split(';');
		if (p.includes('packetization-mode=1') &&
		    p.includes('profile-level-id=42e01f') &&
		    new RegExp('^a=rtpmap:' + m[1] + ' H264/90000\r$', 'm').test(sdp))
			pts.push(m[1]);
	}
	return pts;
}

run(async () => {
	const b = await launch();
	const page = await b.ctx.newPage();
	for (const c of CASES) {
		const o = await offer(page, c);
		const r = spawnSync(tool, [], { input: o, encoding: 'utf8' });
		if (save) {
			fs.writeFileSync(path.join(save, c.name + '.offer.sdp'), o);
			fs.writeFileSync(path.join(save, c.name + '.answer.sdp'), r.stdout || '');
		}
		if (!check(r.status === 0, c.name + ': the tool answers Chromium\'s offer',
		    r.stderr))
			continue;
		if (c.drop) {
			const s = await answer(page, c, r.stdout.replace(c.drop, ''));
			check(s.error, c.name + ': Chromium refuses the mangled answer', s.error);
			continue;
		}
		const s = await answer(page, c, r.stdout);
		if (!check(!s.error, c.name + ': setRemoteDescription takes the answer',
		    s.error))
			continue;
		check(s.signaling === 'stable', c.name + ': signalling is stable', s.signaling);
		const video = s.transceivers.find((t) => t.kind === 'video');
		check(video && video.direction === 'recvonly', c.name +
		    ': the video is received', JSON.stringify(video));
		const pt = chosen(r.stdout);
		check(pt !== null && h264(o).includes(pt), c.name +
		    ': the answer\'s PT is the offer\'s H.264 42e01f packetization-mode=1',
		    pt + ' of ' + h264(o));
		const audio = s.transceivers.find((t) => t.kind === 'audio');
		if (c.audio)
			check(!audio || audio.direction === 'stopped', c.name +
			    ': the audio is rejected', JSON.stringify(audio));
		if (c.data)
			check(!s.sctp, c.name + ': the data channel is rejected');
	}
	await b.close();
});
