// SPDX-License-Identifier: ISC
// viewer.mjs: drives headless Chromium through the viewer against the real
// daemons.  Usage: node viewer.mjs BASE_URL ARTIFACT_DIR [HTTPD_STATUS_URL]
// It asks its parent to stop and start wsd by printing "CTL stop-wsd" or
// "CTL start-wsd" and waiting for a line on stdin.  With CAMPIPE_PROXIED=1
// (the page behind a TLS proxy with a self-signed certificate) it checks
// that each mode paints and live shows latency, and nothing else.  Exits 0 when every check
// holds; each failed check prints "FAIL ...".
import fs from 'node:fs';
import path from 'node:path';
import * as csp from './csp.mjs';
import { check, control, launch, run, until as untilIn } from './harness.mjs';

const [base, artifacts] = process.argv.slice(2);
const proxied = process.env.CAMPIPE_PROXIED === '1';

// Polls fn in the page; a failure shows the page's counters.
const until = (page, fn, arg, ms, what) => untilIn(page, fn, arg, ms, what,
    async (p) => 'campipe=' + JSON.stringify(await counters(p)));

async function counters(page) {
	return page.evaluate(() => {
		const c = { ...window.campipe };
		delete c.status;
		delete c.config;
		return c;
	});
}

// A fingerprint of the picture on screen: the visible media element drawn
// small on a canvas, as a string of its pixels.
function readout(page) {
	return page.evaluate(() => {
		const el = document.querySelector('.media:not([hidden])') ||
		    document.querySelector('canvas');
		const c = document.createElement('canvas');
		c.width = 64;
		c.height = 48;
		const ctx = c.getContext('2d');
		ctx.drawImage(el, 0, 0, 64, 48);
		return Array.from(ctx.getImageData(0, 0, 64, 48).data).join(',');
	});
}

// The picture changes and the page's frame counter rises (within 15 s).
async function paints(page, what) {
	const f1 = (await counters(page)).frames;
	const r1 = await readout(page);
	let f2 = f1, r2 = r1;
	for (let end = Date.now() + 15000; Date.now() < end &&
	    (f2 <= f1 || r2 === r1);) {
		await page.waitForTimeout(100);
		f2 = (await counters(page)).frames;
		r2 = await readout(page);
	}
	check(r1 !== r2, what + ': the picture changes');
	check(f2 > f1, what + ': frame counter rises', f1 + ' -> ' + f2);
}

async function shot(page, name) {
	await page.screenshot({ path: path.join(artifacts, name + '.png') });
}

// Selects a mode by clicking its button, as a person would.
async function mode(page, m) {
	await page.click('label:has(input[value=' + m + '])');
	await until(page, (m) => window.campipe.mode === m &&
	    window.campipe.state === 'live' && window.campipe.frames >= 3, m,
	    15000, m + ': live with frames');
}

// The latency is measured in milliseconds and shown: a frame's age is
// positive and, while the page is live, well under a minute.
async function latencyShown(page, what) {
	const c = await counters(page);
	const text = await page.textContent('#s-lat');
	check(c.latencyMs > 0 && c.latencyMs < 60000 && /^\d+ ms$/.test(text),
	    what + ': latency shown and plausible', c.latencyMs + ' ms, "' + text + '"');
}

async function liveChecks(page) {
	await mode(page, 'live');
	await paints(page, 'live');
	// Thirty more pictures: each a newer frame than the one before it
	// (latest frame wins, never an older one), and the meter shows a rate.
	const c1 = await counters(page);
	let c2 = c1, back = 0;
	for (let end = Date.now() + 30000; Date.now() < end && c2.frames < c1.frames + 30;) {
		await page.waitForTimeout(100);
		const c = await counters(page);
		if (c.seq < c2.seq)
			back++;
		c2 = c;
	}
	check(c2.frames >= c1.frames + 30, 'live: thirty more pictures',
	    c1.frames + ' -> ' + c2.frames);
	check(back === 0 && c2.seq - c1.seq >= c2.frames - c1.frames,
	    'live: each picture a newer frame', 'seq ' + c1.seq + ' -> ' + c2.seq +
	    ' for ' + (c2.frames - c1.frames) + ' pictures, ' + back + ' steps back');
	check(c2.fps > 0 && Number(await page.getAttribute('body', 'data-fps')) > 0,
	    'live: rate shown, data-fps attribute set', c2.fps.toFixed(1) + ' fps');
	await latencyShown(page, 'live');
	await shot(page, 'viewer-live');
	await controlsChecks(page);
}

