// SPDX-License-Identifier: ISC
// cs_offer.mjs: campipe's offer in camera-streamer's signalling
// (build/tools/cs_offer, common/webrtc/cs_offer.c) given to Chromium the
// way Mainsail, Fluidd, OctoPrint and camera-streamer's page give it: a receive-only
// video transceiver added first, then setRemoteDescription(offer),
// createAnswer() and setLocalDescription(answer).  Chromium must take the
// offer, receive the video as H.264 on our payload type, and its answer
// must pass the tool's check (cs_answer_read).  No media flows: the
// offer's candidates are documentation addresses.
// Usage: node cs_offer.mjs TOOL [SAVE_DIR]
// SAVE_DIR, when given, gets the offer and each answer as offer.sdp and
// NAME.answer.sdp.  Exits 0 when every check holds.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { check, launch, run } from './harness.mjs';

const [tool, save] = process.argv.slice(2);

// How the page builds its connection before the offer.
const CASES = [
	// Mainsail, Fluidd, camera-streamer's page: a recvonly transceiver first.
	{ name: 'clients', transceiver: true },
	// A page that only takes the offer.
	{ name: 'bare', transceiver: false },
	// OctoPrint's CameraStreamer-Control: the answer sent once gathering
	// is complete, its candidates in the SDP.
	{ name: 'octoprint', transceiver: true, gather: true },
];

// Takes the offer in the page and answers it; what the page then sees.
async function answer(page, c, sdp) {
	return page.evaluate(async ([c, sdp]) => {
		const pc = new RTCPeerConnection({ iceServers: [] });
		if (c.transceiver)
			pc.addTransceiver('video', { direction: 'recvonly' });
		const tracks = [];
		pc.ontrack = (e) => tracks.push(e.track.kind);
		try {
			await pc.setRemoteDescription({ type: 'offer', sdp });
		} catch (e) {
			return { error: 'setRemoteDescription: ' + e };
		}
		const a = await pc.createAnswer();
		await pc.setLocalDescription(a);
		if (c.gather && pc.iceGatheringState !== 'complete')
			await new Promise((resolve) => {
				pc.addEventListener('icegatheringstatechange', () => {
					if (pc.iceGatheringState === 'complete')
						resolve();
				});
				setTimeout(resolve, 10000);
			});
		const r = {
			sdp: pc.localDescription.sdp,
			signaling: pc.signalingState,
			tracks,
			transceivers: pc.getTransceivers().map((t) => ({
				kind: t.receiver.track.kind, mid: t.mid,
				direction: t.currentDirection,
			})),
		};
		pc.close();
		return r;
	}, [c, sdp]);
}

run(async () => {
	const o = spawnSync(tool, [], { encoding: 'utf8' });
	if (!check(o.status === 0, 'the tool writes the offer', o.stderr))
		return;
	if (save)
		fs.writeFileSync(path.join(save, 'offer.sdp'), o.stdout);
	const b = await launch();
	const page = await b.ctx.newPage();
	for (const c of CASES) {
		const s = await answer(page, c, o.stdout);
		if (!check(!s.error, c.name + ': Chromium takes the offer and answers', s.error))
			continue;
		if (save)
			fs.writeFileSync(path.join(save, c.name + '.answer.sdp'), s.sdp);
		check(s.signaling === 'stable', c.name + ': signalling is stable', s.signaling);
		if (c.gather)
			check(/^a=candidate:/m.test(s.sdp), c.name +
			    ': the answer carries its candidates');
		check(s.tracks.includes('video'), c.name + ': a video track arrives',
		    JSON.stringify(s.tracks));
		const v = s.transceivers.find((t) => t.mid === '0');
		check(v && v.direction === 'recvonly', c.name +
		    ': the offered video is received', JSON.stringify(s.transceivers));
		check(/^m=video 9 UDP\/TLS\/RTP\/SAVPF 96\r$/m.test(s.sdp), c.name +
		    ': the answer keeps our payload type 96 alone', s.sdp.split('\r\n')
		    .find((l) => l.startsWith('m=')));
		const r = spawnSync(tool, ['-a'], { input: s.sdp, encoding: 'utf8' });
		if (!check(r.status === 0, c.name + ': cs_answer_read takes Chromium\'s answer',
		    r.stderr))
			continue;
		check(/^role passive$/m.test(r.stdout), c.name +
		    ': Chromium is the DTLS client (a=setup:active), we are the server',
		    r.stdout);
		check(/^pt 96$/m.test(r.stdout) && /^fb 7$/m.test(r.stdout), c.name +
		    ': payload type 96 with nack, nack pli and ccm fir', r.stdout);
		// A positive control: the answer without its fingerprint is refused.
		const bad = spawnSync(tool, ['-a'], { encoding: 'utf8',
			input: s.sdp.replace(/^a=fingerprint:.*\r\n/m, '') });
		check(bad.status === 1 && /fingerprint/.test(bad.stderr), c.name +
		    ': an answer without fingerprint is refused', bad.stderr);
	}
	await b.close();
});
