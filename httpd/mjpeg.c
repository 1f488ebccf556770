/*
 * mjpeg.c: the MJPEG stream.  capd's parts are already HTTP multipart parts,
 * so each frame's whole buffer is relayed by reference.  Each client has at
 * most one part in its connection's output buffer and one pending frame; a
 * newer frame replaces the pending one, so a slow client skips frames and
 * holds about two frames of memory.  A client that takes nothing for
 * --stream-timeout seconds is dropped by the write timeout.
 *
 * The body goes out as libevent writes it: chunked for HTTP/1.1 requests,
 * raw until close for HTTP/1.0 ones (mjpg-streamer's form).
 */
#include <sys/queue.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "frame.h"
#include "log.h"

#include "feed.h"
#include "mjpeg.h"
#include "web.h"

#define MJPEG_FPS_MAX		120
#define MJPEG_READ_MAX		4096	/* client bytes buffered, unread */

struct mjpeg_client {
	TAILQ_ENTRY(mjpeg_client)	 entry;
	struct mjpeg			*m;
	struct evhttp_request		*req;
	struct evbuffer			*part;
	struct event			*pace;	/* ?fps: sends the pending */
	struct frame			*pending;
	int				 inflight;
	double				 interval;	/* 0: no cap */
	double				 sent_at;
	uint64_t			 frames;
};

struct mjpeg {
	struct web			*w;
	TAILQ_HEAD(, mjpeg_client)	 clients;
	int				 nclients;
};

/* Creates the stream handler state. */
struct mjpeg *
mjpeg_new(struct web *w)
{
	struct mjpeg	*m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return (NULL);
	m->w = w;
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
	frame_unref(c->pending);
	if (c->pace != NULL)
		event_free(c->pace);
	if (c->part != NULL)
		evbuffer_free(c->part);
	free(c);
	feed_unwant(m->w->feed);
}

/* Ends every stream and frees. */
void
mjpeg_free(struct mjpeg *m)
{
	struct mjpeg_client		*c;
	struct evhttp_request		*req;
	struct evhttp_connection	*evcon;

	if (m == NULL)
		return;
	while ((c = TAILQ_FIRST(&m->clients)) != NULL) {
		req = c->req;
		if ((evcon = evhttp_request_get_connection(req)) != NULL)
			evhttp_connection_set_closecb(evcon, NULL, NULL);
		mjpeg_client_free(c);
		evhttp_send_reply_end(req);
	}
	free(m);
}

static void	mjpeg_on_drained(struct evhttp_connection *, void *);

/* Queues f on the client's connection; drained tells when it left. */
static void
mjpeg_send(struct mjpeg_client *c, struct frame *f)
{
	struct web	*w = c->m->w;

	if (frame_add_part(c->part, f) == -1) {
		log_warnx("%s: out of memory", __func__);
		return;
	}
	c->inflight = 1;
	c->sent_at = web_now();
	c->frames++;
	w->stats.stream_frames++;
	w->stats.bytes_stream += f->len;
	evhttp_send_reply_chunk_with_cb(c->req, c->part, mjpeg_on_drained, c);
	evbuffer_drain(c->part, evbuffer_get_length(c->part));
}

/* Sends the pending frame if the client is free and its ?fps allows. */
static void
mjpeg_pump(struct mjpeg_client *c)
{
	struct frame	*f;
	double		 wait;
	struct timeval	 tv;

	if (c->inflight || c->pending == NULL)
		return;
	if (c->interval > 0) {
		wait = c->sent_at + c->interval - web_now();
		if (wait > 0) {
			if (!evtimer_pending(c->pace, NULL)) {
				tv.tv_sec = (time_t)wait;
				tv.tv_usec = (suseconds_t)((wait - tv.tv_sec) *
				    1e6);
				evtimer_add(c->pace, &tv);
			}
			return;
		}
	}
	f = c->pending;
	c->pending = NULL;
	mjpeg_send(c, f);
	frame_unref(f);
}

