/* SPDX-License-Identifier: ISC */
/* h264.c: capd's H.264 socket: subscribers, the encoder on demand. */
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "accept_pause.h"
#include "annexb.h"
#include "fanout.h"
#include "frame.h"
#include "frame_hello.h"
#include "framesock.h"
#include "h264.h"
#include "h264_idr.h"
#include "h264_pass.h"
#include "log.h"
#include "mono.h"
#include "sendv.h"
#include "unixsock.h"

/*
 * Bytes a subscriber may leave waiting before it loses them (and goes on
 * from the next IDR): httpd and wsd read at once, so only a stalled
 * reader comes near it.
 */
#define H264_SUB_WAITING_MAX	(256 * 1024)
/* Seconds without a refusal that end a refusal episode. */
#define H264_REFUSED_QUIET_S	10

struct h264_sub {
	TAILQ_ENTRY(h264_sub)	 entry;
	struct h264		*h;
	int			 fd;
	int			 started;	/* a unit went: its AUD too */
	struct event		*ev_read;
	struct event		*ev_write;
	struct evbuffer		*out;
	struct fanout		 fan;
	size_t			 sndbuf;
	struct frame_hello_reader hello;	/* what it says (frames.md) */
	long			 viewers;	/* -1: never said */
	int			 babbled;	/* its meaningless line logged */
};
TAILQ_HEAD(h264_subs, h264_sub);

struct h264 {
	const struct h264_conf	*conf;
	struct event_base	*base;
	struct framesock		*srv;
	struct evconnlistener	*listener;
	struct accept_pause	*ap;
	struct h264_subs	 subs;
	int			 nsubs;
	struct h264_enc		*enc;		/* while it runs */
	struct event		*ev_enc;	/* its descriptor */
	struct event		*ev_idle;	/* stops it */
	struct event		*ev_refused;	/* ends a refusal episode */
	uint64_t		 fed;		/* last seq handed to it */
	int64_t			 next_us;	/* conf->max_fps: the next
						   capture time taken */
	unsigned long long	 from_jpeg;	/* access units encoded */
	unsigned long long	 from_raw;
	int			 lastraw;	/* the last one's input */
	unsigned long long	 refused_episode;
	/* conf->passthru: the source's own units, no encoder. */
	struct h264_pass	*pass;
	uint64_t		 pass_seq;
	int			(*keyframe)(void *);
	void			*keyframe_arg;
	struct h264_idr		 idr;		/* subscribers' requests */
};

/* Asks for an IDR: of the encoder, or of a source giving H.264; -1: none. */
static int
h264_ask_idr(void *arg)
{
	struct h264	*h = arg;

	if (h->enc != NULL) {
		h264_enc_idr(h->enc);
		return (0);
	}
	if (h->keyframe != NULL)
		return (h->keyframe(h->keyframe_arg) == 0 ? 0 : -1);
	return (-1);
}

/* Stops the encoder thread. */
static void
h264_enc_end(struct h264 *h, const char *why)
{
	if (h->enc == NULL)
		return;
	event_free(h->ev_enc);
	h->ev_enc = NULL;
	log_info("%s: encoder stopped: %s (%llu frames skipped)",
	    h->conf->enc.name, why,
	    h264_enc_skipped(h->enc));
	h264_enc_stop(h->enc);
	h->enc = NULL;
}

/* Closes a subscriber; with the last one the encoder stops later. */
static void
h264_sub_free(struct h264_sub *s, const char *why)
{
	struct h264	*h = s->h;
	struct timeval	 tv = { h->conf->idle_stop_ms / 1000,
	    (h->conf->idle_stop_ms % 1000) * 1000 };

	log_debug("%s: h264 subscriber fd %d: %s (sent %llu, skipped %llu)",
	    __func__, s->fd, why, (unsigned long long)s->fan.sent,
	    (unsigned long long)s->fan.skipped);
	TAILQ_REMOVE(&h->subs, s, entry);
	event_free(s->ev_read);
	event_free(s->ev_write);
	evbuffer_free(s->out);
	fanout_clear(&s->fan);
	close(s->fd);
	free(s);
	if (--h->nsubs == 0) {
		framesock_hold(h->srv, -1);
		evtimer_add(h->ev_idle, &tv);
	}
}

