// SPDX-License-Identifier: ISC
// settings.mjs: the camera settings panel in headless Chromium against the
// real daemons on the fake camera, logged in with Basic credentials.
// Usage: node settings.mjs BASE_URL ADMIN PASSWORD READER PASSWORD
// An admin moves the brightness slider: the live canvas brightens, and a
// reload shows the saved value; a change made elsewhere appears; the camera
// panel says "streaming" while only the live (wsd) view watches; every
// label on one line, no select cut, the panel inside the window; a size
// change says in words that the camera restarts, and the picture comes
// back at the new size; a reader
// sees no settings panel; nothing breaks the Content-Security-Policy.  Exits 0
// when every check holds; each failed check prints "FAIL ...".
import { chromium } from 'playwright-core';
import * as csp from './csp.mjs';

const [base, admin, adminPass, reader, readerPass] = process.argv.slice(2);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
	'--disable-background-networking', '--disable-quic', '--no-first-run',
	'--disable-component-update', '--disable-sync'];
const failures = [];

function check(ok, what, detail = '') {
	console.log((ok ? 'ok   ' : 'FAIL ') + what + (detail ? ': ' + detail : ''));
	if (!ok)
		failures.push(what);
	return ok;
}

// Waits for fn(arg) to hold in the page; a check either way.
async function until(page, fn, arg, ms, what) {
	try {
		await page.waitForFunction(fn, arg, { timeout: ms, polling: 100 });
		return check(true, what);
	} catch (e) {
		return check(false, what, 'timed out after ' + ms + ' ms');
	}
}

// Mean brightness (0-255) of the live canvas, drawn small.
function brightness(page) {
	return page.evaluate(() => {
		const src = document.getElementById('live');
		const c = document.createElement('canvas');
		c.width = 64;
		c.height = 48;
		const ctx = c.getContext('2d');
		ctx.drawImage(src, 0, 0, 64, 48);
		const d = ctx.getImageData(0, 0, 64, 48).data;
		let sum = 0;
		for (let i = 0; i < d.length; i += 4)
			sum += (d[i] + d[i + 1] + d[i + 2]) / 3;
		return sum / (d.length / 4);
	});
}

// Brightness once it settles above (or below) a level, or the last seen.
async function brightnessWhere(page, cond, ms) {
	const end = Date.now() + ms;
	let b = await brightness(page);
	while (!cond(b) && Date.now() < end) {
		await page.waitForTimeout(100);
		b = await brightness(page);
	}
	return b;
}

// Signs in on the login page as a visitor would, then is at the viewer:
// the settings' changes then ride the login cookie.
async function openViewer(browser, user, pass) {
	const ctx = await browser.newContext();
	const violations = await csp.watch(ctx);
	const page = await ctx.newPage();
	page.on('pageerror', (e) => check(false, 'page error', e.message));
	await page.goto(base);
	await page.fill('#user', user);
	await page.fill('#password', pass);
	await page.click('#login button');
	await page.waitForURL(base, { timeout: 20000 });
	await until(page, () => window.campipe && window.campipe.mode === 'live' &&
	    window.campipe.frames >= 3, null, 20000, user + ': live frames on the canvas');
	return [ctx, page, violations];
}

