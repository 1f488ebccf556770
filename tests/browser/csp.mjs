// SPDX-License-Identifier: ISC
// csp.mjs: every Content-Security-Policy violation in a browser context,
// from the page's securitypolicyviolation events and from the console
// (where Chromium reports what it refused).  watch() returns the list the
// violations are added to; control() makes one on purpose, to show that
// they are seen at all.
const MARK = 'campipe-csp-violation';

export async function watch(ctx) {
	const seen = [];
	await ctx.addInitScript((mark) => {
		document.addEventListener('securitypolicyviolation', (e) =>
		    console.error(mark + ' ' + e.violatedDirective + ' ' +
		    e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));
	}, MARK);
	const onPage = (page) => page.on('console', (m) => {
		const t = m.text();
		if (t.startsWith(MARK) || /Content Security Policy/.test(t))
			seen.push(page.url() + ': ' + t);
	});
	ctx.pages().forEach(onPage);
	ctx.on('page', onPage);
	return seen;
}

// Connects where connect-src does not allow; resolves once it is reported.
export async function control(page, seen, ms = 5000) {
	const before = seen.length;
	await page.evaluate(() => fetch('http://192.0.2.1:9/').catch(() => {}));
	const end = Date.now() + ms;
	while (seen.length === before && Date.now() < end)
		await new Promise((r) => setTimeout(r, 50));
	return seen.length > before;
}
