// SPDX-License-Identifier: ISC
// auth.mjs: the stream page in headless Chromium with --htpasswd on: the
// browser logs in with Basic credentials, the page fetches a token and
// opens the WebSocket with it.  Usage: node auth.mjs BASE_URL USER PASSWORD
// Exits 0 when every check holds; each failed check prints "FAIL ...".
import { chromium } from 'playwright-core';
import * as csp from './csp.mjs';

const [base, user, password] = process.argv.slice(2);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
	'--disable-background-networking', '--no-first-run'];
const failures = [];

function check(ok, what, detail = '') {
	console.log((ok ? 'ok   ' : 'FAIL ') + what + (detail ? ': ' + detail : ''));
	if (!ok)
		failures.push(what);
}

async function main() {
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true, args: ARGS,
	});
	try {
		const anon = await browser.newContext();
		const r = await anon.request.get(base + 'stream.html');
		check(r.status() === 401, 'no credentials: 401', String(r.status()));
		await anon.close();

		const ctx = await browser.newContext({
			httpCredentials: { username: user, password: password } });
		const violations = await csp.watch(ctx);
		const page = await ctx.newPage();
		page.on('pageerror', (e) => check(false, 'page error', e.message));
		const protocols = [];
		page.on('websocket', (ws) => protocols.push(ws.url()));
		const resp = await page.goto(base + 'stream.html');
		check(resp.status() === 200, 'credentials: page 200', String(resp.status()));
		try {
			await page.waitForFunction(() => window.campipe &&
			    window.campipe.frames >= 3, null, { timeout: 20000, polling: 100 });
			check(true, 'frames over the WebSocket with a token');
		} catch (e) {
			check(false, 'frames over the WebSocket with a token',
			    JSON.stringify(await page.evaluate(() => window.campipe)));
		}
		check(protocols.length >= 1, 'a WebSocket was opened', protocols.join(' '));
		check(violations.length === 0, 'no Content-Security-Policy violation',
		    violations.join('; '));
		check(await csp.control(page, violations),
		    'a violation made on purpose is seen (control)');
		await ctx.close();
	} finally {
		await browser.close();
	}
	console.log(failures.length ? failures.length + ' checks failed' : 'all checks passed');
	process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
	console.log('FAIL ' + (e.stack || e));
	process.exit(1);
});
