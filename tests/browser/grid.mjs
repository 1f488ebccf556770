// SPDX-License-Identifier: ISC
// grid.mjs: drives headless Chromium through the grid page and the viewer's
// camera switcher against three real cameras behind one httpd and one wsd.
// Usage: node grid.mjs BASE_URL ARTIFACT_DIR KIND=NAME...
// where each KIND (grey, red, purple) names the camera whose picture has
// that colour.  Exits 0 when every check holds; each failed check prints
// "FAIL ...".
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [base, artifacts, ...kinds] = process.argv.slice(2);
const cams = Object.fromEntries(kinds.map((k) => k.split('=').reverse()));
const names = Object.keys(cams);
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
	'--disable-background-networking', '--disable-quic', '--no-first-run',
	'--disable-component-update', '--disable-sync'];
const failures = [];

function check(ok, what, detail = '') {
	console.log((ok ? 'ok   ' : 'FAIL ') + what + (detail ? ': ' + detail : ''));
	if (!ok)
		failures.push(what);
	return ok;
}

// Polls fn in the page until it returns a true value or time runs out.
async function until(page, fn, arg, ms, what) {
	try {
		await page.waitForFunction(fn, arg, { timeout: ms, polling: 100 });
		return check(true, what);
	} catch (e) {
		return check(false, what, 'timed out after ' + ms + ' ms; tiles=' +
		    JSON.stringify(await page.evaluate(() => window.campipeGrid &&
		    window.campipeGrid.tiles).catch(() => null)));
	}
}

// Fails on page errors and on any Content-Security-Policy report (httpd
// may send a strict policy: the pages have no inline script or style).
function watch(page) {
	page.on('console', (m) => {
		if (/Content Security Policy/i.test(m.text()))
			check(false, 'no CSP violation', m.text());
	});
	page.on('pageerror', (e) => check(false, 'page error', e.message));
}

// The colour of what a tile (or the viewer) paints: grey, red or purple,
// from the mean of its picture drawn small.
function colourOf(page, selector) {
	return page.evaluate((sel) => {
		const el = document.querySelector(sel);
		if (!el)
			return 'missing';
		const c = document.createElement('canvas');
		c.width = 32;
		c.height = 24;
		const ctx = c.getContext('2d');
		ctx.drawImage(el, 0, 0, 32, 24);
		const d = ctx.getImageData(0, 0, 32, 24).data;
		let r = 0, g = 0, b = 0;
		for (let i = 0; i < d.length; i += 4) {
			r += d[i];
			g += d[i + 1];
			b += d[i + 2];
		}
		const n = d.length / 4;
		[r, g, b] = [r / n, g / n, b / n];
		if (r - g > 150 && b < 60)
			return 'red';
		if (r - g > 60 && b - g > 60)
			return 'purple';
		if (Math.abs(r - g) < 30 && Math.abs(b - g) < 30 && r > 20)
			return 'grey';
		return 'other ' + [r, g, b].map(Math.round).join(',');
	}, selector);
}

const tile = (name) => '.tile[data-camera="' + name + '"]';

// Every tile paints its own camera in the given mode.
async function tilesPaint(page, mode) {
	await until(page, ([names, mode]) => names.every((n) => {
		const t = window.campipeGrid.tiles[n];
		return t && t.mode === mode && t.frames >= 2;
	}), [names, mode], 30000, 'grid: every tile paints in ' + mode + ' mode');
	for (const n of names) {
		const sel = tile(n) + (mode === 'live' ? ' canvas' : ' img');
		check(await colourOf(page, sel) === cams[n],
		    'grid: tile ' + n + ' shows its own camera (' + mode + ')',
		    await colourOf(page, sel));
	}
}

