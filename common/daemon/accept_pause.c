/* SPDX-License-Identifier: ISC */
/*
 * accept_pause.c: pauses every listener of a daemon while accept() fails,
 * with doubling pauses, one log line per episode and one when it is over.
 */
#include <sys/time.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "accept_pause.h"
#include "backoff.h"
#include "log.h"

#define ACCEPT_PAUSE_LISTENERS	16
#define ACCEPT_PAUSE_REGISTRY	32

struct accept_pause {
	struct event_base	*base;
	struct evconnlistener	*listeners[ACCEPT_PAUSE_LISTENERS];
	size_t			 nlisteners;
	struct event		*ev_resume;	/* ends a pause */
	struct event		*ev_quiet;	/* ends an episode */
	struct event		*ev_burst;	/* ends a pass's burst */
	unsigned int		 burst;		/* accepts in this pass */
	int			 yielded;	/* stopped for the others */
	struct backoff		 backoff;
	int			 in_episode;
	struct timeval		 began;
	unsigned long long	 failures, episodes;
	unsigned long long	 episode_failures;
};

/*
 * libevent hands the error callback the listener's own argument, which
 * belongs to its owner (evhttp's, for httpd): listeners are looked up here.
 */
static struct {
	struct evconnlistener	*l;
	struct accept_pause	*ap;
} accept_pause_registry[ACCEPT_PAUSE_REGISTRY];

/* Enables or disables every listener. */
static void
accept_pause_set(struct accept_pause *ap, int on)
{
	size_t	 i;

	for (i = 0; i < ap->nlisteners; i++) {
		if (on)
			evconnlistener_enable(ap->listeners[i]);
		else
			evconnlistener_disable(ap->listeners[i]);
	}
}

/* The pause is over: accept again, and see if it stays quiet. */
static void
accept_pause_resume(evutil_socket_t fd, short what, void *arg)
{
	struct accept_pause	*ap = arg;
	struct timeval		 tv = { ACCEPT_PAUSE_QUIET_MS / 1000,
				    (ACCEPT_PAUSE_QUIET_MS % 1000) * 1000 };

	accept_pause_set(ap, 1);
	evtimer_add(ap->ev_quiet, &tv);
}

/* No failure since the last pause: the episode is over. */
static void
accept_pause_quiet(evutil_socket_t fd, short what, void *arg)
{
	struct accept_pause	*ap = arg;
	struct timeval		 now, d;

	if (!ap->in_episode)
		return;
	gettimeofday(&now, NULL);
	timersub(&now, &ap->began, &d);
	log_info("accepting connections again after %lld s (%llu failed "
	    "accepts)", (long long)d.tv_sec, ap->episode_failures);
	ap->in_episode = 0;
	backoff_reset(&ap->backoff);
}

/* accept() failed on one of ap's listeners. */
static void
accept_pause_error(struct evconnlistener *l, void *arg)
{
	struct accept_pause	*ap = NULL;
	struct timeval		 tv;
	size_t			 i;
	int			 err = errno, ms;

	for (i = 0; i < ACCEPT_PAUSE_REGISTRY; i++) {
		if (accept_pause_registry[i].l == l) {
			ap = accept_pause_registry[i].ap;
			break;
		}
	}
	if (ap == NULL) {
		/* Not ours (cannot happen): at least stop the spin. */
		evconnlistener_disable(l);
		return;
	}
	ap->failures++;
	ap->episode_failures++;
	evtimer_del(ap->ev_quiet);
	accept_pause_set(ap, 0);
	ms = backoff_next(&ap->backoff, &tv);
	if (!ap->in_episode) {
		ap->in_episode = 1;
		ap->episodes++;
		ap->episode_failures = 1;
		gettimeofday(&ap->began, NULL);
		log_warnx("accept: %s: not accepting for a while (first "
		    "pause %d ms)", strerror(err), ms);
	}
	evtimer_add(ap->ev_resume, &tv);
}

/* The pass's other events ran: accept again, unless in a pause. */
static void
accept_pause_burst_end(evutil_socket_t fd, short what, void *arg)
{
	struct accept_pause	*ap = arg;

	ap->burst = 0;
	if (!ap->yielded)
		return;
	ap->yielded = 0;
	if (!evtimer_pending(ap->ev_resume, NULL))
		accept_pause_set(ap, 1);
}

/* Counts an accept; yields the loop after a burst. */
void
accept_pause_accepted(struct accept_pause *ap)
{
	if (ap->burst++ == 0)
		event_active(ap->ev_burst, EV_TIMEOUT, 1);
	if (ap->burst == ACCEPT_PAUSE_BURST) {
		ap->yielded = 1;
		accept_pause_set(ap, 0);
	}
}

/* Creates the state for one daemon. */
struct accept_pause *
accept_pause_new(struct event_base *base, char *cause, size_t causelen)
{
	struct accept_pause	*ap;

	if ((ap = calloc(1, sizeof(*ap))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	ap->base = base;
	backoff_init(&ap->backoff, ACCEPT_PAUSE_MIN_MS, ACCEPT_PAUSE_MAX_MS);
	ap->ev_resume = evtimer_new(base, accept_pause_resume, ap);
	ap->ev_quiet = evtimer_new(base, accept_pause_quiet, ap);
	ap->ev_burst = event_new(base, -1, 0, accept_pause_burst_end, ap);
	if (ap->ev_resume == NULL || ap->ev_quiet == NULL ||
	    ap->ev_burst == NULL) {
		snprintf(cause, causelen, "cannot create timers");
		accept_pause_free(ap);
		return (NULL);
	}
	return (ap);
}

/* Frees the state; the listeners stay with their owners. */
void
accept_pause_free(struct accept_pause *ap)
{
	size_t	 i;

	if (ap == NULL)
		return;
	for (i = 0; i < ACCEPT_PAUSE_REGISTRY; i++) {
		if (accept_pause_registry[i].ap == ap) {
			accept_pause_registry[i].l = NULL;
			accept_pause_registry[i].ap = NULL;
		}
	}
	if (ap->ev_resume != NULL)
		event_free(ap->ev_resume);
	if (ap->ev_quiet != NULL)
		event_free(ap->ev_quiet);
	if (ap->ev_burst != NULL)
		event_free(ap->ev_burst);
	free(ap);
}

/* Puts a listener in ap's care. */
int
accept_pause_add(struct accept_pause *ap, struct evconnlistener *l)
{
	size_t	 i;

	if (ap->nlisteners == ACCEPT_PAUSE_LISTENERS)
		return (-1);
	for (i = 0; i < ACCEPT_PAUSE_REGISTRY; i++) {
		if (accept_pause_registry[i].l == NULL)
			break;
	}
	if (i == ACCEPT_PAUSE_REGISTRY)
		return (-1);
	accept_pause_registry[i].l = l;
	accept_pause_registry[i].ap = ap;
	ap->listeners[ap->nlisteners++] = l;
	evconnlistener_set_error_cb(l, accept_pause_error);
	return (0);
}

/* Failed accepts seen. */
unsigned long long
accept_pause_failures(const struct accept_pause *ap)
{
	return (ap->failures);
}

/* Episodes begun. */
unsigned long long
accept_pause_episodes(const struct accept_pause *ap)
{
	return (ap->episodes);
}
