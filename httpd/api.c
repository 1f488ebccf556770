/* SPDX-License-Identifier: ISC */
/*
 * api.c: JSON endpoints for the pages and for tools, built with jansson;
 * each camera's routes in the shape wsd shows too (common/http/camjson.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "camjson.h"
#include "frame.h"

#include "api.h"
#include "cam.h"
#include "clients.h"
#include "jpeg_feed.h"
#include "auth.h"
#include "auth_basic.h"
#include "auth_gate.h"
#include "camera_api.h"
#include "handoff.h"
#include "turn.h"
#include "version.h"
#include "reply.h"
#include "web.h"

#define API_DUMP	(JSON_COMPACT | JSON_REAL_PRECISION(12))

/* x rounded to places decimals, as a JSON number. */
static json_t *
api_real(double x, int places)
{
	double	 scale = pow(10, places);

	return (json_real(round(x * scale) / scale));
}

/* A copy of capd's v with its reals at 6 significant digits, or null. */
static json_t *
api_capd_copy(json_t *v)
{
	json_t		*o, *e;
	const char	*k;
	size_t		 i;
	char		 buf[64];

	if (v == NULL)
		return (json_null());
	if (json_is_real(v)) {
		snprintf(buf, sizeof(buf), "%.6g", json_real_value(v));
		return (json_real(strtod(buf, NULL)));
	}
	if (json_is_object(v)) {
		o = json_object();
		json_object_foreach(v, k, e)
			json_object_set_new(o, k, api_capd_copy(e));
		return (o);
	}
	if (json_is_array(v)) {
		o = json_array();
		json_array_foreach(v, i, e)
			json_array_append_new(o, api_capd_copy(e));
		return (o);
	}
	return (json_incref(v));
}

/* A string, or null for NULL. */
static json_t *
api_str(const char *s)
{
	return (s != NULL ? json_string(s) : json_null());
}

/* {"width": W, "height": H} of the latest frame, or null. */
static json_t *
api_size(const struct jpeg_feed_info *fi)
{
	if (fi->width <= 0)
		return (json_null());
	return (json_pack("{s:i,s:i}", "width", fi->width, "height",
	    fi->height));
}

/* Sends o as application/json, never cached, and frees it. */
static void
api_send(struct evhttp_request *req, json_t *o)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct evbuffer		*b;
	char			*s;

	s = o != NULL ? json_dumps(o, API_DUMP) : NULL;
	json_decref(o);
	if (s == NULL || (b = evbuffer_new()) == NULL) {
		free(s);
		reply_text(req, 500, "Internal Server Error", "no memory");
		return;
	}
	evbuffer_add_printf(b, "%s\n", s);
	free(s);
	evhttp_add_header(h, "Content-Type", "application/json");
	evhttp_add_header(h, "Cache-Control", "no-store");
	reply_send(req, 200, "OK", b);
	evbuffer_free(b);
}

/* GET /api/status without capd's control socket. */
void
api_status(struct cam *cam, struct evhttp_request *req, const char *query)
{
	api_status_with(cam, req, NULL, NULL);
}

/*
 * The "camera" member of /api/status: with capd's status (docs/control.md)
 * its state, size, rate and viewers are capd's; without it, what httpd's
 * own subscription sees.
 */
static json_t *
api_status_camera(struct cam *cam, const struct jpeg_feed_info *fi,
    json_t *capd)
{
	static const char *const capd_keys[] = { "state", "cause", "source",
	    "socket", "size", "fps", "viewers" };
	json_t	*o = json_object();
	size_t	 i;

	json_object_set_new(o, "name", json_string(cam->name));
	if (capd != NULL) {
		/* capd's, but the socket is the one httpd reads. */
		for (i = 0; i < sizeof(capd_keys) / sizeof(capd_keys[0]); i++)
			json_object_set_new(o, capd_keys[i],
			    strcmp(capd_keys[i], "socket") == 0 ?
			    api_str(cam->path) : api_capd_copy(
			    json_object_get(capd, capd_keys[i])));
	} else {
		json_object_set_new(o, "state", api_str(fi->state));
		json_object_set_new(o, "cause", api_str(fi->cause));
		/* Without the control socket, the frame socket says where. */
		json_object_set_new(o, "source", json_null());
		json_object_set_new(o, "socket", api_str(cam->path));
		json_object_set_new(o, "size", api_size(fi));
		json_object_set_new(o, "fps", api_real(fi->fps, 2));
		json_object_set_new(o, "viewers", json_null());
	}
	json_object_set_new(o, "frames", json_integer((json_int_t)fi->frames));
	json_object_set_new(o, "seq", json_integer((json_int_t)fi->seq));
	json_object_set_new(o, "frame_age", fi->age >= 0 ?
	    api_real(fi->age, 3) : json_null());
	json_object_set_new(o, "subscribed", json_boolean(fi->subscribed));
	json_object_set_new(o, "reconnects",
	    json_integer((json_int_t)fi->reconnects));
	json_object_set_new(o, "outages",
	    json_integer((json_int_t)fi->outages));
	json_object_set_new(o, "subscriptions",
	    json_integer((json_int_t)fi->subscriptions));
	return (o);
}

