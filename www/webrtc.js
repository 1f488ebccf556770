// SPDX-License-Identifier: ISC
// webrtc.js: the viewer's WebRTC mode, a WHEP client (draft-ietf-wish-whep)
// of campipe-rtcd through httpd's origin: one receive-only video
// transceiver preferring H.264, the offer POSTed at once to PATH/whep (the
// server is ICE-lite and puts its candidates in the answer: nothing
// trickles), the answer set, the track played in a muted <video>.  The
// session is DELETEd on leaving, on page hide and before reconnecting.
// Frames presented are counted by requestVideoFrameCallback; the capture
// time comes from the abs-capture-time extension where the receiver's
// synchronization sources give it.  ?webrtc=relay in the page's address
// allows only the TURN relay's candidates, to check a TURN setup.  The
// helpers above the mode are pure, so node tests them.
import { Backoff, loadConfig, snapshotOf } from './campipe.js';

export const CONNECT_MS = 5000;	// ICE and DTLS, from the answer
export const FIRST_FRAME_MS = 5000;	// the first frame, from connected
const BROKEN_MS = 3000;		// disconnected this long: reconnect
const QUIET_MS = 3000;		// no frame: say so
const STALL_MS = 10000;		// no frame: reconnect
const STATS_MS = 1000;
const HANGUP_MS = 2000;		// the DELETE's answer, before closing anyway
const NTP_UNIX_MS = 2208988800000;	// 1900 to 1970
const RTP_HZ = 90000;
const ABS_CAPTURE_TIME = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time';
// what the viewer shows, from figuresOf()
const FIGURES = ['fps', 'lost', 'nacks', 'resent', 'route', 'pair', 'jitterMs',
    'codec', 'dropped'];

// Whether this browser has WebRTC, and a <video> that tells each frame.
export function webrtcSupported() {
	return typeof RTCPeerConnection === 'function' &&
	    typeof RTCPeerConnection.prototype.addTransceiver === 'function' &&
	    typeof HTMLVideoElement !== 'undefined' &&
	    'requestVideoFrameCallback' in HTMLVideoElement.prototype;
}

// The receiver's codecs in the order to offer them: H.264 with
// packetization-mode=1 first (constrained baseline 42e01f before the rest),
// other H.264 next, then what repairs them (rtx, red, ulpfec); other codecs
// left out.  An empty list when there is no H.264: keep the defaults.
export function preferH264(codecs) {
	const h264 = (c) => /^video\/h264$/i.test(c.mimeType);
	const fmtp = (c) => (c.sdpFmtpLine || '').toLowerCase();
	const rank = (c) => !h264(c) ? 3 : !/packetization-mode=1/.test(fmtp(c)) ? 2 :
	    /profile-level-id=42e01f/.test(fmtp(c)) ? 0 : 1;
	const ours = codecs.filter(h264);
	if (ours.length === 0)
		return [];
	const repair = codecs.filter((c) => /^video\/(rtx|red|ulpfec)$/i.test(c.mimeType));
	return ours.map((c, i) => [rank(c), i, c]).sort((a, b) => a[0] - b[0] || a[1] - b[1])
	    .map((x) => x[2]).concat(repair);
}

// The capture time {seq: null, t} (seconds, Unix) of the frame whose RTP
// timestamp is rtp, from a synchronization source src carrying
// captureTimestamp (abs-capture-time, milliseconds on the sender's NTP
// clock) for its own rtpTimestamp: the two RTP timestamps (90 kHz, mod
// 2^32) are apart by the capture times' difference.  null without one.
export function captureOf(src, rtp) {
	if (!src || typeof src.captureTimestamp !== 'number' ||
	    typeof src.rtpTimestamp !== 'number' || typeof rtp !== 'number')
		return null;
	let ms = src.captureTimestamp;
	if (ms > NTP_UNIX_MS)
		ms -= NTP_UNIX_MS;
	if (ms <= 0)
		return null;
	const d = ((rtp - src.rtpTimestamp) | 0) * 1000 / RTP_HZ;
	return { seq: null, t: (ms + d) / 1000 };
}

