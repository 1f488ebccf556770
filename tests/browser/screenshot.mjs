// SPDX-License-Identifier: ISC
// screenshot.mjs: the README's picture of the viewer, taken from the real
// page: Chromium at 1280x800 on BASE_URL in Live mode, once frames flow,
// the latency shows and the camera panel counts this viewer and its rate.
// Usage: node screenshot.mjs BASE_URL OUT.png
import { chromium } from 'playwright-core';

const [base, out] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ||
    '/usr/bin/chromium', headless: true, args: ['--no-sandbox',
    '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
try {
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 },
		deviceScaleFactor: 1, colorScheme: 'light' });
	const page = await ctx.newPage();
	// Live picked, as a user would: with rtcd the page would choose WebRTC
	await page.addInitScript(() => localStorage.setItem('campipe.mode', 'live'));
	await page.goto(base);
	await page.waitForFunction(() => window.campipe && window.campipe.mode ===
	    'live' && window.campipe.frames >= 30 &&
	    window.campipe.latencyMs !== null &&
	    parseInt(document.getElementById('c-viewers').textContent, 10) >= 1 &&
	    document.getElementById('c-fps').textContent !== '–',
	    null, { timeout: 30000 });
	await page.screenshot({ path: out });
	const frames = await page.evaluate(() => window.campipe.frames);
	console.log('screenshot: ' + out + ' (1280x800), ' + frames + ' frames shown');
} finally {
	await browser.close();
}
