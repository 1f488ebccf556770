// SPDX-License-Identifier: ISC
// campipe.test.mjs: the page helpers that need no browser, under node:test:
// the COM segment reader on exact bytes and on random bytes, the WebSocket
// address, what the pages take from /api/config, and the frame-rate meter.
import assert from 'node:assert/strict';
import test from 'node:test';
import { configFrom, Meter, parseCom, wsUrl } from '../../www/campipe.js';

// SOI, then a COM segment holding text, then the start of a DQT.
function jpegWithCom(text, lenDelta = 0) {
	const t = Buffer.from(text, 'latin1');
	const n = t.length + 2 + lenDelta;
	return Uint8Array.from([0xff, 0xd8, 0xff, 0xfe, n >> 8, n & 0xff, ...t,
	    0xff, 0xdb, 0x00, 0x43]);
}

test('COM segment: the campipe text is read', () => {
	const b = jpegWithCom('campipe seq=42 t=1764057600.123456');
	assert.deepEqual(parseCom(b.buffer), { seq: 42, t: 1764057600.123456 });
	assert.deepEqual(parseCom(b), { seq: 42, t: 1764057600.123456 });
});

test('COM segment: a view into a larger buffer', () => {
	const b = jpegWithCom('campipe seq=7 t=1.000001');
	const big = new Uint8Array(b.length + 10);
	big.set(b, 10);
	assert.deepEqual(parseCom(big.subarray(10)), { seq: 7, t: 1.000001 });
});

test('COM segment: anything else is null', () => {
	const cases = [
		new Uint8Array(0),
		Uint8Array.from([0xff, 0xd8]),
		Uint8Array.from([0xff, 0xd8, 0xff, 0xdb, 0x00, 0x43]),
		Uint8Array.from([0xff, 0xd9, 0xff, 0xfe, 0x00, 0x04, 0x41, 0x42]),
		jpegWithCom('campipe seq=42 t=1764057600.123456', 20),	// runs past the end
		jpegWithCom('campipe seq=42 t=1764057600.123456', -1),	// cut one short
		Uint8Array.from([0xff, 0xd8, 0xff, 0xfe, 0x00, 0x01]),	// length under 2
		jpegWithCom('campipe seq=42 t=1764057600.12345'),	// five digits
		jpegWithCom('campipe seq=-1 t=1.000000'),
		jpegWithCom('campipe seq=1 t=1.000000 '),
		jpegWithCom('other text'),
	];
	for (const c of cases)
		assert.equal(parseCom(c), null, Buffer.from(c).toString('latin1'));
});

test('COM segment: random bytes never throw', () => {
	let seed = 12345;
	const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
	const prefix = jpegWithCom('campipe seq=1 t=2.000003');
	for (let i = 0; i < 20000; i++) {
		const b = Uint8Array.from(prefix.subarray(0, rnd() % (prefix.length + 1)));
		const tail = Array.from({ length: rnd() % 40 }, rnd);
		const buf = Uint8Array.from([...b, ...tail]);
		if (buf.length > 0 && rnd() < 64)
			buf[rnd() % buf.length] = rnd();
		const r = parseCom(buf);
		assert.ok(r === null || (Number.isInteger(r.seq) && r.t > 0));
	}
});

test('WebSocket address: wsd on its own port, scheme from the page', () => {
	const cfg = { wsPort: 8081, wsPath: '/stream' };
	assert.equal(wsUrl(cfg, new URL('http://pi.local:8080/')), 'ws://pi.local:8081/stream');
	assert.equal(wsUrl(cfg, new URL('https://cam.example/')), 'wss://cam.example:8081/stream');
	assert.equal(wsUrl(cfg, new URL('http://[::1]:8080/')), 'ws://[::1]:8081/stream');
});

test('WebSocket address: no port means the page origin, relative to the page', () => {
	const cfg = { wsPort: 0, wsPath: '/stream' };
	assert.equal(wsUrl(cfg, new URL('https://cam.example/')), 'wss://cam.example/stream');
	assert.equal(wsUrl(cfg, new URL('http://pi.local:8080/x/')), 'ws://pi.local:8080/x/stream');
	assert.equal(wsUrl(cfg, new URL('https://h/cam/index.html?a=1')), 'wss://h/cam/stream');
	assert.equal(wsUrl(cfg, new URL('https://h/cam/stream')), 'wss://h/cam/stream');
	assert.equal(wsUrl({ wsPort: 0, wsPath: 'ws' }, new URL('http://a/')), 'ws://a/ws');
});

test('config: both spellings, and defaults for anything missing or odd', () => {
	const pick = (c) => { const r = configFrom(c); delete r.raw; return r; };
	const dflt = { wsPort: 0, wsPath: '/stream', auth: null };
	assert.deepEqual(pick({ ws: { port: 8081, path: '/ws' }, auth: false }),
	    { wsPort: 8081, wsPath: '/ws', auth: false });
	assert.deepEqual(pick({ ws: { port: 8081, path: '/ws' } }),
	    { wsPort: 8081, wsPath: '/ws', auth: null });
	assert.deepEqual(pick({ ws_port: 9000, ws_path: '/s', auth: true }),
	    { wsPort: 9000, wsPath: '/s', auth: true });
	assert.deepEqual(pick({ ws: { port: 8081 }, auth: { enabled: true } }),
	    { wsPort: 8081, wsPath: '/stream', auth: true });
	for (const c of [null, 'x', 42, {}, { ws: null }, { ws: { port: 0 } },
	    { ws: { port: 70000 } }, { ws: { port: '8x' } }, { ws: { path: '' } },
	    { auth: 'yes' }])
		assert.deepEqual(pick(c), dflt, JSON.stringify(c));
});

test('meter: 30 frames a second, and one every 5 s', () => {
	let now = 0;
	// An own property over the prototype's (read-only on Node.js 18).
	Object.defineProperty(performance, 'now', { value: () => now,
	    configurable: true, writable: true });
	try {
		const fast = new Meter();
		for (let i = 0; i < 100; i++, now += 1000 / 30)
			fast.tick();
		assert.ok(Math.abs(fast.fps() - 30) < 0.5, String(fast.fps()));
		now += 3000;
		assert.equal(fast.fps(), 0, 'stopped frames read as 0');
		const slow = new Meter();
		for (let i = 0; i < 4; i++, now += 5000)
			slow.tick();
		now -= 4000;
		assert.ok(Math.abs(slow.fps() - 0.2) < 0.01, String(slow.fps()));
	} finally {
		delete performance.now;
	}
});
