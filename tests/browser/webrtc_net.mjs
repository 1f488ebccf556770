// SPDX-License-Identifier: ISC
// webrtc_net.mjs: the viewer's WebRTC mode over harder networks, in
// headless Chromium against the real capd, httpd, rtcd (and coturn).
// Usage: node webrtc_net.mjs BASE_URL relay|loss
// relay: the page opened with ?webrtc=relay (iceTransportPolicy 'relay':
// only the TURN relay httpd names in /api/config) plays, frames in every
// one of 10 s, Route says relay; the harness checks rtcd's session
// ("CTL session") and then gives httpd a secret coturn does not share
// ("CTL wrong-secret"): a first visit falls back to Live and says why
// (no connection in 5 s, and coturn's 401).
// loss: the page plays through rtp_drop_relay.py, which drops 5% of
// rtcd's RTP: over 15 s frames in every second, no gap over 1 s between
// frames presented (requestVideoFrameCallback, after the first frame),
// and the page's "Asked again" figure above 0; the harness then reads
// rtcd's counters and the relay's, and checks the page's "Lost" against
// what the relay dropped ("CTL loss-status {lost, nack}").  That httpd
// names no TURN server: ?webrtc=relay falls back to Live, saying so.
import { check, control, counters, launch, run, until } from './harness.mjs';

const [base, what] = process.argv.slice(2);

const describe = async (page) => 'campipe=' + JSON.stringify(await counters(page));

// Frames presented in each of secs seconds, and the longest gap between
// two of them (or since the last one at the end), in ms.
async function frames(page, secs) {
	return page.evaluate((secs) => new Promise((done) => {
		const v = document.getElementById('webrtc');
		const counts = new Array(secs).fill(0);
		const t0 = performance.now();
		let prev = t0, worst = 0;
		function frame() {
			const t = performance.now();
			worst = Math.max(worst, t - prev);
			prev = t;
			const i = Math.floor((t - t0) / 1000);
			if (i >= secs) {
				done({ counts, worst: Math.round(worst) });
				return;
			}
			counts[i]++;
			v.requestVideoFrameCallback(frame);
		}
		v.requestVideoFrameCallback(frame);
		setTimeout(() => done({ counts, worst: Math.round(Math.max(worst,
		    performance.now() - prev)) }), secs * 1000 + 1000);
	}), secs);
}

// Opens the viewer at url until its WebRTC mode plays.
async function open(b, url) {
	const page = await b.ctx.newPage();
	page.on('pageerror', (e) => check(false, 'page error', e.message));
	await page.goto(url);
	const ok = await until(page, () => window.campipe.mode === 'webrtc' &&
	    window.campipe.state === 'live' && window.campipe.frames >= 5, null, 20000,
	    'WebRTC plays at ' + url, describe);
	return ok ? page : null;
}

// The panel's figures, once a stats poll or two have come.
async function shown(page) {
	await page.waitForTimeout(1500);
	const t = (id) => page.textContent('#' + id);
	return { route: await t('s-route'), nack: await t('s-nack'),
	    resent: await t('s-resent'), lost: await t('s-lost'),
	    pair: ((await counters(page)).rtc || {}).pair };
}

// Through the TURN relay only, then with credentials coturn refuses.
async function relay() {
	const b = await launch();
	try {
		const page = await open(b, base + '?webrtc=relay');
		if (page === null)
			return;
		const f = await frames(page, 10);
		check(f.counts.every((n) => n > 0), 'frames presented in every one of 10 s',
		    f.counts.join(' '));
		const s = await shown(page);
		check(s.route === 'relay' && /^relay → /.test(s.pair || ''),
		    'Route: relay (the local candidate is the TURN relay)', JSON.stringify(s));
		await control('session');
		check(true, 'rtcd shows the session playing');
		await page.close();
	} finally {
		await b.close();
	}
	await control('wrong-secret');
	const c = await launch();
	try {
		const page = await c.ctx.newPage();
		page.on('pageerror', (e) => check(false, 'page error', e.message));
		await page.goto(base + '?webrtc=relay');
		await until(page, () => window.campipe.mode === 'live' &&
		    window.campipe.state === 'live' && window.campipe.fallback !== '', null,
		    20000, 'a secret coturn does not share: falls back to Live', describe);
		const why = (await counters(page)).fallback;
		check(/did not connect within 5 s/.test(why) && /turn:127\.0\.0\.1:\d+: 401/.test(why),
		    'the fallback says why: no connection, coturn\'s 401', why);
		const note = await page.textContent('#rtc-note');
		check(await page.isVisible('#rtc-note') && note.includes('401'),
		    'the page shows the reason', note);
		await page.close();
	} finally {
		await c.close();
	}
}

// 5% of rtcd's RTP dropped on the way: NACKs repair it.
async function loss() {
	const b = await launch();
	try {
		const page = await open(b, base);
		if (page === null)
			return;
		const f = await frames(page, 15);
		check(f.counts.every((n) => n > 0), 'frames presented in every one of 15 s',
		    f.counts.join(' '));
		check(f.worst <= 1000, 'no freeze over 1 s between frames', f.worst + ' ms');
		const s = await shown(page);
		check(/^[1-9]\d*$/.test(s.nack), '"Asked again" above 0', s.nack);
		// rtcd resends on the stream itself (no rtx): Chromium counts no
		// retransmissions received, and the page does not make one up
		check(s.resent === '–', '"Resent" not shown without a repair stream', s.resent);
		check(/^\d+$/.test(s.lost), '"Lost" shown', s.lost);
		await control('loss-status ' + JSON.stringify({ lost: Number(s.lost),
		    nack: Number(s.nack) }));
		check(true, 'the harness has rtcd\'s and the relay\'s counters');
		await page.close();
		// this httpd names no TURN server: relay only cannot be tried
		const p2 = await b.ctx.newPage();
		await p2.goto(base + '?webrtc=relay');
		await until(p2, () => window.campipe.mode === 'live' &&
		    /httpd names no TURN server/.test(window.campipe.fallback), null, 15000,
		    '?webrtc=relay without a TURN server: falls back to Live, saying so',
		    describe);
		await p2.close();
	} finally {
		await b.close();
	}
}

run(what === 'relay' ? relay : loss);