/* The daemon's counters of /api/status, members of o. */
static void
api_status_counters(struct web *w, json_t *o)
{
	const struct web_stats	*s = &w->stats;
	unsigned long long	 sent, refused;

	json_object_set_new(o, "clients", json_pack("{s:i,s:i,s:i,s:i,s:i}",
	    "stream", clients_streams_all(w), "h264", clients_h264_all(w),
	    "stills_waiting", clients_stills_all(w), "stills_watchers",
	    clients_watchers_all(w), "max", w->conf->max_clients));
	json_object_set_new(o, "stills", json_pack("{s:I,s:I}", "served",
	    (json_int_t)s->stills_served, "failed",
	    (json_int_t)s->stills_failed));
	json_object_set_new(o, "stream", json_pack("{s:I,s:I,s:I}",
	    "frames_sent", (json_int_t)s->stream_frames, "frames_skipped",
	    (json_int_t)s->stream_skipped, "clients_total",
	    (json_int_t)s->streams_total));
	json_object_set_new(o, "bytes_sent", json_pack("{s:I,s:I,s:I}",
	    "stills", (json_int_t)s->bytes_stills, "stream",
	    (json_int_t)s->bytes_stream, "files", (json_int_t)s->bytes_files));
	json_object_set_new(o, "requests", json_integer((json_int_t)s->requests));
	json_object_set_new(o, "refused", json_integer((json_int_t)s->refused));
	json_object_set_new(o, "refused_per_addr",
	    json_integer((json_int_t)s->refused_addr));
	json_object_set_new(o, "frames_alive",
	    json_integer((json_int_t)frame_count_alive()));
	json_object_set_new(o, "frame_bytes_alive",
	    json_integer((json_int_t)frame_bytes_alive()));
	if (w->handoff != NULL) {
		handoff_counts(w->handoff, &sent, &refused);
		json_object_set_new(o, "handoff", json_pack("{s:I,s:I}",
		    "sent", (json_int_t)sent, "refused", (json_int_t)refused));
	}
	if (w->rtc != NULL) {
		handoff_counts(w->rtc, &sent, &refused);
		json_object_set_new(o, "rtc_handoff", json_pack("{s:I,s:I}",
		    "sent", (json_int_t)sent, "refused", (json_int_t)refused));
	}
	json_object_set_new(o, "heads", json_pack("{s:I,s:I,s:I}", "pending",
	    (json_int_t)pending_count(w->pending), "evicted",
	    (json_int_t)pending_evicted(w->pending), "timed_out",
	    (json_int_t)pending_timeouts(w->pending)));
}

/*
 * capd_unreachable: null while capd answers, else since when (Unix time)
 * it has not, why, and when it last did (or null).
 */
static json_t *
api_capd_unreachable(const struct web_capd *seen)
{
	if (seen->lost == 0)
		return (json_null());
	return (json_pack("{s:o,s:s,s:o}", "since", api_real(seen->lost, 3),
	    "cause", seen->cause, "last_seen", seen->seen > 0 ?
	    api_real(seen->seen, 3) : json_null()));
}

/* GET /api/status, with capd's GET /status document or NULL. */
void
api_status_with(struct cam *cam, struct evhttp_request *req, json_t *capd,
    const struct web_capd *seen)
{
	struct web		*w = cam->w;
	struct jpeg_feed_info	 fi;
	json_t			*o;

	jpeg_feed_info(cam->feed, &fi);
	if ((o = json_object()) == NULL) {
		reply_text(req, 500, "Internal Server Error", "no memory");
		return;
	}
	json_object_set_new(o, "camera", api_status_camera(cam, &fi, capd));
	api_status_counters(w, o);
	json_object_set_new(o, "capd", api_capd_copy(capd));
	if (seen != NULL)
		json_object_set_new(o, "capd_unreachable",
		    api_capd_unreachable(seen));
	json_object_set_new(o, "uptime", api_real(web_uptime(w), 3));
	json_object_set_new(o, "version", json_string(CAMPIPE_VERSION));
	api_send(req, o);
}

