/* SPDX-License-Identifier: ISC */
/* framesock.c: capd's frame socket and the on-demand fan-out of frames. */
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "accept_pause.h"
#include "backoff.h"
#include "fanout.h"
#include "frame.h"
#include "frame_hello.h"
#include "framesock.h"
#include "log.h"
#include "mono.h"
#include "sendv.h"
#include "source.h"
#include "timeval.h"
#include "unixsock.h"

#define FRAMESOCK_RETRY_MIN	500	/* ms between source start attempts */
#define FRAMESOCK_RETRY_MAX	10000

struct sub {
	TAILQ_ENTRY(sub)	 entry;
	struct framesock		*srv;
	int			 fd;
	struct event		*ev_read;
	struct event		*ev_write;
	struct evbuffer		*out;		/* what a short write left */
	struct fanout		 fan;		/* latest frame wins */
	size_t			 sndbuf;	/* send buffer set for */
	struct frame_hello_reader hello;	/* what it says (frames.md) */
	char			 name[FRAME_HELLO_NAME_MAX + 1];
	long			 viewers;	/* -1: never said */
};
TAILQ_HEAD(subs, sub);

struct framesock {
	const struct framesock_conf *conf;
	struct event_base	*base;
	struct evconnlistener	*listener;
	struct subs		 subs;
	int			 nsubs;
	struct source		*src;
	struct event		*ev_idle;	/* stops the source */
	struct event		*ev_retry;	/* retries a failed start */
	struct backoff		 retry;
	uint64_t		 started_ms;	/* when the source started */
	struct frame		*latest;
	uint64_t		 seq;
	int			 stale;		/* latest predates frames */
	unsigned long long	 frames;
	unsigned long long	 warmup_dropped;
	char			 problem[256];	/* last source failure */
	char			 last_error[256];	/* never cleared */
	struct timeval		 last_error_at;
	struct accept_pause	*ap;		/* out of descriptors */
	unsigned long long	 refused;	/* at --max-subscribers */
	unsigned long long	 refused_episode;
	int			 holds;		/* framesock_hold */
	char			 refusal[128];	/* no pictures: why */
};

static void	framesock_source_start(struct framesock *);
static int	framesock_want(struct framesock *);

/* Whoever wants the source: subscribers and holds. */
static int
framesock_wanted(const struct framesock *srv)
{
	return (srv->nsubs + srv->holds);
}

/* Records a source failure for the status. */
static void
framesock_source_error_note(struct framesock *srv, const char *cause)
{
	snprintf(srv->problem, sizeof(srv->problem), "%s", cause);
	snprintf(srv->last_error, sizeof(srv->last_error), "%s", cause);
	timeval_now(&srv->last_error_at);
}

/* Nobody is left and the source runs: it stops after --idle-stop. */
static void
framesock_idle_arm(struct framesock *srv)
{
	struct timeval tv = { srv->conf->idle_stop_ms / 1000,
	    (srv->conf->idle_stop_ms % 1000) * 1000 };

	if (framesock_wanted(srv) == 0 && srv->src != NULL && srv->src->running)
		evtimer_add(srv->ev_idle, &tv);
}

/* Closes a subscriber and releases what it holds. */
static void
framesock_sub_free(struct sub *s, const char *why)
{
	struct framesock	*srv = s->srv;

	log_debug("%s: subscriber fd %d: %s (sent %llu, skipped %llu)",
	    __func__, s->fd, why, (unsigned long long)s->fan.sent,
	    (unsigned long long)s->fan.skipped);
	TAILQ_REMOVE(&srv->subs, s, entry);
	srv->nsubs--;
	event_free(s->ev_read);
	event_free(s->ev_write);
	evbuffer_free(s->out);
	fanout_clear(&s->fan);
	close(s->fd);
	free(s);
	framesock_idle_arm(srv);
	if (framesock_wanted(srv) == 0)
		evtimer_del(srv->ev_retry);
}

/*
 * The viewer's send: the whole part in one write; what the socket does not
 * take waits in out, by reference, until the socket is writable.
 */
static int
framesock_sub_send(struct frame *f, void *arg)
{
	struct sub	*s = arg;

	return (sendv_frame(s->fd, f, 0, &s->sndbuf, s->out, s->ev_write,
	    s->srv->conf->write_timeout));
}

/* Offers a frame to a subscriber: sent now, or pending (latest wins). */
static void
framesock_sub_offer(struct sub *s, struct frame *f)
{
	errno = 0;
	if (fanout_offer(&s->fan, f, mono_ns()) == -1)
		framesock_sub_free(s, errno != 0 ? strerror(errno) : "error");
}

