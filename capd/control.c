/* SPDX-License-Identifier: ISC */
/*
 * control.c: capd's control socket.  evhttp serves a listening AF_UNIX
 * socket; requests are answered at once from the event loop, one at a time,
 * so concurrent changes are serialized.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <turbojpeg.h>

#include "control.h"
#include "control_client.h"
#include "frame.h"
#include "framesock.h"
#include "h264.h"
#include "log.h"
#include "mono.h"
#include "settings.h"
#include "settings_state.h"
#include "source.h"
#include "unixsock.h"

#define CONTROL_FPS_SAMPLES	32	/* frames the rate is measured over */
#define CONTROL_FPS_WINDOW	2.0	/* seconds a sample stays relevant */
#define CONTROL_TIMEOUT		10	/* seconds per request */

struct control {
	const struct control_conf *conf;
	struct evhttp		*http;
	struct framesock		*srv;
	struct source		*src;
	struct settings_state		*cc;
	struct h264		*h264;		/* NULL with --h264 off */
	struct h264		*h264_sub;	/* NULL without --h264-sub */
	double			 started;	/* monotonic seconds */
	double			 fps_t[CONTROL_FPS_SAMPLES];
	unsigned long long	 fps_n;
	int			 fd;
};

/* Wall-clock seconds. */
static double
control_secs(const struct timeval *tv)
{
	return (tv->tv_sec + tv->tv_usec / 1e6);
}

/* The H.264 socket /status reports on. */
void
control_set_h264(struct control *ctl, struct h264 *h, struct h264 *sub)
{
	ctl->h264 = h;
	ctl->h264_sub = sub;
}

/* Tells whether the H.264 encoder has encoded since it started. */
static int
control_h264_encoding(const struct h264 *h)
{
	struct h264_stats	 st;

	if (h == NULL)
		return (0);
	h264_stats(h, &st);
	return (st.input != NULL);
}

/* An H.264 socket's part of /status (null when there is none). */
static json_t *
control_h264(const struct h264 *h)
{
	struct h264_stats	 st;

	if (h == NULL)
		return (json_null());
	h264_stats(h, &st);
	return (json_pack("{s:i,s:o,s:I,s:I,s:I,s:I}", "subscribers",
	    st.subscribers,
	    "input", st.input != NULL ? json_string(st.input) : json_null(),
	    "from_jpeg", (json_int_t)st.from_jpeg,
	    "from_raw", (json_int_t)st.from_raw,
	    "idr_requests", (json_int_t)st.idr_requests,
	    "idr_forced", (json_int_t)st.idr_forced));
}

/* Each published frame's time, monotonic. */
void
control_on_frame(struct control *ctl)
{
	ctl->fps_t[ctl->fps_n++ % CONTROL_FPS_SAMPLES] = mono_sec();
}

/* Frames per second over the recent samples. */
double
control_fps(const struct control *ctl)
{
	double		 t = mono_sec(), first, last;
	unsigned long long i, n = 0;

	if (ctl->fps_n < 2)
		return (0);
	last = ctl->fps_t[(ctl->fps_n - 1) % CONTROL_FPS_SAMPLES];
	if (t - last > CONTROL_FPS_WINDOW)
		return (0);
	first = last;
	for (i = ctl->fps_n - 1; i > 0 && n + 1 < CONTROL_FPS_SAMPLES &&
	    ctl->fps_n - i < CONTROL_FPS_SAMPLES; i--) {
		if (t - ctl->fps_t[(i - 1) % CONTROL_FPS_SAMPLES] >
		    CONTROL_FPS_WINDOW)
			break;
		first = ctl->fps_t[(i - 1) % CONTROL_FPS_SAMPLES];
		n++;
	}
	return (n > 0 && last > first ? n / (last - first) : 0);
}

/* Dumps and frees a JSON value, with a newline; NULL on ENOMEM. */
static char *
control_dumps(json_t *o)
{
	char	*s, *t = NULL;

	if (o == NULL)
		return (NULL);
	s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(9));
	json_decref(o);
	if (s != NULL && (t = malloc(strlen(s) + 2)) != NULL)
		snprintf(t, strlen(s) + 2, "%s\n", s);
	free(s);
	return (t);
}

/* Sends a JSON document (malloc'd text, freed here). */
static void
control_reply(struct evhttp_request *req, int code, const char *reason,
    char *json)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct evbuffer		*b;

	if (json == NULL) {
		evhttp_send_error(req, 500, "no memory");
		return;
	}
	if ((b = evbuffer_new()) == NULL) {
		free(json);
		evhttp_send_error(req, 500, "no memory");
		return;
	}
	evhttp_add_header(h, "Content-Type", "application/json");
	evhttp_add_header(h, "Cache-Control", "no-store");
	evbuffer_add(b, json, strlen(json));
	evhttp_send_reply(req, code, reason, b);
	evbuffer_free(b);
	free(json);
}

