// SPDX-License-Identifier: ISC
// h264only.mjs: drives headless Chromium through the pages of a camera that
// gives H.264 only (capd --source-format h264) beside one that gives JPEG,
// against the real daemons.  Usage:
//   node h264only.mjs BASE_URL ARTIFACT_DIR H264_CAMERA JPEG_CAMERA
// BASE_URL's default camera is H264_CAMERA, whose capd's status httpd
// reads.  Checks: the viewer ends up in H.264 mode by itself (from the
// status; with the status blocked, from wsd's and httpd's refusals), frames
// are presented and seq rises, the JPEG modes are marked unavailable, no
// JPEG stream is tried again, Snapshot saves a JPEG of the H.264 picture;
// /cam/NAME/ the same; the grid plays the camera's tile through H.264; the
// JPEG camera still opens in Live and its tile in stills (positive
// controls); no CSP violation.  Exits 0 when every check holds.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { control as cspControl, watch as cspWatch } from './csp.mjs';
import { counters } from './harness.mjs';

const [base, artifacts, h264cam, jpegcam] = process.argv.slice(2);
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

async function until(page, fn, arg, ms, what) {
	try {
		await page.waitForFunction(fn, arg, { timeout: ms, polling: 100 });
		return check(true, what);
	} catch (e) {
		return check(false, what, 'timed out after ' + ms + ' ms; campipe=' +
		    JSON.stringify(await counters(page).catch(() => null)));
	}
}

// JPEG requests a page makes: WebSockets to a stream that is not .h264,
// stills and MJPEG.
function jpegTries(page) {
	const seen = [];
	page.on('websocket', (ws) => {
		if (!ws.url().endsWith('.h264'))
			seen.push(ws.url());
	});
	page.on('request', (r) => {
		if (/\/(pi\.jpg|stream\.mjpg)(\?|$)/.test(r.url()))
			seen.push(r.url());
	});
	return seen;
}

// The viewer on page: H.264 mode by itself, presenting, JPEG modes off,
// and no JPEG stream tried once there.
async function viewerPlaysH264(page, what, tries) {
	if (!await until(page, () => window.campipe.mode === 'h264' &&
	    window.campipe.state === 'live' && window.campipe.frames >= 3, null, 30000,
	    what + ': H.264 mode by itself, live'))
		return;
	const n = tries.length;
	const a = await counters(page);
	let stuck = 0;
	let prev = a;
	for (let i = 0; i < 5; i++) {
		await page.waitForTimeout(1000);
		const c = await counters(page);
		if (c.frames <= prev.frames)
			stuck++;
		prev = c;
	}
	check(stuck === 0 && prev.seq > a.seq, what + ': frames presented in each of 5 s, seq rises',
	    a.frames + ' -> ' + prev.frames + ' frames, seq ' + a.seq + ' -> ' + prev.seq);
	check(tries.length === n, what + ': no JPEG stream tried again',
	    tries.slice(n).join(', '));
	const modes = await page.evaluate(() => [...document.querySelectorAll(
	    'input[name=mode]')].map((i) => [i.value, i.disabled, i.closest('label').title]));
	for (const [m, off, title] of modes) {
		if (m === 'h264' || m === 'webrtc')	// WebRTC carries H.264 too
			check(!off, what + ': ' + m + ' mode available');
		else
			check(off && /gives H\.264 only/.test(title),
			    what + ': ' + m + ' marked unavailable with the reason', off + ', "' + title + '"');
	}
	await until(page, () => /H\.264 only/.test(document.getElementById('c-state').textContent),
	    null, 10000, what + ': the camera panel says H.264 only');
	await page.keyboard.press('1');
	await page.waitForTimeout(300);
	check((await counters(page)).mode === 'h264', what + ': key 1 keeps H.264');
}

