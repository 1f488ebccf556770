// SPDX-License-Identifier: ISC
// login.js: the sign-in form.  It proves the password to POST api/login with
// Basic credentials (checked like any other, with the same delays after a
// failure), which answers with the login cookie; then back to the page the
// visitor came for (?next=, a path relative to this page).

// Base64 of user:password in UTF-8, as RFC 7617's charset="UTF-8" says.
export function basicOf(user, password) {
	const bytes = new TextEncoder().encode(user + ':' + password);
	let s = '';
	for (const b of bytes)
		s += String.fromCharCode(b);
	return 'Basic ' + btoa(s);
}

// Where to go after signing in: next if it is a plain relative path on this
// site (no scheme, no "//", no "..", no backslash), else this directory.
export function nextOf(search) {
	const next = new URLSearchParams(search).get('next');
	if (next === null || !/^[A-Za-z0-9._~\/-]*$/.test(next) ||
	    next.startsWith('/') || next.split('/').includes('..'))
		return './';
	return next === '' ? './' : next;
}

// What a refusal says to the visitor.
export function refusalOf(status) {
	if (status === 401)
		return 'Wrong user or password.';
	if (status === 429)
		return 'Too many failed tries from here: wait 30 seconds.';
	if (status === 404)
		return 'No password is set on this camera: nothing to sign in to.';
	return 'The camera answered ' + status + '; try again.';
}

async function submit(ev) {
	ev.preventDefault();
	const err = document.getElementById('error');
	const button = document.querySelector('#login button');
	err.textContent = '';
	button.disabled = true;
	button.textContent = 'Checking…';
	try {
		const r = await fetch('api/login', { method: 'POST', headers: {
		    'Authorization': basicOf(document.getElementById('user').value,
		    document.getElementById('password').value),
		    'Content-Type': 'application/json' }, body: '{}',
		    cache: 'no-store' });
		if (r.ok) {
			location.replace(nextOf(location.search));
			return;
		}
		err.textContent = refusalOf(r.status);
	} catch (e) {
		err.textContent = 'The camera cannot be reached: ' + e.message;
	}
	button.disabled = false;
	button.textContent = 'Sign in';
}

if (typeof document !== 'undefined') {
	document.getElementById('host').textContent = location.hostname;
	document.getElementById('login').addEventListener('submit', submit);
}
