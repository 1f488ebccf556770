// SPDX-License-Identifier: ISC
// fmp4.test.mjs: www/fmp4.js under node:test, on an init segment and two
// fragments captured from the real wsd (capd's test source at 160x120,
// tests/browser/fmp4/), and on boxes built here byte by byte: cut, too
// large, a 64-bit size, samples outside mdat, several samples.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import test from 'node:test';
import { boxes, nalTypes, parseFragment, parseInit } from '../../www/fmp4.js';
import { parseSei } from '../../www/sei.js';

const dir = new URL('./fmp4/', import.meta.url);
const read = (f) => new Uint8Array(fs.readFileSync(new URL(f, dir)));
const init = read('init.mp4'), idr = read('idr.m4s'), p = read('p.m4s');

const u32 = (n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const ascii = (s) => [...Buffer.from(s, 'latin1')];
// A box of type t around payload bytes.
const box = (t, ...payload) => {
	const b = payload.flat(Infinity);
	return [...u32(8 + b.length), ...ascii(t), ...b];
};

test('init: codec, avcC, size and timescale of wsd\'s init segment', () => {
	const i = parseInit(init);
	assert.equal(i.codec, 'avc1.42C00A');
	assert.equal(Buffer.from(i.description).toString('hex'),
	    '0142c00affe100176742c00ada0a11f966c8000003000800000300a478913501' +
	    '000468ce3c80');
	assert.equal(i.width, 160);
	assert.equal(i.height, 120);
	assert.equal(i.timescale, 90000);
});

test('fragment: the IDR, then a P frame, with their times and SEI', () => {
	const [a] = parseFragment(idr);
	assert.equal(a.time, 0);
	assert.equal(a.duration, 3000);
	assert.equal(a.key, true);
	assert.equal(a.data.length, 1546);
	assert.deepEqual(nalTypes(a.data), [9, 7, 8, 6, 6, 5, 5]);	// two slices
	assert.equal(parseSei(a.data).seq > 0, true);
	const [b] = parseFragment(p);
	assert.equal(b.time, 3000);
	assert.equal(b.key, false);
	assert.equal(b.data.length, 275);
	assert.deepEqual(nalTypes(b.data), [9, 6, 1, 1]);
	assert.equal(parseSei(b.data).seq, parseSei(a.data).seq + 1);
});

test('cut anywhere: an error, never a read past the end', () => {
	for (const [what, f, parse] of [['init', init, parseInit],
	    ['idr', idr, parseFragment], ['p', p, parseFragment]]) {
		for (let n = 0; n < f.length; n++)
			assert.throws(() => parse(f.subarray(0, n)), /mp4|h264/,
			    what + ' cut at ' + n);
	}
});

test('box sizes: too large, too small, 64-bit, to the end', () => {
	assert.throws(() => boxes(Uint8Array.from([0, 0, 0, 9, ...ascii('free')])),
	    /does not fit/);
	assert.throws(() => boxes(Uint8Array.from([0, 0, 0, 4, ...ascii('free')])),
	    /does not fit/);
	assert.throws(() => boxes(Uint8Array.from([0, 0, 0, 1, ...ascii('free'),
	    0xff, 0xff, 0xff, 0xff, 0, 0, 0, 16])), /does not fit/);
	assert.deepEqual(boxes(Uint8Array.from([0, 0, 0, 1, ...ascii('free'),
	    0, 0, 0, 0, 0, 0, 0, 17, 7])), [{ type: 'free', start: 16, end: 17 }]);
	assert.deepEqual(boxes(Uint8Array.from([0, 0, 0, 0, ...ascii('mdat'), 1, 2])),
	    [{ type: 'mdat', start: 8, end: 10 }]);
});

test('init: not H.264, or no avcC, is said', () => {
	const entry = (t, kids) => box('moov', box('trak', box('mdia',
	    box('mdhd', [0, 0, 0, 0], u32(0), u32(0), u32(1000), u32(0), [0, 0, 0, 0]),
	    box('minf', box('stbl', box('stsd', u32(0), u32(1),
	    box(t, new Array(78).fill(0), kids)))))));
	assert.throws(() => parseInit(Uint8Array.from(entry('hvc1', []))), /not H\.264/);
	assert.throws(() => parseInit(Uint8Array.from(entry('avc1', []))), /no avcC/);
	const ok = parseInit(Uint8Array.from(entry('avc1',
	    box('avcC', [1, 0x64, 0, 0x28, 0xff, 0xe0, 0]))));
	assert.equal(ok.codec, 'avc1.640028');
	assert.equal(ok.timescale, 1000);
});

// A fragment of samples (NAL type, size) with sizes in trun, offsets from
// the moof, tfdt version v.
function fragment(samples, v = 0, offsetFix = 0) {
	const data = samples.map(([t, n]) => [...u32(n), t, ...new Array(n - 1).fill(0)]);
	const trun = (off) => box('trun', [0, 0, 0x03, 0x01], u32(samples.length),
	    u32(off), ...data.map((d) => [...u32(1000), ...u32(d.length)]));
	const tfdt = v ? box('tfdt', [1, 0, 0, 0], u32(1), u32(2)) :
	    box('tfdt', [0, 0, 0, 0], u32(7));
	const moofLen = box('moof', box('traf', box('tfhd', [0, 2, 0, 0], u32(1)),
	    tfdt, trun(0))).length;
	const moof = box('moof', box('traf', box('tfhd', [0, 2, 0, 0], u32(1)),
	    tfdt, trun(moofLen + 8 + offsetFix)));
	return Uint8Array.from([...moof, ...box('mdat', data)]);
}

test('fragment: several samples, 64-bit decode time', () => {
	const s = parseFragment(fragment([[5, 10], [1, 3]], 1));
	assert.equal(s.length, 2);
	assert.equal(s[0].time, 4294967298);
	assert.equal(s[1].time, 4294967298 + 1000);
	assert.deepEqual([s[0].key, s[1].key], [true, false]);
	assert.deepEqual([s[0].data.length, s[1].data.length], [14, 7]);
	assert.equal(parseFragment(fragment([[1, 2]]))[0].time, 7);
});

test('fragment: samples outside mdat and bad NAL lengths are refused', () => {
	assert.throws(() => parseFragment(fragment([[5, 10]], 0, 1)), /outside mdat/);
	assert.throws(() => parseFragment(fragment([[5, 10]], 0, -1)), /outside mdat/);
	assert.throws(() => nalTypes(Uint8Array.from([0, 0, 0, 9, 0x65, 0])),
	    /does not fit/);
	assert.throws(() => nalTypes(Uint8Array.from([0, 0, 0, 0, 0x65])), /does not fit/);
	assert.throws(() => nalTypes(Uint8Array.from([0, 0, 0, 1, 0x65, 0])), /stray/);
	assert.throws(() => parseFragment(Uint8Array.from(box('moof'))), /moof and mdat/);
});

test('mutated bytes: a result or a clear error, nothing else', () => {
	let x = 0x2545f491;
	const rnd = (n) => {	// xorshift32, the same run every time
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		return (x >>> 0) % n;
	};
	for (const [f, parse] of [[init, parseInit], [idr, parseFragment],
	    [p, parseFragment]]) {
		for (let i = 0; i < 5000; i++) {
			const m = f.slice();
			for (let k = 1 + rnd(4); k > 0; k--)
				m[rnd(m.length)] = rnd(4) === 0 ? 0xff : rnd(256);
			try {
				parse(m);
			} catch (e) {
				assert.match(e.message, /^(mp4|h264): /, 'mutation ' + i);
			}
		}
	}
});
