// SPDX-License-Identifier: ISC
// sei.js: the campipe SEI text (docs/frames.md) out of H.264 bytes.

// Finds "campipe seq=S t=SEC.USEC" in bytes (a fragment holding the SEI).
// Returns {seq, t} or null.
export function parseSei(u8) {
	const pat = [0x63, 0x61, 0x6d, 0x70, 0x69, 0x70, 0x65, 0x20, 0x73, 0x65,
	    0x71, 0x3d];	// "campipe seq="
	outer:
	for (let i = 0; i + pat.length < u8.length; i++) {
		for (let k = 0; k < pat.length; k++)
			if (u8[i + k] !== pat[k])
				continue outer;
		let s = '';
		for (let j = i; j < u8.length && j < i + 64 && u8[j] >= 0x20 &&
		    u8[j] < 0x7f; j++)
			s += String.fromCharCode(u8[j]);
		const m = /^campipe seq=(\d+) t=(\d+)\.(\d{6})/.exec(s);
		if (m !== null)
			return { seq: Number(m[1]), t: Number(m[2]) + Number(m[3]) / 1e6 };
	}
	return null;
}
