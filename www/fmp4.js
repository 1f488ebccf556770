// SPDX-License-Identifier: ISC
// fmp4.js: the few boxes of wsd's fragmented MP4 (docs/wsd.md) that a
// WebCodecs decoder needs: from the init segment the codec string, the avcC
// record (the decoder's description), the picture size and the timescale;
// from each fragment its samples (decode time, bytes, key or not).  Pure:
// no I/O, no DOM, so node tests it on bytes captured from wsd.  Bad input
// throws an Error saying what is wrong; nothing reads past the bytes given.

// The boxes in u8[start, end): [{type, start, end}], start and end of the
// payload.  Throws on a size that does not fit.
export function boxes(u8, start = 0, end = u8.length) {
	const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
	const out = [];
	let at = start;
	while (at < end) {
		if (end - at < 8)
			throw new Error('mp4: box header cut at byte ' + at);
		let size = dv.getUint32(at);
		const type = String.fromCharCode(u8[at + 4], u8[at + 5], u8[at + 6],
		    u8[at + 7]);
		let head = 8;
		if (size === 1) {
			if (end - at < 16)
				throw new Error('mp4: ' + type + ': large size cut');
			const hi = dv.getUint32(at + 8);
			size = hi * 4294967296 + dv.getUint32(at + 12);
			head = 16;
		} else if (size === 0) {
			size = end - at;
		}
		if (size < head || size > end - at)
			throw new Error('mp4: ' + type + ' box of ' + size +
			    ' bytes at byte ' + at + ' does not fit in ' + (end - at));
		out.push({ type, start: at + head, end: at + size });
		at += size;
	}
	return out;
}

// The first box of that type among the boxes in u8[start, end).
function child(u8, parent, type) {
	const b = boxes(u8, parent.start, parent.end).find((x) => x.type === type);
	if (b === undefined)
		throw new Error('mp4: no ' + type + ' box');
	return b;
}

// Follows a path of box types from the top level.
function path(u8, types) {
	let b = { start: 0, end: u8.length };
	for (const t of types)
		b = child(u8, b, t);
	return b;
}

function need(b, n, what) {
	if (b.end - b.start < n)
		throw new Error('mp4: ' + what + ' box too short');
}

function hex2(n) {
	return n.toString(16).toUpperCase().padStart(2, '0');
}