/* {"error": cause} with a newline. */
static void
control_error(struct evhttp_request *req, int code, const char *reason,
    const char *cause)
{
	control_reply(req, code, reason, control_dumps(json_pack("{s:s}",
	    "error", cause)));
}

/* One subscriber into the status array. */
static void
control_sub(const struct framesock_sub_info *si, void *arg)
{
	json_array_append_new(arg, json_pack("{s:o,s:o,s:I,s:I}", "name",
	    si->name != NULL ? json_string(si->name) : json_null(), "viewers",
	    si->viewers >= 0 ? json_integer(si->viewers) : json_null(),
	    "sent", (json_int_t)si->sent, "skipped", (json_int_t)si->skipped));
}

/* Viewers by every route: what subscribers said, 1 for the silent. */
static long long
control_viewers(json_t *subs)
{
	json_t		*s, *v;
	size_t		 i;
	long long	 n = 0;

	json_array_foreach(subs, i, s) {
		v = json_object_get(s, "viewers");
		n += json_is_integer(v) ? json_integer_value(v) : 1;
	}
	return (n);
}

/* The source's state, and the cause when it fails. */
static const char *
control_state(const struct control *ctl, const char **cause)
{
	int	 subs = framesock_subscribers(ctl->srv) +
	    h264_subscribers(ctl->h264) + h264_subscribers(ctl->h264_sub);

	*cause = framesock_problem(ctl->srv);
	if (ctl->src->conf->format == SOURCE_H264) {
		/* No JPEG: access units say it streams. */
		if (!ctl->src->running) {
			*cause = NULL;
			return ("stopped");
		}
		if (*cause != NULL)
			return ("failing");
		return (control_fps(ctl) > 0 ? "streaming" : "starting");
	}
	if (*cause != NULL && subs > 0)
		return ("failing");
	*cause = NULL;
	if (!ctl->src->running)
		return (subs > 0 ? "starting" : "stopped");
	if (framesock_latest(ctl->srv) == NULL && !control_h264_encoding(ctl->h264) &&
	    !control_h264_encoding(ctl->h264_sub))
		return ("starting");
	return ("streaming");
}

/* The size of the newest frame, as JSON (null if none). */
static json_t *
control_size(const struct control *ctl)
{
	const struct frame	*f = framesock_latest(ctl->srv);
	tjhandle		 tj;
	int			 w, h, sub, cs, r;

	if (f == NULL || (tj = tjInitDecompress()) == NULL)
		return (json_null());
	r = tjDecompressHeader3(tj, f->buf + f->jpeg_off, f->jpeg_len, &w, &h,
	    &sub, &cs);
	tjDestroy(tj);
	if (r == -1)
		return (json_null());
	return (json_pack("{s:i,s:i}", "width", w, "height", h));
}

/* GET /status. */
static void
control_status(struct control *ctl, struct evhttp_request *req)
{
	struct timeval	 when;
	const char	*cause, *state, *err;
	json_t		*o, *subs;

	state = control_state(ctl, &cause);
	err = framesock_last_error(ctl->srv, &when);
	subs = json_array();
	framesock_each_subscriber(ctl->srv, control_sub, subs);
	o = json_pack("{s:s,s:s,s:s,s:o,s:o,s:f,s:i,s:I,s:I,s:I,s:o,s:f,s:o,"
	    "s:o,s:o,s:o}", "source", ctl->src->conf->spec,
	    "gives", ctl->src->conf->format == SOURCE_H264 ? "h264" : "jpeg",
	    "state", state,
	    "cause", cause != NULL ? json_string(cause) : json_null(),
	    "size", control_size(ctl), "fps", control_fps(ctl),
	    "quality", ctl->src->conf->quality,
	    "frames", (json_int_t)framesock_frames(ctl->srv),
	    "dropped", (json_int_t)framesock_dropped(ctl->srv),
	    "viewers", (json_int_t)(control_viewers(subs) +
	    h264_viewers(ctl->h264) + h264_viewers(ctl->h264_sub)),
	    "subscribers", subs,
	    "uptime", mono_sec() - ctl->started,
	    "last_error", err != NULL ? json_string(err) : json_null(),
	    "last_error_time", err != NULL ? json_real(control_secs(&when)) :
	    json_null(), "h264", control_h264(ctl->h264),
	    "h264_sub", control_h264(ctl->h264_sub));
	control_reply(req, 200, "OK", control_dumps(o));
}

