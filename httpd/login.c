/* SPDX-License-Identifier: ISC */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "auth.h"
#include "auth_basic.h"
#include "auth_cookie.h"
#include "auth_gate.h"
#include "camera_api.h"
#include "login.h"
#include "reply.h"
#include "timeval.h"
#include "web.h"
#include "xff.h"

/* The login page and what it loads. */
static const char *const login_files[] = {
	"/login.html", "/login.js", "/viewer.css", "/favicon.svg",
};

/* True for a file anyone may fetch. */
int
login_public(const char *path)
{
	size_t	 i;

	for (i = 0; i < sizeof(login_files) / sizeof(*login_files); i++)
		if (strcmp(path, login_files[i]) == 0)
			return (1);
	return (0);
}

/* True if the request reached httpd through TLS: a trusted proxy says so. */
static int
login_secure(struct web *w, struct evhttp_request *req)
{
	struct evhttp_connection	*evcon;
	const char			*proto;

	proto = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "X-Forwarded-Proto");
	if (proto == NULL || strcmp(proto, "https") != 0 ||
	    (evcon = evhttp_request_get_connection(req)) == NULL)
		return (0);
	return (xff_trusted(evhttp_connection_get_addr(evcon),
	    w->conf->proxies, w->conf->nproxies));
}

/* Refuses anything but a POST from this server's own pages. */
static int
login_refused(struct evhttp_request *req)
{
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "POST");
		reply_text(req, 405, "Method Not Allowed", "use POST");
		return (1);
	}
	if (!camera_api_same_origin(req)) {
		reply_text(req, 403, "Forbidden", "not from this server's "
		    "pages");
		return (1);
	}
	return (0);
}

/* Answers JSON with the cookie header given. */
static void
login_answer(struct evhttp_request *req, const char *cookie,
    const char *json)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct evbuffer		*b;

	evhttp_add_header(h, "Set-Cookie", cookie);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "Content-Type", "application/json");
	if ((b = evbuffer_new()) == NULL) {
		reply_text(req, 500, "Internal Server Error", "out of memory");
		return;
	}
	evbuffer_add_printf(b, "%s\n", json);
	reply_send(req, 200, "OK", b);
	evbuffer_free(b);
}

/* POST /api/login. */
void
login_handle(struct web *w, struct evhttp_request *req, const char *query)
{
	char		 user[AUTH_BASIC_MAX_USER + 1], tok[AUTH_TOKEN_MAX];
	char		 cause[256], cookie[AUTH_TOKEN_MAX + 160];
	char		 json[AUTH_BASIC_MAX_USER + 64];
	unsigned	 ttl = w->conf->login_ttl != 0 ? w->conf->login_ttl :
			    LOGIN_TTL_DEFAULT;
	struct timeval	 now;
	int64_t		 expiry;

	if (login_refused(req))
		return;
	if (!auth_gate_enabled(w->gate)) {
		reply_text(req, 404, "Not Found", "no login: no password is "
		    "set (docs/auth.md)");
		return;
	}
	timeval_now(&now);
	if (auth_gate_user(w->gate, req, user) == -1 ||
	    auth_issue(auth_gate_auth(w->gate), user, now.tv_sec, ttl, NULL, tok,
	    sizeof(tok), &expiry, cause, sizeof(cause)) == -1) {
		reply_text(req, 500, "Internal Server Error",
		    "cannot log in");
		return;
	}
	snprintf(cookie, sizeof(cookie), AUTH_COOKIE_NAME "=%s; Path=/; "
	    "Max-Age=%u; HttpOnly; SameSite=Strict%s", tok, ttl,
	    login_secure(w, req) ? "; Secure" : "");
	/* A name with '"' or '\\' is not spelled out in the JSON. */
	snprintf(json, sizeof(json), "{\"user\":\"%s\",\"expires\":%lld}",
	    strpbrk(user, "\"\\") == NULL ? user : "?", (long long)expiry);
	login_answer(req, cookie, json);
}

/* POST /api/logout. */
void
login_logout(struct web *w, struct evhttp_request *req, const char *query)
{
	if (login_refused(req))
		return;
	login_answer(req, AUTH_COOKIE_NAME "=; Path=/; Max-Age=0; HttpOnly; "
	    "SameSite=Strict", "{}");
}
