/* SPDX-License-Identifier: ISC */
/*
 * camera_api.c: capd's status and settings through httpd.  Each request
 * to capd's control socket is made when a client asks (nothing polls), and
 * abandoned if the client leaves first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "auth_basic.h"
#include "control_client.h"
#include "http_origin.h"
#include "log.h"

#include "api.h"
#include "camera_api.h"
#include "auth_gate.h"
#include "reply.h"
#include "web.h"

struct camera_call;
typedef void	(*camera_done)(struct camera_call *, int status,
		    const char *body, size_t len, const char *cause);

/* A client's request waiting for capd. */
struct camera_call {
	struct web		*w;
	struct evhttp_request	*req;
	struct control_client	*cc;
	camera_done		 done;
	json_t			*status;	/* GET /api/camera: first answer */
};

static void	camera_api_answered(int, const char *, size_t, const char *,
		    void *);

/* The client left while capd was asked: abandon the request. */
static void
camera_api_on_close(struct evhttp_connection *evcon, void *arg)
{
	struct camera_call	*c = arg;
	struct evhttp_request	*req = c->req;

	control_client_cancel(c->cc);
	json_decref(c->status);
	free(c);
	reply_release(req);
}

/* Asks capd; done is called with the answer. */
static int
camera_api_ask(struct camera_call *c, const char *method, const char *path,
    const char *body, size_t len, camera_done done)
{
	c->done = done;
	c->cc = control_client_request(c->w->base, c->w->conf->control, method,
	    path, body, len, camera_api_answered, c);
	if (c->cc == NULL)
		return (-1);
	evhttp_connection_set_closecb(evhttp_request_get_connection(c->req),
	    camera_api_on_close, c);
	return (0);
}

/* A new call for req; NULL (and 500 sent) on ENOMEM. */
static struct camera_call *
camera_api_call(struct web *w, struct evhttp_request *req)
{
	struct camera_call	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		reply_text(req, 500, "Internal Server Error", "no memory");
		return (NULL);
	}
	c->w = w;
	c->req = req;
	return (c);
}

/* Notes whether capd answered: since when it has not, and why. */
static void
camera_api_seen(struct web_capd *wc, int status, const char *cause)
{
	struct timespec	 ts;
	double		 now;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = ts.tv_sec + ts.tv_nsec / 1e9;
	if (status != -1) {
		wc->seen = now;
		wc->lost = 0;
		return;
	}
	if (wc->lost == 0)
		wc->lost = now;
	snprintf(wc->cause, sizeof(wc->cause), "%s", cause);
}

/* capd answered (or failed): detach from the connection, go on. */
static void
camera_api_answered(int status, const char *body, size_t len,
    const char *cause, void *arg)
{
	struct camera_call	*c = arg;
	struct evhttp_connection *evcon;

	c->cc = NULL;
	camera_api_seen(&c->w->capd, status, cause);
	if ((evcon = evhttp_request_get_connection(c->req)) != NULL)
		evhttp_connection_set_closecb(evcon, NULL, NULL);
	c->done(c, status, body, len, cause);
}

/* Ends a call. */
static void
camera_api_end(struct camera_call *c)
{
	json_decref(c->status);
	free(c);
}

/* Sends text as JSON with a status code, framed (HEAD: no body). */
static void
camera_api_send(struct evhttp_request *req, int code, const char *reason,
    const char *text, size_t len)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct evbuffer		*b = evbuffer_new();

	evhttp_add_header(h, "Content-Type", "application/json");
	evhttp_add_header(h, "Cache-Control", "no-store");
	if (b != NULL)
		evbuffer_add(b, text, len);
	reply_send(req, code, reason, b);
	if (b != NULL)
		evbuffer_free(b);
}

/* {"error": text} with a status code. */
static void
camera_api_error(struct evhttp_request *req, int code, const char *reason,
    const char *text)
{
	json_t	*o = json_pack("{s:s}", "error", text);
	char	*s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	camera_api_send(req, code, reason, s != NULL ? s : "{}",
	    s != NULL ? strlen(s) : 2);
	free(s);
}

/* Parses capd's JSON body; NULL if it is not an object. */
static json_t *
camera_api_json(const char *body, size_t len)
{
	json_t	*o = json_loadb(body, len, 0, NULL);

	if (o != NULL && !json_is_object(o)) {
		json_decref(o);
		o = NULL;
	}
	return (o);
}

/* True if the request's user may change settings. */
int
camera_api_admin(struct web *w, struct evhttp_request *req)
{
	char	 user[AUTH_BASIC_MAX_USER + 1];
	int	 i;

	/* Without passwords nobody is an admin: nothing changes state. */
	if (!auth_gate_enabled(w->gate))
		return (0);
	if (auth_gate_user(w->gate, req, user) == -1)
		return (0);
	for (i = 0; i < w->conf->nadmins; i++)
		if (strcmp(w->conf->admins[i], user) == 0)
			return (1);
	return (0);
}

/* GET /api/camera, second step: settings arrived. */
static void
camera_api_got_settings(struct camera_call *c, int status, const char *body,
    size_t len, const char *cause)
{
	json_t	*set, *o;
	char	*s;

	if (status != 200 || (set = camera_api_json(body, len)) == NULL) {
		camera_api_error(c->req, 502, "Bad Gateway", status == -1 ?
		    cause : "capd gave no settings");
		camera_api_end(c);
		return;
	}
	o = json_pack("{s:O,s:o,s:b,s:b}", "status", c->status, "settings", set,
	    "admin", camera_api_admin(c->w, c->req), "passwords",
	    auth_gate_enabled(c->w->gate));
	s = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(9)) :
	    NULL;
	json_decref(o);
	if (s == NULL)
		reply_text(c->req, 500, "Internal Server Error", "no memory");
	else {
		camera_api_send(c->req, 200, "OK", s, strlen(s));
		free(s);
	}
	camera_api_end(c);
}

