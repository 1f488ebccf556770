/* SPDX-License-Identifier: ISC */
/*
 * dispatch.c: the top of the HTTP server: evhttp with its limits, the
 * cameras and their handlers, and the one request entry point that checks
 * the method, applies CORS, asks the access check, and routes to a
 * handler.  Only this file knows the handlers; they know the replies and
 * the configuration and counters below them (reply.h, web.h).
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>

#include "api.h"
#include "auth_basic.h"
#include "host_headers.h"
#include "connpool.h"
#include "cam.h"
#include "files.h"
#include "auth_gate.h"
#include "h264_http.h"
#include "handoff.h"
#include "login.h"
#include "mjpeg.h"
#include "mono.h"
#include "onvif.h"
#include "onvif_request.h"
#include "prom.h"
#include "rtc_route.h"
#include "stills.h"
#include "camera_api.h"
#include "dispatch.h"
#include "strict.h"
#include "turn.h"
#include "reply.h"
#include "web.h"
#include "xff.h"

#define DISPATCH_MAX_HEADERS	8192
#define DISPATCH_MAX_BODY	1024

typedef void	(*dispatch_handler)(struct web *, struct evhttp_request *,
		    const char *);
typedef void	(*dispatch_cam_handler)(struct cam *, struct evhttp_request *,
		    const char *);

/* Every route answers at / and under /cam/NAME/ too, where a camera's
 * routes (cfn) get that camera instead of the default. */
static const struct dispatch_route {
	const char	*path;
	const char	*action;	/* "/?action=..." (mjpg-streamer) */
	dispatch_handler fn;
	dispatch_cam_handler cfn;
	int		 cam;	/* about the default camera (also with fn) */
} dispatch_routes[] = {
	{ "/pi.jpg", "snapshot", NULL, stills_handle, 0 },
	{ "/snapshot.jpg", NULL, NULL, stills_handle, 0 },
	{ "/stream.mjpg", "stream", NULL, mjpeg_handle, 0 },
	/* H.264 (h264_http.h). */
	{ "/stream.h264", NULL, NULL, h264_http_raw, 0 },
	{ "/stream.mp4", NULL, NULL, h264_http_mp4, 0 },
	{ "/sub.h264", NULL, NULL, h264_http_sub_raw, 0 },
	{ "/sub.mp4", NULL, NULL, h264_http_sub_mp4, 0 },
	/* With capd's status at /, the camera's own under /cam/NAME/. */
	{ "/api/status", NULL, camera_api_status, api_status, 1 },
	{ "/api/cameras", NULL, api_cameras, NULL, 0 },
	{ "/api/camera", NULL, camera_api_get, NULL, 1 },
	{ "/api/camera/settings", NULL, camera_api_patch, NULL, 1 },
	{ "/api/config", NULL, NULL, api_config, 0 },
	{ "/api/token", NULL, auth_gate_token, NULL, 0 },
	{ "/api/login", NULL, login_handle, NULL, 0 },
	{ "/api/logout", NULL, login_logout, NULL, 0 },
	{ "/metrics", NULL, prom_handle, NULL, 0 },
};

/* Where a request goes. */
struct dispatch_target {
	const struct dispatch_route	*r;	/* NULL: a file */
	struct cam		*cam;	/* NULL: no such camera */
	const char		*path;	/* the path within the camera's tree */
};

static void	dispatch_route_request(struct web *, struct evhttp_request *);

/* Ends a camera's clients, then frees its handlers and the camera. */
static void
dispatch_cam_free(struct cam *c)
{
	if (c == NULL)
		return;
	mjpeg_free(c->mjpeg);
	h264_http_free(c->h264);
	h264_http_free(c->h264sub);
	if (c->stills != NULL)
		stills_free(c->stills);
	cam_free(c);
}

/*
 * The access check every request passes before its handler.  Returns 0 to
 * go on; otherwise it has answered req or holds it (auth_gate.h).
 */