// Keyboard: rotate and mirror change the view's transform, F goes
// fullscreen, S downloads the frame under a timestamped name.
async function controlsChecks(page) {
	const transform = () => page.evaluate(() =>
	    getComputedStyle(document.getElementById('live')).transform);
	const t0 = await transform();
	// The turn animates: wait (bounded) for where it settles.
	await page.keyboard.press('r');
	await page.keyboard.press('h');
	await until(page, (t) => getComputedStyle(document.getElementById('live')).transform !==
	    t, t0, 5000, 'keys: R and H transform the view');
	check(await page.getAttribute('#flip-h', 'aria-pressed') === 'true',
	    'keys: mirror button shows pressed');
	await page.keyboard.press('r');
	await page.keyboard.press('r');
	await page.keyboard.press('r');
	await page.keyboard.press('h');
	await until(page, (t) => getComputedStyle(document.getElementById('live')).transform ===
	    t, t0, 5000, 'keys: four turns and two mirrors restore the view');

	await page.keyboard.press('f');
	await until(page, () => document.fullscreenElement?.id === 'stage', null,
	    5000, 'keys: F makes the picture fullscreen');
	await shot(page, 'viewer-fullscreen');
	await page.keyboard.press('f');
	await until(page, () => document.fullscreenElement === null, null, 5000,
	    'keys: F again leaves fullscreen');

	await snapshot(page, 'live', true);
}

// S downloads a JPEG named campipe-YYYYMMDD-HHMMSS.jpg; in live and stills
// mode the bytes as sent, with the COM segment first.
async function snapshot(page, what, asSent) {
	const [dl] = await Promise.all([page.waitForEvent('download'),
	    page.keyboard.press('s')]);
	const name = dl.suggestedFilename();
	const file = path.join(artifacts, name);
	await dl.saveAs(file);
	const head = fs.readFileSync(file).subarray(0, 4);
	fs.rmSync(file);
	check(/^campipe-\d{8}-\d{6}\.jpg$/.test(name), what + ' snapshot: timestamped name',
	    name);
	check(head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff &&
	    (head[3] === 0xfe) === asSent, what + ' snapshot: a JPEG' +
	    (asSent ? ' as sent, COM segment first' : ''));
}

// Stops a daemon, sees the page show it, starts the daemon again and sees
// painting resume in the same page.
async function outage(page, daemon, states, what) {
	await control('stop-' + daemon);
	await until(page, (st) => st.includes(window.campipe.state), states, 15000,
	    what + ': page shows ' + states.join(' or '));
	check(await page.isVisible('#overlay'), what + ': overlay visible',
	    await page.textContent('#overlay'));
	await shot(page, 'viewer-' + what);
	const before = (await counters(page)).frames;
	await control('start-' + daemon);
	await until(page, (n) => window.campipe.state === 'live' &&
	    window.campipe.frames > n + 10, before, 20000,
	    what + ': painting resumes after ' + daemon + ' restarts');
}

async function outageChecks(page) {
	await page.evaluate(() => { window.notReloaded = true; });
	await outage(page, 'wsd', ['reconnecting', 'connecting'], 'outage');
	// The camera daemon goes away: the connection stays, the page waits.
	await outage(page, 'capd', ['waiting'], 'camera-outage');
	check(await page.evaluate(() => window.notReloaded === true),
	    'outage: resumed without a reload');
	await paints(page, 'after restarts');
}

// httpd's own view: stills waiting now and served so far, stream clients.
async function httpdCounts() {
	const st = await (await fetch(base + 'api/status')).json();
	return { waiting: st.clients.stills_waiting, served: st.stills.served,
	    streams: st.clients.stream };
}

