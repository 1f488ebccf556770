/* SPDX-License-Identifier: ISC */
/*
 * stills.c: GET /pi.jpg, /snapshot.jpg and /?action=snapshot.  Requests that
 * arrive while no frame flows wait for the first frame of one shared
 * subscription: fifty requests, one camera start.  Whoever fetched a still
 * lately is a watcher (watchers.h): the subscription is held while anyone
 * watches, so that capd counts them between their stills.
 */
#include <sys/queue.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "frame.h"
#include "log.h"
#include "mono.h"

#include "cam.h"
#include "jpeg_feed.h"
#include "stills.h"
#include "reply.h"
#include "watchers.h"
#include "web.h"
#include "xff.h"

struct stills_wait {
	TAILQ_ENTRY(stills_wait)	 entry;
	struct stills			*s;
	struct evhttp_request		*req;
	struct event			*timer;
};

struct stills {
	struct web			*w;
	struct cam			*cam;
	TAILQ_HEAD(, stills_wait)	 waits;
	int				 nwait;
	struct watchers			 watchers;
	struct event			*expire;	/* while anyone watches */
	int				 holding;	/* the feed, for them */
};

static void	stills_fail(struct stills *, const char *);
static void	stills_on_frame(struct frame *, void *);
static void	stills_on_fail(const char *, int, void *);
static void	stills_on_expire(evutil_socket_t, short, void *);

/* Creates the stills handler state, listening to the camera. */
struct stills *
stills_new(struct cam *cam)
{
	struct cam_listener	 l = { stills_on_frame, stills_on_fail, NULL };
	struct stills		*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (NULL);
	s->w = cam->w;
	s->cam = cam;
	TAILQ_INIT(&s->waits);
	l.arg = s;
	s->expire = event_new(cam->w->base, -1, EV_PERSIST, stills_on_expire,
	    s);
	if (s->expire == NULL || cam_listen(cam, &l) == -1) {
		if (s->expire != NULL)
			event_free(s->expire);
		free(s);
		return (NULL);
	}
	return (s);
}

/* Answers the waiting requests and frees. */
void
stills_free(struct stills *s)
{
	if (s == NULL)
		return;
	stills_fail(s, "httpd is shutting down");
	if (s->holding)
		jpeg_feed_unwant(s->cam->feed);
	event_free(s->expire);
	free(s);
}

/* Requests waiting for a frame. */
int
stills_waiting(const struct stills *s)
{
	return (s->nwait);
}

/* Addresses that fetched a still within WATCHERS_WINDOW seconds. */
int
stills_watchers(const struct stills *s)
{
	return (s != NULL ? s->watchers.n : 0);
}

/* Counts req's client as watching; the first holds the subscription. */
static void
stills_watch(struct stills *s, struct evhttp_request *req)
{
	struct sockaddr_storage	 ss;
	const struct sockaddr	*sa;
	struct timeval		 tv = { 1, 0 };

	if ((sa = xff_client(req, s->w->conf->proxies, s->w->conf->nproxies,
	    &ss)) == NULL)
		return;
	watchers_seen(&s->watchers, sa, mono_sec());
	if (s->holding)
		return;
	s->holding = 1;
	evtimer_add(s->expire, &tv);
	jpeg_feed_want(s->cam->feed);
}

/* Every second while anyone watches: the last one gone lets go. */
static void
stills_on_expire(evutil_socket_t fd, short ev, void *arg)
{
	struct stills	*s = arg;

	if (watchers_expire(&s->watchers, mono_sec()) > 0)
		return;
	s->holding = 0;
	event_del(s->expire);
	jpeg_feed_unwant(s->cam->feed);
}

/* Sends f as image/jpeg; the body is the frame's JPEG by reference. */
static void
stills_send(struct stills *s, struct evhttp_request *req, struct frame *f)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct evbuffer		*body = NULL;
	char			 v[64];

	evhttp_add_header(h, "Content-Type", "image/jpeg");
	evhttp_add_header(h, "Cache-Control", "no-store");
	snprintf(v, sizeof(v), "%lld.%06ld", (long long)f->ts.tv_sec,
	    (long)f->ts.tv_usec);
	evhttp_add_header(h, "X-Timestamp", v);
	snprintf(v, sizeof(v), "%" PRIu64, f->seq);
	evhttp_add_header(h, "X-Frame-Seq", v);
	snprintf(v, sizeof(v), "%zu", f->jpeg_len);
	evhttp_add_header(h, "Content-Length", v);
	if (evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
		if ((body = evbuffer_new()) == NULL ||
		    frame_add_jpeg(body, f) == -1) {
			if (body != NULL)
				evbuffer_free(body);
			reply_text(req, 500, "Internal Server Error",
			    "out of memory");
			return;
		}
		s->w->stats.bytes_stills += f->jpeg_len;
	}
	s->w->stats.stills_served++;
	evhttp_send_reply(req, 200, "OK", body);
	if (body != NULL)
		evbuffer_free(body);
}