static int
dispatch_authorize(struct web *w, struct evhttp_request *req,
    const struct dispatch_target *t)
{
	const struct dispatch_route	*r = t->r;

	/* The login page and logging out are for anyone. */
	if ((r == NULL && login_public(t->path)) ||
	    (r != NULL && r->fn == login_logout))
		return (0);
	return (auth_gate_check(w->gate, req, r != NULL && r->fn ==
	    prom_handle ? AUTH_GATE_METRICS : r != NULL && r->fn ==
	    login_handle ? AUTH_GATE_LOGIN : AUTH_GATE_PAGE));
}

/* The camera named name, or NULL. */
static struct cam *
dispatch_cam(const struct web *w, const char *name)
{
	int	 i = camname_find(&w->conf->cams, name);

	return (i >= 0 && i < w->ncams ? w->cams[i] : NULL);
}

/* Finds the handler for a path and query: /cam/NAME/... or the default. */
static void
dispatch_route(struct web *w, const char *path, const char *query,
    struct dispatch_target *t)
{
	struct evkeyvalq	 q;
	const char		*action;
	char			 name[CAMNAME_MAX + 1];
	size_t			 i;

	t->r = NULL;
	t->cam = w->cam;
	t->path = path;
	if (camname_path(path, name, &t->path) == 0 &&
	    (t->cam = dispatch_cam(w, name)) == NULL)
		return;
	for (i = 0; i < sizeof(dispatch_routes) / sizeof(dispatch_routes[0]); i++) {
		if (strcmp(t->path, dispatch_routes[i].path) == 0) {
			t->r = &dispatch_routes[i];
			return;
		}
	}
	if (strcmp(t->path, "/") != 0 || query == NULL)
		return;
	TAILQ_INIT(&q);
	if (evhttp_parse_query_str(query, &q) == 0 &&
	    (action = evhttp_find_header(&q, "action")) != NULL) {
		for (i = 0; i < sizeof(dispatch_routes) / sizeof(dispatch_routes[0]);
		    i++) {
			if (dispatch_routes[i].action != NULL &&
			    strcmp(action, dispatch_routes[i].action) == 0)
				t->r = &dispatch_routes[i];
		}
	}
	evhttp_clear_headers(&q);
}

/*
 * Sends each write at once (no Nagle delay behind the client's delayed
 * ACK) and lets a whole frame go out in one writev, not 16 KB pieces.
 */
static void
dispatch_tune_connection(struct evhttp_request *req)
{
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	int				 one = 1;

	if ((evcon = evhttp_request_get_connection(req)) == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evcon)) == NULL)
		return;
	setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof(one));
	bufferevent_set_max_single_write(bev, EV_SSIZE_MAX);
}

/*
 * An ONVIF service: POST only, the Host check, then the service itself,
 * which authenticates with WS-Security rather than Basic.
 */
static void
dispatch_onvif(struct web *w, struct evhttp_request *req,
    enum evhttp_cmd_type cmd)
{
	if (cmd != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "POST");
		reply_close(req, 405, "Method Not Allowed",
		    "method not allowed");
		return;
	}
	if (host_headers_check(w->headers, req) != 0)
		return;
	onvif_handle(w->onvif, req);
}

/* True for the paths that take POST: logging in and out. */
static int
dispatch_post_path(const char *path)
{
	return (path != NULL && (strcmp(path, "/api/login") == 0 ||
	    strcmp(path, "/api/logout") == 0));
}

/* What path is to rtcd: RTC_ROUTE_NONE without --rtc-handoff. */
static enum rtc_route_kind
dispatch_rtc_kind(const struct web *w, const char *path)
{
	char		 name[CAMNAME_MAX + 1];
	const char	*rest = path;
	int		 incam;

	if (w->rtc == NULL || path == NULL)
		return (RTC_ROUTE_NONE);
	incam = camname_path(path, name, &rest) == 0;
	return (rtc_route_kind(rest, incam));
}

/*
 * The method check: 0 to go on, or -1 when it answered 405.  rtcd's
 * routes take their own methods (rtc_route.h).
 */