async function gridChecks(ctx) {
	const page = await ctx.newPage();
	watch(page);
	await page.goto(base + 'grid.html');
	await until(page, (n) => Number(document.body.dataset.tiles) === n,
	    names.length, 10000, 'grid: one tile per camera');
	await tilesPaint(page, 'stills');
	await page.screenshot({ path: path.join(artifacts, 'grid-stills.png') });
	for (const n of names)
		await page.click(tile(n) + ' .tile-mode');
	await tilesPaint(page, 'live');
	await page.screenshot({ path: path.join(artifacts, 'grid-live.png') });
	// Modes are remembered per tile: one back to stills, then a reload.
	await page.click(tile(names[0]) + ' .tile-mode');
	await page.reload();
	await until(page, ([first, rest]) => {
		const t = window.campipeGrid && window.campipeGrid.tiles;
		return t && t[first] && t[first].mode === 'stills' &&
		    rest.every((n) => t[n] && t[n].mode === 'live' && t[n].frames >= 1);
	}, [names[0], names.slice(1)], 20000, 'grid: modes remembered after reload');
	await page.close();
}

// On a phone: tiles in one column, nothing wider than the screen, buttons
// big enough for a finger.
async function phoneChecks(browser) {
	const ctx = await browser.newContext({ viewport: { width: 390, height: 844 },
	    deviceScaleFactor: 2, isMobile: true, hasTouch: true });
	const page = await ctx.newPage();
	watch(page);
	await page.goto(base + 'grid.html');
	await until(page, (n) => Object.values(window.campipeGrid.tiles).filter(
	    (t) => t.frames >= 1).length === n, names.length, 30000,
	    'phone: every tile paints');
	const m = await page.evaluate(() => {
		const boxes = [...document.querySelectorAll('.tile')].map(
		    (t) => t.getBoundingClientRect());
		const btn = document.querySelector('.tile-mode').getBoundingClientRect();
		return { scroll: document.documentElement.scrollWidth, width: innerWidth,
		    lefts: [...new Set(boxes.map((b) => Math.round(b.left)))].length,
		    widest: Math.max(...boxes.map((b) => b.right)), btn: btn.height };
	});
	check(m.scroll <= m.width && m.widest <= m.width, 'phone: nothing wider than the screen',
	    JSON.stringify(m));
	check(m.lefts === 1, 'phone: tiles in one column', JSON.stringify(m));
	check(m.btn >= 32, 'phone: mode buttons a finger wide', m.btn + ' px');
	await page.screenshot({ path: path.join(artifacts, 'grid-phone.png'), fullPage: true });
	await ctx.close();
}

// The viewer's switcher: every camera listed; picking one opens its viewer,
// which shows that camera; the choice is remembered for the next visit.
async function switcherChecks(ctx) {
	const page = await ctx.newPage();
	watch(page);
	await page.goto(base);
	await until(page, (n) => document.querySelectorAll('#camera-pick option').length === n,
	    names.length, 10000, 'viewer: the switcher lists every camera');
	const pick = names[names.length - 1];
	await Promise.all([page.waitForURL('**/cam/' + pick + '/'),
	    page.selectOption('#camera-pick', pick)]);
	await until(page, () => window.campipe && window.campipe.state === 'live' &&
	    window.campipe.frames >= 3, null, 20000, 'viewer: the picked camera plays');
	check(await colourOf(page, '.media:not([hidden])') === cams[pick],
	    'viewer: it shows the picked camera', await colourOf(page, '.media:not([hidden])'));
	await page.goto(base);
	await page.waitForURL('**/cam/' + pick + '/', { timeout: 10000 }).then(
	    () => check(true, 'viewer: the choice is remembered'),
	    () => check(false, 'viewer: the choice is remembered', page.url()));
	await page.screenshot({ path: path.join(artifacts, 'viewer-camera.png') });
	await page.close();
}

async function main() {
	fs.mkdirSync(artifacts, { recursive: true });
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'campipe-chromium-'));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true, args: CHROMIUM_ARGS,
		viewport: { width: 1280, height: 800 }, colorScheme: 'dark',
	});
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true, args: CHROMIUM_ARGS,
	});
	try {
		await gridChecks(ctx);
		await phoneChecks(browser);
		await switcherChecks(ctx);
	} finally {
		await ctx.close();
		await browser.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
	console.log(failures.length ? failures.length + ' checks failed' : 'all checks passed');
	process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
	console.log('FAIL ' + (e.stack || e));
	process.exit(1);
});
