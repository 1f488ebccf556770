/* SPDX-License-Identifier: ISC */
/* auth_gate.c: HTTP Basic authentication for every httpd request. */
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "auth.h"
#include "connpool.h"
#include "log.h"
#include "mono.h"
#include "timeval.h"

#include "auth_gate.h"
#include "reply.h"
#include "web.h"
#include "xff.h"

/* A request held until its address may try again. */
struct auth_gate_hold {
	struct connpool_entry	 pool;		/* first: the held pool's */
	TAILQ_ENTRY(auth_gate_hold)	 entry;
	struct auth_gate		*g;
	struct evhttp_request	*req;
	struct event		*timer;
	struct event		*gone;		/* the client hung up */
	int			 metrics;	/* -1: ONVIF, resumed as is */
};

struct auth_gate {
	struct event_base	*base;
	const struct web_conf	*conf;
	auth_gate_resume_cb		 resume;	/* a held request passed */
	void			*arg;
	struct auth		*auth;
	struct auth		*metrics;	/* --metrics-htpasswd, or NULL */
	TAILQ_HEAD(, auth_gate_hold) holds;
	size_t			 nholds;
	struct connpool		*pool;		/* held, a share per address */
};

/* Loads the password files and the token key. */
struct auth_gate *
auth_gate_new(struct event_base *base, const struct web_conf *conf,
    auth_gate_resume_cb resume, void *arg, char *cause, size_t causelen)
{
	struct auth_conf	 ac;
	struct connpool_conf	 pc;
	struct auth_gate		*g;

	if ((g = calloc(1, sizeof(*g))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	g->base = base;
	g->conf = conf;
	g->resume = resume;
	g->arg = arg;
	TAILQ_INIT(&g->holds);
	memset(&pc, 0, sizeof(pc));
	pc.max_pending = AUTH_GATE_HOLD_MAX;
	pc.max_pending_per_addr = AUTH_GATE_HOLD_PER_ADDR;
	if ((g->pool = connpool_new(&pc)) == NULL) {
		snprintf(cause, causelen, "out of memory");
		goto fail;
	}
	ac = conf->access;	/* the camera rules */
	ac.htpasswd = conf->htpasswd;
	ac.nvr_credentials = conf->nvr_credentials;
	ac.token_key = conf->token_key;
	ac.token_ttl = conf->token_ttl;
	ac.fail_step_ms = conf->auth_delay_ms;
	ac.fail_max_ms = conf->auth_delay_ms * 15;
	if ((g->auth = auth_new(&ac, cause, causelen)) == NULL)
		goto fail;
	if (conf->metrics_htpasswd != NULL) {
		ac.htpasswd = conf->metrics_htpasswd;
		ac.nvr_credentials = NULL;
		ac.token_key = NULL;
		ac.ncamera_users = 0;
		ac.camera_users_file = NULL;
		if ((g->metrics = auth_new(&ac, cause, causelen)) == NULL)
			goto fail;
	}
	return (g);
fail:
	auth_gate_free(g);
	return (NULL);
}

/* Stops holding a request. */
static void
auth_gate_unhold(struct auth_gate_hold *gh)
{
	struct evhttp_connection	*evcon;

	if ((evcon = evhttp_request_get_connection(gh->req)) != NULL)
		evhttp_connection_set_closecb(evcon, NULL, NULL);
	TAILQ_REMOVE(&gh->g->holds, gh, entry);
	gh->g->nholds--;
	connpool_remove(gh->g->pool, &gh->pool);
	event_free(gh->timer);
	if (gh->gone != NULL)
		event_free(gh->gone);
	free(gh);
}

/* Frees everything. */
void
auth_gate_free(struct auth_gate *g)
{
	if (g == NULL)
		return;
	while (!TAILQ_EMPTY(&g->holds))
		auth_gate_unhold(TAILQ_FIRST(&g->holds));
	auth_free(g->auth);
	auth_free(g->metrics);
	if (g->pool != NULL)
		connpool_free(g->pool);
	free(g);
}

/* True when requests need Basic credentials. */
int
auth_gate_enabled(const struct auth_gate *g)
{
	return (g->conf->htpasswd != NULL);
}

/* True when ONVIF requests need a WS-UsernameToken. */
int
auth_gate_nvr(const struct auth_gate *g)
{
	return (auth_nvr_enabled(g->auth));
}

/* Re-reads the password files. */
void
auth_gate_reload(struct auth_gate *g)
{
	char	 cause[512];

	if (auth_reload(g->auth, cause, sizeof(cause)) == -1 ||
	    (g->metrics != NULL &&
	    auth_reload(g->metrics, cause, sizeof(cause)) == -1))
		log_warnx("keeping the old password file: %s", cause);
	else if (auth_enabled(g->auth))
		log_info("password files re-read");
}

/* The held request's time is up: check it again, then serve it. */
static void
auth_gate_on_hold_timer(evutil_socket_t fd, short ev, void *arg)
{
	struct auth_gate_hold	*gh = arg;
	struct auth_gate		*g = gh->g;
	struct evhttp_request	*req = gh->req;
	int			 metrics = gh->metrics;

	auth_gate_unhold(gh);
	if (metrics == -1 || auth_gate_check(g, req, metrics) == 0)
		g->resume(req, g->arg);
}

/* The held request's client left. */
static void
auth_gate_on_hold_close(struct evhttp_connection *evcon, void *arg)
{
	struct auth_gate_hold	*gh = arg;
	struct evhttp_request	*req = gh->req;

	auth_gate_unhold(gh);
	reply_release(req);
}

/*
 * The held request's socket is readable: the client hung up (EOF or an
 * error) and its connection goes at once; bytes of a next request are left
 * for after the hold.
 */
static void
auth_gate_on_hold_read(evutil_socket_t fd, short ev, void *arg)
{
	struct auth_gate_hold	*gh = arg;
	struct evhttp_connection *evcon;
	char			 c;
	ssize_t			 n;

	n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return;
	if (n > 0 || (evcon = evhttp_request_get_connection(gh->req)) ==
	    NULL) {
		event_del(gh->gone);
		return;
	}
	/* Calls auth_gate_on_hold_close, which forgets gh. */
	evhttp_connection_free(evcon);
}

/* Refuses a request that may not be held: 429. */
static void
auth_gate_refuse(struct evhttp_request *req)
{
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Retry-After", "30");
	reply_text(req, 429, "Too Many Requests",
	    "too many failed logins, try again later");
}

/*
 * Holds a request for ms milliseconds, watching its socket for the client
 * leaving.  The pool is shared fairly: an address holding its share has
 * its own oldest refused (429) to make room, and a full pool its oldest;
 * a newcomer from a quiet address always gets in.
 */
static void
auth_gate_hold(struct auth_gate *g, struct evhttp_request *req,
    const struct sockaddr *sa, int metrics, unsigned ms)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent	*bev;
	struct auth_gate_hold	*gh = NULL, *v;
	struct evhttp_request	*vreq;
	struct connpool_entry	*e;
	struct timeval		 tv = { ms / 1000, (ms % 1000) * 1000 };
	evutil_socket_t		 fd = -1;

	if (evcon != NULL && (bev = evhttp_connection_get_bufferevent(
	    evcon)) != NULL)
		fd = bufferevent_getfd(bev);
	if ((gh = calloc(1, sizeof(*gh))) == NULL || (gh->timer =
	    evtimer_new(g->base, auth_gate_on_hold_timer, gh)) == NULL ||
	    (fd != -1 && (gh->gone = event_new(g->base, fd, EV_READ |
	    EV_PERSIST, auth_gate_on_hold_read, gh)) == NULL)) {
		if (gh != NULL && gh->timer != NULL)
			event_free(gh->timer);
		free(gh);
		auth_gate_refuse(req);
		return;
	}
	connpool_entry_init(&gh->pool, sa, sa == NULL ? 0 :
	    sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in));
	while ((e = connpool_victim(g->pool, &gh->pool)) != NULL) {
		v = (struct auth_gate_hold *)((char *)e -
		    offsetof(struct auth_gate_hold, pool));
		vreq = v->req;
		auth_gate_unhold(v);
		auth_gate_refuse(vreq);
	}
	gh->g = g;
	gh->req = req;
	gh->metrics = metrics;
	if (connpool_pend(g->pool, &gh->pool) == -1) {
		event_free(gh->timer);
		if (gh->gone != NULL)
			event_free(gh->gone);
		free(gh);
		auth_gate_refuse(req);
		return;
	}
	TAILQ_INSERT_TAIL(&g->holds, gh, entry);
	g->nholds++;
	evtimer_add(gh->timer, &tv);
	if (gh->gone != NULL)
		event_add(gh->gone, NULL);
	evhttp_connection_set_closecb(evcon, auth_gate_on_hold_close, gh);
}

