// SPDX-License-Identifier: ISC
// settings.js: the camera's settings for admins, built from capd's
// metadata (GET /api/camera, docs/control.md): size, frame rate, quality,
// the camera's own rotation and flips (stored in capd, apart from this
// browser's view rotation), and every camera control as a slider, a menu
// or a toggle.  Each change is one PATCH /api/camera/settings; the
// server's refusals are shown; changes made elsewhere appear within a poll.
const $ = (id) => document.getElementById(id);
const POLL_EVERY = 5000;
const SIZES = ['320x240', '640x480', '800x600', '1280x720', '1920x1080'];
const RATES = [5, 10, 15, 20, 25, 30, 60];

const state = { settings: null, busy: 0, poll: 0, admin: false };

// The panel's status line: what happened to the last change.
function say(text, bad, ok) {
	const p = $('set-msg');
	p.textContent = text;
	p.classList.toggle('bad', !!bad);
	p.classList.toggle('ok', !!ok);
}

// What a saved change means, in words: a restart is said, not hinted.
function savedText(change) {
	const t = new Date().toLocaleTimeString([], { hour12: false });
	const s = state.settings;
	const key = Object.keys(change)[0];
	if (s && s[key] && s[key].apply === 'restart')
		return 'Saved at ' + t + ': the camera restarts with it, the ' +
		    'picture comes back in a few seconds.';
	return 'Saved at ' + t + ' for every viewer.';
}

// Sends one change; the answer (the new settings) redraws the panel.
async function send(change) {
	state.busy++;
	say('saving…');
	try {
		const r = await fetch('api/camera/settings', {
			method: 'PATCH', cache: 'no-store',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(change),
		});
		let doc = null;
		try {
			doc = await r.json();
		} catch (e) {
			// not JSON: shown by status below
		}
		if (!r.ok) {
			say((doc && doc.error) || ('refused: HTTP ' + r.status), true);
			await refresh();
			return;
		}
		say(savedText(change), false, true);
		if (doc)
			draw(doc);
	} catch (e) {
		say('web server unreachable', true);
	} finally {
		state.busy--;
	}
}

// A labelled row with a control element, an optional value readout and
// the hint of a setting that restarts the camera, shown in words.
function row(label, el, out) {
	const div = document.createElement('div');
	div.className = 'set-row' + (el.type === 'checkbox' ? ' set-toggle' : '');
	const l = document.createElement('label');
	l.textContent = label;
	l.htmlFor = el.id;
	div.append(l, el);
	if (out)
		div.append(out);
	if (el.dataset.hint) {
		const h = document.createElement('span');
		h.className = 'set-hint';
		h.textContent = el.dataset.hint;
		div.append(h);
	}
	return div;
}

// A <select> of values, the current one included even if unusual.
function select(id, values, current, fmt) {
	const s = document.createElement('select');
	s.id = id;
	const all = values.map(String);
	if (!all.includes(String(current)))
		all.unshift(String(current));
	for (const v of all) {
		const o = document.createElement('option');
		o.value = v;
		o.textContent = fmt ? fmt(v) : v;
		s.append(o);
	}
	s.value = String(current);
	return s;
}

// A range slider with its number beside it; sends when let go.
function slider(id, min, max, step, value, onset) {
	const r = document.createElement('input');
	r.type = 'range';
	r.id = id;
	r.min = min;
	r.max = max;
	r.step = step || 1;
	r.value = value;
	const out = document.createElement('output');
	out.htmlFor = id;
	out.textContent = String(value);
	r.addEventListener('input', () => { out.textContent = r.value; });
	r.addEventListener('change', () => onset(Number(r.value)));
	return [r, out];
}

// A checkbox toggle.
function toggle(id, value, onset) {
	const c = document.createElement('input');
	c.type = 'checkbox';
	c.id = id;
	c.checked = !!value;
	c.addEventListener('change', () => onset(c.checked));
	return c;
}

