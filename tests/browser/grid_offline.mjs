// SPDX-License-Identifier: ISC
// grid_offline.mjs: the grid at 1280x800 with the cameras named: the tiles
// share the width between them; then the harness kills camera NAME's capd
// ("CTL kill-capd NAME"): its tile keeps its last picture dimmed and says
// "Camera service stopped, last frame HH:MM:SS" beside its whole name,
// the others stay live.
// Usage: node grid_offline.mjs BASE_URL ARTIFACT_DIR NAME CAMERA...
import path from 'node:path';
import { check, control, launch, run, until } from './harness.mjs';

const [base, artifacts, victim, ...names] = process.argv.slice(2);

async function main() {
	const b = await launch();
	try {
		const page = await b.ctx.newPage();
		await page.goto(base + 'grid.html');
		await until(page, (n) => Object.values(window.campipeGrid.tiles)
		    .filter((t) => t.frames >= 2).length === n, names.length, 20000,
		    'every tile shows pictures');
		const widths = await page.$$eval('.tile', (els) =>
		    els.map((e) => e.getBoundingClientRect().width));
		const share = (1280 - 16 * (names.length + 1)) / names.length;
		check(widths.every((w) => w >= Math.min(share, 1250) - 2),
		    'the tiles share the width (' + names.length + ' cameras)',
		    widths.map(Math.round).join(', '));
		await control('kill-capd ' + victim);
		const sel = '.tile[data-camera="' + victim + '"]';
		await until(page, (s) => {
			const el = document.querySelector(s);
			return el.hasAttribute('data-stale') && /^Camera service stopped, last frame \d\d:\d\d:\d\d$/
			    .test(el.querySelector('.tile-text').textContent);
		}, sel, 20000, victim + ': "Camera service stopped, last frame HH:MM:SS"',
		    async (p) => p.$eval(sel + ' .tile-text', (e) => e.textContent));
		const filter = await page.$eval(sel + ' .tile-pic > :not([hidden])',
		    (e) => getComputedStyle(e).filter);
		check(/brightness\(0\.45\)/.test(filter), victim + ': its last picture dimmed',
		    filter);
		const others = await page.$$eval('.tile:not([data-stale])', (els) =>
		    els.map((e) => e.dataset.camera));
		check(others.length === names.length - 1 && !others.includes(victim),
		    'the other tiles stay live', others.join(', '));
		const name = await page.$eval(sel + ' .tile-name', (e) =>
		    [e.scrollWidth, e.clientWidth]);
		check(name[0] <= name[1], victim + ': its name whole beside the words',
		    name.join(' > '));
		await page.screenshot({ path: path.join(artifacts, 'grid-offline.png') });
	} finally {
		await b.close();
	}
}

run(main);