static int
dispatch_method(struct evhttp_request *req, const char *path,
    enum rtc_route_kind rk)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	enum evhttp_cmd_type	 cmd = evhttp_request_get_command(req);
	char			 name[CAMNAME_MAX + 1];
	const char		*rest = path;

	if (rk != RTC_ROUTE_NONE) {
		(void)camname_path(path, name, &rest);
		if (rtc_route_method(rk, rest, cmd))
			return (0);
		evhttp_add_header(h, "Allow", rtc_route_allow(rk, rest));
	} else {
		if (cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD ||
		    (cmd == EVHTTP_REQ_PATCH && path != NULL &&
		    camera_api_patch_path(path)) ||
		    (cmd == EVHTTP_REQ_POST && dispatch_post_path(path)))
			return (0);
		evhttp_add_header(h, "Allow", path != NULL &&
		    camera_api_patch_path(path) ? "PATCH" :
		    dispatch_post_path(path) ? "POST" : "GET, HEAD");
	}
	reply_close(req, 405, "Method Not Allowed", "method not allowed");
	return (-1);
}

/* Every request comes here. */
static void
dispatch_on_request(struct evhttp_request *req, void *arg)
{
	struct web			*w = arg;
	struct evkeyvalq		*h = evhttp_request_get_output_headers(req);
	const struct evhttp_uri		*uri = evhttp_request_get_evhttp_uri(req);
	enum evhttp_cmd_type		 cmd = evhttp_request_get_command(req);
	struct dispatch_target		 t;
	enum rtc_route_kind		 rk;
	const char			*path, *query;

	w->stats.requests++;
	pending_done(w->pending, req);
	if (strict_refused(w->strict, req)) {
		reply_close(req, 400, "Bad Request", "bad request head");
		return;
	}
	dispatch_tune_connection(req);
	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	query = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
	if (w->onvif != NULL && path != NULL && onvif_path(path)) {
		dispatch_onvif(w, req, cmd);
		return;
	}
	rk = dispatch_rtc_kind(w, path);
	/* Bodies beyond 1 KB are for ONVIF and rtcd's routes alone. */
	if (evbuffer_get_length(evhttp_request_get_input_buffer(req)) >
	    (rk != RTC_ROUTE_NONE ? RTC_ROUTE_BODY_MAX : DISPATCH_MAX_BODY)) {
		reply_close(req, 413, "Payload Too Large", "body too large");
		return;
	}
	if (dispatch_method(req, path, rk) != 0)
		return;
	if (host_headers_check(w->headers, req) != 0)
		return;
	if (w->conf->allow_origin != NULL)
		evhttp_add_header(h, "Access-Control-Allow-Origin",
		    w->conf->allow_origin);
	if (rk != RTC_ROUTE_NONE && rtc_route_check(req) != 0)
		return;
	if (path == NULL || *path != '/') {
		reply_text(req, 404, "Not Found", "not found");
		return;
	}
	dispatch_route(w, path, query, &t);
	if (dispatch_authorize(w, req, &t) != 0)
		return;
	dispatch_route_request(w, req);
}

/* Passes a request that passed the checks to wsd or rtcd. */
static void
dispatch_handoff(struct web *w, struct handoff *to, struct evhttp_request *req)
{
	struct sockaddr_storage		 ss;
	const struct sockaddr		*sa;
	char				 user[AUTH_BASIC_MAX_USER + 1];
	int				 have_user;

	sa = xff_client(req, w->conf->proxies, w->conf->nproxies, &ss);
	/* The auth gate verified the credentials: the user is known. */
	have_user = auth_gate_user(w->gate, req, user) == 0;
	handoff_request(to, req, sa, have_user ? user : NULL);
}

/*
 * An rtcd route that passed the checks: a camera's offer, or the status
 * (the default camera's), for those who may watch it; then the handoff.
 */
static void
dispatch_rtc(struct web *w, struct evhttp_request *req, enum rtc_route_kind rk,
    const struct dispatch_target *t)
{
	if (t->cam == NULL)
		reply_text(req, 404, "Not Found", "no such camera");
	else if (rk != RTC_ROUTE_SESSION &&
	    !auth_gate_may_watch(w->gate, req, t->cam->name))
		reply_text(req, 403, "Forbidden", "this camera is not for "
		    "this user");
	else
		dispatch_handoff(w, w->rtc, req);
}

