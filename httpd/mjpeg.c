/* SPDX-License-Identifier: ISC */
/*
 * mjpeg.c: the MJPEG stream.  capd's parts are already HTTP multipart parts,
 * so each frame's whole buffer is relayed by reference.  Latest frame wins
 * per client (common/fanout.c): one part in flight, one pending; a slow client
 * skips frames.  Each part is written straight to the socket in one sendmsg
 * (with its chunk framing for HTTP/1.1 requests, raw until close for
 * HTTP/1.0 ones, mjpg-streamer's form); only what the kernel does not take
 * goes to the connection's output buffer, by reference, and the part counts
 * as in flight until that drains.  A client that takes nothing for
 * --stream-timeout seconds is dropped by the connection's write timeout.
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

#include "frame.h"
#include "log.h"
#include "mono.h"
#include "fanout.h"

#include "cam.h"
#include "chunk.h"
#include "feed.h"
#include "mjpeg.h"
#include "web.h"

#define MJPEG_FPS_MAX		120
#define MJPEG_READ_MAX		4096	/* client bytes buffered, unread */

struct mjpeg_client {
	TAILQ_ENTRY(mjpeg_client)	 entry;
	struct mjpeg			*m;
	struct evhttp_request		*req;
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	struct evbuffer_cb_entry	*watch;	/* on the output buffer */
	struct event			*ev;	/* fps cap, drain, failure */
	struct fanout			 fan;
	size_t				 sndbuf;
	int				 chunked;
	int				 failed;	/* a write failed */
};

struct mjpeg {
	struct web			*w;
	struct cam			*cam;
	TAILQ_HEAD(, mjpeg_client)	 clients;
	int				 nclients;
};

/* Creates the stream handler state. */
struct mjpeg *
mjpeg_new(struct cam *cam)
{
	struct mjpeg	*m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return (NULL);
	m->w = cam->w;
	m->cam = cam;
	TAILQ_INIT(&m->clients);
	return (m);
}

/* Stream clients connected. */
int
mjpeg_clients(const struct mjpeg *m)
{
	return (m->nclients);
}

/* Detaches a client from everything and frees it. */
static void
mjpeg_client_free(struct mjpeg_client *c)
{
	struct mjpeg	*m = c->m;

	TAILQ_REMOVE(&m->clients, c, entry);
	m->nclients--;
	cam_release(m->cam);
	fanout_clear(&c->fan);
	if (c->watch != NULL)
		evbuffer_remove_cb_entry(bufferevent_get_output(c->bev),
		    c->watch);
	if (c->ev != NULL)
		event_free(c->ev);
	free(c);
	feed_unwant(m->cam->feed);
}

/* Ends every stream: capd gives no JPEG, or httpd is going. */
void
mjpeg_end(struct mjpeg *m)
{
	struct mjpeg_client		*c;
	struct evhttp_request		*req;

	while ((c = TAILQ_FIRST(&m->clients)) != NULL) {
		req = c->req;
		evhttp_connection_set_closecb(c->evcon, NULL, NULL);
		mjpeg_client_free(c);
		evhttp_send_reply_end(req);
	}
}

/* Ends every stream and frees. */
void
mjpeg_free(struct mjpeg *m)
{
	if (m == NULL)
		return;
	mjpeg_end(m);
	free(m);
}

/*
 * The viewer's send: the part (with its chunk framing) in one write when the
 * output buffer is empty; otherwise, or for what the kernel left, into the
 * output buffer by reference, in flight until it drains.
 */
static int
mjpeg_send(struct frame *f, void *arg)
{
	struct mjpeg_client	*c = arg;
	struct web		*w = c->m->w;

	w->stats.stream_frames++;
	w->stats.bytes_stream += f->len;
	return (chunk_write(c->bev, c->chunked, f, &c->sndbuf));
}

/* Acts on what the fan-out asks: a timer for the fps cap, or the end. */
static void
mjpeg_after(struct mjpeg_client *c, int64_t rc)
{
	struct timeval	 tv;

	if (rc == -1) {
		/* Closed from the loop: a request callback may be running. */
		c->failed = 1;
		event_active(c->ev, EV_TIMEOUT, 0);
	} else if (rc > 0) {
		tv.tv_sec = (time_t)(rc / 1000000000LL);
		tv.tv_usec = (suseconds_t)(rc % 1000000000LL / 1000);
		evtimer_add(c->ev, &tv);
	}
}

/* The client's event: a failed write, a drained buffer, or the fps cap. */
static void
mjpeg_on_event(evutil_socket_t fd, short ev, void *arg)
{
	struct mjpeg_client	*c = arg;
	struct evbuffer		*out = bufferevent_get_output(c->bev);

	if (c->failed) {
		/* Calls mjpeg_on_close, then frees the request. */
		evhttp_connection_free(c->evcon);
		return;
	}
	if (c->fan.inflight != NULL && evbuffer_get_length(out) == 0)
		mjpeg_after(c, fanout_drained(&c->fan, mono_ns()));
	else
		mjpeg_after(c, fanout_pump(&c->fan, mono_ns()));
}