/* Removes a waiter; the caller has answered or abandoned its request. */
static void
stills_unwait(struct stills_wait *sw)
{
	struct stills		*s = sw->s;
	struct evhttp_connection *evcon;

	if ((evcon = evhttp_request_get_connection(sw->req)) != NULL)
		evhttp_connection_set_closecb(evcon, NULL, NULL);
	TAILQ_REMOVE(&s->waits, sw, entry);
	s->nwait--;
	cam_release(s->cam);
	event_free(sw->timer);
	free(sw);
	jpeg_feed_unwant(s->cam->feed);
}

/* Gives up on a request that waited --still-timeout seconds. */
static void
stills_on_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct stills_wait	*sw = arg;
	struct evhttp_request	*req = sw->req;
	struct stills		*s = sw->s;
	char			 msg[128];

	snprintf(msg, sizeof(msg), "no frame from the camera within %g s",
	    s->w->conf->still_timeout);
	stills_unwait(sw);
	s->w->stats.stills_failed++;
	reply_text(req, 503, "Service Unavailable", msg);
}

/* Forgets a waiter whose client went away. */
static void
stills_on_close(struct evhttp_connection *evcon, void *arg)
{
	struct stills_wait	*sw = arg;
	struct evhttp_request	*req = sw->req;

	log_debug("%s: client left while waiting", __func__);
	stills_unwait(sw);
	reply_release(req);
}

/* Serves the latest frame now, or queues the request for the next one. */
void
stills_handle(struct cam *cam, struct evhttp_request *req, const char *query)
{
	struct web		*w = cam->w;
	struct stills		*s = cam->stills;
	struct stills_wait	*sw;
	struct frame		*f;
	struct timeval		 tv;
	struct jpeg_feed_info	 fi;
	char			 msg[300];

	stills_watch(s, req);
	if ((f = jpeg_feed_fresh(cam->feed)) != NULL) {
		stills_send(s, req, f);
		return;
	}
	if (cam_admit(cam, req) == -1)
		return;
	if ((sw = calloc(1, sizeof(*sw))) == NULL ||
	    (sw->timer = evtimer_new(w->base, stills_on_timeout, sw)) == NULL) {
		free(sw);
		cam_release(cam);
		reply_text(req, 500, "Internal Server Error",
		    "out of memory");
		return;
	}
	sw->s = s;
	sw->req = req;
	TAILQ_INSERT_TAIL(&s->waits, sw, entry);
	s->nwait++;
	web_tv(w->conf->still_timeout, &tv);
	evtimer_add(sw->timer, &tv);
	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
	    stills_on_close, sw);
	/* Subscribing may fail at once: waiters then get 503 through
	 * stills_fail(); so does a request made while capd is away. */
	jpeg_feed_want(cam->feed);
	if (jpeg_feed_unreachable(cam->feed)) {
		jpeg_feed_info(cam->feed, &fi);
		cam_fail_text(fi.cause, msg, sizeof(msg));
		stills_fail(s, msg);
	}
}

/* The camera's frame: served to every waiting request. */
static void
stills_on_frame(struct frame *f, void *arg)
{
	struct stills		*s = arg;
	struct stills_wait	*sw;
	struct evhttp_request	*req;

	while ((sw = TAILQ_FIRST(&s->waits)) != NULL) {
		req = sw->req;
		stills_unwait(sw);
		stills_send(s, req, f);
	}
}

/* Answers every waiting request with 503 and reason. */
static void
stills_fail(struct stills *s, const char *reason)
{
	struct stills_wait	*sw;
	struct evhttp_request	*req;
	char			 msg[320];

	snprintf(msg, sizeof(msg), "no frame: %s", reason);
	while ((sw = TAILQ_FIRST(&s->waits)) != NULL) {
		req = sw->req;
		stills_unwait(sw);
		s->w->stats.stills_failed++;
		reply_text(req, 503, "Service Unavailable", msg);
	}
}

/* The camera's capd failed: every waiting request is told why. */
static void
stills_on_fail(const char *msg, int refused, void *arg)
{
	stills_fail(arg, msg);
}