/* GET /api/camera, first step: status arrived. */
static void
camera_api_got_status(struct camera_call *c, int status, const char *body,
    size_t len, const char *cause)
{
	if (status != 200 || (c->status = camera_api_json(body, len)) == NULL) {
		camera_api_error(c->req, 502, "Bad Gateway", status == -1 ?
		    cause : "capd gave no status");
		camera_api_end(c);
		return;
	}
	if (camera_api_ask(c, "GET", "/settings", NULL, 0,
	    camera_api_got_settings) == -1) {
		reply_text(c->req, 500, "Internal Server Error", "no memory");
		camera_api_end(c);
	}
}

/* GET /api/camera. */
void
camera_api_get(struct web *w, struct evhttp_request *req, const char *query)
{
	struct camera_call	*c;

	if ((c = camera_api_call(w, req)) == NULL)
		return;
	if (camera_api_ask(c, "GET", "/status", NULL, 0,
	    camera_api_got_status) == -1) {
		reply_text(req, 500, "Internal Server Error", "no memory");
		camera_api_end(c);
	}
}

/*
 * PATCH: capd's answer goes back as it is: 200, or any refusal of the
 * request (4xx) as 400 with capd's reason; only a broken capd is 502.
 */
static void
camera_api_patched(struct camera_call *c, int status, const char *body,
    size_t len, const char *cause)
{
	json_t	*o, *why;

	if (status == -1)
		camera_api_error(c->req, 502, "Bad Gateway", cause);
	else if (status == 200)
		camera_api_send(c->req, status, "OK", body, len);
	else if (status >= 400 && status < 500) {
		o = camera_api_json(body, len);
		why = o != NULL ? json_object_get(o, "error") : NULL;
		camera_api_error(c->req, 400, "Bad Request", json_is_string(why) ?
		    json_string_value(why) : "capd refused the change");
		json_decref(o);
	} else
		camera_api_error(c->req, 502, "Bad Gateway", "capd failed the "
		    "change");
	camera_api_end(c);
}

/*
 * Same origin: a browser names the page's origin in Origin (always on
 * PATCH) and says Sec-Fetch-Site; both must agree with this server.  Tools
 * such as curl send neither.
 */
int
camera_api_same_origin(struct evhttp_request *req)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	const char		*site;

	site = evhttp_find_header(in, "Sec-Fetch-Site");
	if (site != NULL && strcmp(site, "same-origin") != 0)
		return (0);
	/* The one Origin rule (common/http/http_origin.c), port and all. */
	return (http_origin_allowed(evhttp_find_header(in, "Origin"),
	    evhttp_find_header(in, "Host"), NULL, 0, HTTP_ORIGIN_PORT));
}

/* PATCH /api/camera/settings. */
void
camera_api_patch(struct web *w, struct evhttp_request *req, const char *query)
{
	struct evbuffer		*in = evhttp_request_get_input_buffer(req);
	struct camera_call	*c;
	const char		*ct;
	size_t			 len = evbuffer_get_length(in);
	unsigned char		*body;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_PATCH) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "PATCH");
		reply_text(req, 405, "Method Not Allowed", "use PATCH with "
		    "a JSON body");
		return;
	}
	if (!auth_gate_enabled(w->gate)) {
		camera_api_error(req, 403, "Forbidden", "settings need an admin, "
		    "and no password is set: sudo campipe-passwd --admin USER, "
		    "then restart campipe.target (docs/auth.md)");
		return;
	}
	if (!camera_api_admin(w, req)) {
		camera_api_error(req, 403, "Forbidden", "only admins (--admin) "
		    "may change settings");
		return;
	}
	if (!camera_api_same_origin(req)) {
		camera_api_error(req, 403, "Forbidden", "cross-origin change "
		    "refused");
		return;
	}
	ct = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type");
	if (!control_client_json_type(ct)) {
		camera_api_error(req, 415, "Unsupported Media Type",
		    "expected Content-Type: application/json");
		return;
	}
	if ((body = evbuffer_pullup(in, len)) == NULL && len > 0) {
		reply_text(req, 500, "Internal Server Error", "no memory");
		return;
	}
	if (len == 0) {
		camera_api_error(req, 400, "Bad Request", "empty body: expected "
		    "a JSON object of settings");
		return;
	}
	if ((c = camera_api_call(w, req)) == NULL)
		return;
	if (camera_api_ask(c, "PATCH", "/settings", (const char *)body, len,
	    camera_api_patched) == -1) {
		reply_text(req, 500, "Internal Server Error", "no memory");
		camera_api_end(c);
	}
}

/* GET /api/status with capd's status (or without, if capd is away). */
static void
camera_api_status_done(struct camera_call *c, int status, const char *body,
    size_t len, const char *cause)
{
	json_t	*capd = status == 200 ? camera_api_json(body, len) : NULL;

	api_status_with(c->w->cam, c->req, capd, &c->w->capd);
	json_decref(capd);
	camera_api_end(c);
}

/* GET /api/status. */
void
camera_api_status(struct web *w, struct evhttp_request *req,
    const char *query)
{
	struct camera_call	*c;

	if ((c = camera_api_call(w, req)) == NULL)
		return;
	if (camera_api_ask(c, "GET", "/status", NULL, 0,
	    camera_api_status_done) == -1) {
		api_status_with(w->cam, req, NULL, NULL);
		camera_api_end(c);
	}
}

/* The path that takes PATCH. */
int
camera_api_patch_path(const char *path)
{
	return (strcmp(path, "/api/camera/settings") == 0);
}