/* Routes a request that passed the checks to its handler. */
static void
dispatch_route_request(struct web *w, struct evhttp_request *req)
{
	const struct evhttp_uri		*uri = evhttp_request_get_evhttp_uri(req);
	struct dispatch_target		 t;
	enum rtc_route_kind		 rk;
	const char			*path, *query;

	if (w->onvif != NULL && onvif_path(evhttp_uri_get_path(uri))) {
		onvif_handle(w->onvif, req);	/* held by the auth gate */
		return;
	}
	/* Any WebSocket path: wsd decides from the head. */
	if (w->handoff != NULL && handoff_is_upgrade(req)) {
		dispatch_handoff(w, w->handoff, req);
		return;
	}
	path = evhttp_uri_get_path(uri);
	query = evhttp_uri_get_query(uri);
	dispatch_route(w, path, query, &t);
	if ((rk = dispatch_rtc_kind(w, path)) != RTC_ROUTE_NONE)
		dispatch_rtc(w, req, rk, &t);
	else if (t.cam == NULL)
		reply_text(req, 404, "Not Found", "no such camera");
	else if ((t.path != path || (t.r != NULL && (t.r->cfn != NULL ||
	    t.r->cam))) &&
	    !auth_gate_may_watch(w->gate, req, t.cam->name))
		reply_text(req, 403, "Forbidden", "this camera is not for "
		    "this user");
	else if (t.r != NULL && t.r->cfn != NULL &&
	    (t.r->fn == NULL || t.path != path)) {
		/* A stream to HEAD: the headers GET gets, chunked in 1.1. */
		if (t.r->cfn == mjpeg_handle && req->minor >= 1 &&
		    evhttp_request_get_command(req) == EVHTTP_REQ_HEAD)
			evhttp_add_header(evhttp_request_get_output_headers(
			    req), "Transfer-Encoding", "chunked");
		t.r->cfn(t.cam, req, query);
	} else if (t.r != NULL)
		t.r->fn(w, req, query);
	else if (strcmp(t.path, "/stream") == 0)
		files_handle(w, req, "/stream.html");	/* the seed's URL */
	else if (t.path != path && strcmp(t.path, "/") == 0)
		files_handle(w, req, "/index.html");	/* a camera's viewer */
	else
		files_handle(w, req, t.path);
}

/* A request the auth gate held passed its check. */
static void
dispatch_resume(struct evhttp_request *req, void *arg)
{
	dispatch_route_request(arg, req);
}

/* A camera with its handlers: its stills, its MJPEG and H.264 streams. */
static struct cam *
dispatch_cam_new(struct web *w, const struct camname_cam *cn)
{
	struct cam	*c;

	if ((c = cam_new(w, cn->name, cn->path, cn->h264[0] != '\0' ?
	    cn->h264 : NULL)) == NULL)
		return (NULL);
	c->stills = stills_new(c);
	c->mjpeg = mjpeg_new(c);
	if (cn->h264[0] != '\0' && cn->h264_sub[0] != '\0')
		c->h264subpath = cn->h264_sub;
	c->h264 = h264_http_new(c, c->h264path);
	c->h264sub = h264_http_new(c, c->h264subpath);
	if (c->stills == NULL || c->mjpeg == NULL || c->h264 == NULL ||
	    c->h264sub == NULL) {
		dispatch_cam_free(c);
		return (NULL);
	}
	return (c);
}

