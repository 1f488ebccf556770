/* SPDX-License-Identifier: ISC */
/*
 * daemon.c: the start-up and teardown every campipe daemon shares.
 */
#include <sys/resource.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "accept_pause.h"
#include "daemon.h"
#include "log.h"
#include "notify.h"
#include "privdrop.h"

/* Raises the soft descriptor limit towards DAEMON_NOFILE (the hard one). */
static void
daemon_raise_nofile(void)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= DAEMON_NOFILE)
		return;
	rl.rlim_cur = rl.rlim_max < DAEMON_NOFILE ? rl.rlim_max : DAEMON_NOFILE;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		log_debug("%s: setrlimit: %s", __func__, strerror(errno));
}

/* Makes the loop, the accept pause, and takes systemd's sockets. */
int
daemon_init(struct daemon *d, char *cause, size_t causelen)
{
	memset(d, 0, sizeof(*d));
	signal(SIGPIPE, SIG_IGN);
	daemon_raise_nofile();
	if ((d->nfds = notify_listen_fds(d->fds, DAEMON_LISTEN_MAX, cause,
	    causelen)) == -1)
		return (-1);
	if ((d->base = event_base_new()) == NULL) {
		snprintf(cause, causelen, "cannot create the event loop");
		return (-1);
	}
	if ((d->pause = accept_pause_new(d->base, cause, causelen)) == NULL)
		return (-1);
	return (0);
}

/* Drops root for user, when asked. */
int
daemon_drop(struct daemon *d, const char *user,
    const char *const *keep_groups, char *cause, size_t causelen)
{
	char	 why[256];

	if (user == NULL)
		return (0);
	if (privdrop_user(user, keep_groups, why, sizeof(why)) == -1) {
		snprintf(cause, causelen, "--user: %s", why);
		return (-1);
	}
	return (0);
}

/* SIGTERM, SIGINT: the loop ends. */
static void
daemon_on_stop(evutil_socket_t sig, short what, void *arg)
{
	struct daemon	*d = arg;

	log_info("signal %d: exiting", (int)sig);
	if (d->on_stop != NULL)
		d->on_stop(d->stop_arg);
	event_base_loopbreak(d->base);
}

/* SIGHUP: the daemon reloads what it can. */
static void
daemon_on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct daemon	*d = arg;

	if (d->on_hup != NULL)
		d->on_hup(d->hup_arg);
}

/* Signals, readiness, the loop. */
int
daemon_run(struct daemon *d, notify_status_cb status, void *arg,
    char *cause, size_t causelen)
{
	d->ev_term = evsignal_new(d->base, SIGTERM, daemon_on_stop, d);
	d->ev_int = evsignal_new(d->base, SIGINT, daemon_on_stop, d);
	d->ev_hup = evsignal_new(d->base, SIGHUP, daemon_on_hup, d);
	if (d->ev_term == NULL || d->ev_int == NULL || d->ev_hup == NULL ||
	    evsignal_add(d->ev_term, NULL) == -1 ||
	    evsignal_add(d->ev_int, NULL) == -1 ||
	    evsignal_add(d->ev_hup, NULL) == -1) {
		snprintf(cause, causelen, "cannot watch signals");
		return (-1);
	}
	if ((d->notify = notify_new(d->base, status, arg, cause,
	    causelen)) == NULL)
		return (-1);
	event_base_dispatch(d->base);
	return (0);
}

/* Frees the loop and what came with it. */
void
daemon_destroy(struct daemon *d)
{
	notify_free(d->notify);
	accept_pause_free(d->pause);
	if (d->ev_term != NULL)
		event_free(d->ev_term);
	if (d->ev_int != NULL)
		event_free(d->ev_int);
	if (d->ev_hup != NULL)
		event_free(d->ev_hup);
	if (d->base != NULL)
		event_base_free(d->base);
	memset(d, 0, sizeof(*d));
}
