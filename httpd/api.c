/* SPDX-License-Identifier: ISC */
/* api.c: JSON endpoints for the pages and for tools. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "frame.h"

#include "api.h"
#include "cam.h"
#include "clients.h"
#include "jpeg_feed.h"
#include "auth_gate.h"
#include "handoff.h"
#include "version.h"
#include "reply.h"
#include "web.h"

/* Appends s as a JSON string literal. */
static void
api_json_str(struct evbuffer *b, const char *s)
{
	const unsigned char	*p;

	if (s == NULL) {
		evbuffer_add_printf(b, "null");
		return;
	}
	evbuffer_add(b, "\"", 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			evbuffer_add_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			evbuffer_add_printf(b, "\\u%04x", *p);
		else
			evbuffer_add(b, p, 1);
	}
	evbuffer_add(b, "\"", 1);
}

/* Sends b as application/json, never cached. */
static void
api_send(struct evhttp_request *req, struct evbuffer *b)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", "application/json");
	evhttp_add_header(h, "Cache-Control", "no-store");
	reply_send(req, 200, "OK", b);
	evbuffer_free(b);
}

/* GET /api/status without capd's control socket. */
void
api_status(struct cam *cam, struct evhttp_request *req, const char *query)
{
	api_status_with(cam, req, NULL);
}

/* Appends a JSON value from capd (null if missing). */
static void
api_json_value(struct evbuffer *b, json_t *v)
{
	char	*s = v != NULL ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY |
	    JSON_REAL_PRECISION(6)) : NULL;

	evbuffer_add_printf(b, "%s", s != NULL ? s : "null");
	free(s);
}

/* Appends ,"name": and that member of capd's status (null if missing). */
static void
api_capd_member(struct evbuffer *b, json_t *capd, const char *name)
{
	evbuffer_add_printf(b, ",\"%s\":", name);
	api_json_value(b, json_object_get(capd, name));
}

/*
 * GET /api/status.  With capd's status (docs/control.md), the camera's
 * state, size, rate and viewers are capd's, by every route; without it,
 * what httpd's own subscription sees.
 */
