/* SPDX-License-Identifier: ISC */
/*
 * accept_pause.h: what a listener does when accept() fails, as it does
 * when the process is out of file descriptors (EMFILE, ENFILE) or the
 * kernel out of memory: stop accepting for a moment instead of spinning
 * on a socket that stays readable, back off while the failures go on,
 * and log one line when an episode begins and one when it ends.
 */
#ifndef CAMPIPE_ACCEPT_PAUSE_H
#define CAMPIPE_ACCEPT_PAUSE_H

struct event_base;
struct evconnlistener;
struct accept_pause;

#define ACCEPT_PAUSE_MIN_MS	100	/* first pause */
#define ACCEPT_PAUSE_MAX_MS	2000	/* pauses double up to this */
#define ACCEPT_PAUSE_QUIET_MS	3000	/* no failure this long: episode over */
#define ACCEPT_PAUSE_BURST	32	/* accepts before others get a turn */

/* Creates the state for one daemon; NULL and cause filled on error. */
struct accept_pause	*accept_pause_new(struct event_base *base,
			    char *cause, size_t causelen);
void			 accept_pause_free(struct accept_pause *ap);
/*
 * Puts a listener in ap's care: its error callback is replaced, and it is
 * disabled and re-enabled with the others.  Returns -1 when full.
 */
int			 accept_pause_add(struct accept_pause *ap,
			    struct evconnlistener *l);
/*
 * Counts an accepted connection.  libevent accepts until the backlog is
 * empty, which a flood keeps from happening: after ACCEPT_PAUSE_BURST in
 * one pass of the loop the listeners stop until the events already due
 * (requests, frames) have run.
 */
void			 accept_pause_accepted(struct accept_pause *ap);
/* Failures seen and episodes begun, for tests and metrics. */
unsigned long long	 accept_pause_failures(const struct accept_pause *ap);
unsigned long long	 accept_pause_episodes(const struct accept_pause *ap);

#endif