/* Creates the server without listeners. */
struct web *
dispatch_new(struct event_base *base, const struct web_conf *conf, char *cause,
    size_t causelen)
{
	const char		*names[CAMNAME_CAMERAS], *bad;
	struct connpool_conf	 pc;
	struct timeval		 idle;
	struct web		*w;
	size_t			 body;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	w->conf = conf;
	w->base = base;
	w->started = mono_sec();
	w->admit.max = conf->max_clients;
	if ((w->wwwroot = realpath(conf->www, NULL)) == NULL) {
		snprintf(cause, causelen, "%s: %s", conf->www,
		    strerror(errno));
		goto fail;
	}
	memset(&pc, 0, sizeof(pc));
	pc.max_viewers_per_addr = (size_t)conf->max_clients_per_addr;
	if ((w->http = evhttp_new(base)) == NULL ||
	    (w->viewers = connpool_new(&pc)) == NULL) {
		snprintf(cause, causelen, "out of memory");
		goto fail;
	}
	for (w->ncams = 0; w->ncams < conf->cams.n; w->ncams++) {
		if ((w->cams[w->ncams] = dispatch_cam_new(w,
		    &conf->cams.cams[w->ncams])) == NULL) {
			snprintf(cause, causelen, "out of memory");
			goto fail;
		}
	}
	w->cam = w->cams[conf->cams.deflt];
	if ((w->gate = auth_gate_new(base, conf, dispatch_resume, w, cause,
	    causelen)) == NULL ||
	    (w->headers = host_headers_new(conf, cause, causelen)) == NULL)
		goto fail;
	if ((bad = auth_unknown_camera(auth_gate_auth(w->gate), names,
	    camname_names(&conf->cams, names))) != NULL) {
		snprintf(cause, causelen, "camera users: no camera %s", bad);
		goto fail;
	}
	if ((w->strict = strict_new(w->http, DISPATCH_MAX_HEADERS)) == NULL) {
		snprintf(cause, causelen, "out of memory");
		goto fail;
	}
	/* Makes each connection's bufferevent through strict's. */
	if ((w->pending = pending_new(base, w->http, &conf->pending,
	    strict_bev, w->strict, cause, causelen)) == NULL)
		goto fail;
	if (conf->onvif && (w->onvif = onvif_new(w)) == NULL) {
		snprintf(cause, causelen, "out of memory");
		goto fail;
	}
	if (conf->ws_handoff != NULL && (w->handoff = handoff_new(base,
	    conf->ws_handoff, &handoff_wsd, cause, causelen)) == NULL)
		goto fail;
	if (conf->rtc_handoff != NULL && (w->rtc = handoff_new(base,
	    conf->rtc_handoff, &handoff_rtcd, cause, causelen)) == NULL)
		goto fail;
	if (conf->nturn_urls > 0 && (w->turn = turn_new(conf, cause,
	    causelen)) == NULL)
		goto fail;
	evhttp_set_max_headers_size(w->http, DISPATCH_MAX_HEADERS);
	/* The largest body a route takes; each route checks its own. */
	body = conf->onvif ? ONVIF_REQUEST_MAX : DISPATCH_MAX_BODY;
	if (w->rtc != NULL && body < RTC_ROUTE_BODY_MAX)
		body = RTC_ROUTE_BODY_MAX;
	evhttp_set_max_body_size(w->http, body);
	web_tv(conf->idle_timeout, &idle);
	evhttp_set_timeout_tv(w->http, &idle);
	/* Every method reaches dispatch_on_request, which answers 405 itself. */
	evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_default_content_type(w->http, "text/plain; charset=utf-8");
	evhttp_set_gencb(w->http, dispatch_on_request, w);
	return (w);
fail:
	dispatch_free(w);
	return (NULL);
}

/* Ends every client cleanly and frees everything. */
void
dispatch_free(struct web *w)
{
	int	 i;

	if (w == NULL)
		return;
	for (i = 0; i < w->ncams; i++)
		dispatch_cam_free(w->cams[i]);
	auth_gate_free(w->gate);
	onvif_free(w->onvif);
	handoff_free(w->handoff);
	handoff_free(w->rtc);
	turn_free(w->turn);
	if (w->http != NULL)
		evhttp_free(w->http);
	pending_free(w->pending);	/* after the connections closed */
	if (w->viewers != NULL)
		connpool_free(w->viewers);
	strict_free(w->strict);
	host_headers_free(w->headers);
	free(w->wwwroot);
	free(w);
}
