// SPDX-License-Identifier: ISC
// webcodecs.js: the H.264 mode's WebCodecs path: wsd's init segment
// configures a VideoDecoder (codec and avcC from www/fmp4.js), each
// fragment's samples are decoded and every decoded frame is drawn on a
// canvas at once, the way live mode draws its JPEGs.  Only in a secure
// context (HTTPS, localhost): browsers offer VideoDecoder nowhere else.
import { parseFragment, parseInit } from './fmp4.js';
import { parseSei } from './sei.js';

export const WC_PROBE = { codec: 'avc1.42E01F', optimizeForLatency: true };
const MAX_QUEUE = 8;		// decodes waiting: skip to the next IDR
const MAX_PENDING = 120;	// capture times of frames being decoded

// Whether this browser decodes H.264 with WebCodecs here.
export async function webcodecsSupported() {
	if (!window.isSecureContext || typeof VideoDecoder === 'undefined')
		return false;
	try {
		return (await VideoDecoder.isConfigSupported(WC_PROBE)).supported === true;
	} catch (e) {
		return false;
	}
}

// A sink for the fMP4 messages: init(u8), push(u8), close(), dropped.
// fail(err, early) is called once on a decoder error; early when no frame
// was decoded yet (the browser cannot decode this stream this way).
export function webcodecsSink(canvas, hooks, fail) {
	const ctx = canvas.getContext('2d');
	const pending = new Map();	// chunk timestamp (µs) -> {seq, t}
	let dec = null, scale = 90000, waitKey = true, decoded = 0, failed = false;
	const sink = { dropped: 0 };

	function output(frame) {
		const w = frame.displayWidth, h = frame.displayHeight;
		if (canvas.width !== w || canvas.height !== h) {
			canvas.width = w;
			canvas.height = h;
		}
		ctx.drawImage(frame, 0, 0);
		const com = pending.get(frame.timestamp) || null;
		pending.delete(frame.timestamp);
		frame.close();
		decoded++;
		hooks.shown(com, w, h);
	}

	function error(e) {
		if (failed)
			return;
		failed = true;
		fail(e, decoded === 0);
	}

	sink.init = (u8) => {
		const init = parseInit(u8);
		sink.close();
		scale = init.timescale;
		failed = false;
		decoded = 0;
		waitKey = true;
		dec = new VideoDecoder({ output, error });
		dec.configure({ codec: init.codec, description: init.description,
		    codedWidth: init.width, codedHeight: init.height,
		    optimizeForLatency: true });
		sink.codec = init.codec;
	};

	sink.push = (u8) => {
		if (dec === null || dec.state !== 'configured')
			return;
		const sei = parseSei(u8);
		for (const s of parseFragment(u8)) {
			// behind: what is queued still decodes, then the next IDR
			if (!s.key && (waitKey || dec.decodeQueueSize > MAX_QUEUE)) {
				waitKey = true;
				sink.dropped++;
				continue;
			}
			waitKey = false;
			const ts = Math.round(s.time * 1e6 / scale);
			if (sei !== null) {
				pending.set(ts, sei);
				if (pending.size > MAX_PENDING)
					pending.delete(pending.keys().next().value);
			}
			dec.decode(new EncodedVideoChunk({ type: s.key ? 'key' : 'delta',
			    timestamp: ts, duration: Math.round(s.duration * 1e6 / scale),
			    data: s.data }));
		}
	};

	sink.close = () => {
		if (dec !== null && dec.state !== 'closed')
			dec.close();
		dec = null;
		pending.clear();
	};

	sink.snapshot = () => {
		if (decoded === 0)
			return Promise.resolve(null);
		return new Promise((res) => canvas.toBlob(res, 'image/jpeg', 0.92));
	};

	return sink;
}