/* The subscriber's socket is writable, or stalled past the timeout. */
static void
framesock_sub_write(evutil_socket_t fd, short what, void *arg)
{
	struct sub	*s = arg;

	if (what & EV_TIMEOUT) {
		log_warnx("subscriber fd %d read nothing for %g s: dropped",
		    fd, s->srv->conf->write_timeout);
		framesock_sub_free(s, "stalled");
		return;
	}
	switch (sendv_flush(fd, s->out, s->ev_write)) {
	case -1:
		framesock_sub_free(s, strerror(errno));
		break;
	case 1:
		if (fanout_drained(&s->fan, mono_ns()) == -1)
			framesock_sub_free(s, strerror(errno));
		break;
	}
}

/* A line the subscriber wrote (docs/frames.md): its name, its viewers. */
static void
framesock_sub_hello(const struct frame_hello_msg *m, void *arg)
{
	struct sub	*s = arg;

	if (m->name != NULL) {
		snprintf(s->name, sizeof(s->name), "%s", m->name);
		log_debug("subscriber fd %d is %s", s->fd, s->name);
	} else if (!m->idr)		/* an H.264 socket's line: ignored */
		s->viewers = m->viewers;
}

/* Subscribers send nothing but their name: reads notice the close. */
static void
framesock_sub_read(evutil_socket_t fd, short what, void *arg)
{
	struct sub	*s = arg;
	char		 buf[512];
	ssize_t		 n;

	n = read(fd, buf, sizeof(buf));
	if (n > 0)
		frame_hello_feed(&s->hello, buf, n, framesock_sub_hello, s);
	if (n == 0)
		framesock_sub_free(s, "closed");
	else if (n == -1 && errno != EAGAIN && errno != EINTR)
		framesock_sub_free(s, strerror(errno));
}

/*
 * The source gives no pictures: the subscriber reads why in one line
 * (docs/frames.md) and end-of-file; the source is not started for it.
 */
static void
framesock_refuse(struct framesock *srv, int fd)
{
	static struct log_rate	 lr = LOG_RATE_INIT("refused subscribers");
	char			 line[sizeof(srv->refusal) + 16];
	int			 n;

	n = snprintf(line, sizeof(line), "Refused: %s\r\n", srv->refusal);
	/* A fresh Unix socket takes these few bytes whole. */
	(void)!write(fd, line, n);
	close(fd);
	srv->refused++;
	log_rate_info(&lr, "frame socket subscriber refused: %s",
	    srv->refusal);
}

/* Accepts a subscriber; starts the source if it is the first. */
static void
framesock_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct framesock	*srv = arg;
	struct sub	*s;

	if (srv->nsubs >= srv->conf->max_subscribers) {
		/* One line when refusing begins, one when it ends. */
		if (srv->refused_episode++ == 0)
			log_warnx("subscribers refused: limit of %d reached",
			    srv->conf->max_subscribers);
		srv->refused++;
		close(fd);
		return;
	}
	if (srv->refusal[0] != '\0') {
		framesock_refuse(srv, fd);
		return;
	}
	if (srv->refused_episode > 0) {
		log_info("subscribers accepted again: %llu refused at the "
		    "limit", srv->refused_episode);
		srv->refused_episode = 0;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->out = evbuffer_new()) == NULL) {
		log_warn("%s", __func__);
		free(s);
		close(fd);
		return;
	}
	s->srv = srv;
	s->fd = fd;
	s->viewers = -1;
	fanout_init(&s->fan, FANOUT_LATEST, 0, framesock_sub_send, s);
	s->ev_read = event_new(srv->base, fd, EV_READ | EV_PERSIST,
	    framesock_sub_read, s);
	s->ev_write = event_new(srv->base, fd, EV_WRITE | EV_PERSIST,
	    framesock_sub_write, s);
	if (s->ev_read == NULL || s->ev_write == NULL) {
		log_warnx("%s: cannot create events", __func__);
		if (s->ev_read)
			event_free(s->ev_read);
		if (s->ev_write)
			event_free(s->ev_write);
		evbuffer_free(s->out);
		free(s);
		close(fd);
		return;
	}
	event_add(s->ev_read, NULL);
	TAILQ_INSERT_TAIL(&srv->subs, s, entry);
	srv->nsubs++;
	log_debug("%s: subscriber fd %d (%d now)", __func__, fd, srv->nsubs);
	if (framesock_want(srv) && srv->latest != NULL && !srv->stale)
		framesock_sub_offer(s, srv->latest);
}