/* The client's output buffer emptied: the part in flight is gone. */
static void
mjpeg_on_drained(struct evhttp_connection *evcon, void *arg)
{
	struct mjpeg_client	*c = arg;

	c->inflight = 0;
	mjpeg_pump(c);
}

/* The ?fps interval passed: the pending frame may go. */
static void
mjpeg_on_pace(evutil_socket_t fd, short ev, void *arg)
{
	mjpeg_pump(arg);
}

/* The client went away or was dropped by the write timeout. */
static void
mjpeg_on_close(struct evhttp_connection *evcon, void *arg)
{
	struct mjpeg_client	*c = arg;
	struct evhttp_request	*req = c->req;

	log_debug("%s: stream client left after %llu frames", __func__,
	    (unsigned long long)c->frames);
	mjpeg_client_free(c);
	web_release(req);
}

/* Offers f to every client: sent now, or kept as the pending frame. */
void
mjpeg_on_frame(struct mjpeg *m, struct frame *f)
{
	struct mjpeg_client	*c, *next;

	for (c = TAILQ_FIRST(&m->clients); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->pending != NULL) {
			m->w->stats.stream_skipped++;
			frame_unref(c->pending);
		}
		c->pending = frame_ref(f);
		mjpeg_pump(c);
	}
}

/* Reads ?fps=N (1..MJPEG_FPS_MAX; 0 or absent: no cap).  -1 if bad. */
static int
mjpeg_query_fps(const char *query, double *interval)
{
	struct evkeyvalq	 q;
	const char		*v;
	char			*end;
	long			 n = 0;
	int			 rc = 0;

	*interval = 0;
	if (query == NULL)
		return (0);
	TAILQ_INIT(&q);
	if (evhttp_parse_query_str(query, &q) == -1)
		return (-1);
	if ((v = evhttp_find_header(&q, "fps")) != NULL) {
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || n < 0 || n > MJPEG_FPS_MAX)
			rc = -1;
		else if (n > 0)
			*interval = 1.0 / n;
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
mjpeg_handle(struct web *w, struct evhttp_request *req, const char *query)
{
	struct mjpeg			*m = w->mjpeg;
	struct evkeyvalq		*h = evhttp_request_get_output_headers(req);
	struct evhttp_connection	*evcon = evhttp_request_get_connection(req);
	struct bufferevent		*bev = evhttp_connection_get_bufferevent(evcon);
	struct timeval			 wt = { w->conf->stream_timeout, 0 };
	struct mjpeg_client		*c;
	struct frame			*f;
	double				 interval;

	if (mjpeg_query_fps(query, &interval) == -1) {
		web_reply_text(req, 400, "Bad Request",
		    "fps must be a whole number from 0 to 120");
		return;
	}
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		mjpeg_headers(h);
		evhttp_send_reply(req, 200, "OK", NULL);
		return;
	}
	if (!web_client_fits(w)) {
		web_reply_text(req, 503, "Service Unavailable",
		    "too many clients");
		w->stats.refused++;
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->part = evbuffer_new()) == NULL ||
	    (c->pace = evtimer_new(w->base, mjpeg_on_pace, c)) == NULL) {
		if (c != NULL && c->part != NULL)
			evbuffer_free(c->part);
		free(c);
		web_reply_text(req, 500, "Internal Server Error",
		    "out of memory");
		return;
	}
	c->m = m;
	c->req = req;
	c->interval = interval;
	TAILQ_INSERT_TAIL(&m->clients, c, entry);
	m->nclients++;
	w->stats.streams_total++;
	evhttp_connection_set_closecb(evcon, mjpeg_on_close, c);
	mjpeg_headers(h);
	evhttp_send_reply_start(req, 200, "OK");
	/* Only the write side times out: a viewer sends nothing. */
	bufferevent_set_timeouts(bev, NULL, &wt);
	bufferevent_setwatermark(bev, EV_READ, 0, MJPEG_READ_MAX);
	feed_want(w->feed);
	if ((f = feed_fresh(w->feed)) != NULL && c->pending == NULL &&
	    c->frames == 0) {
		c->pending = frame_ref(f);
		mjpeg_pump(c);
	}
}
