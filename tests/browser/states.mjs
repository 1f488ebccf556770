// SPDX-License-Identifier: ISC
// states.mjs: the camera's states in words and the Camera panel's figures,
// in headless Chromium against the real daemons, with capd killed, paused
// and started again under the open page (test_browser.py does what the
// "CTL ..." lines ask).  Usage: node states.mjs BASE_URL ARTIFACT_DIR.
// Exits 0 when every check holds; each failed check prints "FAIL ...".
import fs from 'node:fs';
import path from 'node:path';
import { check, control, launch, run, until as untilIn } from './harness.mjs';

const [base, artifacts] = process.argv.slice(2);
const STOPPED = /^Camera service stopped \(since \d\d:\d\d:\d\d\)$/;

// What the page says, for a failure's message.
async function says(page) {
	return page.evaluate(() => JSON.stringify({ state: window.campipe.state,
	    detail: window.campipe.detail, says: window.campipe.says,
	    camera: document.getElementById('c-state').textContent,
	    viewers: document.getElementById('c-viewers').textContent }));
}

const until = (page, fn, arg, ms, what) => untilIn(page, fn, arg, ms, what, says);
const text = (page, id) => page.textContent('#' + id);

async function status() {
	return (await fetch(base + 'api/status')).json();
}

// The page is live, the panel says the camera streams, with n viewers.
async function liveWith(page, n, what) {
	await until(page, (n) => window.campipe.says === 'Live' &&
	    document.getElementById('c-state').textContent.startsWith('Streaming') &&
	    document.getElementById('c-viewers').textContent === n, String(n), 20000,
	    what + ': live, the camera streaming to ' + n + ' viewer(s)');
}

// capd killed: every place says the camera service stopped, with the time,
// and nothing blames the connection; then capd comes back.
async function killed(page, what) {
	await control('kill-capd');
	await until(page, (re) => new RegExp(re).test(window.campipe.says) &&
	    new RegExp(re).test(document.getElementById('c-state').textContent),
	    STOPPED.source, 15000, what + ': state line and panel say the camera service stopped');
	const ov = await text(page, 'overlay');
	check(await page.isVisible('#overlay') && STOPPED.test(ov) && !/ws:|WebSocket/.test(ov),
	    what + ': the overlay names the camera service, not the connection', ov);
	check(await text(page, 'conn-text') === await text(page, 'c-state'),
	    what + ': the state line and the panel say the same');
	const st = await status();
	check(st.capd === null && typeof st.capd_unreachable.since === 'number' &&
	    Math.abs(st.capd_unreachable.since - Date.now() / 1000) < 20,
	    what + ': httpd says since when capd is unreachable',
	    JSON.stringify(st.capd_unreachable));
	// No password file: nobody is an admin, so no systemctl hint.
	check(await page.isHidden('#overlay-hint') && await page.isHidden('#c-hint'),
	    what + ': no admin hint for a visitor');
	check(await text(page, 'c-viewers') === '–', what + ': viewers unknown, not a stale count',
	    await text(page, 'c-viewers'));
	check(await text(page, 'c-uptime-label') === 'Web server up',
	    what + ': the uptime shown is named the web server\'s');
	await page.screenshot({ path: path.join(artifacts, 'states-' + what + '.png') });
	await control('start-capd');
}

async function main() {
	fs.mkdirSync(artifacts, { recursive: true });
	const browser = await launch();
	try {
		const page = await browser.ctx.newPage();
		page.on('pageerror', (e) => check(false, 'page error', e.message));
		await page.goto(base);
		await liveWith(page, 1, 'start');
		check(await text(page, 'c-uptime-label') === 'Camera service up',
		    'uptime: named the camera service\'s');

		// A second viewer by MJPEG counts, and stops counting once gone.
		const other = await browser.ctx.newPage();
		await other.goto(base);
		await other.keyboard.press('2');
		await liveWith(page, 2, 'a second viewer (MJPEG)');
		await other.close();
		await liveWith(page, 1, 'the second viewer gone');

		// capd killed under the live view, then started again.
		await killed(page, 'service-stopped');
		await liveWith(page, 1, 'after capd restarts');
		const st = await status();
		check(st.capd.viewers === 1 && st.capd.uptime < 30 && st.uptime > st.capd.uptime,
		    'after capd restarts: capd counts this viewer, and its uptime is its own',
		    'viewers ' + st.capd.viewers + ', capd up ' + st.capd.uptime + ' s, httpd up ' +
		    st.uptime + ' s');
		const up = await text(page, 'c-uptime');
		check(/^\d+ s$/.test(up) && Number(up.split(' ')[0]) <= st.capd.uptime + 5,
		    'after capd restarts: the panel shows the camera service\'s uptime', up);

		// capd frozen: the connection stays, no frames come.
		await control('pause-capd');
		await until(page, () => /^No frames from the camera for \d+ s$/.test(
		    window.campipe.says), null, 10000, 'capd paused: no frames from the camera for N s');
		await control('resume-capd');
		await liveWith(page, 1, 'capd resumed');

		// The H.264 mode: capd's death is not the WebSocket's fault.
		await page.keyboard.press('4');
		await until(page, () => window.campipe.mode === 'h264' &&
		    window.campipe.says === 'Live' && window.campipe.frames >= 3, null, 20000,
		    'h264: live');
		await killed(page, 'h264-service-stopped');
		await until(page, () => window.campipe.says === 'Live', null, 30000,
		    'h264: live again after capd restarts');

		// Stills: this page alone, fetching every 5 s, is one viewer
		// throughout, at httpd and at capd.
		await page.keyboard.press('3');
		await page.selectOption('#interval', '5000');
		await liveWith(page, 1, 'stills');
		let wrong = 0;
		for (let i = 0; i < 12; i++) {
			const s = await status();
			if (s.clients.stills_watchers !== 1 || s.capd.viewers !== 1)
				wrong++;
			await page.waitForTimeout(1000);
		}
		check(wrong === 0, 'stills every 5 s: one watcher at httpd, one viewer at capd, ' +
		    'between stills too', wrong + ' of 12 samples wrong');
		check(await text(page, 'c-viewers') === '1', 'stills: the panel counts the watcher');
		await page.close();
		let s = await status();
		for (let end = Date.now() + 20000; Date.now() < end &&
		    (s.clients.stills_watchers !== 0 || s.capd.viewers !== 0);) {
			await new Promise((r) => setTimeout(r, 500));
			s = await status();
		}
		check(s.clients.stills_watchers === 0 && s.capd.viewers === 0,
		    'stills: nobody counted once the page is gone',
		    JSON.stringify(s.clients) + ', capd viewers ' + s.capd.viewers);
	} finally {
		await browser.close();
	}
}

run(main);