async function stillsChecks(page, inflight) {
	let maxWaiting = 0, polling = true;
	const served0 = (await httpdCounts()).served;
	const poll = (async () => {
		while (polling) {
			maxWaiting = Math.max(maxWaiting, (await httpdCounts()).waiting);
			await new Promise((r) => setTimeout(r, 20));
		}
	})();
	await mode(page, 'stills');
	await page.selectOption('#interval', '100');
	let streams = -1;
	for (let i = 0; i < 50 && streams !== 0; i++) {
		streams = (await httpdCounts()).streams;
		await page.waitForTimeout(100);
	}
	check(streams === 0, 'mjpeg: leaving the mode closes its stream at httpd',
	    streams + ' stream clients');
	await paints(page, 'stills');
	await until(page, () => window.campipe.frames >= 10, null, 15000,
	    'stills: ten pictures');
	await latencyShown(page, 'stills');
	await shot(page, 'viewer-stills');
	await snapshot(page, 'stills', true);
	await page.click('label:has(input[value=live])');
	await page.waitForTimeout(300);
	polling = false;
	await poll;
	const served = (await httpdCounts()).served - served0;
	check(maxWaiting <= 1, 'stills: at most one pi.jpg waiting at httpd',
	    'max ' + maxWaiting);
	// A request cut short by the mode switch may or may not reach httpd.
	check(Math.abs(served - inflight.requests) <= 1,
	    'stills: httpd served what the page asked',
	    served + ' served, ' + inflight.requests + ' requested');
	const c = await counters(page);
	check(inflight.requests >= 10, 'stills: pi.jpg fetched repeatedly',
	    inflight.requests + ' requests');
	check(inflight.max === 1, 'stills: never two pi.jpg in flight (browser)',
	    'max ' + inflight.max);
	check(c.stills.maxInFlight === 1, 'stills: never two pi.jpg in flight (page)',
	    'max ' + c.stills.maxInFlight);
}

async function mjpegChecks(page) {
	await mode(page, 'mjpeg');
	await paints(page, 'mjpeg');
	check(await page.textContent('#s-lat') === 'n/a', 'mjpeg: latency n/a');
	await snapshot(page, 'mjpeg', false);
	const streams = (await httpdCounts()).streams;
	check(streams === 1, 'mjpeg: one stream open at httpd', streams + ' stream clients');
	await shot(page, 'viewer-mjpeg');
}

// The stream page: a canvas, nothing else, painting.
async function streamPage(ctx) {
	const page = await ctx.newPage();
	await page.goto(base + 'stream.html');
	await until(page, () => window.campipe.frames >= 3, null, 15000,
	    'stream page: frames');
	await paints(page, 'stream page');
	await shot(page, 'stream');
	await page.close();
}

// The viewer on a phone, light scheme, rotated: for the eyes.
async function phone(browserCtx) {
	const page = await browserCtx.newPage({});
	await page.setViewportSize({ width: 390, height: 844 });
	await page.emulateMedia({ colorScheme: 'light' });
	await page.goto(base);
	await until(page, () => window.campipe.frames >= 3, null, 15000,
	    'phone: frames');
	await page.keyboard.press('r');
	await page.waitForTimeout(400);
	await shot(page, 'viewer-phone-light-rotated');
	await page.keyboard.press('r');
	await page.keyboard.press('r');
	await page.keyboard.press('r');
	await page.close();
}

// Behind the proxy: every mode paints through it, live shows its latency.
async function proxiedChecks(page) {
	for (const m of ['live', 'mjpeg', 'stills']) {
		await mode(page, m);
		await paints(page, m + ' through the proxy');
		if (m === 'live') {
			// The figure is shown at the next refresh of the panel.
			await until(page, () => /^\d+ ms$/.test(
			    document.querySelector('#s-lat').textContent), null,
			    10000, 'live through the proxy: latency figure');
			await latencyShown(page, 'live through the proxy');
		}
		await shot(page, 'proxied-' + m);
	}
}