/* Someone wants frames: the source starts.  1 if it was running already. */
static int
framesock_want(struct framesock *srv)
{
	evtimer_del(srv->ev_idle);
	if (srv->src != NULL && !srv->src->running) {
		if (!evtimer_pending(srv->ev_retry, NULL))
			framesock_source_start(srv);
		return (0);
	}
	return (1);
}

/* Holds the source on without a subscriber (+1), or lets it go (-1). */
void
framesock_hold(struct framesock *srv, int delta)
{
	srv->holds += delta;
	if (delta > 0) {
		framesock_want(srv);
		return;
	}
	framesock_idle_arm(srv);
	if (framesock_wanted(srv) == 0)
		evtimer_del(srv->ev_retry);
}


/* Starts the source; on failure retries with backoff while anyone waits. */
static void
framesock_source_start(struct framesock *srv)
{
	char		 cause[256];
	struct timeval	 tv;
	int		 ms;

	frame_unref(srv->latest);
	srv->latest = NULL;
	if (source_start(srv->src, cause, sizeof(cause)) == 0) {
		srv->started_ms = mono_ms();
		backoff_reset(&srv->retry);
		log_info("source %s started", srv->src->conf->spec);
		/* Whoever asked may have left while it started. */
		framesock_idle_arm(srv);
		return;
	}
	ms = backoff_next(&srv->retry, &tv);
	log_warnx("source %s: %s (retrying in %d ms)", srv->src->conf->spec,
	    cause, ms);
	framesock_source_error_note(srv, cause);
	evtimer_add(srv->ev_retry, &tv);
}

/* Retry timer for a failed start. */
static void
framesock_retry(evutil_socket_t fd, short what, void *arg)
{
	struct framesock	*srv = arg;

	if (framesock_wanted(srv) > 0 && !srv->src->running)
		framesock_source_start(srv);
}

/* Idle timer: nobody watched for idle_stop_ms, so the camera goes off. */
static void
framesock_idle(evutil_socket_t fd, short what, void *arg)
{
	struct framesock	*srv = arg;

	if (framesock_wanted(srv) > 0 || srv->src == NULL || !srv->src->running)
		return;
	source_stop(srv->src);
	frame_unref(srv->latest);
	srv->latest = NULL;
	log_info("source %s stopped: no subscribers", srv->src->conf->spec);
}

/* Numbers, stamps and sends a frame to every subscriber. */
void
framesock_publish(struct framesock *srv, const unsigned char *jpeg, size_t len,
    const struct timeval *ts)
{
	struct frame	*f;
	struct sub	*s, *next;
	char		 cause[128];

	if (mono_ms() - srv->started_ms < (uint64_t)srv->conf->warmup_ms) {
		srv->warmup_dropped++;
		return;
	}
	f = frame_from_jpeg(jpeg, len, srv->seq + 1, ts, cause, sizeof(cause));
	if (f == NULL) {
		static struct log_rate lr = LOG_RATE_INIT("dropped frames");

		log_rate_warnx(&lr, "frame of %zu bytes dropped: %s", len,
		    cause);
		return;
	}
	srv->seq++;
	srv->frames++;
	srv->problem[0] = '\0';
	frame_unref(srv->latest);
	srv->latest = f;
	srv->stale = 0;
	for (s = TAILQ_FIRST(&srv->subs); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		framesock_sub_offer(s, f);
	}
}

/*
 * A picture that goes to the H.264 encoder only (no JPEG subscriber, so no
 * JPEG made): numbered and counted like a frame.  The last JPEG is
 * kept (for /status) but marked stale: a subscriber arriving later is not
 * sent it, it waits for the next.
 */
uint64_t
framesock_count(struct framesock *srv)
{
	if (mono_ms() - srv->started_ms < (uint64_t)srv->conf->warmup_ms) {
		srv->warmup_dropped++;
		return (0);
	}
	srv->seq++;
	srv->frames++;
	srv->problem[0] = '\0';
	srv->stale = 1;
	return (srv->seq);
}

/* A source giving no JPEG gave something: its failure is over. */
void
framesock_source_alive(struct framesock *srv)
{
	srv->problem[0] = '\0';
}

/* The source reported a failure. */
void
framesock_source_error(struct framesock *srv, const char *cause)
{
	log_warnx("source %s: %s", srv->src->conf->spec, cause);
	framesock_source_error_note(srv, cause);
}

