// SPDX-License-Identifier: ISC
// webrtc.mjs: drives headless Chromium through the viewer's WebRTC mode
// against the real capd, httpd and rtcd (WHEP handed from httpd to rtcd).
// Usage: node webrtc.mjs BASE_URL ARTIFACT_DIR [away]
// With "away" (httpd hands WHEP to an rtcd that is not running) only the
// fallback and the retries below.
// The page opens by itself in WebRTC (no mode picked in this browser, and
// /api/config says webrtc); frames are presented in each of 10 s (counted
// in the page by requestVideoFrameCallback); the figures are shown; no CSP
// violation; leaving the mode and closing the page each DELETE the session
// (the harness then sees rtcd's sessions back to 0: "CTL sessions-0");
// rtcd killed and started again ("CTL kill-rtcd", "CTL start-rtcd"): the
// page says it reconnects and plays again; rtcd stopped before a first
// visit ("CTL stop-rtcd"), or its UDP out of reach: the page falls back to
// Live and says why.  The
// five modes fit a phone upright and on its side.
import fs from 'node:fs';
import path from 'node:path';
import { check, control, counters, launch, run, until } from './harness.mjs';
import { control as cspControl, watch as cspWatch } from './csp.mjs';

const [base, artifacts, only] = process.argv.slice(2);

const describe = async (page) => 'campipe=' + JSON.stringify(await counters(page));

// Plays until the WebRTC mode is live with a few frames presented.
async function live(page, what, ms = 20000) {
	return until(page, () => window.campipe.mode === 'webrtc' &&
	    window.campipe.state === 'live' && window.campipe.frames >= 5, null, ms,
	    what, describe);
}

// Frames presented per second for 10 s, as requestVideoFrameCallback on
// the mode's <video> reports them.
async function perSecond(page) {
	return page.evaluate(() => new Promise((done) => {
		const v = document.getElementById('webrtc');
		const counts = new Array(10).fill(0);
		const t0 = performance.now();
		function frame() {
			const i = Math.floor((performance.now() - t0) / 1000);
			if (i >= 10) {
				done(counts);
				return;
			}
			counts[i]++;
			v.requestVideoFrameCallback(frame);
		}
		v.requestVideoFrameCallback(frame);
		setTimeout(() => done(counts), 11000);
	}));
}

// The WHEP requests the page makes: [{method, url, status}].
function whepLog(page) {
	const log = [];
	page.on('response', (r) => {
		const q = r.request();
		if (/\/whep(\/|$|\?)/.test(new URL(q.url()).pathname + '/'))
			log.push({ method: q.method(), url: q.url(), status: r.status(),
			    location: r.headers().location || '' });
	});
	page.on('requestfailed', (q) => {
		if (/\/whep/.test(q.url()))
			log.push({ method: q.method(), url: q.url(), status: 0 });
	});
	return log;
}

// The figures of the panel, as shown.
async function shown(page) {
	const t = (id) => page.textContent('#' + id);
	return { fps: await t('s-fps'), latLabel: await t('s-lat-label'),
	    lat: await t('s-lat'), lost: await t('s-lost'), nack: await t('s-nack'),
	    resent: await t('s-resent'), route: await t('s-route'),
	    decoder: await t('s-path'), hud: await t('hud-mode'),
	    visible: await page.isVisible('#s-route') };
}

// rtcd away (httpd answers 503): a first visit falls back to Live and
// says why, not remembered; WebRTC picked by hand says "Reconnecting…"
// and keeps trying.
async function away() {
	const fresh = await launch();
	const csp = await cspWatch(fresh.ctx);
	try {
		const page = await fresh.ctx.newPage();
		page.on('pageerror', (e) => check(false, 'page error', e.message));
		await page.goto(base);
		await until(page, () => window.campipe.mode === 'live' &&
		    window.campipe.state === 'live' && window.campipe.fallback !== '',
		    null, 20000, 'rtcd away: falls back to Live', describe);
		const note = await page.textContent('#rtc-note');
		check(await page.isVisible('#rtc-note') && /WebRTC did not play here/.test(note) &&
		    /503/.test(note), 'the fallback says why', note);
		check(await page.evaluate(() => localStorage.getItem('campipe.mode')) === null,
		    'a fallback is not remembered');
		await page.screenshot({ path: path.join(artifacts, 'viewer-webrtc-fallback.png') });
		await page.click('label:has(input[value=webrtc])');
		await until(page, () => window.campipe.mode === 'webrtc' &&
		    window.campipe.says === 'Reconnecting…' &&
		    /HTTP 503.*retry in/.test(window.campipe.detail), null, 15000,
		    'rtcd away, WebRTC picked: Reconnecting… with the reason', describe);
		const tries = await page.evaluate(() => performance.getEntriesByType('resource')
		    .filter((e) => /\/whep$/.test(e.name)).length);
		await page.waitForTimeout(3000);
		const more = await page.evaluate(() => performance.getEntriesByType('resource')
		    .filter((e) => /\/whep$/.test(e.name)).length);
		check(more > tries && more - tries <= 4, 'it keeps trying, backing off',
		    tries + ' then ' + more + ' offers');
		await page.click('label:has(input[value=live])');
		await page.close();
	} finally {
		check(csp.length === 0, 'no CSP violations with rtcd away', csp.join('; '));
		await fresh.close();
	}
}