/*
 * The viewer's send: one write, the rest by reference in out.  Each unit
 * ends with the next one's AUD (docs/frames.md), so after the first one
 * a unit goes without its own.
 */
static int
h264_sub_send(struct frame *f, void *arg)
{
	struct h264_sub	*s = arg;
	size_t		 skip = s->started ? ANNEXB_AUD_LEN : 0;

	s->started = 1;
	return (sendv_frame(s->fd, f, skip, &s->sndbuf, s->out, s->ev_write,
	    s->h->conf->write_timeout));
}

/*
 * Offers an access unit, in order (common/frame/fanout.c).  A subscriber that
 * falls behind loses whole units up to an IDR, asked for at once.
 */
static void
h264_sub_offer(struct h264_sub *s, struct frame *f, int idr)
{
	uint64_t	 resyncs = s->fan.resyncs;
	int		 synced = s->fan.synced;

	errno = 0;
	if (fanout_offer_unit(&s->fan, f, idr, mono_ns()) == -1) {
		h264_sub_free(s, errno != 0 ? strerror(errno) : "error");
		return;
	}
	if (s->fan.resyncs != resyncs || (synced && !s->fan.synced))
		(void)h264_ask_idr(s->h);
}

/* The subscriber's socket is writable, or stalled past the timeout. */
static void
h264_sub_write(evutil_socket_t fd, short what, void *arg)
{
	struct h264_sub	*s = arg;

	if (what & EV_TIMEOUT) {
		log_warnx("h264 subscriber fd %d read nothing for %g s: "
		    "dropped", fd, s->h->conf->write_timeout);
		h264_sub_free(s, "stalled");
		return;
	}
	switch (sendv_flush(fd, s->out, s->ev_write)) {
	case -1:
		h264_sub_free(s, strerror(errno));
		break;
	case 1:
		if (fanout_drained(&s->fan, mono_ns()) == -1)
			h264_sub_free(s, strerror(errno));
		break;
	}
}

/* A line the subscriber wrote (docs/frames.md): its viewers, an IDR. */
static void
h264_sub_hello(const struct frame_hello_msg *m, void *arg)
{
	struct h264_sub	*s = arg;

	if (m->idr)
		h264_idr_request(&s->h->idr);
	else if (m->name == NULL)
		s->viewers = m->viewers;
}

/*
 * Subscribers say who they serve and ask for IDRs; reads notice the
 * close.  Lines meaning nothing are skipped, the first one logged.
 */
static void
h264_sub_read(evutil_socket_t fd, short what, void *arg)
{
	static struct log_rate	 lr = LOG_RATE_INIT("h264 subscriber lines");
	struct h264_sub		*s = arg;
	char			 buf[512];
	ssize_t			 n;

	n = read(fd, buf, sizeof(buf));
	if (n > 0)
		frame_hello_feed(&s->hello, buf, n, h264_sub_hello, s);
	if (n > 0 && s->hello.skipped > 0 && !s->babbled) {
		s->babbled = 1;
		log_rate_warnx(&lr, "h264 subscriber fd %d: a line meaning "
		    "nothing skipped (docs/frames.md); more are skipped "
		    "silently", fd);
	}
	if (n == 0)
		h264_sub_free(s, "closed");
	else if (n == -1 && errno != EAGAIN && errno != EINTR)
		h264_sub_free(s, strerror(errno));
}

/* Counts an access unit by the encoder's input. */
static void
h264_count(struct h264 *h, const struct h264_au *au)
{
	if (au->raw)
		h->from_raw++;
	else
		h->from_jpeg++;
	h->lastraw = au->raw ? 1 : 0;
}

