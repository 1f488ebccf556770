// SPDX-License-Identifier: ISC
// links.js: the "Use elsewhere" panel: this camera's addresses, absolute and
// copyable, and ready snippets for other programs, with this page's host.

// The camera's addresses for a page at href, from its /api/config (cfg):
// [{label, url}].  HTTP ones keep the page's origin and any proxy prefix;
// RTSP goes to rtspd's own port on the same host.
export function cameraLinks(cfg, href) {
	const raw = cfg.raw || {};
	const page = new URL(href);
	const dir = new URL('./', page);
	const at = (p) => new URL(p, dir).href;
	const out = [
		{ label: 'Still picture', url: at('pi.jpg') },
		{ label: 'MJPEG stream', url: at('stream.mjpg') },
	];
	if (raw.h264 !== false) {
		out.push({ label: 'H.264 in MP4', url: at('stream.mp4') });
		out.push({ label: 'H.264 (Annex B)', url: at('stream.h264') });
	}
	const rtsp = rtspUrl(raw, page);
	if (rtsp !== null)
		out.push({ label: 'RTSP', url: rtsp });
	out.push({ label: 'Picture only', url: at('stream.html') });
	out.push({ label: 'Status', url: at('api/status') });
	return out;
}

// rtsp://HOST:PORT/ for the default camera, .../cam/NAME for another, or
// null when httpd names no RTSP port.
export function rtspUrl(raw, page) {
	const port = Number(raw.rtsp_port);
	if (!Number.isInteger(port) || port <= 0 || port > 65535)
		return null;
	const m = /^\/cam\/([A-Za-z0-9_-]{1,32})\/pi\.jpg$/.exec(raw.still || '');
	return 'rtsp://' + page.hostname + ':' + port + (m ? '/cam/' + m[1] : '/');
}

// Snippets for Home Assistant, Frigate, OctoPrint, VLC and ffmpeg:
// [{name, text}].
export function cameraSnippets(cfg, href) {
	const raw = cfg.raw || {};
	const page = new URL(href);
	const dir = new URL('./', page);
	const still = new URL('pi.jpg', dir).href;
	const mjpeg = new URL('stream.mjpg', dir).href;
	const rtsp = rtspUrl(raw, page);
	const name = String(raw.camera || 'camera').replace(/[^A-Za-z0-9_]/g, '_');
	const auth = cfg.auth === true;
	const out = [];
	out.push({ name: 'Home Assistant (Generic Camera)', text:
	    'Still image URL: ' + still + '\n' +
	    (rtsp ? 'Stream source: ' + rtsp + '\n' : '') +
	    (auth ? 'Authentication: basic, with your user and password\n' : '') });
	if (rtsp) {
		const sub = rtsp.replace(/\/$/, '') + '/sub';
		out.push({ name: 'Frigate', text:
		    'cameras:\n' +
		    '  ' + name + ':\n' +
		    '    ffmpeg:\n' +
		    '      inputs:\n' +
		    '        - path: ' + withUser(rtsp, auth) + '\n' +
		    '          roles: [record]\n' +
		    '        - path: ' + withUser(sub, auth) + '  # capd --h264-sub 640x360@5\n' +
		    '          roles: [detect]\n' });
	}
	out.push({ name: 'OctoPrint', text:
	    'Stream URL: ' + mjpeg + '\nSnapshot URL: ' + still + '\n' });
	if (rtsp) {
		out.push({ name: 'VLC', text: 'vlc ' + withUser(rtsp, auth) + '\n' });
		out.push({ name: 'ffmpeg', text: 'ffmpeg -rtsp_transport tcp -i ' +
		    withUser(rtsp, auth) + ' -c copy -t 60 clip.mp4\n' });
	} else {
		out.push({ name: 'ffmpeg', text: 'ffmpeg -i ' + mjpeg +
		    ' -frames:v 1 still.jpg\n' });
	}
	return out;
}

// An RTSP URL with a USER:PASSWORD placeholder when passwords are on.
function withUser(url, auth) {
	return auth ? url.replace('rtsp://', 'rtsp://USER:PASSWORD@') : url;
}

// Fills the panel: the list in dl, the snippets after it.
export function showLinks(dl, cfg, href = window.location.href) {
	dl.replaceChildren();
	for (const l of cameraLinks(cfg, href)) {
		const div = document.createElement('div');
		const dt = document.createElement('dt');
		const dd = document.createElement('dd');
		const a = document.createElement('a');
		dt.textContent = l.label;
		a.href = l.url;
		a.textContent = l.url;
		dd.append(a, copyButton(l.url, l.label));
		div.append(dt, dd);
		dl.append(div);
	}
	const box = document.getElementById('snippets');
	if (box === null)
		return;
	box.replaceChildren();
	for (const s of cameraSnippets(cfg, href)) {
		const d = document.createElement('details');
		const sum = document.createElement('summary');
		const pre = document.createElement('pre');
		sum.textContent = s.name;
		pre.textContent = s.text;
		d.append(sum, pre, copyButton(s.text, s.name));
		box.append(d);
	}
}

// A button that copies text, saying so.
function copyButton(text, what) {
	const b = document.createElement('button');
	b.type = 'button';
	b.className = 'copy';
	b.textContent = 'Copy';
	b.setAttribute('aria-label', 'Copy ' + what);
	b.onclick = async () => {
		try {
			await navigator.clipboard.writeText(text);
			b.textContent = 'Copied';
		} catch (e) {
			b.textContent = 'Select and copy';
		}
		setTimeout(() => { b.textContent = 'Copy'; }, 2000);
	};
	return b;
}