async function main() {
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true, args: ARGS,
	});
	try {
		const [ctx, page, violations] = await openViewer(browser, admin,
		    adminPass);
		// Only the live view watches, through wsd: capd says streaming.
		await until(page, () => document.getElementById('c-state').textContent ===
		    'Streaming', null, 15000, 'camera panel says streaming (live view only)');
		// The page knows its admin, for the hints that only admins get.
		check(await page.evaluate(() => window.campipe.config.raw.admin) === true,
		    'admin: /api/config says admin');
		const viewers = await page.textContent('#c-viewers');
		check(viewers === '1', 'camera panel counts the live viewer', viewers);
		const size = await page.textContent('#c-size');
		check(size === '640×480', 'camera panel shows the size', size);

		await until(page, () => !document.getElementById('settings').hidden &&
		    document.getElementById('set-c-brightness') !== null, null, 15000,
		    'admin: settings panel with a brightness slider');
		const slider = page.locator('#set-c-brightness');
		check(await slider.getAttribute('max') === '255' &&
		    await slider.getAttribute('min') === '0',
		    'slider range from the control metadata');
		check(await page.locator('#set-c-power_line_frequency option').count() === 3,
		    'menu control as a select with its items');
		const before = await brightness(page);
		// Moving the slider as a person would: focus, then keys to the end.
		await slider.focus();
		await page.keyboard.press('End');
		await until(page, () => /^Saved at .* for every viewer\.$/.test(
		    document.getElementById('set-msg').textContent), null, 10000,
		    'change saved, said in words');
		const after = await brightnessWhere(page, (b) => b > before + 30, 10000);
		check(after > before + 30, 'canvas brightens',
		    before.toFixed(1) + ' -> ' + after.toFixed(1));

		// A refused change shows the server's reason.
		await page.evaluate(() => {
			const s = document.getElementById('set-quality');
			s.max = '1000';
			s.value = '1000';
			s.dispatchEvent(new Event('change'));
		});
		await until(page, () => /quality: 1000 out of range/.test(
		    document.getElementById('set-msg').textContent), null, 10000,
		    'a refused change shows the reason');

		await page.reload();
		await until(page, () => document.getElementById('set-c-brightness') !== null &&
		    document.getElementById('set-c-brightness').value === '255', null, 15000,
		    'reload shows the saved value');
		await until(page, () => window.campipe.frames >= 3, null, 20000,
		    'reload: live again');

		// A change made elsewhere (a tool, another admin) shows up.
		const r = await ctx.request.patch(base + 'api/camera/settings', {
			headers: { 'Content-Type': 'application/json' },
			data: '{"controls":{"contrast":77}}' });
		check(r.status() === 200, 'a change made elsewhere', String(r.status()));
		await until(page, () => document.getElementById('set-c-contrast') !== null &&
		    document.getElementById('set-c-contrast').value === '77', null, 15000,
		    'the panel reflects a change made elsewhere');
		const fit = await page.evaluate(() => {
			const bad = [];
			for (const l of document.querySelectorAll('#set-form label')) {
				const r = document.createRange();
				r.selectNodeContents(l);
				const lines = new Set([...r.getClientRects()]
				    .map((x) => Math.round(x.top)));
				if (lines.size !== 1)
					bad.push('"' + l.textContent + '" on ' + lines.size + ' lines');
			}
			const c = document.createElement('canvas').getContext('2d');
			for (const el of document.querySelectorAll('#set-form select')) {
				c.font = getComputedStyle(el).font;
				const t = el.options[el.selectedIndex].text;
				if (c.measureText(t).width + 20 > el.clientWidth + 1)
					bad.push('select "' + t + '" cut');
			}
			const p = document.querySelector('.panel').getBoundingClientRect();
			if (p.bottom > window.innerHeight + 1)
				bad.push('panel ends at ' + Math.round(p.bottom) + ' below ' +
				    window.innerHeight);
			const size = document.getElementById('set-size');
			const hint = size.closest('.set-row').querySelector('.set-hint');
			return { bad, restart: size.dataset.hint || '',
				hint: hint ? hint.textContent : '' };
		});
		check(fit.bad.length === 0, 'settings: every label on one line, ' +
		    'no select cut, the panel inside the window', fit.bad.join(', '));
		check(fit.restart === '' || fit.hint === fit.restart,
		    'settings: a size change says in words that it restarts the camera',
		    fit.restart + ' / ' + fit.hint);
		await page.locator('#settings').screenshot({
		    path: process.env.ARTIFACTS + '/viewer-settings.png' });
		check(violations.length === 0, 'no Content-Security-Policy violation',
		    violations.join('; '));
		check(await csp.control(page, violations),
		    'a violation made on purpose is seen (control)');
		// A size change restarts the camera: the panel says so, the
		// picture comes back at the new size.
		await page.selectOption('#set-size', '320x240');
		await until(page, () => /^Saved at .*: the camera restarts with it/.test(
		    document.getElementById('set-msg').textContent), null, 10000,
		    'a size change says the camera restarts');
		await until(page, () => document.getElementById('c-size').textContent ===
		    '320×240' && window.campipe.width === 320, null, 20000,
		    'the picture comes back at the new size');
		await page.screenshot({ path: process.env.ARTIFACTS +
		    '/viewer-settings-page.png', fullPage: true });
		await ctx.close();

		const [rctx, rpage] = await openViewer(browser, reader, readerPass);
		await rpage.waitForTimeout(1500);
		check(await rpage.locator('#settings').isHidden(),
		    'reader: no settings panel');
		check(await rpage.evaluate(() => window.campipe.config.raw.admin) === false,
		    'reader: /api/config says not an admin');
		await rctx.close();
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
