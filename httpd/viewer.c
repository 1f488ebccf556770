/* SPDX-License-Identifier: ISC */
/*
 * viewer.c: the streaming replies of the MJPEG and H.264 streams.  Each
 * viewer's fan-out (common/frame/fanout.c) decides what goes out; the viewer
 * writes it (chunk.c), watches its output buffer to learn when the frame
 * in flight left, arms the fps cap's timer, and closes itself from the
 * loop when a write fails, as a request callback may be running then.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "connpool.h"
#include "fanout.h"
#include "frame.h"
#include "log.h"
#include "mono.h"

#include "chunk.h"
#include "reply.h"
#include "viewer.h"
#include "web.h"
#include "xff.h"

#define VIEWER_READ_MAX		4096	/* client bytes buffered, unread */

/* Sets up an empty set. */
void
viewer_set_init(struct viewer_set *s, struct web *w, const char *what,
    int count_parts, viewer_leave_cb leave, void *arg)
{
	TAILQ_INIT(&s->list);
	s->n = 0;
	s->w = w;
	s->what = what;
	s->count_parts = count_parts;
	s->leave = leave;
	s->arg = arg;
}

/* Viewers in the set. */
int
viewer_count(const struct viewer_set *s)
{
	return (s->n);
}

/* Detaches a viewer from everything and frees it (not its request). */
static void
viewer_free(struct viewer *v)
{
	struct viewer_set	*s = v->set;

	TAILQ_REMOVE(&s->list, v, entry);
	s->n--;
	connpool_remove(s->w->viewers, &v->addr);
	fanout_clear(&v->fan);
	if (v->watch != NULL)
		evbuffer_remove_cb_entry(bufferevent_get_output(v->bev),
		    v->watch);
	if (v->ev != NULL)
		event_free(v->ev);
	free(v);
	s->leave(s->arg);
}

/* Ends every viewer's answer, and its connection with it. */
void
viewer_end_all(struct viewer_set *s)
{
	struct viewer		*v;
	struct evhttp_request	*req;

	while ((v = TAILQ_FIRST(&s->list)) != NULL) {
		req = v->req;
		/* Read when the reply ends: the connection closes then. */
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
		evhttp_connection_set_closecb(v->evcon, NULL, NULL);
		viewer_free(v);
		evhttp_send_reply_end(req);
	}
}

/*
 * The fan-out's send: the frame (with its chunk framing) in one write when
 * the output buffer is empty; otherwise, or for what the kernel left, into
 * the output buffer by reference, in flight until it drains.
 */
static int
viewer_send(struct frame *f, void *arg)
{
	struct viewer		*v = arg;
	struct web		*w = v->set->w;

	if (v->set->count_parts)
		w->stats.stream_frames++;
	w->stats.bytes_stream += f->len;
	return (chunk_write(v->bev, v->chunked, f, &v->sndbuf));
}

/* Acts on what the fan-out asks: a timer for the fps cap, or the end. */
static void
viewer_after(struct viewer *v, int64_t rc)
{
	struct timeval	 tv;

	if (rc == -1) {
		/* Closed from the loop: a request callback may be running. */
		v->failed = 1;
		event_active(v->ev, EV_TIMEOUT, 0);
	} else if (rc > 0) {
		tv.tv_sec = (time_t)(rc / 1000000000LL);
		tv.tv_usec = (suseconds_t)(rc % 1000000000LL / 1000);
		evtimer_add(v->ev, &tv);
	}
}

/* The viewer's event: a failed write, a drained buffer, or the fps cap. */
static void
viewer_on_event(evutil_socket_t fd, short ev, void *arg)
{
	struct viewer		*v = arg;
	struct evbuffer		*out = bufferevent_get_output(v->bev);

	if (v->failed) {
		/* Calls viewer_on_close, then frees the request. */
		evhttp_connection_free(v->evcon);
		return;
	}
	if (v->fan.inflight != NULL && evbuffer_get_length(out) == 0)
		viewer_after(v, fanout_drained(&v->fan, mono_ns()));
	else
		viewer_after(v, fanout_pump(&v->fan, mono_ns()));
}

/* The output buffer changed: once it is empty the frame in flight left. */
static void
viewer_on_output(struct evbuffer *b, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct viewer	*v = arg;

	if (info->n_deleted > 0 && evbuffer_get_length(b) == 0 &&
	    v->fan.inflight != NULL)
		event_active(v->ev, EV_WRITE, 0);
}

