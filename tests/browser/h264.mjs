// SPDX-License-Identifier: ISC
// h264.mjs: drives headless Chromium through the viewer's H.264 mode against
// the real daemons.  Usage:
//   node h264.mjs BASE_URL ARTIFACT_DIR NAME PATH SIZE [restart] [fallbacks]
// PATH is the way the page must choose: WebCodecs (a secure context such as
// http://127.0.0.1) or MSE (http://campipe.test, which this Chromium maps to
// 127.0.0.1 and, not being loopback by name, treats as not secure); SIZE the
// picture's WxH.  With "restart" it asks its parent to stop and start wsd
// ("CTL stop-wsd", "CTL start-wsd", answered by a line on stdin); with
// "fallbacks" it also checks MSE without WebCodecs and the message without
// either.  Exits 0 when every check holds; each failed check prints "FAIL".
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { control as cspControl, watch as cspWatch } from './csp.mjs';
import { counters } from './harness.mjs';

const [base, artifacts, name, want, size, ...opts] = process.argv.slice(2);
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
	'--disable-background-networking', '--disable-quic', '--no-first-run',
	'--disable-component-update', '--disable-sync',
	'--host-resolver-rules=MAP campipe.test 127.0.0.1'];
const TYPE = 'video/mp4; codecs="avc1.42E01F"';
const failures = [];
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

function check(ok, what, detail = '') {
	what = name + ': ' + what;
	console.log((ok ? 'ok   ' : 'FAIL ') + what + (detail ? ': ' + detail : ''));
	if (!ok)
		failures.push(what);
	return ok;
}

async function control(what) {
	console.log('CTL ' + what);
	const r = await lines.next();
	if (r.done || r.value.trim() !== 'ok')
		throw new Error('harness did not do ' + what);
}

async function until(page, fn, arg, ms, what) {
	try {
		await page.waitForFunction(fn, arg, { timeout: ms, polling: 100 });
		return check(true, what);
	} catch (e) {
		return check(false, what, 'timed out after ' + ms + ' ms; campipe=' +
		    JSON.stringify(await counters(page)));
	}
}

// Frames keep being presented: in every second of ten the count and the
// sequence number rise.
async function presented(page, what) {
	let prev = await counters(page), stuck = 0, back = 0;
	const first = prev;
	for (let i = 0; i < 10; i++) {
		await page.waitForTimeout(1000);
		const c = await counters(page);
		if (c.frames <= prev.frames)
			stuck++;
		if (c.seq !== null && prev.seq !== null && c.seq < prev.seq)
			back++;
		prev = c;
	}
	check(stuck === 0 && back === 0, what + ': frames presented in each of 10 s',
	    first.frames + ' -> ' + prev.frames + ' frames, seq ' + first.seq +
	    ' -> ' + prev.seq + ', ' + stuck + ' s without, ' + back + ' steps back');
	return [first, prev];
}

// Plays the H.264 mode on page until it is live by way p.
async function live(page, p, what) {
	await page.click('label:has(input[value=h264])');
	return until(page, (p) => window.campipe.mode === 'h264' &&
	    window.campipe.state === 'live' && window.campipe.path === p &&
	    window.campipe.frames >= 3, p, 20000, what + ': live by ' + p);
}

