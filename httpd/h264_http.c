/* SPDX-License-Identifier: ISC */
/*
 * h264_http.c: /stream.h264 and /stream.mp4.  One subscription to capd's
 * H.264 socket per camera (common/h264_feed.c), cut into access units once
 * and muxed into fMP4 once: every viewer sends the same frames by
 * reference, whole units in order (common/fanout.c), each in one sendmsg
 * (chunk.c).  A viewer starts at an IDR, after the init segment (MP4) or a
 * delimiter (raw); one that falls behind skips to a later IDR, and one
 * that takes nothing for --stream-timeout seconds is dropped by the
 * connection's write timeout.  Nobody waits for anybody else.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "fanout.h"
#include "frame.h"
#include "h264_feed.h"
#include "log.h"
#include "mono.h"

#include "cam.h"
#include "chunk.h"
#include "h264_http.h"
#include "web.h"

#define H264_HTTP_READ_MAX	4096	/* client bytes buffered, unread */

struct h264_http_client {
	TAILQ_ENTRY(h264_http_client)	 entry;
	struct h264_http		*hh;
	struct evhttp_request		*req;
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	struct evbuffer_cb_entry	*watch;	/* on the output buffer */
	struct event			*ev;	/* drain, failure */
	struct fanout			 fan;
	size_t				 sndbuf;
	int				 chunked;
	int				 mp4;	/* /stream.mp4 */
	int				 failed;
};

struct h264_http {
	struct cam				*cam;
	struct web				*w;
	struct h264_feed			*feed;
	TAILQ_HEAD(, h264_http_client)		 clients;
	int					 nclients;
};

static void	h264_http_on_unit(const struct h264_unit *, void *);
static void	h264_http_on_end(const char *, void *);

/* Creates the camera's handler state and its (unconnected) feed. */
struct h264_http *
h264_http_new(struct cam *cam)
{
	struct h264_http	*hh;

	if ((hh = calloc(1, sizeof(*hh))) == NULL)
		return (NULL);
	hh->cam = cam;
	hh->w = cam->w;
	TAILQ_INIT(&hh->clients);
	if (cam->h264path != NULL && (hh->feed = h264_feed_new(cam->w->base,
	    cam->h264path, h264_http_on_unit, h264_http_on_end,
	    hh)) == NULL) {
		free(hh);
		return (NULL);
	}
	if (hh->feed != NULL)
		h264_feed_set_name(hh->feed, "httpd");
	return (hh);
}

/* Viewers connected. */
int
h264_http_clients(const struct h264_http *hh)
{
	return (hh != NULL ? hh->nclients : 0);
}

/* Detaches a viewer and frees it (the request stays with the caller). */
static void
h264_http_client_free(struct h264_http_client *c)
{
	struct h264_http	*hh = c->hh;

	TAILQ_REMOVE(&hh->clients, c, entry);
	hh->nclients--;
	cam_release(hh->cam);
	fanout_clear(&c->fan);
	if (c->watch != NULL)
		evbuffer_remove_cb_entry(bufferevent_get_output(c->bev),
		    c->watch);
	if (c->ev != NULL)
		event_free(c->ev);
	free(c);
	h264_feed_unwant(hh->feed);
}

/* Ends every stream (capd's stream ended, or httpd is going). */
static void
h264_http_end_all(struct h264_http *hh)
{
	struct h264_http_client	*c;
	struct evhttp_request	*req;

	while ((c = TAILQ_FIRST(&hh->clients)) != NULL) {
		req = c->req;
		evhttp_connection_set_closecb(c->evcon, NULL, NULL);
		h264_http_client_free(c);
		evhttp_send_reply_end(req);
	}
}

/* Ends every stream and frees. */
void
h264_http_free(struct h264_http *hh)
{
	if (hh == NULL)
		return;
	h264_http_end_all(hh);
	h264_feed_free(hh->feed);
	free(hh);
}

/* The feed ended: so does every reply. */
static void
h264_http_on_end(const char *cause, void *arg)
{
	log_debug("%s: H.264 viewers end: %s", __func__, cause);
	h264_http_end_all(arg);
}

/* The viewer's send: one unit or fragment, in one write. */
static int
h264_http_send(struct frame *f, void *arg)
{
	struct h264_http_client	*c = arg;

	c->hh->w->stats.bytes_stream += f->len;
	return (chunk_write(c->bev, c->chunked, f, &c->sndbuf));
}

/* Acts on what the fan-out says: on failure, closed from the loop. */
static void
h264_http_after(struct h264_http_client *c, int64_t rc)
{
	if (rc == -1 && !c->failed) {
		/* A request callback may be running: closed from the loop. */
		c->failed = 1;
		event_active(c->ev, EV_TIMEOUT, 0);
	}
}

/* The viewer's event: a failed write, or a drained buffer. */
static void
h264_http_on_event(evutil_socket_t fd, short ev, void *arg)
{
	struct h264_http_client	*c = arg;
	struct evbuffer		*out = bufferevent_get_output(c->bev);

	if (c->failed) {
		/* Calls h264_http_on_close, then frees the request. */
		evhttp_connection_free(c->evcon);
		return;
	}
	if (c->fan.inflight != NULL && evbuffer_get_length(out) == 0)
		h264_http_after(c, fanout_drained(&c->fan, mono_ns()));
}