/* The viewer went away or was dropped by the write timeout. */
static void
viewer_on_close(struct evhttp_connection *evcon, void *arg)
{
	struct viewer		*v = arg;
	struct evhttp_request	*req = v->req;

	log_debug("%s: %s left after %llu frames, %llu skipped", __func__,
	    v->set->what, (unsigned long long)v->fan.sent,
	    (unsigned long long)v->fan.skipped);
	viewer_free(v);
	reply_release(req);
}

/* Counts v against its address's share: 0, or -1 after answering 503. */
static int
viewer_admit_addr(struct viewer_set *s, struct viewer *v,
    struct evhttp_request *req)
{
	struct sockaddr_storage	 ss;
	const struct sockaddr	*sa;

	if ((sa = xff_client(req, s->w->conf->proxies,
	    s->w->conf->nproxies, &ss)) == NULL)
		return (0);
	connpool_entry_init(&v->addr, sa, sa->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	if (connpool_view(s->w->viewers, &v->addr) == 0)
		return (0);
	reply_text(req, 503, "Service Unavailable",
	    "too many clients from this address");
	s->w->stats.refused_addr++;
	return (-1);
}

/*
 * When the daemon holds --max-clients: closes the oldest viewer of the
 * address holding the most, if req's address holds fewer (docs/
 * fairness.md).  1 if one went, making room.
 */
int
viewer_make_room(struct web *w, struct evhttp_request *req)
{
	static struct log_rate	 lr = LOG_RATE_INIT("evicted viewers");
	struct sockaddr_storage	 ss;
	const struct sockaddr	*sa;
	struct connpool_entry	 me, *e;
	struct viewer		*v;

	if (w->admit.n < w->admit.max || (sa = xff_client(req,
	    w->conf->proxies, w->conf->nproxies, &ss)) == NULL)
		return (0);
	connpool_entry_init(&me, sa, sa->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	if ((e = connpool_evictee(w->viewers, &me)) == NULL)
		return (0);
	v = (struct viewer *)((char *)e - offsetof(struct viewer, addr));
	log_rate_info(&lr, "a %s viewer closed for a newcomer whose address "
	    "holds fewer clients", v->set->what);
	w->stats.evicted++;
	/* Calls viewer_on_close, which frees v and releases its place. */
	evhttp_connection_free(v->evcon);
	return (1);
}

/* Viewers of sets (not failed) from e's address. */
static int
viewer_count_addr(struct viewer_set *const *sets, int nsets,
    const struct connpool_entry *e)
{
	struct viewer	*v;
	int		 i, n = 0;

	for (i = 0; i < nsets; i++)
		TAILQ_FOREACH(v, &sets[i]->list, entry)
			n += !v->failed && memcmp(v->addr.key, e->key,
			    sizeof(e->key)) == 0;
	return (n);
}

/*
 * When a camera is full: closes the oldest viewer of the address holding
 * the most of its viewers, if req's address would still hold fewer.
 */
int
viewer_make_room_in(struct web *w, struct viewer_set *const *sets,
    int nsets, int full, struct evhttp_request *req)
{
	static struct log_rate	 lr = LOG_RATE_INIT("evicted camera viewers");
	struct sockaddr_storage	 ss;
	const struct sockaddr	*sa;
	struct connpool_entry	 me;
	struct viewer		*v, *heavy = NULL;
	int			 i, n, have, most = 0;

	if (!full || (sa = xff_client(req, w->conf->proxies,
	    w->conf->nproxies, &ss)) == NULL)
		return (0);
	connpool_entry_init(&me, sa, sa->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	have = viewer_count_addr(sets, nsets, &me);
	for (i = 0; i < nsets; i++)
		TAILQ_FOREACH(v, &sets[i]->list, entry) {
			if (v->failed)
				continue;
			n = viewer_count_addr(sets, nsets, &v->addr);
			if (n > most || (n == most && v->since < heavy->since)) {
				heavy = v;
				most = n;
			}
		}
	/* As connpool_evictee: only an address still holding more goes. */
	if (heavy == NULL || most <= have + 1)
		return (0);
	log_rate_info(&lr, "a %s viewer of a full camera closed for a "
	    "newcomer whose address holds fewer of its clients",
	    heavy->set->what);
	w->stats.evicted++;
	/* Calls viewer_on_close, which frees it and releases its place. */
	evhttp_connection_free(heavy->evcon);
	return (1);
}

/* A new viewer for req, not yet started. */
struct viewer *
viewer_new(struct viewer_set *s, struct evhttp_request *req)
{
	struct evhttp_connection	*evcon = evhttp_request_get_connection(req);
	struct bufferevent		*bev = evhttp_connection_get_bufferevent(evcon);
	struct viewer			*v;

	if ((v = calloc(1, sizeof(*v))) == NULL) {
		reply_text(req, 500, "Internal Server Error", "out of memory");
		return (NULL);
	}
	if (viewer_admit_addr(s, v, req) == -1) {
		free(v);
		return (NULL);
	}
	if ((v->ev = event_new(s->w->base, -1, 0, viewer_on_event,
	    v)) == NULL || (v->watch = evbuffer_add_cb(
	    bufferevent_get_output(bev), viewer_on_output, v)) == NULL) {
		if (v->ev != NULL)
			event_free(v->ev);
		connpool_remove(s->w->viewers, &v->addr);
		free(v);
		reply_text(req, 500, "Internal Server Error", "out of memory");
		return (NULL);
	}
	v->set = s;
	v->req = req;
	v->evcon = evcon;
	v->bev = bev;
	return (v);
}

/* Starts v's answer: 200 with the headers set, frames from then on. */
void
viewer_start(struct viewer *v, enum fanout_policy policy, unsigned fps,
    int form)
{
	struct viewer_set	*s = v->set;
	struct web		*w = s->w;
	struct evkeyvalq	*h = evhttp_request_get_output_headers(v->req);
	struct timeval		 wt;
	const char		*te;

	v->form = form;
	v->since = mono_ns();
	fanout_init(&v->fan, policy, fps, viewer_send, v);
	TAILQ_INSERT_TAIL(&s->list, v, entry);
	s->n++;
	w->stats.streams_total++;
	evhttp_connection_set_closecb(v->evcon, viewer_on_close, v);
	evhttp_send_reply_start(v->req, 200, "OK");
	/* libevent chose chunked framing for an HTTP/1.1 request. */
	te = evhttp_find_header(h, "Transfer-Encoding");
	v->chunked = te != NULL && strcasecmp(te, "chunked") == 0;
	/* Only the write side times out: a viewer sends nothing. */
	web_tv(w->conf->stream_timeout, &wt);
	bufferevent_set_timeouts(v->bev, NULL, &wt);
	bufferevent_setwatermark(v->bev, EV_READ, 0, VIEWER_READ_MAX);
}

/* LATEST: offers f to one viewer. */
void
viewer_offer_one(struct viewer *v, struct frame *f)
{
	struct web	*w = v->set->w;
	uint64_t	 skipped = v->fan.skipped;

	viewer_after(v, fanout_offer(&v->fan, f, mono_ns()));
	w->stats.stream_skipped += v->fan.skipped - skipped;
}

/* LATEST: offers f to every viewer. */
void
viewer_offer(struct viewer_set *s, struct frame *f)
{
	struct viewer	*v, *next;

	for (v = TAILQ_FIRST(&s->list); v != NULL; v = next) {
		next = TAILQ_NEXT(v, entry);
		if (!v->failed)
			viewer_offer_one(v, f);
	}
}

/* ORDERED: one access unit to every viewer, each in its form. */
void
viewer_offer_unit(struct viewer_set *s, struct frame **units,
    struct frame **heads, int idr, unsigned newhead)
{
	struct viewer	*v, *next;
	uint64_t	 now = mono_ns(), skipped;

	for (v = TAILQ_FIRST(&s->list); v != NULL; v = next) {
		next = TAILQ_NEXT(v, entry);
		if (v->failed)
			continue;
		/* A viewer's first unit: its head (an init segment...). */
		if (idr && v->fan.sent == 0 && !v->fan.synced)
			fanout_set_head(&v->fan, heads[v->form]);
		else if (newhead & (1u << v->form))
			fanout_restart(&v->fan, heads[v->form]);
		skipped = v->fan.skipped;
		viewer_after(v, fanout_offer_unit(&v->fan, units[v->form], idr,
		    now));
		s->w->stats.stream_skipped += v->fan.skipped - skipped;
	}
}