async function main() {
	fs.mkdirSync(artifacts, { recursive: true });
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'campipe-chromium-'));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true, args: CHROMIUM_ARGS,
		viewport: { width: 1280, height: 800 }, colorScheme: 'dark',
	});
	const csp = await cspWatch(ctx);
	try {
		const page = await ctx.newPage();
		page.on('pageerror', (e) => check(false, 'page error', e.message));
		await page.goto(base);
		const sec = await page.evaluate(() => window.isSecureContext);
		check(sec === (want === 'WebCodecs'), 'secure context ' + sec + ' for ' + want);
		if (want === 'MSE')
			check(await page.evaluate((t) => MediaSource.isTypeSupported(t), TYPE),
			    'this Chromium plays ' + TYPE + ' through MSE');
		await live(page, want, 'h264');
		check(await page.textContent('#hud-mode') === 'H.264 (' + want + ')',
		    'the way is shown', await page.textContent('#hud-mode') + ', ' +
		    await page.textContent('#s-path'));
		const [a, b] = await presented(page, 'h264 ' + want);
		check(b.seq > a.seq, 'h264: seq rises', a.seq + ' -> ' + b.seq);
		check(b.untimed === a.untimed, 'h264: every frame shown has its capture time',
		    (b.untimed - a.untimed) + ' of ' + (b.frames - a.frames) + ' without');
		check(b.fps > 0, 'h264: rate shown', b.fps.toFixed(1) + ' fps over ' +
		    (b.frames - a.frames) + ' frames in 10 s');
		const text = await page.textContent('#s-lat');
		check(b.latencyMs > 0 && b.latencyMs < 60000 && /^\d+ ms$/.test(text),
		    'h264: latency shown and plausible', b.latencyMs + ' ms, "' + text + '"');
		check(b.width + 'x' + b.height === size, 'h264: picture size',
		    b.width + 'x' + b.height);
		await page.screenshot({ path: path.join(artifacts, 'viewer-h264-' + name + '.png') });

		if (opts.includes('restart')) {
			// wsd goes away and comes back: the mode recovers by itself.
			await control('stop-wsd');
			await until(page, () => ['reconnecting', 'connecting'].includes(
			    window.campipe.state), null, 15000, 'h264: page shows the outage');
			const before = (await counters(page)).frames;
			await control('start-wsd');
			await until(page, ([n, p]) => window.campipe.state === 'live' &&
			    window.campipe.path === p && window.campipe.frames > n + 10,
			    [before, want], 30000, 'h264: frames resume after wsd restarts');
		}
		await page.close();

		if (opts.includes('fallbacks')) {
			// No WebCodecs decoder for H.264: MSE plays it.
			const nowc = await ctx.newPage();
			nowc.on('pageerror', (e) => check(false, 'page error', e.message));
			await nowc.addInitScript(() => {
				if (typeof VideoDecoder !== 'undefined')
					VideoDecoder.isConfigSupported = async (c) =>
					    ({ supported: false, config: c });
			});
			await nowc.goto(base);
			await live(nowc, 'MSE', 'h264 without WebCodecs');
			await nowc.close();

			// WebCodecs says yes but its decoder fails: MSE takes over.
			const bad = await ctx.newPage();
			bad.on('pageerror', (e) => check(false, 'page error', e.message));
			await bad.addInitScript(() => {
				const Real = window.VideoDecoder;
				window.VideoDecoder = class extends Real {
					constructor(init) {
						super(init);
						this.fail = init.error;
					}
					decode() {
						setTimeout(() => this.fail(new DOMException(
						    'refused on purpose', 'EncodingError')));
					}
				};
			});
			await bad.goto(base);
			await live(bad, 'MSE', 'h264 with a failing VideoDecoder');
			await bad.close();

			// Neither: the page says so.
			const old = await ctx.newPage();
			await old.addInitScript(() => {
				MediaSource.isTypeSupported = () => false;
				if (typeof VideoDecoder !== 'undefined')
					VideoDecoder.isConfigSupported = async (c) =>
					    ({ supported: false, config: c });
			});
			await old.goto(base);
			await old.click('label:has(input[value=h264])');
			await until(old, () => window.campipe.state === 'unsupported', null,
			    10000, 'h264 unsupported: state says so');
			const ov = await old.textContent('#overlay');
			check(await old.isVisible('#overlay') && /cannot play H\.264/.test(ov),
			    'h264 unsupported: a clear message', ov);
			await old.screenshot({ path: path.join(artifacts, 'viewer-h264-unsupported.png') });
			await old.evaluate(() => localStorage.setItem('campipe.mode', 'live'));
			await old.close();
		}
		const probe = await ctx.newPage();
		await probe.goto(base);
		check(csp.length === 0, 'no CSP violations', csp.join('; '));
		check(await cspControl(probe, csp), 'a CSP violation made on purpose is seen');
		await probe.evaluate(() => localStorage.setItem('campipe.mode', 'live'));
		await probe.close();
	} finally {
		await ctx.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
	console.log(failures.length ? failures.length + ' checks failed' : 'all checks passed');
	process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
	console.log('FAIL ' + (e.stack || e));
	process.exit(1);
});