/* Access units from the encoder thread, to every subscriber. */
static void
h264_enc_ready(evutil_socket_t fd, short what, void *arg)
{
	static struct log_rate	 lr = LOG_RATE_INIT("h264 failures");
	struct h264		*h = arg;
	struct h264_sub		*s, *next;
	struct h264_au		 au;
	struct frame		*f;

	while (h->enc != NULL && h264_enc_take(h->enc, &au)) {
		if (au.buf == NULL) {
			/*
			 * Subscribers see end-of-file; the encoder goes, so
			 * the next subscriber tries again from the start.
			 */
			log_rate_warnx(&lr, "%s: %s", h->conf->enc.name, au.cause);
			while ((s = TAILQ_FIRST(&h->subs)) != NULL)
				h264_sub_free(s, "encoder failed");
			h264_enc_end(h, "failed");
			break;
		}
		h264_count(h, &au);
		if ((f = frame_adopt(au.buf, au.len, 0, au.len, au.seq,
		    &au.ts)) == NULL) {
			free(au.buf);
			au.lost = 1;
			f = NULL;
		}
		if (au.lost) {
			TAILQ_FOREACH(s, &h->subs, entry)
				fanout_lost(&s->fan);
			h264_enc_idr(h->enc);
		}
		if (f == NULL)
			continue;
		if (au.idr)
			h264_idr_sent(&h->idr);
		for (s = TAILQ_FIRST(&h->subs); s != NULL; s = next) {
			next = TAILQ_NEXT(s, entry);
			h264_sub_offer(s, f, au.idr);
		}
		frame_unref(f);
	}
}

/* Starts the encoder thread for the first subscriber. */
static int
h264_enc_begin(struct h264 *h)
{
	char	 cause[256];

	evtimer_del(h->ev_idle);
	if (h->enc != NULL)
		return (0);
	if ((h->enc = h264_enc_start(&h->conf->enc, cause,
	    sizeof(cause))) == NULL) {
		log_warnx("%s", cause);
		return (-1);
	}
	h->ev_enc = event_new(h->base, h264_enc_fd(h->enc),
	    EV_READ | EV_PERSIST, h264_enc_ready, h);
	if (h->ev_enc == NULL || event_add(h->ev_enc, NULL) == -1) {
		log_warnx("h264: cannot set up events");
		h264_enc_end(h, "no events");
		return (-1);
	}
	h->fed = 0;
	h->next_us = 0;
	h->lastraw = -1;
	log_info("%s: encoder started", h->conf->enc.name);
	return (0);
}

/* Idle timer: nobody subscribed for idle_stop_ms. */
static void
h264_idle(evutil_socket_t fd, short what, void *arg)
{
	struct h264	*h = arg;

	if (h->nsubs == 0)
		h264_enc_end(h, "no subscribers");
}

/* No refusal for a while: the episode ends, with its count. */
static void
h264_refused_end(evutil_socket_t fd, short what, void *arg)
{
	struct h264	*h = arg;

	if (h->refused_episode == 0)
		return;
	log_info("h264 subscribers accepted again: %llu refused at the limit",
	    h->refused_episode);
	h->refused_episode = 0;
}

/* Accepts a subscriber; it waits for the IDR asked for now. */
static void
h264_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct h264	*h = arg;
	struct h264_sub	*s;

	struct timeval	 quiet = { H264_REFUSED_QUIET_S, 0 };

	if (h->nsubs >= h->conf->max_subscribers) {
		/* Once per episode: it ends after a quiet spell. */
		if (h->refused_episode++ == 0)
			log_warnx("h264 subscribers refused: limit of %d "
			    "reached", h->conf->max_subscribers);
		evtimer_add(h->ev_refused, &quiet);
		close(fd);
		return;
	}
	if ((h->pass == NULL && h264_enc_begin(h) == -1) ||
	    (s = calloc(1, sizeof(*s))) == NULL) {
		close(fd);
		return;
	}
	s->h = h;
	s->fd = fd;
	s->viewers = -1;
	fanout_init(&s->fan, FANOUT_ORDERED, 0, h264_sub_send, s);
	fanout_set_max_bytes(&s->fan, H264_SUB_WAITING_MAX);
	s->out = evbuffer_new();
	s->ev_read = event_new(h->base, fd, EV_READ | EV_PERSIST,
	    h264_sub_read, s);
	s->ev_write = event_new(h->base, fd, EV_WRITE | EV_PERSIST,
	    h264_sub_write, s);
	if (s->out == NULL || s->ev_read == NULL || s->ev_write == NULL) {
		log_warnx("%s: cannot set up a subscriber", __func__);
		if (s->out != NULL)
			evbuffer_free(s->out);
		if (s->ev_read != NULL)
			event_free(s->ev_read);
		if (s->ev_write != NULL)
			event_free(s->ev_write);
		free(s);
		close(fd);
		return;
	}
	event_add(s->ev_read, NULL);
	TAILQ_INSERT_TAIL(&h->subs, s, entry);
	if (h->nsubs++ == 0)
		framesock_hold(h->srv, 1);
	(void)h264_ask_idr(h);
	log_debug("%s: h264 subscriber fd %d (%d now)", __func__, fd,
	    h->nsubs);
}