async function main() {
	fs.mkdirSync(artifacts, { recursive: true });
	if (only === 'away') {
		await away();
		return;
	}
	const b = await launch();
	const csp = await cspWatch(b.ctx);
	try {
		const page = await b.ctx.newPage();
		page.on('pageerror', (e) => check(false, 'page error', e.message));
		const log = whepLog(page);
		await page.goto(base);
		await until(page, () => !document.getElementById('mode-webrtc').hidden, null,
		    10000, 'WebRTC offered among the modes', describe);
		if (!await live(page, 'the page opens in WebRTC by itself and plays'))
			return;
		const c0 = await counters(page);
		check(c0.auto === true && c0.fallback === '', 'chosen by the page, no fallback',
		    JSON.stringify({ auto: c0.auto, fallback: c0.fallback }));
		const post = log.find((x) => x.method === 'POST');
		check(post && post.status === 201 && /^\/whep\/./.test(post.location),
		    'POST whep: 201 with a Location', JSON.stringify(post));

		const counts = await perSecond(page);
		check(counts.every((n) => n > 0), 'frames presented in each of 10 s',
		    counts.join(' '));
		const c = await counters(page);
		check(c.frames > c0.frames && c.width > 0 && c.height > 0,
		    'frames counted, picture sized', c.frames + ' frames, ' + c.width + 'x' + c.height);
		// the figures settle within a stats poll or two
		await page.waitForTimeout(1500);
		const f = await shown(page);
		const r = (await counters(page)).rtc || {};
		check(/^\d+(\.\d)? fps$/.test(f.fps) && r.fps > 0, 'frame rate shown',
		    f.fps + ', inbound-rtp ' + r.fps);
		check(/^\d+$/.test(f.lost) && /^\d+$/.test(f.nack), 'packets lost and NACKs shown',
		    f.lost + ', ' + f.nack);
		check(f.resent === '–' || /^\d+$/.test(f.resent), 'resent shown', f.resent);
		check(f.route === 'host' && f.visible, 'route shown: host', f.route);
		check(/^WebRTC/.test(f.decoder) && f.hud === 'WebRTC', 'decoder and mode named',
		    f.decoder + ', ' + f.hud);
		const by = (await counters(page)).latencyBy;
		// rtcd sends capd's capture time (abs-capture-time): latency is
		// capture to display, as in the other modes.
		check(by === 'capture' && f.latLabel === 'Latency' &&
		    /^\d+ ms$/.test(f.lat), 'latency from capd\'s capture time',
		    by + ': ' + f.latLabel + ' ' + f.lat);
		await page.screenshot({ path: path.join(artifacts, 'viewer-webrtc.png') });
		for (const [w, h] of [[390, 844], [844, 390]]) {
			await page.setViewportSize({ width: w, height: h });
			await page.waitForTimeout(300);
			const fit = await page.evaluate(() => {
				const m = document.querySelector('.modes').getBoundingClientRect();
				const spans = [...document.querySelectorAll('.modes span')];
				return { right: m.right, width: innerWidth,
				    cut: spans.filter((e) => e.scrollWidth > e.clientWidth + 1 ||
				    e.getBoundingClientRect().right > m.right + 0.5).length };
			});
			check(fit.right <= fit.width && fit.cut === 0, 'five modes fit at ' + w + 'x' + h,
			    JSON.stringify(fit));
			await page.screenshot({ path: path.join(artifacts, 'viewer-webrtc-' + w + 'x' + h + '.png') });
		}
		await page.setViewportSize({ width: 1280, height: 800 });

		// Leaving the mode ends the session at rtcd.
		const before = log.length;
		await page.click('label:has(input[value=live])');
		await until(page, () => window.campipe.mode === 'live' &&
		    window.campipe.state === 'live', null, 15000, 'Live after WebRTC', describe);
		await page.waitForTimeout(500);
		const del = log.slice(before).find((x) => x.method === 'DELETE');
		check(del && (del.status === 200 || del.status === 204) &&
		    new URL(del.url).pathname === post.location,
		    'DELETE of the session on leaving', JSON.stringify(log.slice(before)));
		await control('sessions-0');
		check(true, 'rtcd has no session left after leaving');
		await control('ended-by-delete');
		check(true, 'rtcd ended it for the DELETE (not the DTLS close after it)');

		// Picked by hand: remembered, and rtcd killed under it recovers.
		await page.click('label:has(input[value=webrtc])');
		await live(page, 'WebRTC again, picked');
		check(await page.evaluate(() => localStorage.getItem('campipe.mode')) === 'webrtc',
		    'a mode picked is remembered');
		await control('kill-rtcd');
		await until(page, () => window.campipe.state === 'reconnecting' &&
		    window.campipe.says === 'Reconnecting…', null, 20000,
		    'rtcd killed: the page says Reconnecting…', describe);
		await page.screenshot({ path: path.join(artifacts, 'viewer-webrtc-reconnecting.png') });
		const gone = await shown(page);
		check(gone.route === '–' && gone.lost === '–' && gone.lat === '–',
		    'no stale figures while reconnecting', JSON.stringify(gone));
		const n = (await counters(page)).frames;
		await control('start-rtcd');
		await until(page, (n) => window.campipe.mode === 'webrtc' &&
		    window.campipe.state === 'live' && window.campipe.frames > n + 10, n, 40000,
		    'rtcd back: WebRTC plays again', describe);

		// Leaving the page ends its session too: a keepalive DELETE on
		// pagehide (the peer connection's close_notify, closed with the
		// page, may reach rtcd first).
		const at = log.length;
		await page.goto(base + 'api/status');
		await page.waitForTimeout(1000);
		const bye = log.slice(at).find((x) => x.method === 'DELETE');
		check(bye !== undefined, 'DELETE of the session when the page goes away',
		    JSON.stringify(log.slice(at)));
		await control('sessions-0');
		await control('ended-by-viewer');
		check(true, 'the session ended by the page, not by a timeout');
		check(true, 'rtcd has no session left after the page went away');
		await page.close();

		// UDP blocked on a first visit (the answer's candidates dropped in
		// the page): no ICE within 5 s, so Live, and the session ended.
		const blocked = await launch();
		try {
			const p3 = await blocked.ctx.newPage();
			p3.on('pageerror', (e) => check(false, 'page error', e.message));
			await p3.addInitScript(() => {
				const real = RTCPeerConnection.prototype.setRemoteDescription;
				RTCPeerConnection.prototype.setRemoteDescription = function (d) {
					return real.call(this, { type: d.type,
					    sdp: d.sdp.replace(/^a=candidate:.*\r\n/gm, '') });
				};
			});
			const t0 = Date.now();
			await p3.goto(base);
			await until(p3, () => window.campipe.mode === 'live' &&
			    /did not connect within 5 s/.test(window.campipe.fallback), null, 20000,
			    'no ICE: falls back to Live', describe);
			const took = (Date.now() - t0) / 1000;
			check(took < 12, 'the fallback comes within the 5 s and a little', took + ' s');
			await p3.close();
		} finally {
			await blocked.close();
		}
		await control('sessions-0');
		check(true, 'rtcd has no session left after the fallback');

		// rtcd down on a first visit: the page falls back to Live, says why.
		await control('stop-rtcd');
		await away();
		await control('start-rtcd');

		const probe = await b.ctx.newPage();
		await probe.goto(base);
		check(csp.length === 0, 'no CSP violations', csp.join('; '));
		check(await cspControl(probe, csp), 'a CSP violation made on purpose is seen');
		await probe.click('label:has(input[value=live])');
		await probe.close();
		await control('sessions-0');
	} finally {
		await b.close();
	}
}

run(main);