/*
 * The login page's address relative to the request's path, so that a
 * proxy's prefix is kept: "login.html" at /, "../../login.html" at
 * /cam/door/, with ?next= the path back (relative to the login page).
 */
static void
auth_gate_to_login(struct evhttp_request *req)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = uri != NULL ? evhttp_uri_get_path(uri) :
				    NULL, *p;
	char			 loc[1024], *next = NULL;
	size_t			 n = 0;
	int			 len = 0;

	if (path == NULL || *path != '/')
		path = "/";
	for (p = path + 1; *p != '\0'; p++)
		if (*p == '/')
			n++;
	while (n-- > 0 && len < 256)
		len += snprintf(loc + len, sizeof(loc) - len, "../");
	len += snprintf(loc + len, sizeof(loc) - len, "login.html");
	if (path[1] != '\0' && strlen(path) < 512 &&
	    (next = evhttp_encode_uri(path + 1)) != NULL)
		snprintf(loc + len, sizeof(loc) - len, "?next=%s", next);
	free(next);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Location",
	    loc);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	reply_text(req, 303, "See Other", "log in first");
}

/*
 * True for a browser going to a page in its window: GET, Sec-Fetch-Mode
 * navigate and Sec-Fetch-Dest document.  A frame on a dashboard (dest
 * iframe), where this site's SameSite=Strict cookie is not sent, keeps the
 * Basic challenge.
 */
