// SPDX-License-Identifier: ISC
// checks.mjs: the named checks of a browser test script: each prints "ok"
// or "FAIL" with its name; finish() prints the tally and exits 0 only when
// every check held ("all checks passed", which the pytest side looks for).

const failures = [];

// Prints one check and remembers a failure; returns ok.
export function check(ok, what, detail = '') {
	console.log((ok ? 'ok   ' : 'FAIL ') + what + (detail ? ': ' + detail : ''));
	if (!ok)
		failures.push(what);
	return ok;
}

// Prints the tally and exits with 1 when any check failed.
export function finish() {
	if (failures.length > 0) {
		console.log(failures.length + ' checks failed');
		process.exit(1);
	}
	console.log('all checks passed');
	process.exit(0);
}
