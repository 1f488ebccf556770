// SPDX-License-Identifier: ISC
// harness.mjs: what the browser scripts driven by test_browser.py share:
// checks that print "ok" or "FAIL", waiting in the page, the lines that
// ask the harness to stop or start a daemon, and the browser.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
	'--disable-background-networking', '--disable-quic', '--no-first-run',
	'--disable-component-update', '--disable-sync'];
export const failures = [];
let lines = null;

// One check: printed, and counted when it fails.
export function check(ok, what, detail = '') {
	console.log((ok ? 'ok   ' : 'FAIL ') + what + (detail ? ': ' + detail : ''));
	if (!ok)
		failures.push(what);
	return ok;
}

// Asks the test harness to do something and waits until it is done.
export async function control(what) {
	if (lines === null)
		lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
	console.log('CTL ' + what);
	const r = await lines.next();
	if (r.done || r.value.trim() !== 'ok')
		throw new Error('harness did not do ' + what);
}

// The page's window.campipe without its bulky parts, for a check's detail.
export async function counters(page) {
	return page.evaluate(() => {
		const c = { ...window.campipe };
		delete c.status;
		delete c.config;
		delete c.stills;
		return c;
	});
}

// Polls fn in the page until it returns a true value or time runs out;
// a failure shows what describe(page) says then.
export async function until(page, fn, arg, ms, what, describe) {
	try {
		const r = await page.waitForFunction(fn, arg, { timeout: ms, polling: 100 });
		check(true, what);
		return r;
	} catch (e) {
		check(false, what, 'timed out after ' + ms + ' ms; ' +
		    (describe ? await describe(page) : ''));
		return null;
	}
}

// A persistent Chromium context in a fresh profile, and its clean-up.
export async function launch(extraArgs = []) {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'campipe-chromium-'));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true, args: CHROMIUM_ARGS.concat(extraArgs),
		viewport: { width: 1280, height: 800 }, colorScheme: 'dark',
	});
	return { ctx, async close() {
		await ctx.close();
		fs.rmSync(profile, { recursive: true, force: true });
	} };
}

// Runs a script's main(): the closing line and the exit status, also
// when it throws.
export function run(main) {
	main().then(() => {
		console.log(failures.length ? failures.length + ' checks failed' :
		    'all checks passed');
		process.exit(failures.length ? 1 : 0);
	}, (e) => {
		console.log('FAIL ' + (e.stack || e));
		process.exit(1);
	});
}
