// SPDX-License-Identifier: ISC
// layout.mjs: the viewer and the grid at a desktop (1280x800), a phone
// (390x844) and the phone turned (844x390), measured in the DOM: no
// horizontal scrolling, no visible element running past the viewport's
// sides, no control whose text is cut by its own box, the picture and the
// view controls inside the first screen, where Stills' interval moves
// nothing; and axe-core's accessibility
// rules with no serious or critical violation, the phone in the dark
// scheme too.  Screenshots of
// each go to ARTIFACT_DIR.
// Usage: node layout.mjs BASE_URL ARTIFACT_DIR
// Exits 0 when every check holds; each failed check prints "FAIL ...".
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { check, run } from './harness.mjs';

const [base, artifacts] = process.argv.slice(2);
const axeSource = fs.readFileSync(createRequire(import.meta.url)
    .resolve('axe-core/axe.min.js'), 'utf8');
const SIZES = [['desktop', 1280, 800], ['phone', 390, 844],
	['phone-landscape', 844, 390], ['phone-dark', 390, 844]];
const PAGES = [['viewer', '', '#stage'], ['grid', 'grid.html', '#grid']];

// What runs past the viewport or is cut by its own box, measured in page.
function measure(pictureSel) {
	const W = document.documentElement.clientWidth;
	const H = window.innerHeight;
	const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id :
	    el.className && typeof el.className === 'string' ? '.' +
	    el.className.split(' ')[0] : '');
	const shown = (el) => {
		const r = el.getBoundingClientRect();
		const cs = getComputedStyle(el);
		return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' &&
		    el.closest('[hidden]') === null;
	};
	const out = { scroll: document.documentElement.scrollWidth - W,
	    sides: [], cut: [], picture: null };
	for (const el of document.body.querySelectorAll('*')) {
		if (!shown(el))
			continue;
		const r = el.getBoundingClientRect();
		if (r.left < -1 || r.right > W + 1)
			out.sides.push(name(el) + ' ' + Math.round(r.left) + '..' +
			    Math.round(r.right));
	}
	for (const el of document.querySelectorAll('button, select, label, ' +
	    'a, h1, h2, h3, summary, dt, dd, span')) {
		if (!shown(el) || el.closest('#links, #snippets, pre, code'))
			continue;
		const cs = getComputedStyle(el);
		if (cs.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1)
			out.cut.push(name(el) + ' ' + el.scrollWidth + '>' +
			    el.clientWidth);
		if (el.tagName === 'SELECT') {
			// The chosen option's text against the box, with room for the arrow.
			const c = document.createElement('canvas').getContext('2d');
			c.font = cs.font;
			const t = el.options[el.selectedIndex];
			const need = t ? c.measureText(t.text).width + 20 : 0;
			if (need > el.clientWidth + 1)
				out.cut.push(name(el) + ' "' + t.text + '" ' +
				    Math.round(need) + '>' + el.clientWidth);
		}
	}
	const pic = document.querySelector(pictureSel);
	if (pic) {
		const r = pic.getBoundingClientRect();
		out.picture = [Math.round(r.left), Math.round(r.top),
		    Math.round(r.right), Math.round(r.bottom), W, H];
	}
	const nav = document.querySelector('nav.controls');
	if (nav) {
		const r = nav.getBoundingClientRect();
		out.controls = [Math.round(r.top), Math.round(r.bottom), H];
	}
	return out;
}

async function main() {
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
		    '--disable-background-networking', '--disable-component-update'] });
	try {
		for (const [size, w, h] of SIZES) {
			const ctx = await browser.newContext({ viewport: { width: w, height: h },
			    isMobile: size !== 'desktop', hasTouch: size !== 'desktop',
			    colorScheme: size.endsWith('-dark') ? 'dark' : 'light',
			    deviceScaleFactor: 1 });
			for (const [page_, url, picture] of PAGES) {
				const page = await ctx.newPage();
				page.on('pageerror', (e) => check(false, page_ + ' page error',
				    e.message));
				await page.goto(base + url);
				// Frames on screen (the viewer's live picture, the grid's tiles).
				await page.waitForFunction(() => [...document.querySelectorAll(
				    'img, canvas, video')].some((e) => (e.naturalWidth ||
				    e.videoWidth || e.width) > 0 && e.getBoundingClientRect()
				    .width > 0), null, { timeout: 20000 }).catch(() =>
				    check(false, page_ + ' at ' + size + ': a picture shows'));
				await page.waitForTimeout(800);
				const m = await page.evaluate(measure, picture);
				const at = page_ + ' at ' + size + ' (' + w + 'x' + h + ')';
				check(m.scroll <= 0, at + ': no horizontal scrolling',
				    m.scroll + ' px too wide');
				check(m.sides.length === 0, at + ': nothing past the sides',
				    m.sides.slice(0, 6).join(', '));
				check(m.cut.length === 0, at + ': no control cut by its box',
				    m.cut.slice(0, 6).join(', '));
				if (page_ === 'viewer')
					check(m.picture !== null && m.picture[0] >= 0 &&
					    m.picture[1] >= 0 &&
					    m.picture[2] <= m.picture[4] + 1 &&
					    m.picture[3] <= m.picture[5] + 1,
					    at + ': the picture fits the viewport',
					    JSON.stringify(m.picture));
				if (page_ === 'viewer')
					check(m.controls && m.controls[0] >= 0 &&
					    m.controls[1] <= m.controls[2] + 1,
					    at + ': the view controls show beside the picture',
					    JSON.stringify(m.controls));
				await page.screenshot({ path: path.join(artifacts,
				    'layout-' + page_ + '-' + size + '.png') });
				if (page_ === 'viewer') {
					// Stills adds its interval: the toolbar must not move.
					await page.keyboard.press('3');
					await page.waitForFunction(() => window.campipe.mode ===
					    'stills' && !document.getElementById('interval-box').hidden);
					const n = await page.evaluate(measure, picture);
					check(JSON.stringify(n.controls) === JSON.stringify(m.controls) &&
					    n.cut.length === 0 && n.sides.length === 0,
					    at + ': Stills and its interval move no control',
					    JSON.stringify(m.controls) + ' -> ' + JSON.stringify(n.controls) +
					    ' ' + n.cut.concat(n.sides).join(', '));
				}
				// axe-core, evaluated outside the page's CSP.
				await page.evaluate(axeSource);
				const res = await page.evaluate(() => window.axe.run(document,
				    { resultTypes: ['violations'] }));
				const bad = res.violations.filter((v) => v.impact === 'serious' ||
				    v.impact === 'critical');
				check(bad.length === 0, at + ': axe-core, no serious or ' +
				    'critical violation', bad.map((v) => v.id + ' (' + v.impact +
				    ': ' + v.nodes.slice(0, 3).map((n) => n.target.join(' '))
				    .join('; ') + ')').join(', '));
				await page.close();
			}
			await ctx.close();
		}
	} finally {
		await browser.close();
	}
}

run(main);
