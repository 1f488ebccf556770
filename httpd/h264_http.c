/* SPDX-License-Identifier: ISC */
/*
 * h264_http.c: /stream.h264 and /stream.mp4.  Bytes from capd's H.264
 * socket go to the viewer as they come (for /stream.mp4, whole access
 * units muxed into one fragment each), one write in flight: the next read
 * from capd waits until the viewer has taken the last, so a slow viewer
 * makes capd skip to the next IDR for it, never httpd buffer.
 */
#include <sys/queue.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "fmp4.h"
#include "log.h"
#include "unixsock.h"

#include "cam.h"
#include "h264_http.h"
#include "web.h"

#define H264_HTTP_READ	(256 * 1024)	/* from capd at once, at most */
#define H264_HTTP_AU_MAX (4 << 20)	/* an access unit, at most */

struct h264_http_client {
	TAILQ_ENTRY(h264_http_client)	 entry;
	struct h264_http		*hh;
	struct evhttp_request		*req;
	struct evhttp_connection	*evcon;
	struct bufferevent		*up;	/* capd's H.264 socket */
	int				 sending; /* a chunk in flight */
	int				 mp4;	/* /stream.mp4 */
	struct fmp4			*mux;	/* after the first IDR */
};

struct h264_http {
	struct cam				*cam;
	struct web				*w;
	TAILQ_HEAD(, h264_http_client)		 clients;
	int					 nclients;
};

/* Creates the camera's handler state. */
struct h264_http *
h264_http_new(struct cam *cam)
{
	struct h264_http	*hh;

	if ((hh = calloc(1, sizeof(*hh))) == NULL)
		return (NULL);
	hh->cam = cam;
	hh->w = cam->w;
	TAILQ_INIT(&hh->clients);
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
	if (c->up != NULL)
		bufferevent_free(c->up);
	fmp4_free(c->mux);
	free(c);
}

/* Ends every stream. */
void
h264_http_free(struct h264_http *hh)
{
	struct h264_http_client	*c;
	struct evhttp_request	*req;

	if (hh == NULL)
		return;
	while ((c = TAILQ_FIRST(&hh->clients)) != NULL) {
		req = c->req;
		evhttp_connection_set_closecb(c->evcon, NULL, NULL);
		h264_http_client_free(c);
		evhttp_send_reply_end(req);
	}
	free(hh);
}

/* The viewer went away or was dropped by the write timeout. */
static void
h264_http_on_close(struct evhttp_connection *evcon, void *arg)
{
	struct h264_http_client	*c = arg;
	struct evhttp_request	*req = c->req;

	h264_http_client_free(c);
	web_release(req);
}

/* capd closed or failed: the reply ends. */
static void
h264_http_end(struct h264_http_client *c, const char *why)
{
	struct evhttp_request	*req = c->req;

	log_debug("%s: h264 viewer: %s", __func__, why);
	evhttp_connection_set_closecb(c->evcon, NULL, NULL);
	h264_http_client_free(c);
	evhttp_send_reply_end(req);
}

static void	h264_http_on_read(struct bufferevent *, void *);

/* The last chunk has left: read on from capd. */
static void
h264_http_on_sent(struct evhttp_connection *evcon, void *arg)
{
	struct h264_http_client	*c = arg;

	c->sending = 0;
	bufferevent_enable(c->up, EV_READ);
	if (evbuffer_get_length(bufferevent_get_input(c->up)) > 0)
		h264_http_on_read(c->up, c);
}

/* fmp4_feed's output: appended to the chunk being made. */
static int
h264_http_add(const unsigned char *p, size_t len, void *arg)
{
	return (evbuffer_add(arg, p, len));
}

/* Bytes from capd: one chunk to the viewer, then wait for it to leave. */
static void
h264_http_on_read(struct bufferevent *bev, void *arg)
{
	static struct log_rate	 lr = LOG_RATE_INIT("mp4 failures");
	struct h264_http_client	*c = arg;
	struct evbuffer		*in = bufferevent_get_input(bev), *out;
	char			 cause[256];

	if (c->sending || evbuffer_get_length(in) == 0)
		return;
	if (c->mp4) {
		if ((out = evbuffer_new()) == NULL ||
		    fmp4_feed(&c->mux, in, H264_HTTP_AU_MAX, h264_http_add,
		    out, cause, sizeof(cause)) == -1) {
			if (out == NULL)
				snprintf(cause, sizeof(cause), "out of memory");
			log_rate_warnx(&lr, "/stream.mp4: %s", cause);
			if (out != NULL)
				evbuffer_free(out);
			h264_http_end(c, cause);
			return;
		}
		if (evbuffer_get_length(out) == 0) {
			evbuffer_free(out);
			return;
		}
		in = out;
	}
	c->hh->w->stats.bytes_stream += evbuffer_get_length(in);
	c->sending = 1;
	bufferevent_disable(bev, EV_READ);
	evhttp_send_reply_chunk_with_cb(c->req, in, h264_http_on_sent, c);
	if (c->mp4)
		evbuffer_free(in);
}

/* capd's socket closed or failed. */
static void
h264_http_on_up_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		h264_http_end(arg, what & BEV_EVENT_EOF ? "capd closed" :
		    strerror(EVUTIL_SOCKET_ERROR()));
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
	int				 fd;

	if (cam->h264path == NULL) {
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
	if ((fd = unixsock_connect(cam->h264path)) == -1) {
		log_debug("%s: %s: %s", __func__, cam->h264path,
		    strerror(errno));
		cam_release(cam);
		web_reply_text(req, 503, "Service Unavailable",
		    "the H.264 stream is not available");
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->up = bufferevent_socket_new(w->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		free(c);
		close(fd);
		cam_release(cam);
		web_reply_text(req, 500, "Internal Server Error",
		    "out of memory");
		return;
	}
	c->hh = hh;
	c->mp4 = mp4;
	c->req = req;
	c->evcon = evcon;
	TAILQ_INSERT_TAIL(&hh->clients, c, entry);
	hh->nclients++;
	w->stats.streams_total++;
	bufferevent_setcb(c->up, h264_http_on_read, NULL,
	    h264_http_on_up_event, c);
	bufferevent_setwatermark(c->up, EV_READ, 0, H264_HTTP_READ);
	bufferevent_enable(c->up, EV_READ);
	evhttp_connection_set_closecb(evcon, h264_http_on_close, c);
	evhttp_send_reply_start(req, 200, "OK");
	bufferevent_set_timeouts(bev, NULL, &wt);
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