/* Binds and listens. */
struct framesock *
framesock_new(struct event_base *base, const struct framesock_conf *conf,
    char *cause, size_t causelen)
{
	struct framesock	*srv;
	int		 fd;

	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	srv->conf = conf;
	srv->base = base;
	backoff_init(&srv->retry, FRAMESOCK_RETRY_MIN, FRAMESOCK_RETRY_MAX);
	TAILQ_INIT(&srv->subs);
	if ((fd = unixsock_listen(conf->path, conf->mode, "capd",
	    cause, causelen)) == -1) {
		free(srv);
		return (NULL);
	}
	srv->listener = evconnlistener_new(base, framesock_accept, srv,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	srv->ev_idle = evtimer_new(base, framesock_idle, srv);
	srv->ev_retry = evtimer_new(base, framesock_retry, srv);
	srv->ap = accept_pause_new(base, cause, causelen);
	if (srv->listener == NULL || srv->ev_idle == NULL ||
	    srv->ev_retry == NULL || srv->ap == NULL ||
	    accept_pause_add(srv->ap, srv->listener) == -1) {
		snprintf(cause, causelen, "cannot set up events");
		if (srv->listener == NULL)
			close(fd);
		framesock_free(srv);
		return (NULL);
	}
	return (srv);
}

/* Frame subscribers are refused with this reason (NULL: accepted). */
void
framesock_set_refusal(struct framesock *srv, const char *why)
{
	snprintf(srv->refusal, sizeof(srv->refusal), "%s",
	    why != NULL ? why : "");
}

/* The refusal reason, or NULL when subscribers are accepted. */
const char *
framesock_refusal(const struct framesock *srv)
{
	return (srv->refusal[0] != '\0' ? srv->refusal : NULL);
}

/* Sets the source. */
void
framesock_set_source(struct framesock *srv, struct source *src)
{
	srv->src = src;
}

/* Tears everything down and removes the socket file. */
void
framesock_free(struct framesock *srv)
{
	struct sub	*s;

	if (srv == NULL)
		return;
	while ((s = TAILQ_FIRST(&srv->subs)) != NULL)
		framesock_sub_free(s, "shutdown");
	if (srv->src != NULL)
		source_stop(srv->src);
	if (srv->listener != NULL) {
		evconnlistener_free(srv->listener);
		unlink(srv->conf->path);
	}
	if (srv->ev_idle != NULL)
		event_free(srv->ev_idle);
	if (srv->ev_retry != NULL)
		event_free(srv->ev_retry);
	accept_pause_free(srv->ap);
	frame_unref(srv->latest);
	free(srv);
}

/* Subscribers connected. */
int
framesock_subscribers(const struct framesock *srv)
{
	return (srv->nsubs);
}

/* Frames published. */
unsigned long long
framesock_frames(const struct framesock *srv)
{
	return (srv->frames);
}

/* Subscribers refused at --max-subscribers. */
unsigned long long
framesock_refused(const struct framesock *srv)
{
	return (srv->refused);
}

/* The source's last failure since its last frame, or NULL. */
const char *
framesock_problem(const struct framesock *srv)
{
	return (srv->problem[0] != '\0' ? srv->problem : NULL);
}

/* Restarts a running source with its changed configuration. */
void
framesock_restart_source(struct framesock *srv)
{
	if (srv->src == NULL || !srv->src->running)
		return;
	source_stop(srv->src);
	evtimer_del(srv->ev_retry);
	if (framesock_wanted(srv) > 0)
		framesock_source_start(srv);
}

/* Calls fn for every subscriber. */
void
framesock_each_subscriber(const struct framesock *srv,
    void (*fn)(const struct framesock_sub_info *, void *), void *arg)
{
	struct framesock_sub_info	 si;
	struct sub		*s;

	TAILQ_FOREACH(s, &srv->subs, entry) {
		si.name = s->name[0] != '\0' ? s->name : NULL;
		si.sent = s->fan.sent;
		si.skipped = s->fan.skipped;
		si.viewers = s->viewers;
		fn(&si, arg);
	}
}

/* Frames dropped before they were published (warm-up). */
unsigned long long
framesock_dropped(const struct framesock *srv)
{
	return (srv->warmup_dropped);
}

/* The newest frame, or NULL. */
const struct frame *
framesock_latest(const struct framesock *srv)
{
	return (srv->latest);
}

/* The last source failure ever and when; NULL if none. */
const char *
framesock_last_error(const struct framesock *srv, struct timeval *when)
{
	*when = srv->last_error_at;
	return (srv->last_error[0] != '\0' ? srv->last_error : NULL);
}