/* The output buffer changed: once it is empty the part in flight left. */
static void
mjpeg_on_output(struct evbuffer *b, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct mjpeg_client	*c = arg;

	if (info->n_deleted > 0 && evbuffer_get_length(b) == 0 &&
	    c->fan.inflight != NULL)
		event_active(c->ev, EV_WRITE, 0);
}

/* The client went away or was dropped by the write timeout. */
static void
mjpeg_on_close(struct evhttp_connection *evcon, void *arg)
{
	struct mjpeg_client	*c = arg;
	struct evhttp_request	*req = c->req;

	log_debug("%s: stream client left after %llu frames", __func__,
	    (unsigned long long)c->fan.sent);
	mjpeg_client_free(c);
	web_release(req);
}

/* Offers f to every client: sent now, or kept as the pending frame. */
void
mjpeg_on_frame(struct mjpeg *m, struct frame *f)
{
	struct mjpeg_client	*c, *next;
	uint64_t		 now = mono_ns(), skipped;

	for (c = TAILQ_FIRST(&m->clients); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->failed)
			continue;
		skipped = c->fan.skipped;
		mjpeg_after(c, fanout_offer(&c->fan, f, now));
		m->w->stats.stream_skipped += c->fan.skipped - skipped;
	}
}

/* Reads ?fps=N (1..MJPEG_FPS_MAX; 0 or absent: no cap).  -1 if bad. */
static int
mjpeg_query_fps(const char *query, unsigned *fps)
{
	struct evkeyvalq	 q;
	const char		*v;
	char			*end;
	long			 n = 0;
	int			 rc = 0;

	*fps = 0;
	if (query == NULL)
		return (0);
	TAILQ_INIT(&q);
	if (evhttp_parse_query_str(query, &q) == -1)
		return (-1);
	if ((v = evhttp_find_header(&q, "fps")) != NULL) {
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || n < 0 || n > MJPEG_FPS_MAX)
			rc = -1;
		else
			*fps = (unsigned)n;
	}
	evhttp_clear_headers(&q);
	return (rc);
}

/* The stream's response headers. */
static void
mjpeg_headers(struct evkeyvalq *h)
{
	evhttp_add_header(h, "Content-Type", MJPEG_CONTENT_TYPE);
	evhttp_add_header(h, "Cache-Control", "no-store, no-cache");
	evhttp_add_header(h, "Pragma", "no-cache");
}

/* Starts a stream for the request. */
void
mjpeg_handle(struct cam *cam, struct evhttp_request *req, const char *query)
{
	struct web			*w = cam->w;
	struct mjpeg			*m = cam->mjpeg;
	struct evkeyvalq		*h = evhttp_request_get_output_headers(req);
	struct evhttp_connection	*evcon = evhttp_request_get_connection(req);
	struct bufferevent		*bev = evhttp_connection_get_bufferevent(evcon);
	struct timeval			 wt = { w->conf->stream_timeout, 0 };
	struct mjpeg_client		*c;
	struct frame			*f;
	const char			*te;
	unsigned			 fps;

	if (mjpeg_query_fps(query, &fps) == -1) {
		web_reply_text(req, 400, "Bad Request",
		    "fps must be a whole number from 0 to 120");
		return;
	}
	if (cam->refusal[0] != '\0') {
		/* capd gives no JPEG: said at once; looked at again. */
		web_reply_text(req, 503, "Service Unavailable", cam->refusal);
		feed_want(cam->feed);
		feed_unwant(cam->feed);
		return;
	}
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		mjpeg_headers(h);
		evhttp_send_reply(req, 200, "OK", NULL);
		return;
	}
	if (cam_admit(cam, req) == -1)
		return;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->ev = event_new(w->base, -1, 0, mjpeg_on_event, c)) == NULL ||
	    (c->watch = evbuffer_add_cb(bufferevent_get_output(bev),
	    mjpeg_on_output, c)) == NULL) {
		if (c != NULL && c->ev != NULL)
			event_free(c->ev);
		free(c);
		cam_release(cam);
		web_reply_text(req, 500, "Internal Server Error",
		    "out of memory");
		return;
	}
	c->m = m;
	c->req = req;
	c->evcon = evcon;
	c->bev = bev;
	fanout_init(&c->fan, FANOUT_LATEST, fps, mjpeg_send, c);
	TAILQ_INSERT_TAIL(&m->clients, c, entry);
	m->nclients++;
	w->stats.streams_total++;
	evhttp_connection_set_closecb(evcon, mjpeg_on_close, c);
	mjpeg_headers(h);
	evhttp_send_reply_start(req, 200, "OK");
	/* libevent chose chunked framing for an HTTP/1.1 request. */
	te = evhttp_find_header(h, "Transfer-Encoding");
	c->chunked = te != NULL && strcasecmp(te, "chunked") == 0;
	/* Only the write side times out: a viewer sends nothing. */
	bufferevent_set_timeouts(bev, NULL, &wt);
	bufferevent_setwatermark(bev, EV_READ, 0, MJPEG_READ_MAX);
	feed_want(cam->feed);
	if ((f = feed_fresh(cam->feed)) != NULL && c->fan.sent == 0 &&
	    c->fan.pending == NULL)
		mjpeg_after(c, fanout_offer(&c->fan, f, mono_ns()));
}