// A setting's row, disabled with a reason when the source cannot change it.
function fixed(el, s) {
	if (s.apply === 'fixed') {
		el.disabled = true;
		el.dataset.hint = 'set in the camera command itself';
	} else if (s.apply === 'restart') {
		el.dataset.hint = 'changing it restarts the camera';
	}
	if (el.dataset.hint)
		el.title = el.dataset.hint;
	return el;
}

// Builds the form from the settings document.
function draw(doc) {
	state.settings = doc;
	const form = $('set-form');
	const active = document.activeElement && form.contains(document.activeElement) ?
	    document.activeElement.id : null;
	form.replaceChildren();

	const size = fixed(select('set-size', SIZES, doc.size.value), doc.size);
	size.addEventListener('change', () => send({ size: size.value }));
	form.append(row('Picture size', size));

	const fps = fixed(select('set-fps', RATES, doc.fps.value, (v) => v + ' fps'),
	    doc.fps);
	fps.addEventListener('change', () => send({ fps: Number(fps.value) }));
	form.append(row('Frame rate', fps));

	const [q, qo] = slider('set-quality', doc.quality.min, doc.quality.max, 1,
	    doc.quality.value, (v) => send({ quality: v }));
	form.append(row('JPEG quality', fixed(q, doc.quality), qo));

	const rot = select('set-rotate', doc.rotate.choices, doc.rotate.value,
	    (v) => v + '°');
	rot.addEventListener('change', () => send({ rotate: Number(rot.value) }));
	form.append(row('Image rotation', rot));
	form.append(row('Horizontal flip', toggle('set-hflip', doc.hflip.value,
	    (v) => send({ hflip: v }))));
	form.append(row('Vertical flip', toggle('set-vflip', doc.vflip.value,
	    (v) => send({ vflip: v }))));

	for (const c of doc.controls || []) {
		const id = 'set-c-' + c.name;
		const label = c.label || c.name;
		const set = (v) => send({ controls: { [c.name]: v } });
		if (c.type === 'bool') {
			form.append(row(label, toggle(id, c.value, set)));
		} else if (c.type === 'menu') {
			const m = select(id, c.menu.map((i) => i.value), c.value, (v) => {
				const item = c.menu.find((i) => String(i.value) === v);
				return item ? item.name : v;
			});
			m.addEventListener('change', () => set(Number(m.value)));
			form.append(row(label, m));
		} else {
			const [r, o] = slider(id, c.min, c.max, c.step, c.value, set);
			r.dataset.default = c.default;
			form.append(row(label, r, o));
		}
	}
	if (active && $(active))
		$(active).focus();
}

// Reads capd's settings again, unless a change is on its way.
async function refresh() {
	if (document.hidden)
		return;
	try {
		const r = await fetch('api/camera', { cache: 'no-store' });
		if (!r.ok)
			return;
		const doc = await r.json();
		if (!doc.admin) {
			// Without passwords nobody may change settings: say how to set one.
			const nopass = doc.passwords === false;
			$('settings').hidden = !nopass;
			$('set-nopass').hidden = !nopass;
			$('set-form').hidden = nopass;
			$('set-saved').hidden = nopass;
			state.admin = false;
			return;
		}
		state.admin = true;
		$('settings').hidden = false;
		$('set-nopass').hidden = true;
		$('set-form').hidden = false;
		$('set-saved').hidden = false;
		// Never redraw under a finger: a slider being dragged keeps its place.
		const a = document.activeElement;
		const dragging = a && a.type === 'range' && $('set-form').contains(a) &&
		    a.matches(':active');
		if (state.busy === 0 && !dragging &&
		    JSON.stringify(doc.settings) !== JSON.stringify(state.settings))
			draw(doc.settings);
	} catch (e) {
		// the camera panel says the server is unreachable
	}
}

// Shows the panel if this user may change settings, and keeps it current.
export async function startSettings() {
	$('set-form').addEventListener('submit', (ev) => ev.preventDefault());
	await refresh();
	if (!state.admin)
		return;
	state.poll = setInterval(refresh, POLL_EVERY);
	window.campipe.settings = state;
}
