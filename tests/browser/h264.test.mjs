// SPDX-License-Identifier: ISC
// h264.test.mjs: the H.264 mode's SEI reader under node:test, on the SEI
// of docs/frames.md inside a fragment's bytes, and on bad or cut text.
import assert from 'node:assert/strict';
import test from 'node:test';
import { parseSei } from '../../www/h264.js';

const UUID = '0f1c8ce585c84dce97a255055c95d2a8';

function fragment(text) {
	return Uint8Array.from([...Buffer.from('0000001c6d6f6f66', 'hex'),
	    0, 0, 0, 1, 0x06, 0x05, 16 + text.length, ...Buffer.from(UUID, 'hex'),
	    ...Buffer.from(text, 'latin1'), 0x80, 0, 0, 0, 5, 0x65, 0x88, 0x84]);
}

test('SEI: the campipe text is read out of a fragment', () => {
	assert.deepEqual(parseSei(fragment('campipe seq=42 t=1764057600.123456')),
	    { seq: 42, t: 1764057600.123456 });
});

test('SEI: malformed or missing text gives null', () => {
	assert.equal(parseSei(fragment('campipe seq=x t=1764057600.123456')), null);
	assert.equal(parseSei(fragment('campipe seq=42 t=1764057600.12')), null);
	assert.equal(parseSei(Uint8Array.from([1, 2, 3])), null);
	const f = fragment('campipe seq=42 t=1764057600.123456');
	assert.equal(parseSei(f.subarray(0, 40)), null);	// cut short
});