async function main() {
	fs.mkdirSync(artifacts, { recursive: true });
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'campipe-chromium-'));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true, args: CHROMIUM_ARGS, acceptDownloads: true,
		viewport: { width: 1280, height: 800 }, colorScheme: 'dark',
	});
	const csp = await cspWatch(ctx);
	const newPage = async () => {
		const p = await ctx.newPage();
		p.on('pageerror', (e) => check(false, 'page error', e.message));
		return p;
	};
	try {
		// Positive control first: the JPEG camera opens in Live.
		let page = await newPage();
		await page.goto(base + 'cam/' + jpegcam + '/');
		await until(page, () => window.campipe.mode === 'live' &&
		    window.campipe.state === 'live' && window.campipe.frames >= 3, null, 20000,
		    'jpeg camera: opens in Live');
		check(await page.evaluate(() => [...document.querySelectorAll('input[name=mode]')]
		    .every((i) => !i.disabled)), 'jpeg camera: every mode available');
		await page.close();

		// The H.264-only camera at /: learned from capd's status.
		page = await newPage();
		let tries = jpegTries(page);
		await page.goto(base);
		await viewerPlaysH264(page, 'viewer', tries);
		check(await page.evaluate(() => localStorage.getItem('campipe.mode')) !== 'h264',
		    'viewer: the mode the camera chose is not remembered');
		await page.screenshot({ path: path.join(artifacts, 'viewer-h264only.png') });
		// Snapshot: a JPEG drawn from the H.264 picture.
		const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }),
		    page.click('#snapshot')]);
		const file = await dl.path();
		const b = fs.readFileSync(file);
		const c = await counters(page);
		check(b.length > 1000 && b[0] === 0xff && b[1] === 0xd8 &&
		    /^campipe-\d{8}-\d{6}\.jpg$/.test(dl.suggestedFilename()),
		    'viewer: Snapshot saves a JPEG of the H.264 picture',
		    dl.suggestedFilename() + ', ' + b.length + ' bytes, ' + c.width + 'x' + c.height);
		fs.copyFileSync(file, path.join(artifacts, 'snapshot-h264only.jpg'));
		await page.close();

		// Without the status: the refusal itself, through Live (wsd's
		// close) and through Stills (httpd's 503).
		for (const mode of ['live', 'stills']) {
			page = await newPage();
			await page.route('**/api/status', (r) => r.abort());
			await page.addInitScript((m) => localStorage.setItem('campipe.mode', m), mode);
			tries = jpegTries(page);
			await page.goto(base);
			await viewerPlaysH264(page, 'refused in ' + mode, tries);
			check(tries.length > 0, 'refused in ' + mode + ': a JPEG attempt was made first',
			    String(tries.length));
			await page.close();
		}

		// /cam/NAME/ of the same camera (no capd status there: the refusal).
		page = await newPage();
		await page.addInitScript(() => localStorage.setItem('campipe.mode', 'live'));
		tries = jpegTries(page);
		await page.goto(base + 'cam/' + h264cam + '/');
		await viewerPlaysH264(page, '/cam/' + h264cam + '/', tries);
		await page.close();

		// The grid: the H.264-only tile through H.264, the JPEG one in stills.
		page = await newPage();
		await page.goto(base + 'grid.html');
		await until(page, (n) => {
			const t = (window.campipeGrid.tiles || {})[n];
			return t && t.mode === 'h264' && t.state === 'live' && t.frames >= 3;
		}, h264cam, 30000, 'grid: the H.264-only tile plays H.264');
		const g1 = await page.evaluate((n) => ({ ...window.campipeGrid.tiles[n] }), h264cam);
		await page.waitForTimeout(2000);
		const g2 = await page.evaluate((n) => ({ ...window.campipeGrid.tiles[n] }), h264cam);
		check(g2.frames > g1.frames && g2.seq > g1.seq, 'grid: H.264 tile frames and seq rise',
		    g1.frames + ' -> ' + g2.frames + ', seq ' + g1.seq + ' -> ' + g2.seq + ', ' + g2.path);
		check(await page.isVisible('.tile[data-camera="' + h264cam + '"] .tile-mode:disabled'),
		    'grid: its mode button says H.264 only, disabled');
		await until(page, (n) => {
			const t = (window.campipeGrid.tiles || {})[n];
			return t && t.mode === 'stills' && t.state === 'live' && t.frames >= 2;
		}, jpegcam, 20000, 'grid: the JPEG tile stays in stills (control)');
		await page.screenshot({ path: path.join(artifacts, 'grid-h264only.png') });
		await page.close();

		const probe = await newPage();
		await probe.goto(base);
		check(csp.length === 0, 'no CSP violations', csp.join('; '));
		check(await cspControl(probe, csp), 'a CSP violation made on purpose is seen');
		await probe.close();
	} finally {
		await ctx.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
	if (failures.length > 0) {
		console.log(failures.length + ' checks failed');
		process.exit(1);
	}
	console.log('all checks passed');
}

main().catch((e) => {
	console.log('FAIL ' + (e.stack || e));
	process.exit(1);
});