void
api_status_with(struct cam *cam, struct evhttp_request *req, json_t *capd)
{
	struct web		*w = cam->w;
	struct evbuffer		*b;
	struct jpeg_feed_info	 fi;
	const struct web_stats	*s = &w->stats;

	if ((b = evbuffer_new()) == NULL) {
		reply_text(req, 500, "Internal Server Error", "no memory");
		return;
	}
	jpeg_feed_info(cam->feed, &fi);
	if (capd != NULL) {
		evbuffer_add_printf(b, "{\"camera\":{\"name\":");
		api_json_str(b, cam->name);
		evbuffer_add_printf(b, ",\"state\":");
		api_json_value(b, json_object_get(capd, "state"));
		api_capd_member(b, capd, "cause");
		api_capd_member(b, capd, "source");
		evbuffer_add_printf(b, ",\"socket\":");
		api_json_str(b, cam->path);
		api_capd_member(b, capd, "size");
		api_capd_member(b, capd, "fps");
		api_capd_member(b, capd, "viewers");
		evbuffer_add_printf(b, ",\"frames\":%llu,\"seq\":%llu",
		    (unsigned long long)fi.frames, (unsigned long long)fi.seq);
		goto feed;
	}
	evbuffer_add_printf(b, "{\"camera\":{\"name\":");
	api_json_str(b, cam->name);
	evbuffer_add_printf(b, ",\"state\":");
	api_json_str(b, fi.state);
	evbuffer_add_printf(b, ",\"cause\":");
	api_json_str(b, fi.cause);
	/* Without the control socket, the frame socket says where. */
	evbuffer_add_printf(b, ",\"source\":null,\"socket\":");
	api_json_str(b, cam->path);
	if (fi.width > 0)
		evbuffer_add_printf(b, ",\"size\":{\"width\":%d,\"height\":%d}",
		    fi.width, fi.height);
	else
		evbuffer_add_printf(b, ",\"size\":null");
	evbuffer_add_printf(b, ",\"fps\":%.2f,\"viewers\":null,\"frames\":%llu,"
	    "\"seq\":%llu", fi.fps, (unsigned long long)fi.frames,
	    (unsigned long long)fi.seq);
feed:
	if (fi.age >= 0)
		evbuffer_add_printf(b, ",\"frame_age\":%.3f", fi.age);
	else
		evbuffer_add_printf(b, ",\"frame_age\":null");
	evbuffer_add_printf(b, ",\"subscribed\":%s,\"reconnects\":%llu,"
	    "\"outages\":%llu,\"subscriptions\":%llu}",
	    fi.subscribed ? "true" : "false",
	    (unsigned long long)fi.reconnects,
	    (unsigned long long)fi.outages,
	    (unsigned long long)fi.subscriptions);
	evbuffer_add_printf(b, ",\"clients\":{\"stream\":%d,\"h264\":%d,"
	    "\"stills_waiting\":%d,\"max\":%d}", clients_streams_all(w),
	    clients_h264_all(w), clients_stills_all(w), w->conf->max_clients);
	evbuffer_add_printf(b, ",\"stills\":{\"served\":%llu,\"failed\":%llu}",
	    (unsigned long long)s->stills_served,
	    (unsigned long long)s->stills_failed);
	evbuffer_add_printf(b, ",\"stream\":{\"frames_sent\":%llu,"
	    "\"frames_skipped\":%llu,\"clients_total\":%llu}",
	    (unsigned long long)s->stream_frames,
	    (unsigned long long)s->stream_skipped,
	    (unsigned long long)s->streams_total);
	evbuffer_add_printf(b, ",\"bytes_sent\":{\"stills\":%llu,\"stream\":%llu,"
	    "\"files\":%llu}", (unsigned long long)s->bytes_stills,
	    (unsigned long long)s->bytes_stream,
	    (unsigned long long)s->bytes_files);
	evbuffer_add_printf(b, ",\"requests\":%llu,\"refused\":%llu,"
	    "\"refused_per_addr\":%llu,"
	    "\"frames_alive\":%zu,\"frame_bytes_alive\":%zu",
	    (unsigned long long)s->requests, (unsigned long long)s->refused,
	    (unsigned long long)s->refused_addr,
	    frame_count_alive(), frame_bytes_alive());
	if (w->handoff != NULL) {
		unsigned long long	 sent, refused;

		handoff_counts(w->handoff, &sent, &refused);
		evbuffer_add_printf(b, ",\"handoff\":{\"sent\":%llu,"
		    "\"refused\":%llu}", sent, refused);
	}
	evbuffer_add_printf(b, ",\"heads\":{\"pending\":%zu,\"evicted\":%llu,"
	    "\"timed_out\":%llu}", pending_count(w->pending),
	    pending_evicted(w->pending), pending_timeouts(w->pending));
	evbuffer_add_printf(b, ",\"capd\":");
	api_json_value(b, capd);
	evbuffer_add_printf(b, ",\"uptime\":%.3f,\"version\":", web_uptime(w));
	api_json_str(b, CAMPIPE_VERSION);
	evbuffer_add_printf(b, "}\n");
	api_send(req, b);
}

/* True when req came under /cam/NAME/. */
static int
api_camtree(struct evhttp_request *req)
{
	const char	*uri = evhttp_request_get_uri(req);

	return (uri != NULL && strncmp(uri, "/cam/", 5) == 0);
}

