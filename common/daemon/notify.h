/* SPDX-License-Identifier: ISC */
/*
 * notify.h: telling systemd about the daemon (sd_notify): READY=1 once the
 * sockets listen, STATUS= lines for `systemctl status`, WATCHDOG=1 pings
 * from the event loop, STOPPING=1 at exit; and sockets passed by socket
 * activation (sd_listen_fds).  Built without libsystemd (WITH_SYSTEMD
 * undefined), every call does nothing and no sockets are ever passed.
 */
#ifndef CAMPIPE_NOTIFY_H
#define CAMPIPE_NOTIFY_H

#include <stddef.h>

struct event_base;
struct notify;

/* Fills buf with the current one-line status, e.g. "streaming 30 fps". */
typedef void	(*notify_status_cb)(char *buf, size_t len, void *arg);

#define NOTIFY_STATUS_INTERVAL	2	/* seconds between status refreshes */

/*
 * Sends READY=1, then from the loop: WATCHDOG=1 at half the interval
 * systemd asks for (WatchdogSec=), and STATUS= from cb (if not NULL) every
 * NOTIFY_STATUS_INTERVAL seconds when it changed.  Call once the sockets
 * listen.  Returns NULL and fills cause on error.
 */
struct notify	*notify_new(struct event_base *base, notify_status_cb cb,
		    void *arg, char *cause, size_t causelen);
/* Sends STOPPING=1 and stops the timers. */
void		 notify_free(struct notify *n);

/* READY=1. */
void		 notify_ready(void);
/* STATUS=..., one line. */
void		 notify_status(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/* STOPPING=1. */
void		 notify_stopping(void);

/*
 * Sockets passed by systemd socket activation: stores up to max
 * descriptors in fds, made non-blocking and close-on-exec, and returns how
 * many (0 when none were passed).  Returns -1 and fills cause if more than
 * max were passed or one is not a listening stream socket.
 */
int		 notify_listen_fds(int *fds, int max, char *cause,
		    size_t causelen);

#endif