/*
 * With conf->max_fps: whether a frame captured at ts is taken, at most
 * max_fps a second by capture time; the rest are dropped before any
 * decoding.
 */
static int
h264_rate_take(struct h264 *h, const struct timeval *ts)
{
	int64_t	 t, step;

	if (h->conf->max_fps <= 0)
		return (1);
	step = 1000000 / h->conf->max_fps;
	t = (int64_t)ts->tv_sec * 1000000 + ts->tv_usec;
	/* A tenth of a step early still counts: the source's jitter. */
	if (h->next_us != 0 && t < h->next_us - step / 10 &&
	    t > h->next_us - 2 * step)
		return (0);
	if (h->next_us == 0 || t >= h->next_us + step ||
	    t <= h->next_us - 2 * step)
		h->next_us = t + step;
	else
		h->next_us += step;
	return (1);
}

/* Hands a newly published frame to the encoder. */
void
h264_feed(struct h264 *h, const struct frame *f)
{
	if (h == NULL || h->enc == NULL || h->nsubs == 0 || f == NULL ||
	    f->seq == h->fed)
		return;
	h->fed = f->seq;
	if (!h264_rate_take(h, &f->ts))
		return;
	h264_enc_put(h->enc, f->buf + f->jpeg_off, f->jpeg_len, f->seq,
	    &f->ts);
}

/* Sets how to ask a source giving H.264 for an IDR (-1: it cannot). */
void
h264_set_keyframe(struct h264 *h, int (*fn)(void *), void *arg)
{
	if (h == NULL)
		return;
	h->keyframe = fn;
	h->keyframe_arg = arg;
}

/* An access unit of a source giving H.264: to every subscriber. */
void
h264_feed_au(struct h264 *h, const unsigned char *au, size_t len, int idr,
    const struct timeval *ts)
{
	static struct log_rate	 lr = LOG_RATE_INIT("h264 pass-through");
	struct h264_sub		*s, *next;
	struct frame		*f;
	unsigned char		*buf;
	long			 n;

	if (h == NULL || h->pass == NULL)
		return;
	if ((n = h264_pass_build(h->pass, au, len, h->pass_seq + 1, ts,
	    &buf)) < 0 || (f = frame_adopt(buf, n, 0, n, h->pass_seq + 1,
	    ts)) == NULL) {
		if (n >= 0)
			free(buf);
		log_rate_warnx(&lr, "h264: access unit of %zu bytes dropped%s",
		    len, n < 0 ? ": no slice in it" : ": out of memory");
		TAILQ_FOREACH(s, &h->subs, entry)
			fanout_lost(&s->fan);
		(void)h264_ask_idr(h);
		return;
	}
	h->pass_seq++;
	if (idr)
		h264_idr_sent(&h->idr);
	for (s = TAILQ_FIRST(&h->subs); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		h264_sub_offer(s, f, idr);
	}
	frame_unref(f);
}

