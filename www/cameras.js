// SPDX-License-Identifier: ISC
// cameras.js: the viewer's camera switcher, shown when httpd serves more
// than one camera (/api/cameras).  The viewer of camera NAME lives at
// /cam/NAME/ (every URL relative, so the page there uses that camera's
// stills, stream and WebSocket); the choice is remembered in this browser,
// and opening / goes back to it.

const KEY = 'campipe.camera';

// The camera a path belongs to ("/cam/door/" -> "door"), or null.
export function cameraFromPath(pathname) {
	const m = /\/cam\/([A-Za-z0-9_-]{1,32})\/[^/]*$/.exec(pathname);
	return m ? m[1] : null;
}

// The site's root from a page's path: "/" for "/cam/door/", the proxy's
// prefix under a reverse proxy ("/watch/cam/door/" -> "/watch/").
export function rootOf(pathname) {
	const m = /^(.*\/)cam\/[A-Za-z0-9_-]{1,32}\/[^/]*$/.exec(pathname);
	return m ? m[1] : pathname.replace(/[^/]*$/, '');
}

// Where camera name's viewer is: the root for the default camera.
export function viewerOf(root, name, deflt) {
	return name === deflt ? root : root + 'cam/' + encodeURIComponent(name) + '/';
}

const store = {
	get() {
		try {
			return localStorage.getItem(KEY);
		} catch (e) {
			return null;
		}
	},
	set(v) {
		try {
			localStorage.setItem(KEY, v);
		} catch (e) {
			// not remembered, still works
		}
	},
};

async function main() {
	const root = rootOf(location.pathname);
	let list = null;
	try {
		const r = await fetch(root + 'api/cameras', { cache: 'no-store' });
		if (r.ok)
			list = await r.json();
	} catch (e) {
		return;
	}
	if (!list || !Array.isArray(list.cameras) || list.cameras.length < 2)
		return;
	const names = list.cameras.map((c) => c.name);
	const current = cameraFromPath(location.pathname) ?? list.default;
	const remembered = store.get();
	window.campipeCameras = { names, current, default: list.default };
	// At the root, the camera this browser last chose.
	if (cameraFromPath(location.pathname) === null && remembered !== null &&
	    remembered !== current && names.includes(remembered)) {
		location.replace(viewerOf(root, remembered, list.default));
		return;
	}
	const label = document.createElement('label');
	label.className = 'camera-pick';
	label.textContent = 'Camera ';
	const sel = document.createElement('select');
	sel.id = 'camera-pick';
	for (const c of list.cameras) {
		const o = document.createElement('option');
		o.value = c.name;
		o.textContent = c.name + (c.online ? '' : ' (offline)');
		o.selected = c.name === current;
		sel.append(o);
	}
	sel.onchange = () => {
		store.set(sel.value);
		location.assign(viewerOf(root, sel.value, list.default));
	};
	label.append(sel);
	const grid = document.createElement('a');
	grid.className = 'grid-link';
	grid.href = root + 'grid.html';
	grid.textContent = 'All cameras';
	const bar = document.querySelector('header.bar');
	bar.insertBefore(grid, bar.lastElementChild);
	bar.insertBefore(label, grid);
	document.body.dataset.camera = current;
	document.title = 'campipe · ' + current + ' · ' + location.hostname;
}

if (typeof window !== 'undefined' && typeof document !== 'undefined')
	main();
