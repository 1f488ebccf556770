// SPDX-License-Identifier: ISC
// auth.mjs: the stream page in headless Chromium with --htpasswd on: the
// browser logs in with Basic credentials, the page fetches a token and
// opens the WebSocket with it; and a visitor without credentials signs in on
// the login page and out again.
// Usage: node auth.mjs BASE_URL USER PASSWORD [ARTIFACT_DIR]
// Exits 0 when every check holds; each failed check prints "FAIL ...".
import { chromium } from 'playwright-core';
import * as csp from './csp.mjs';

const [base, user, password, artifacts] = process.argv.slice(2);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
	'--disable-background-networking', '--no-first-run'];
const failures = [];

function check(ok, what, detail = '') {
	console.log((ok ? 'ok   ' : 'FAIL ') + what + (detail ? ': ' + detail : ''));
	if (!ok)
		failures.push(what);
}

// The login page: sent there, a wrong password said in words, the right one
// back to the viewer signed in, frames over the WebSocket, signing out.
async function loginFlow(browser) {
	const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
	const violations = await csp.watch(ctx);
	const page = await ctx.newPage();
	page.on('pageerror', (e) => check(false, 'login: page error', e.message));
	await page.goto(base);
	check(new URL(page.url()).pathname === '/login.html', 'login: a visitor is sent to the login page', page.url());
	await page.fill('#user', user);
	await page.fill('#password', password + 'x');
	await page.click('#login button');
	await page.waitForFunction(() => document.getElementById('error').textContent !== '',
	    null, { timeout: 20000 });
	check(await page.textContent('#error') === 'Wrong user or password.',
	    'login: a wrong password is said in words', await page.textContent('#error'));
	if (artifacts)
		await page.screenshot({ path: artifacts + '/login-phone.png' });
	await page.fill('#password', password);
	await page.click('#login button');
	try {
		await page.waitForURL(base, { timeout: 20000 });
		await page.waitForFunction(() => window.campipe && window.campipe.frames >= 3,
		    null, { timeout: 20000, polling: 100 });
		check(true, 'login: back at the viewer, frames flowing');
	} catch (e) {
		check(false, 'login: back at the viewer, frames flowing', page.url());
	}
	check(await page.textContent('#who-name') === 'Signed in as ' + user,
	    'login: the page says who is signed in', await page.textContent('#who-name'));
	const cookies = await ctx.cookies();
	const c = cookies.find((k) => k.name === 'campipe_login');
	check(c && c.httpOnly && c.sameSite === 'Strict', 'login: the cookie is HttpOnly and SameSite=Strict',
	    JSON.stringify(c));
	check(await page.evaluate(() => document.cookie.includes('campipe_login')) === false,
	    'login: scripts cannot read the cookie');
	if (artifacts)
		await page.screenshot({ path: artifacts + '/signed-in-phone.png' });
	await page.click('#logout');
	await page.waitForURL(/login\.html$/, { timeout: 20000 });
	const r = await page.request.get(base + 'pi.jpg');
	check(r.status() === 401, 'login: signed out, the still needs credentials again', String(r.status()));
	check(violations.length === 0, 'login: no Content-Security-Policy violation', violations.join('; '));
	await ctx.close();
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
			// As a browser that has them already (a window's first
			// navigation without them goes to the login page).
			extraHTTPHeaders: { Authorization: 'Basic ' +
			    Buffer.from(user + ':' + password).toString('base64') } });
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
		await loginFlow(browser);
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