/* GET /api/config: at /, today's URLs; under /cam/NAME/, the camera's. */
void
api_config(struct cam *cam, struct evhttp_request *req, const char *query)
{
	struct web	*w = cam->w;
	struct evbuffer	*b;
	char		 pre[CAMNAME_MAX + 8] = "";

	if ((b = evbuffer_new()) == NULL) {
		reply_text(req, 500, "Internal Server Error", "no memory");
		return;
	}
	if (api_camtree(req))
		snprintf(pre, sizeof(pre), "/cam/%s", cam->name);
	evbuffer_add_printf(b, "{\"ws\":{\"port\":%d,\"path\":",
	    w->conf->ws_port);
	if (*pre != '\0')
		evbuffer_add_printf(b, "\"%s/stream\"", pre);
	else
		api_json_str(b, w->conf->ws_path);
	evbuffer_add_printf(b, "},\"stream\":\"%s/stream.mjpg\","
	    "\"still\":\"%s/pi.jpg\",\"camera\":\"%s\",\"cameras\":%d,"
	    "\"auth\":%s,\"version\":", pre, pre, cam->name, w->ncams,
	    auth_gate_enabled(w->gate) ? "true" : "false");
	api_json_str(b, CAMPIPE_VERSION);
	evbuffer_add_printf(b, "}\n");
	api_send(req, b);
}

/* Appends one camera of /api/cameras. */
static void
api_camera(struct evbuffer *b, struct cam *c)
{
	struct jpeg_feed_info	 fi;
	const char		*state = cam_state(c, &fi);
	int			 nh264 = clients_h264(c);
	int			 nstream = clients_streams(c);

	evbuffer_add_printf(b, "{\"name\":");
	api_json_str(b, c->name);
	evbuffer_add_printf(b, ",\"state\":");
	api_json_str(b, state);
	evbuffer_add_printf(b, ",\"online\":%s,\"subscribed\":%s,"
	    "\"cause\":", strcmp(state, "offline") != 0 ? "true" : "false",
	    fi.subscribed ? "true" : "false");
	api_json_str(b, fi.cause);
	if (fi.width > 0)
		evbuffer_add_printf(b, ",\"size\":{\"width\":%d,"
		    "\"height\":%d}", fi.width, fi.height);
	else
		evbuffer_add_printf(b, ",\"size\":null");
	evbuffer_add_printf(b, ",\"fps\":%.2f,\"frames\":%llu,"
	    "\"clients\":{\"stream\":%d,\"h264\":%d,\"stills_waiting\":%d,"
	    "\"max\":%d}", fi.fps, (unsigned long long)fi.frames, nstream,
	    nh264, clients_stills(c), c->admit.max);
	evbuffer_add_printf(b, ",\"still\":\"/cam/%s/pi.jpg\","
	    "\"stream\":\"/cam/%s/stream.mjpg\",\"ws\":\"/cam/%s/stream\"",
	    c->name, c->name, c->name);
	/* H.264 when the camera has a socket for it (capd may still have none). */
	if (c->h264path != NULL)
		evbuffer_add_printf(b, ",\"h264\":{\"stream\":"
		    "\"/cam/%s/stream.h264\",\"mp4\":\"/cam/%s/stream.mp4\","
		    "\"ws\":\"/cam/%s/stream.h264\"}}", c->name, c->name,
		    c->name);
	else
		evbuffer_add_printf(b, ",\"h264\":null}");
}

/* GET /api/cameras: every camera with its state, the default first named. */
void
api_cameras(struct web *w, struct evhttp_request *req, const char *query)
{
	struct evbuffer	*b;
	int		 i;

	if ((b = evbuffer_new()) == NULL) {
		reply_text(req, 500, "Internal Server Error", "no memory");
		return;
	}
	evbuffer_add_printf(b, "{\"default\":");
	api_json_str(b, w->cam->name);
	evbuffer_add_printf(b, ",\"cameras\":[");
	for (i = 0; i < w->ncams; i++) {
		if (i > 0)
			evbuffer_add(b, ",", 1);
		api_camera(b, w->cams[i]);
	}
	evbuffer_add_printf(b, "]}\n");
	api_send(req, b);
}