/* PATCH /settings: a JSON body, all or nothing. */
static void
control_patch(struct control *ctl, struct evhttp_request *req)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	const char	*ct;
	char		 cause[300];
	size_t		 len = evbuffer_get_length(in);
	unsigned char	*body;

	ct = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type");
	if (!control_client_json_type(ct)) {
		control_error(req, 415, "Unsupported Media Type",
		    "expected Content-Type: application/json");
		return;
	}
	if ((body = evbuffer_pullup(in, len)) == NULL && len > 0) {
		control_error(req, 500, "Internal Server Error", "no memory");
		return;
	}
	if (settings_state_change(ctl->cc, (const char *)body, len, cause,
	    sizeof(cause)) == -1) {
		log_info("settings refused: %s", cause);
		control_error(req, 400, "Bad Request", cause);
		return;
	}
	log_info("settings changed: %.*s", (int)(len > 200 ? 200 : len),
	    len > 0 ? (const char *)body : "");
	control_reply(req, 200, "OK", settings_state_describe(ctl->cc));
}

/* Every request. */
static void
control_request(struct evhttp_request *req, void *arg)
{
	struct control		*ctl = arg;
	const char		*path = evhttp_request_get_uri(req);
	enum evhttp_cmd_type	 cmd = evhttp_request_get_command(req);
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	if (strcmp(path, "/status") == 0 && cmd == EVHTTP_REQ_GET)
		control_status(ctl, req);
	else if (strcmp(path, "/settings") == 0 && cmd == EVHTTP_REQ_GET)
		control_reply(req, 200, "OK", settings_state_describe(ctl->cc));
	else if (strcmp(path, "/settings") == 0 && cmd == EVHTTP_REQ_PATCH)
		control_patch(ctl, req);
	else if (strcmp(path, "/status") == 0 || strcmp(path, "/settings") == 0) {
		evhttp_add_header(h, "Allow", strcmp(path, "/status") == 0 ?
		    "GET" : "GET, PATCH");
		control_error(req, 405, "Method Not Allowed",
		    "method not allowed");
	} else
		control_error(req, 404, "Not Found", "no such resource (GET "
		    "/status, GET /settings, PATCH /settings)");
}

/* Gives the socket to --control-group. */
static int
control_group(const struct control_conf *conf, char *cause, size_t causelen)
{
	struct group	*gr;

	if (conf->group == NULL)
		return (0);
	if ((gr = getgrnam(conf->group)) == NULL) {
		snprintf(cause, causelen, "--control-group: no group \"%s\"",
		    conf->group);
		return (-1);
	}
	if (chown(conf->path, (uid_t)-1, gr->gr_gid) == -1) {
		snprintf(cause, causelen, "--control-group: chown %s: %s",
		    conf->path, strerror(errno));
		return (-1);
	}
	return (0);
}

/* Listens on the control socket. */
struct control *
control_new(struct event_base *base, const struct control_conf *conf,
    struct framesock *srv, struct source *src, struct settings_state *cc,
    char *cause, size_t causelen)
{
	struct control		*ctl;

	if ((ctl = calloc(1, sizeof(*ctl))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	cause[0] = '\0';
	ctl->conf = conf;
	ctl->srv = srv;
	ctl->src = src;
	ctl->cc = cc;
	ctl->started = mono_sec();
	if ((ctl->fd = unixsock_listen(conf->path, conf->mode,
	    "capd", cause, causelen)) == -1) {
		free(ctl);
		return (NULL);
	}
	if (control_group(conf, cause, causelen) == -1 ||
	    (ctl->http = evhttp_new(base)) == NULL ||
	    evhttp_accept_socket(ctl->http, ctl->fd) == -1) {
		if (ctl->http == NULL && cause[0] == '\0')
			snprintf(cause, causelen, "cannot serve %s",
			    conf->path);
		if (ctl->http != NULL)
			evhttp_free(ctl->http);
		close(ctl->fd);
		unlink(conf->path);
		free(ctl);
		return (NULL);
	}
	evhttp_set_allowed_methods(ctl->http, EVHTTP_REQ_GET |
	    EVHTTP_REQ_PATCH | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE);
	evhttp_set_max_body_size(ctl->http, SETTINGS_MAX_BODY);
	evhttp_set_max_headers_size(ctl->http, 8192);
	evhttp_set_timeout(ctl->http, CONTROL_TIMEOUT);
	evhttp_set_gencb(ctl->http, control_request, ctl);
	return (ctl);
}

/* Closes the socket and removes its file. */
void
control_free(struct control *ctl)
{
	if (ctl == NULL)
		return;
	evhttp_free(ctl->http);
	unlink(ctl->conf->path);
	free(ctl);
}