// "Use elsewhere": absolute addresses with this page's host, each HTTP one
// answering, RTSP on rtspd's port, and the snippets filled in.
async function linksChecks(page) {
	const origin = new URL(base).origin;
	const host = new URL(base).hostname;
	const links = await page.$$eval('#links a', (as) => as.map((a) => a.textContent));
	check(links.includes(origin + '/pi.jpg') && links.includes(origin + '/stream.mjpg') &&
	    links.includes(origin + '/stream.mp4') &&
	    links.includes('rtsp://' + host + ':8554/'),
	    'use elsewhere: absolute addresses with the host', links.join(' '));
	for (const u of links.filter((l) => /\/(pi\.jpg|api\/status|stream\.html)$/.test(l))) {
		// From outside the page, not to count as the page's stills.
		const code = (await fetch(u)).status;
		check(code === 200, 'use elsewhere: ' + u + ' answers', String(code));
	}
	const names = await page.$$eval('#snippets summary', (s) => s.map((e) => e.textContent));
	check(names.join(',') === 'Home Assistant (Generic Camera),Frigate,OctoPrint,VLC,ffmpeg',
	    'use elsewhere: snippets for HA, Frigate, OctoPrint, VLC, ffmpeg', names.join(','));
	await page.locator('#snippets details').nth(1).locator('summary').click();
	const frigate = await page.locator('#snippets pre').nth(1).textContent();
	check(frigate.includes('path: rtsp://' + host + ':8554/\n'),
	    'use elsewhere: the Frigate snippet names this host', frigate);
	await page.locator('#h-links').scrollIntoViewIfNeeded();
	await shot(page, 'use-elsewhere');
}

async function main() {
	fs.mkdirSync(artifacts, { recursive: true });
	// Behind the proxy the certificate is self-signed.
	const browser = await launch(proxied ? ['--ignore-certificate-errors'] : []);
	const ctx = browser.ctx;
	const violations = await csp.watch(ctx);
	try {
		const page = await ctx.newPage();
		page.on('pageerror', (e) => check(false, 'page error', e.message));
		const inflight = { now: 0, max: 0, requests: 0 };
		const isStill = (r) => new URL(r.url()).pathname.endsWith('/pi.jpg');
		page.on('request', (r) => {
			if (!isStill(r))
				return;
			inflight.requests++;
			inflight.max = Math.max(inflight.max, ++inflight.now);
		});
		const done = (r) => { if (isStill(r)) inflight.now--; };
		page.on('requestfinished', done);
		page.on('requestfailed', done);
		const resp = await page.goto(base);
		const policy = resp.headers()['content-security-policy'] || '';
		// Behind the proxy the WebSocket is the page's own origin ('self').
		check((proxied ? /connect-src 'self'/ :
		    /connect-src [^;]*ws:\/\/127\.0\.0\.1:\d+/).test(policy) &&
		    /frame-ancestors 'self'/.test(policy),
		    'page served with a Content-Security-Policy', policy);
		if (proxied)
			await proxiedChecks(page);
		else {
			// No password file: no settings form, and the panel says how
			// to set a password.
			await until(page, () => !document.getElementById('settings').hidden &&
			    !document.getElementById('set-nopass').hidden, null, 10000,
			    'no passwords: the settings panel says how to set one');
			check(await page.locator('#set-form').isHidden() &&
			    await page.locator('#set-form input, #set-form select').count() === 0,
			    'no passwords: no settings controls');
			check(await page.locator('#open-banner').isHidden(),
			    'loopback: no "anyone can watch" banner');
			await linksChecks(page);
			await liveChecks(page);
			await outageChecks(page);
			await mjpegChecks(page);
			await stillsChecks(page, inflight);
			await page.keyboard.press('2');
			check(await page.evaluate(() => localStorage.getItem('campipe.mode')) === 'mjpeg',
			    'mode remembered in localStorage');
			await page.reload();
			await until(page, () => window.campipe.mode === 'mjpeg' &&
			    window.campipe.frames > 0, null, 10000, 'remembered mode used after reload');
			await page.keyboard.press('1');
			await streamPage(ctx);
			await phone(ctx);
		}
		console.log('counters ' + JSON.stringify(await counters(page)));
		check(violations.length === 0, 'no Content-Security-Policy violation',
		    violations.join('; '));
		check(await csp.control(page, violations),
		    'a violation made on purpose is seen (control)');
	} finally {
		await browser.close();
	}
}

run(main);