/* True when req came under /cam/NAME/. */
static int
api_camtree(struct evhttp_request *req)
{
	const char	*uri = evhttp_request_get_uri(req);

	return (uri != NULL && strncmp(uri, "/cam/", 5) == 0);
}

/*
 * True when other hosts may watch with no password: httpd listens beyond
 * loopback without a password file (the page then shows a banner).
 */
static int
api_open(const struct web *w)
{
	int	 i;

	if (auth_gate_enabled(w->gate))
		return (0);
	for (i = 0; i < w->conf->nlisten; i++)
		if (!auth_loopback(w->conf->listen[i]))
			return (1);
	return (0);
}

/* GET /api/config: at /, today's URLs; under /cam/NAME/, the camera's. */
void
api_config(struct cam *cam, struct evhttp_request *req, const char *query)
{
	struct web	*w = cam->w;
	char		 pre[CAMNAME_MAX + 8] = "", path[CAMNAME_MAX + 16];
	char		 stream[CAMNAME_MAX + 24], still[CAMNAME_MAX + 24];
	char		 user[AUTH_BASIC_MAX_USER + 1];
	int		 who = auth_gate_user(w->gate, req, user) == 0;
	json_t		*o;

	if (api_camtree(req))
		snprintf(pre, sizeof(pre), "/cam/%s", cam->name);
	snprintf(path, sizeof(path), "%s/stream", pre);
	snprintf(stream, sizeof(stream), "%s/stream.mjpg", pre);
	snprintf(still, sizeof(still), "%s/pi.jpg", pre);
	o = json_pack("{s:{s:i,s:s},s:s,s:s,s:s,s:i,s:b,s:b,s:s,"
	    "s:b,s:i,s:s?,s:b,s:b}", "ws", "port", w->conf->ws_port, "path", *pre != '\0' ?
	    path : w->conf->ws_path, "stream", stream, "still", still,
	    "camera", cam->name, "cameras", w->ncams, "auth",
	    auth_gate_enabled(w->gate), "open", api_open(w), "version",
	    CAMPIPE_VERSION, "h264", cam->h264path != NULL, "rtsp_port",
	    w->conf->onvif_rtsp_port, "user", who ? user : NULL, "admin",
	    camera_api_admin(w, req), "webrtc", w->rtc != NULL);
	/* TURN credentials only to a signed-in viewer, if any must sign in. */
	if (o != NULL && w->turn != NULL && (who || !auth_gate_enabled(w->gate)))
		json_object_set_new(o, "ice_servers", turn_ice_servers(w->turn,
		    who ? user : NULL, (uint64_t)time(NULL)));
	api_send(req, o);
}

/* One camera of /api/cameras. */
static json_t *
api_camera(struct cam *c)
{
	struct jpeg_feed_info	 fi;
	const char		*state = cam_state(c, &fi);
	json_t			*o;

	o = json_pack("{s:s,s:s,s:b,s:b,s:o,s:o,s:o,s:I,s:{s:i,s:i,s:i,s:i}}",
	    "name", c->name, "state", state, "online",
	    strcmp(state, "offline") != 0, "subscribed", fi.subscribed,
	    "cause", api_str(fi.cause), "size", api_size(&fi), "fps",
	    api_real(fi.fps, 2), "frames", (json_int_t)fi.frames, "clients",
	    "stream", clients_streams(c), "h264", clients_h264(c),
	    "stills_waiting", clients_stills(c), "max", c->admit.max);
	/* H.264 when the camera has a socket for it (capd may still have none). */
	if (o != NULL && camjson_routes(o, c->name, c->h264path != NULL) == -1) {
		json_decref(o);
		return (NULL);
	}
	return (o);
}

/* GET /api/cameras: every camera with its state, the default first named. */
void
api_cameras(struct web *w, struct evhttp_request *req, const char *query)
{
	json_t	*o, *list;
	int	 i;

	if ((list = json_array()) == NULL) {
		reply_text(req, 500, "Internal Server Error", "no memory");
		return;
	}
	/* Only the cameras this user may watch (--camera-users). */
	for (i = 0; i < w->ncams; i++)
		if (auth_gate_may_watch(w->gate, req, w->cams[i]->name))
			json_array_append_new(list, api_camera(w->cams[i]));
	o = json_pack("{s:s,s:o}", "default", w->cam->name, "cameras", list);
	api_send(req, o);
}