static int
auth_gate_navigation(struct evhttp_request *req)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	const char		*mode = evhttp_find_header(in, "Sec-Fetch-Mode");
	const char		*dest = evhttp_find_header(in, "Sec-Fetch-Dest");

	return (evhttp_request_get_command(req) == EVHTTP_REQ_GET &&
	    mode != NULL && strcmp(mode, "navigate") == 0 &&
	    dest != NULL && strcmp(dest, "document") == 0);
}

/* The login cookie's user, if the request carries a valid one. */
static int
auth_gate_cookie(struct auth_gate *g, struct evhttp_request *req,
    char *user, char *cause, size_t causelen)
{
	struct timeval	 now;

	timeval_now(&now);
	return (auth_check_cookie(g->auth, evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Cookie"), now.tv_sec, user,
	    cause, causelen) == AUTH_OK ? 0 : -1);
}

/* Checks a request's credentials. */
int
auth_gate_check(struct auth_gate *g, struct evhttp_request *req, int kind)
{
	struct auth			*a = g->auth;
	struct evhttp_connection	*evcon;
	struct sockaddr_storage		 ss;
	const struct sockaddr		*sa;
	const char			*hdr;
	char				 user[AUTH_BASIC_MAX_USER + 1];
	char				 cause[256];
	unsigned			 wait_ms;

	if (kind == AUTH_GATE_METRICS && g->metrics != NULL)
		a = g->metrics;
	if (!auth_enabled(a))
		return (0);
	evcon = evhttp_request_get_connection(req);
	sa = xff_client(req, g->conf->proxies, g->conf->nproxies, &ss);
	hdr = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	/* A logged-in browser: the cookie, where no header says otherwise. */
	if (hdr == NULL && a == g->auth && kind != AUTH_GATE_LOGIN &&
	    auth_gate_cookie(g, req, user, cause, sizeof(cause)) == 0)
		return (0);
	switch (auth_check_basic(a, hdr, sa, mono_ms(), user, &wait_ms,
	    cause, sizeof(cause))) {
	case AUTH_OK:
		return (0);
	case AUTH_WAIT:
		auth_gate_hold(g, req, sa, kind, wait_ms);
		return (1);
	case AUTH_DENY:
		break;
	}
	if (hdr != NULL) {
		char		*peer = NULL;
		ev_uint16_t	 port = 0;
		static struct log_rate lr =
		    LOG_RATE_INIT_BURST("failed logins", 10);

		if (evcon != NULL)
			evhttp_connection_get_peer(evcon, &peer, &port);
		log_rate_info(&lr, "%s: %s: %s", peer != NULL ? peer : "-",
		    evhttp_request_get_uri(req), cause);
	}
	/* A browser going to a page is sent to the login page... */
	if (kind == AUTH_GATE_PAGE && hdr == NULL && auth_gate_navigation(req)) {
		auth_gate_to_login(req);
		return (1);
	}
	/* ...and the login form's own try gets no challenge (no dialog). */
	if (kind != AUTH_GATE_LOGIN)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", AUTH_CHALLENGE);
	reply_text(req, 401, "Unauthorized", "authentication required");
	return (1);
}

/* The password file's authenticator, to issue tokens with. */
struct auth *
auth_gate_auth(struct auth_gate *g)
{
	return (g->auth);
}

/* The user the request was let in as: its Basic header's, or its cookie's. */
int
auth_gate_user(struct auth_gate *g, struct evhttp_request *req, char *user)
{
	char		 pass[AUTH_BASIC_MAX_PASS + 1], cause[256];
	const char	*hdr;
	int		 r;

	if (!auth_enabled(g->auth))
		return (-1);
	hdr = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (hdr == NULL)
		return (auth_gate_cookie(g, req, user, cause, sizeof(cause)));
	r = auth_basic_parse(hdr, strlen(hdr), user, pass, cause,
	    sizeof(cause));
	explicit_bzero(pass, sizeof(pass));
	return (r);
}