// The figures of a getStats() report (a Map, or anything with forEach)
// against the previous ones (or null): {fps, lost, nacks, resent, route
// (host or relay), pair (the candidate types, local → remote), jitterMs,
// codec, width, height, dropped, frames}, each null when the
// report lacks it.  jitterMs is the jitter buffer's mean delay since the
// previous report (over the whole session on the first).
export function figuresOf(report, prev) {
	const all = new Map();
	report.forEach((v, k) => all.set(k, v));
	let rtp = null, pair = null;
	for (const s of all.values()) {
		if (s.type === 'inbound-rtp' && (s.kind ?? s.mediaType) === 'video')
			rtp = s;
		if (s.type === 'transport' && s.selectedCandidatePairId)
			pair = all.get(s.selectedCandidatePairId) || null;
	}
	if (pair === null)
		for (const s of all.values())
			if (s.type === 'candidate-pair' && s.state === 'succeeded' &&
			    (s.nominated || s.selected))
				pair = s;
	const num = (v) => typeof v === 'number' ? v : null;
	const f = { fps: null, lost: null, nacks: null, resent: null, route: null, pair: null,
	    jitterMs: null,
	    codec: null, width: null, height: null, dropped: null, frames: null,
	    jbDelay: null, jbCount: null };
	if (rtp !== null) {
		f.fps = num(rtp.framesPerSecond);
		f.lost = num(rtp.packetsLost);
		f.resent = num(rtp.retransmittedPacketsReceived);
		f.nacks = num(rtp.nackCount);
		f.width = num(rtp.frameWidth);
		f.height = num(rtp.frameHeight);
		f.dropped = num(rtp.framesDropped);
		f.frames = num(rtp.framesDecoded);
		f.jbDelay = num(rtp.jitterBufferDelay);
		f.jbCount = num(rtp.jitterBufferEmittedCount);
		const codec = rtp.codecId ? all.get(rtp.codecId) : null;
		if (codec && codec.mimeType)
			f.codec = codec.mimeType.replace(/^video\//i, '')
			    .replace(/^H264$/i, 'H.264');
	}
	if (f.jbDelay !== null && f.jbCount !== null) {
		const d0 = prev && prev.jbDelay !== null ? prev.jbDelay : 0;
		const n0 = prev && prev.jbCount !== null ? prev.jbCount : 0;
		const n = f.jbCount - n0;
		f.jitterMs = n > 0 ? (f.jbDelay - d0) * 1000 / n :
		    prev ? prev.jitterMs : null;
	}
	// relay when either end is a TURN relay, else host: straight between
	// the two (a loopback or NAT address learnt from the checks is prflx)
	if (pair !== null) {
		const l = all.get(pair.localCandidateId), r = all.get(pair.remoteCandidateId);
		const t = (c) => (c && c.candidateType) || '?';
		if (l || r) {
			f.pair = t(l) + ' → ' + t(r);
			f.route = t(l) === 'relay' || t(r) === 'relay' ? 'relay' : 'host';
		}
	}
	return f;
}

// Why the server refused an offer, from its status and text: {why,
// retry}: retry for 503 (rtcd not running, or full) and 5xx, never for a
// refusal that the same offer gets again.
export function refusal(status, text) {
	const said = String(text || '').trim().split('\n')[0].slice(0, 160);
	const why = 'offer refused: HTTP ' + status + (said ? ' ' + said : '');
	return { why, retry: status >= 500 || status === 429 };
}

// The TURN relay httpd names for this viewer (/api/config's ice_servers,
// docs/httpd.md), read again before each connection since its
// credentials expire; [] when httpd names none.
async function iceServers(cfg) {
	if (!Array.isArray(cfg.raw.ice_servers))
		return [];
	const c = await loadConfig();
	return Array.isArray(c.raw.ice_servers) ? c.raw.ice_servers : [];
}

// The ICE transport policy a page address asks for: 'relay' for
// ?webrtc=relay (only through the TURN relay, to check one), else 'all'.
export function transportPolicy(search) {
	return new URLSearchParams(search || '').get('webrtc') === 'relay' ? 'relay' : 'all';
}

// A peer connection with those servers and that policy, without them if
// the browser refuses them (a URL it cannot use).
function peer(servers, policy) {
	const opts = { bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
	try {
		return new RTCPeerConnection(Object.assign({ iceServers: servers,
		    iceTransportPolicy: policy }, opts));
	} catch (e) {
		return new RTCPeerConnection(opts);
	}
}

// The mode.  hooks as for the other modes (www/modes.js), and
// hooks.fallback(why), called once instead of retrying when the mode was
// chosen by the page (auto) and has shown nothing yet.
export function webrtcMode(cfg, video, hooks) {
	const backoff = new Backoff();
	let gen = 0, pc = null, session = null, timer = 0, watch = 0, stats = 0;
	let state = '', auto = false, played = false, opened = 0, connected = 0;
	let last = 0, broken = 0, prev = null, iceError = '';
	const policy = transportPolicy(window.location.search);
	const fig = {};
	clearFigures();

	// No figures: before the first stats, and once a connection is gone.
	function clearFigures() {
		for (const k of FIGURES)
			fig[k] = null;
		fig.timed = false;
	}

	// The state, kept for the deadlines and told to the page.
	function setState(s, d) {
		state = s;
		hooks.state(s, d);
	}

	// Ends a session at the server; keepalive lets it outlive the page.
	// Resolves once answered, or after HANGUP_MS.
	function hangUp(url, keepalive) {
		if (url === null)
			return Promise.resolve();
		const done = fetch(url, { method: 'DELETE', keepalive, cache: 'no-store' })
		    .then((r) => r.arrayBuffer()).catch(() => {});
		return Promise.race([done, new Promise((res) => setTimeout(res, HANGUP_MS))]);
	}

	// Ends the connection: the DELETE first, then the peer connection
	// once it is answered (closing first would end the session by DTLS's
	// close_notify, and the DELETE would find none); at once when the page
	// goes away.
	function teardown(leaving = false) {
		clearInterval(stats);
		stats = 0;
		const old = pc, bye = hangUp(session, leaving);
		pc = null;
		session = null;
		if (old !== null) {
			old.ontrack = old.onconnectionstatechange = null;
			old.onicecandidateerror = null;
			if (leaving)
				old.close();
			else
				bye.then(() => old.close());
		}
		video.srcObject = null;
		prev = null;
		clearFigures();
	}

	// Something went wrong: fall back when the page chose this mode and it
	// never played, else reconnect after a while (or stay, for a refusal
	// that would come again).
	function failed(why, retry = true) {
		const g = gen;
		teardown();
		if (auto && !played && hooks.fallback) {
			setState('error', why);
			setTimeout(() => g === gen && hooks.fallback(why), 0);
			return;
		}
		if (!retry) {
			setState('error', why);
			return;
		}
		const d = backoff.delay();
		setState('reconnecting', why + '; retry in ' + (d / 1000).toFixed(1) + ' s');
		clearTimeout(timer);
		timer = setTimeout(() => connect(g), d);
	}

	// The peer connection: one receive-only video transceiver, H.264 first.
	function makePeer(g, servers) {
		const p = peer(servers, policy);
		const tr = p.addTransceiver('video', { direction: 'recvonly' });
		try {
			const caps = RTCRtpReceiver.getCapabilities &&
			    RTCRtpReceiver.getCapabilities('video');
			const list = caps ? preferH264(caps.codecs) : [];
			if (list.length > 0 && tr.setCodecPreferences)
				tr.setCodecPreferences(list);
		} catch (e) {
			// the browser's own order, then
		}
		// ask for the capture time, which browsers do not offer by default
		try {
			if (tr.getHeaderExtensionsToNegotiate && tr.setHeaderExtensionsToNegotiate)
				tr.setHeaderExtensionsToNegotiate(tr.getHeaderExtensionsToNegotiate()
				    .map((e) => e.uri === ABS_CAPTURE_TIME && e.direction === 'stopped' ?
				    { uri: e.uri, direction: 'recvonly' } : e));
		} catch (e) {
			// then the jitter buffer's delay stands in for the latency
		}
		p.ontrack = (ev) => {
			if (g !== gen)
				return;
			video.srcObject = ev.streams && ev.streams[0] ?
			    ev.streams[0] : new MediaStream([ev.track]);
			video.play().catch(() => {});
		};
		// a TURN server's refusal (401 for credentials it does not take)
		p.onicecandidateerror = (ev) => {
			if (g === gen && ev.url)
				iceError = '; ' + ev.url.split('?')[0] + ': ' + ev.errorCode +
				    (ev.errorText ? ' ' + String(ev.errorText).slice(0, 60) : '');
		};
		p.onconnectionstatechange = () => {
			if (g !== gen)
				return;
			const s = p.connectionState;
			if (s === 'connected') {
				connected = connected || performance.now();
				broken = 0;
				if (state !== 'live')
					setState('waiting', 'connected, no frames yet');
			} else if (s === 'failed') {
				failed('connection failed (ICE, DTLS)');
			} else if (s === 'disconnected') {
				broken = broken || performance.now();
			}
		};
		return { p, receiver: tr.receiver };
	}

	// Offers, POSTs the offer at once, and takes the answer.
	async function connect(g) {
		if (g !== gen)
			return;
		teardown();
		setState('connecting', 'WebRTC: sending the offer');
		let servers = [];
		try {
			servers = await iceServers(cfg);
		} catch (e) {
			// host candidates only, then
		}
		if (g !== gen)
			return;
		if (policy === 'relay' && servers.length === 0) {
			failed('?webrtc=relay, but httpd names no TURN server', false);
			return;
		}
		iceError = '';
		const { p, receiver } = makePeer(g, servers);
		pc = p;
		let r, text;
		try {
			await p.setLocalDescription(await p.createOffer());
			// beside the page: /whep, or /cam/NAME/whep; httpd checks
			// the page's own credentials (cookie or Basic), same origin
			r = await fetch('whep', { method: 'POST', cache: 'no-store',
			    headers: { 'Content-Type': 'application/sdp' },
			    body: p.localDescription.sdp });
			text = await r.text();
		} catch (e) {
			if (g === gen)
				failed('offer not sent: ' + String(e.message || e));
			return;
		}
		const loc = r.headers.get('Location');
		const made = r.status === 201 && loc ? new URL(loc, r.url).href : null;
		if (g !== gen) {
			hangUp(made, false);
			return;
		}
		session = made;
		if (r.status !== 201) {
			const f = refusal(r.status, text);
			failed(f.why, f.retry);
			return;
		}
		try {
			await p.setRemoteDescription({ type: 'answer', sdp: text });
		} catch (e) {
			if (g === gen)
				failed('answer not taken: ' + String(e.message || e), false);
			return;
		}
		if (g !== gen)
			return;
		opened = performance.now();
		connected = 0;
		setState('waiting', 'WebRTC: connecting (ICE, DTLS)');
		video.requestVideoFrameCallback((now, md) => onFrame(g, receiver, md));
		stats = setInterval(() => poll(g), STATS_MS);
	}

	// A frame presented: counted, with its capture time when known.
	function onFrame(g, receiver, md) {
		if (g !== gen)
			return;
		last = performance.now();
		const srcs = receiver.getSynchronizationSources ?
		    receiver.getSynchronizationSources() : [];
		const com = captureOf(srcs[0], md.rtpTimestamp);
		fig.timed = com !== null;
		if (state !== 'live') {
			setState('live', '');
			backoff.reset();
		}
		played = true;
		hooks.shown(com, md.width, md.height);
		video.requestVideoFrameCallback((n, m) => onFrame(g, receiver, m));
	}

	// The figures, from the connection's stats once a second.
	async function poll(g) {
		const p = pc;
		if (g !== gen || p === null)
			return;
		let f;
		try {
			f = figuresOf(await p.getStats(), prev);
		} catch (e) {
			return;
		}
		// torn down since: its figures are gone with it
		if (g !== gen || p !== pc)
			return;
		prev = f;
		for (const k of FIGURES)
			fig[k] = f[k];
	}

	// Connection and frame deadlines, once a second.
	function check() {
		if (pc === null || state === 'reconnecting' || state === 'error')
			return;
		const now = performance.now();
		if (broken && now - broken > BROKEN_MS)
			failed('connection lost');
		else if (!connected && opened && now - opened > CONNECT_MS)
			failed('did not connect within ' + CONNECT_MS / 1000 +
			    ' s (ICE, DTLS' + iceError + ')');
		else if (connected && last < connected) {
			const limit = auto && !played ? FIRST_FRAME_MS : STALL_MS;
			if (now - connected > limit)
				failed('no frame within ' + limit / 1000 + ' s');
		} else if (connected && now - last > STALL_MS) {
			failed('no frames for ' + ((now - last) / 1000).toFixed(0) + ' s');
		} else if (connected && now - last > QUIET_MS) {
			setState('waiting', 'no frames for ' + ((now - last) / 1000).toFixed(0) + ' s');
		}
	}

	// The page goes away: the session ends with it (a keepalive DELETE).
	function onPageHide() {
		if (pc !== null || session !== null) {
			gen++;
			teardown(true);
		}
	}

	// Back from the back-forward cache: connect again.
	function onPageShow(ev) {
		if (ev.persisted && watch !== 0)
			connect(gen);
	}

	return {
		el: video,
		fig,
		// auto: chosen by the page, so failing before a frame falls back.
		start(isAuto = false) {
			const g = ++gen;
			auto = isAuto;
			played = false;
			video.muted = true;
			video.hidden = false;
			clearFigures();
			if (!webrtcSupported()) {
				setState('unsupported', 'this browser has no WebRTC ' +
				    '(or no requestVideoFrameCallback); choose Live');
				return;
			}
			clearInterval(watch);
			watch = setInterval(check, 1000);
			window.addEventListener('pagehide', onPageHide);
			window.addEventListener('pageshow', onPageShow);
			connect(g);
		},
		stop() {
			gen++;
			clearTimeout(timer);
			clearInterval(watch);
			watch = 0;
			window.removeEventListener('pagehide', onPageHide);
			window.removeEventListener('pageshow', onPageShow);
			teardown();
			video.hidden = true;
			setState('stopped', '');
		},
		dropped: () => fig.dropped || 0,
		snapshot: () => snapshotOf(video, video.videoWidth, video.videoHeight),
	};
}
