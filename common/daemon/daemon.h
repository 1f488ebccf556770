/* SPDX-License-Identifier: ISC */
/*
 * daemon.h: what every campipe daemon's main() does around its own work,
 * once: the event loop with SIGPIPE ignored and the descriptor limit
 * raised, the listening sockets systemd passes, the accept pause for
 * EMFILE, SIGTERM/SIGINT (stop) and SIGHUP (reload), the privilege drop,
 * readiness, status and watchdog for systemd (notify.h), and the teardown.
 * Returns -1 with a cause, never exits: the daemon's main() decides.
 *
 * A main() reads:
 *
 *	daemon_init(&d, cause, ...)          loop and accept pause
 *	... the daemon's own set-up on d.base, listening on d.fds ...
 *	daemon_drop(&d, user, NULL, ...)     unless user is NULL
 *	daemon_run(&d, status, arg, ...)     signals, ready, loop
 *	... the daemon's own teardown ...
 *	daemon_destroy(&d)
 */
#ifndef CAMPIPE_DAEMON_H
#define CAMPIPE_DAEMON_H

#include <stddef.h>

#include "notify.h"

struct accept_pause;
struct event;
struct event_base;

#define DAEMON_LISTEN_MAX	16	/* sockets from systemd, at most */
#define DAEMON_NOFILE		65536	/* descriptors asked for */

struct daemon {
	struct event_base	*base;
	struct accept_pause	*pause;		/* for every listener */
	int			 fds[DAEMON_LISTEN_MAX]; /* from systemd */
	int			 nfds;
	/* Called on SIGHUP (may be NULL); SIGTERM/SIGINT end the loop. */
	void			(*on_hup)(void *);
	void			*hup_arg;
	/* Called on SIGTERM/SIGINT before the loop ends (may be NULL). */
	void			(*on_stop)(void *);
	void			*stop_arg;
	struct event		*ev_term, *ev_int, *ev_hup;
	struct notify		*notify;
};

/*
 * Ignores SIGPIPE, raises the descriptor limit, makes the event loop and
 * the accept pause, and takes the sockets systemd passes (d->fds).  0, or
 * -1 with cause.
 */
int		daemon_init(struct daemon *d, char *cause, size_t causelen);
/*
 * Becomes user (a name or number; NULL: stays) with its groups, or only
 * keep_groups when not NULL.  0, or -1 with cause.
 */
int		daemon_drop(struct daemon *d, const char *user,
		    const char *const *keep_groups, char *cause,
		    size_t causelen);
/*
 * Watches the signals, tells systemd it is ready (status lines from
 * status, and the watchdog), and runs the loop until a stop signal.  0,
 * or -1 with cause when it could not start.
 */
int		daemon_run(struct daemon *d, notify_status_cb status, void *arg,
		    char *cause, size_t causelen);
/* Frees what daemon_init and daemon_run made. */
void		daemon_destroy(struct daemon *d);

#endif