// The init segment (ftyp, moov with one H.264 track): {codec, description,
// width, height, timescale}.
export function parseInit(u8) {
	const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
	const mdia = path(u8, ['moov', 'trak', 'mdia']);
	const mdhd = child(u8, mdia, 'mdhd');
	need(mdhd, 24, 'mdhd');
	const v1 = u8[mdhd.start] === 1;
	if (v1)
		need(mdhd, 32, 'mdhd');
	const timescale = dv.getUint32(mdhd.start + (v1 ? 20 : 12));
	if (timescale === 0)
		throw new Error('mp4: timescale 0');
	const stsd = path(u8, ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd']);
	need(stsd, 8, 'stsd');
	const entries = boxes(u8, stsd.start + 8, stsd.end);
	const avc = entries.find((x) => x.type === 'avc1' || x.type === 'avc3');
	if (avc === undefined)
		throw new Error('mp4: not H.264 (sample entry ' +
		    (entries.length ? entries[0].type : 'missing') + ')');
	need(avc, 78, avc.type);
	const width = dv.getUint16(avc.start + 24);
	const height = dv.getUint16(avc.start + 26);
	const avcC = child(u8, { start: avc.start + 78, end: avc.end }, 'avcC');
	need(avcC, 7, 'avcC');
	const d = u8.subarray(avcC.start, avcC.end);
	if (d[0] !== 1)
		throw new Error('mp4: avcC version ' + d[0]);
	return { codec: 'avc1.' + hex2(d[1]) + hex2(d[2]) + hex2(d[3]),
	    description: d.slice(), width, height, timescale };
}

// The H.264 NAL unit types in a sample of 4-byte-length-prefixed units.
export function nalTypes(data) {
	const types = [];
	let at = 0;
	while (at + 4 < data.length) {
		const n = ((data[at] << 24) | (data[at + 1] << 16) |
		    (data[at + 2] << 8) | data[at + 3]) >>> 0;
		if (n === 0 || n > data.length - at - 4)
			throw new Error('h264: NAL unit of ' + n + ' bytes at byte ' +
			    at + ' does not fit in ' + (data.length - at - 4));
		types.push(data[at + 4] & 0x1f);
		at += 4 + n;
	}
	if (at !== data.length)
		throw new Error('h264: ' + (data.length - at) + ' stray bytes');
	return types;
}

// A 32-bit field at byte at, inside box b.
function u32(dv, at, b, what) {
	if (at < b.start || at + 4 > b.end)
		throw new Error('mp4: ' + what + ' box too short');
	return dv.getUint32(at);
}

// One fragment (moof then mdat): [{time, duration, data, key}] with time and
// duration in timescale units; key when the sample holds an IDR picture.
export function parseFragment(u8) {
	const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
	const top = boxes(u8);
	const moof = top.find((x) => x.type === 'moof');
	const mdat = top.find((x) => x.type === 'mdat');
	if (moof === undefined || mdat === undefined)
		throw new Error('mp4: a fragment needs moof and mdat');
	const traf = child(u8, moof, 'traf');
	const tfhd = child(u8, traf, 'tfhd');
	const hf = u32(dv, tfhd.start, tfhd, 'tfhd') & 0xffffff;
	let at = tfhd.start + 8;
	at += (hf & 0x1 ? 8 : 0) + (hf & 0x2 ? 4 : 0);
	const defDur = hf & 0x8 ? u32(dv, at, tfhd, 'tfhd') : 0;
	at += hf & 0x8 ? 4 : 0;
	const defSize = hf & 0x10 ? u32(dv, at, tfhd, 'tfhd') : 0;
	const tfdt = child(u8, traf, 'tfdt');
	let time = u8[tfdt.start] === 1 ?
	    u32(dv, tfdt.start + 4, tfdt, 'tfdt') * 4294967296 +
	    u32(dv, tfdt.start + 8, tfdt, 'tfdt') :
	    u32(dv, tfdt.start + 4, tfdt, 'tfdt');
	const trun = child(u8, traf, 'trun');
	const rf = u32(dv, trun.start, trun, 'trun') & 0xffffff;
	const count = u32(dv, trun.start + 4, trun, 'trun');
	let p = trun.start + 8;
	let off = mdat.start;
	if (rf & 0x1) {		// from the moof (default-base-is-moof)
		off = moof.start - 8 + (u32(dv, p, trun, 'trun') | 0);
		p += 4;
	}
	p += rf & 0x4 ? 4 : 0;
	const out = [];
	for (let i = 0; i < count; i++) {
		let dur = defDur, size = defSize;
		if (rf & 0x100) {
			dur = u32(dv, p, trun, 'trun');
			p += 4;
		}
		if (rf & 0x200) {
			size = u32(dv, p, trun, 'trun');
			p += 4;
		}
		p += (rf & 0x400 ? 4 : 0) + (rf & 0x800 ? 4 : 0);
		if (size === 0 && count === 1)
			size = mdat.end - off;
		// every sample has bytes in mdat: count is bounded by its size
		if (size === 0 || off < mdat.start || size > mdat.end - off)
			throw new Error('mp4: sample ' + i + ' of ' + size +
			    ' bytes outside mdat');
		const data = u8.subarray(off, off + size);
		out.push({ time, duration: dur, data, key: nalTypes(data).includes(5) });
		time += dur;
		off += size;
	}
	if (out.length === 0)
		throw new Error('mp4: a fragment without samples');
	return out;
}