/* Binds and listens. */
struct h264 *
h264_new(struct event_base *base, const struct h264_conf *conf,
    struct framesock *srv, char *cause, size_t causelen)
{
	struct h264		*h;
	int			 fd;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	h->conf = conf;
	h->base = base;
	h->srv = srv;
	TAILQ_INIT(&h->subs);
	if (h264_idr_init(&h->idr, base, h264_ask_idr, h, cause,
	    causelen) == -1) {
		free(h);
		return (NULL);
	}
	if (conf->passthru && (h->pass = h264_pass_new()) == NULL) {
		snprintf(cause, causelen, "out of memory");
		h264_idr_destroy(&h->idr);
		free(h);
		return (NULL);
	}
	if ((fd = unixsock_listen(conf->path, conf->mode, "capd",
	    cause, causelen)) == -1) {
		h264_pass_free(h->pass);
		h264_idr_destroy(&h->idr);
		free(h);
		return (NULL);
	}
	h->listener = evconnlistener_new(base, h264_accept, h,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	h->ev_idle = evtimer_new(base, h264_idle, h);
	h->ev_refused = evtimer_new(base, h264_refused_end, h);
	h->ap = accept_pause_new(base, cause, causelen);
	if (h->listener == NULL || h->ev_idle == NULL || h->ap == NULL ||
	    h->ev_refused == NULL ||
	    accept_pause_add(h->ap, h->listener) == -1) {
		snprintf(cause, causelen, "cannot set up events");
		if (h->listener == NULL)
			close(fd);
		h264_free(h);
		return (NULL);
	}
	return (h);
}

/* Tears everything down and removes the socket file. */
void
h264_free(struct h264 *h)
{
	struct h264_sub	*s;

	if (h == NULL)
		return;
	while ((s = TAILQ_FIRST(&h->subs)) != NULL)
		h264_sub_free(s, "shutdown");
	h264_enc_end(h, "shutdown");
	if (h->listener != NULL) {
		evconnlistener_free(h->listener);
		unlink(h->conf->path);
	}
	if (h->ev_idle != NULL)
		event_free(h->ev_idle);
	if (h->ev_refused != NULL)
		event_free(h->ev_refused);
	accept_pause_free(h->ap);
	h264_pass_free(h->pass);
	h264_idr_destroy(&h->idr);
	free(h);
}

/* Tells whether it has subscribers, and takes JPEGs for them. */
int
h264_wants_jpeg(const struct h264 *h)
{
	return (h != NULL && h->nsubs > 0 && !h264_wants_raw(h));
}

/* Subscribers connected. */
int
h264_subscribers(const struct h264 *h)
{
	return (h != NULL ? h->nsubs : 0);
}

/* People watching through the subscribers: what each said, else one. */
long
h264_viewers(const struct h264 *h)
{
	const struct h264_sub	*s;
	long			 n = 0;

	if (h == NULL)
		return (0);
	TAILQ_FOREACH(s, &h->subs, entry)
		n += s->viewers >= 0 ? s->viewers : 1;
	return (n);
}

/* Tells whether a raw picture would be encoded now (else only JPEGs). */
int
h264_wants_raw(const struct h264 *h)
{
	return (h != NULL && h->enc != NULL && h->nsubs > 0 &&
	    h->conf->enc.width == 0);
}

/* Hands a raw camera picture, numbered seq by the frame socket. */
void
h264_feed_raw(struct h264 *h, const struct yuyv_pic *raw, uint64_t seq,
    const struct timeval *ts)
{
	if (!h264_wants_raw(h) || seq == h->fed)
		return;
	h->fed = seq;
	h264_enc_put_raw(h->enc, raw, seq, ts);
}

/* What /status says of the H.264 socket. */
void
h264_stats(const struct h264 *h, struct h264_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->subscribers = h->nsubs;
	st->from_jpeg = h->from_jpeg;
	st->from_raw = h->from_raw;
	st->idr_requests = h->idr.requests;
	st->idr_forced = h->idr.forced;
	if (h->conf->passthru)
		st->input = "passthrough";
	else if (h->enc != NULL && h->lastraw != -1)
		st->input = h->lastraw ? "raw" : "jpeg";
}