/* The output buffer changed: once it is empty the unit in flight left. */
static void
h264_http_on_output(struct evbuffer *b, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct h264_http_client	*c = arg;

	if (info->n_deleted > 0 && evbuffer_get_length(b) == 0 &&
	    c->fan.inflight != NULL)
		event_active(c->ev, EV_WRITE, 0);
}

/* The viewer went away or was dropped by the write timeout. */
static void
h264_http_on_close(struct evhttp_connection *evcon, void *arg)
{
	struct h264_http_client	*c = arg;
	struct evhttp_request	*req = c->req;

	log_debug("%s: H.264 viewer left after %llu units, %llu skipped",
	    __func__, (unsigned long long)c->fan.sent,
	    (unsigned long long)c->fan.skipped);
	h264_http_client_free(c);
	web_release(req);
}

/* One access unit for every viewer: each gets its form of it, in order. */
static void
h264_http_on_unit(const struct h264_unit *u, void *arg)
{
	struct h264_http	*hh = arg;
	struct h264_http_client	*c, *next;
	uint64_t		 now = mono_ns(), skipped;

	for (c = TAILQ_FIRST(&hh->clients); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->failed)
			continue;
		/* A viewer's first unit: the init segment or a delimiter. */
		if (u->idr && c->fan.sent == 0 && !c->fan.synced)
			fanout_set_head(&c->fan, c->mp4 ?
			    h264_feed_init(hh->feed) : h264_feed_aud(hh->feed));
		skipped = c->fan.skipped;
		h264_http_after(c, fanout_offer_unit(&c->fan, c->mp4 ?
		    u->frag : u->raw, u->idr, now));
		hh->w->stats.stream_skipped += c->fan.skipped - skipped;
	}
}

/* Starts a stream for the request: raw H.264, or fragmented MP4. */
static void
h264_http_start(struct cam *cam, struct evhttp_request *req, int mp4)
{
	struct web			*w = cam->w;
	struct h264_http		*hh = cam->h264;
	struct evkeyvalq		*h = evhttp_request_get_output_headers(req);
	struct evhttp_connection	*evcon = evhttp_request_get_connection(req);
	struct bufferevent		*bev = evhttp_connection_get_bufferevent(evcon);
	struct timeval			 wt = { w->conf->stream_timeout, 0 };
	struct h264_http_client		*c;
	const char			*te;
	char				 cause[256];

	if (cam->h264path == NULL || hh == NULL || hh->feed == NULL) {
		web_reply_text(req, 404, "Not Found",
		    "no H.264 for this camera");
		return;
	}
	evhttp_add_header(h, "Content-Type", mp4 ? "video/mp4" :
	    "video/h264");
	evhttp_add_header(h, "Cache-Control", "no-store, no-cache");
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		evhttp_send_reply(req, 200, "OK", NULL);
		return;
	}
	if (cam_admit(cam, req) == -1)
		return;
	if (h264_feed_want(hh->feed, cause, sizeof(cause)) == -1) {
		log_debug("%s: %s", __func__, cause);
		cam_release(cam);
		web_reply_text(req, 503, "Service Unavailable",
		    "the H.264 stream is not available");
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->ev = event_new(w->base, -1, 0, h264_http_on_event,
	    c)) == NULL ||
	    (c->watch = evbuffer_add_cb(bufferevent_get_output(bev),
	    h264_http_on_output, c)) == NULL) {
		if (c != NULL && c->ev != NULL)
			event_free(c->ev);
		free(c);
		h264_feed_unwant(hh->feed);
		cam_release(cam);
		web_reply_text(req, 500, "Internal Server Error",
		    "out of memory");
		return;
	}
	c->hh = hh;
	c->mp4 = mp4;
	c->req = req;
	c->evcon = evcon;
	c->bev = bev;
	fanout_init(&c->fan, FANOUT_ORDERED, 0, h264_http_send, c);
	TAILQ_INSERT_TAIL(&hh->clients, c, entry);
	hh->nclients++;
	w->stats.streams_total++;
	evhttp_connection_set_closecb(evcon, h264_http_on_close, c);
	evhttp_send_reply_start(req, 200, "OK");
	/* libevent chose chunked framing for an HTTP/1.1 request. */
	te = evhttp_find_header(h, "Transfer-Encoding");
	c->chunked = te != NULL && strcasecmp(te, "chunked") == 0;
	/* Only the write side times out: a viewer sends nothing. */
	bufferevent_set_timeouts(bev, NULL, &wt);
	bufferevent_setwatermark(bev, EV_READ, 0, H264_HTTP_READ_MAX);
}

/* GET /stream.h264. */
void
h264_http_raw(struct cam *cam, struct evhttp_request *req, const char *query)
{
	h264_http_start(cam, req, 0);
}

/* GET /stream.mp4. */
void
h264_http_mp4(struct cam *cam, struct evhttp_request *req, const char *query)
{
	h264_http_start(cam, req, 1);
}
