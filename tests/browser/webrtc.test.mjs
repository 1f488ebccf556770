// SPDX-License-Identifier: ISC
// webrtc.test.mjs: the WebRTC mode's pure helpers under node:test: the
// codec order offered, the capture time from abs-capture-time, the figures
// out of a getStats() report shaped as Chromium's, and the reading of a
// refused offer, and the transport policy the page's address asks for.
import assert from 'node:assert/strict';
import test from 'node:test';
import { captureOf, figuresOf, preferH264, refusal, transportPolicy } from '../../www/webrtc.js';

const h264 = (fmtp) => ({ mimeType: 'video/H264', clockRate: 90000, sdpFmtpLine: fmtp });

test('codecs: H.264 packetization-mode=1 42e01f first, repair kept, others left out', () => {
	const vp8 = { mimeType: 'video/VP8', clockRate: 90000 };
	const rtx = { mimeType: 'video/rtx', clockRate: 90000 };
	const a = h264('level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f');
	const b = h264('level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f');
	const c = h264('level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f');
	const d = h264('level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f');
	assert.deepEqual(preferH264([vp8, rtx, a, b, c, d]), [c, b, d, a, rtx]);
	assert.deepEqual(preferH264([vp8, rtx]), []);
	assert.deepEqual(preferH264([]), []);
});

test('capture time: abs-capture-time on the NTP clock, moved by RTP time', () => {
	// 2026-01-01T00:00:00Z is 1767225600 s Unix, 3976214400 s NTP
	const src = { captureTimestamp: 3976214400000, rtpTimestamp: 900000 };
	assert.deepEqual(captureOf(src, 900000), { seq: null, t: 1767225600 });
	// the frame shown 3000 ticks (33.3 ms) before the last packet's
	const t = captureOf(src, 897000).t;
	assert.ok(Math.abs(t - (1767225600 - 3000 / 90000)) < 1e-6, String(t));
	// the RTP timestamp wraps at 2^32
	const w = { captureTimestamp: 3976214400000, rtpTimestamp: 100 };
	assert.ok(Math.abs(captureOf(w, 4294967296 - 800).t -
	    (1767225600 - 900 / 90000)) < 1e-6);
	// a Unix-epoch value is taken as it is
	assert.deepEqual(captureOf({ captureTimestamp: 1767225600000, rtpTimestamp: 5 }, 5),
	    { seq: null, t: 1767225600 });
});

test('capture time: none without the extension or the frame\'s RTP time', () => {
	assert.equal(captureOf(undefined, 5), null);
	assert.equal(captureOf({ rtpTimestamp: 5 }, 5), null);
	assert.equal(captureOf({ captureTimestamp: 3976214400000, rtpTimestamp: 5 }, undefined), null);
	assert.equal(captureOf({ captureTimestamp: 0, rtpTimestamp: 5 }, 5), null);
});

// A report as Chromium's getStats() gives it, cut to what is read.
function report(over = {}) {
	return new Map(Object.entries({
		T01: { type: 'transport', selectedCandidatePairId: 'CP1' },
		CP1: { type: 'candidate-pair', state: 'succeeded', nominated: true,
		    localCandidateId: 'IL1', remoteCandidateId: 'IR1' },
		IL1: { type: 'local-candidate', candidateType: 'host' },
		IR1: { type: 'remote-candidate', candidateType: 'host' },
		CIT01: { type: 'codec', mimeType: 'video/H264' },
		IT01V: Object.assign({ type: 'inbound-rtp', kind: 'video', codecId: 'CIT01',
		    framesPerSecond: 30, packetsLost: 3, nackCount: 5,
		    retransmittedPacketsReceived: 4, frameWidth: 640, frameHeight: 480,
		    framesDropped: 1, framesDecoded: 300, jitterBufferDelay: 6,
		    jitterBufferEmittedCount: 300 }, over),
	}));
}

test('figures: rate, losses, repairs, route, codec, jitter buffer', () => {
	const f = figuresOf(report(), null);
	assert.equal(f.fps, 30);
	assert.equal(f.lost, 3);
	assert.equal(f.resent, 4);
	assert.equal(f.nacks, 5);
	assert.equal(f.route, 'host');
	assert.equal(f.pair, 'host → host');
	assert.equal(f.codec, 'H.264');
	assert.equal(f.dropped, 1);
	assert.equal(f.jitterMs, 20);	// 6 s over 300 frames
	// the next second: 30 frames held 0.9 s in all
	const g = figuresOf(report({ jitterBufferDelay: 6.9, jitterBufferEmittedCount: 330 }), f);
	assert.ok(Math.abs(g.jitterMs - 30) < 1e-9, String(g.jitterMs));
	// no frame since: the last figure stays
	assert.equal(figuresOf(report({ jitterBufferDelay: 6.9,
	    jitterBufferEmittedCount: 330 }), g).jitterMs, g.jitterMs);
});

test('figures: no retransmissions counted, a relayed route', () => {
	const r = report({ retransmittedPacketsReceived: undefined });
	r.set('IL1', { type: 'local-candidate', candidateType: 'relay' });
	r.set('IR1', { type: 'remote-candidate', candidateType: 'host' });
	const f = figuresOf(r, null);
	assert.equal(f.resent, null);
	assert.equal(f.nacks, 5);
	assert.equal(f.route, 'relay');
	assert.equal(f.pair, 'relay → host');
	// a loopback address learnt from the checks: still straight there
	r.set('IL1', { type: 'local-candidate', candidateType: 'prflx' });
	assert.equal(figuresOf(r, null).route, 'host');
});

test('figures: an empty report gives nulls', () => {
	const f = figuresOf(new Map(), null);
	for (const k of ['fps', 'lost', 'resent', 'route', 'jitterMs', 'codec'])
		assert.equal(f[k], null, k);
});

test('refusal: 503 retried, 406 and 404 not, the reason kept on one line', () => {
	assert.deepEqual(refusal(503, 'too many sessions\n'),
	    { why: 'offer refused: HTTP 503 too many sessions', retry: true });
	assert.deepEqual(refusal(406, 'the offer has no H.264 with packetization-mode=1\nmore'),
	    { why: 'offer refused: HTTP 406 the offer has no H.264 with ' +
	    'packetization-mode=1', retry: false });
	assert.equal(refusal(404, '').why, 'offer refused: HTTP 404');
	assert.equal(refusal(404, '').retry, false);
});

test('transport policy: relay only for ?webrtc=relay', () => {
	assert.equal(transportPolicy('?webrtc=relay'), 'relay');
	assert.equal(transportPolicy('?cam=a&webrtc=relay'), 'relay');
	assert.equal(transportPolicy('?webrtc=host'), 'all');
	assert.equal(transportPolicy('?webrtc=RELAY'), 'all');
	assert.equal(transportPolicy(''), 'all');
	assert.equal(transportPolicy(undefined), 'all');
});