/* Checks an ONVIF request's WS-UsernameToken against the NVR file. */
int
auth_gate_wsse(struct auth_gate *g, struct evhttp_request *req,
    const char *user, const char *digest, const char *nonce,
    const char *created, char *cause, size_t causelen)
{
	struct evhttp_connection	*evcon;
	struct sockaddr_storage		 ss;
	const struct sockaddr		*sa;
	struct timeval			 now;
	unsigned			 wait_ms;
	char				*peer = NULL;
	ev_uint16_t			 port = 0;
	static struct log_rate		 lr =
	    LOG_RATE_INIT_BURST("failed ONVIF logins", 10);

	sa = xff_client(req, g->conf->proxies, g->conf->nproxies, &ss);
	timeval_now(&now);
	switch (auth_check_wsse(g->auth, user, digest, nonce, created, sa,
	    mono_ms(), now.tv_sec, &wait_ms, cause, causelen)) {
	case AUTH_OK:
		return (0);
	case AUTH_WAIT:
		auth_gate_hold(g, req, sa, -1, wait_ms);
		return (1);
	case AUTH_DENY:
		break;
	}
	if ((evcon = evhttp_request_get_connection(req)) != NULL)
		evhttp_connection_get_peer(evcon, &peer, &port);
	log_rate_info(&lr, "%s: %s: %s", peer != NULL ? peer : "-",
	    evhttp_request_get_uri(req), cause);
	return (-1);
}

/* Whether the request's user may watch the camera. */
int
auth_gate_may_watch(struct auth_gate *g, struct evhttp_request *req,
    const char *camera)
{
	char	 user[AUTH_BASIC_MAX_USER + 1];

	if (g->auth == NULL || !auth_enabled(g->auth))
		return (1);
	return (auth_allowed(g->auth, camera, auth_gate_user(g, req,
	    user) == 0 ? user : NULL));
}

/* GET /api/token. */
void
auth_gate_token(struct web *w, struct evhttp_request *req, const char *query)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	char			 user[AUTH_BASIC_MAX_USER + 1];
	char			 tok[AUTH_TOKEN_MAX], cause[256];
	char			 cambuf[AUTH_TOKEN_MAX_CAMERA + 1];
	const char		*camera = NULL, *v;
	struct evkeyvalq	 q;
	struct evbuffer		*b;
	struct timeval		 now;
	int64_t			 expiry;

	if (!auth_gate_enabled(w->gate)) {
		reply_text(req, 404, "Not Found",
		    "no tokens: authentication is off (--htpasswd)");
		return;
	}
	/* ?camera=NAME: a token for that camera only. */
	TAILQ_INIT(&q);
	if (query != NULL && evhttp_parse_query_str(query, &q) == 0 &&
	    (v = evhttp_find_header(&q, "camera")) != NULL) {
		/* A name too long for one is no camera's. */
		if (strlen(v) < sizeof(cambuf))
			snprintf(cambuf, sizeof(cambuf), "%s", v);
		else
			cambuf[0] = '\0';
		camera = cambuf;
	}
	evhttp_clear_headers(&q);
	if (camera != NULL && camname_find(&w->conf->cams, camera) == -1) {
		reply_text(req, 404, "Not Found", "no such camera");
		return;
	}
	if (camera != NULL && !auth_gate_may_watch(w->gate, req, camera)) {
		reply_text(req, 403, "Forbidden", "this camera is not for "
		    "this user");
		return;
	}
	/* auth_gate_check() verified these credentials already.  time(NULL)
	 * reads the coarse clock, a tick behind: take the precise one. */
	timeval_now(&now);
	if (auth_gate_user(w->gate, req, user) == -1 ||
	    auth_issue(w->gate->auth, user, now.tv_sec, 0, camera, tok,
	    sizeof(tok), &expiry, cause, sizeof(cause)) == -1 ||
	    (b = evbuffer_new()) == NULL) {
		reply_text(req, 500, "Internal Server Error",
		    "cannot issue a token");
		return;
	}
	evbuffer_add_printf(b, "{\"token\":\"%s\",\"expires\":%lld,"
	    "\"protocol\":\"" AUTH_TOKEN_PROTOCOL "%s\"}\n", tok,
	    (long long)expiry, tok);
	evhttp_add_header(h, "Content-Type", "application/json");
	evhttp_add_header(h, "Cache-Control", "no-store");
	reply_send(req, 200, "OK", b);
	evbuffer_free(b);
}
