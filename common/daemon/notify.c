/* SPDX-License-Identifier: ISC */
/* notify.c: the sd_notify protocol and socket activation, if built in. */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#ifdef WITH_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "log.h"
#include "notify.h"

struct notify {
	struct event		*ev_watchdog;
	struct event		*ev_status;
	notify_status_cb	 cb;
	void			*arg;
	char			 last[256];
};

/* Sends one notification; failures only matter to the debug log. */
static void
notify_send(const char *msg)
{
#ifdef WITH_SYSTEMD
	int	 rc;

	if ((rc = sd_notify(0, msg)) < 0)
		log_debug("%s: %s: %s", __func__, msg, strerror(-rc));
#endif
}

/* Tells systemd the daemon is ready. */
void
notify_ready(void)
{
	notify_send("READY=1");
}

/* Tells systemd the daemon is stopping. */
void
notify_stopping(void)
{
	notify_send("STOPPING=1");
}

/* Sets the status line shown by systemctl status. */
void
notify_status(const char *fmt, ...)
{
	char	 buf[320];
	va_list	 ap;
	int	 n;

	n = snprintf(buf, sizeof(buf), "STATUS=");
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	buf[strcspn(buf, "\n")] = '\0';
	notify_send(buf);
}

/* Timer: the loop is alive, tell the watchdog. */
static void
notify_watchdog(evutil_socket_t fd, short what, void *arg)
{
	notify_send("WATCHDOG=1");
}

/* Timer: refreshes the status line if it changed. */
static void
notify_refresh(evutil_socket_t fd, short what, void *arg)
{
	struct notify	*n = arg;
	char		 buf[sizeof(n->last)];

	buf[0] = '\0';
	n->cb(buf, sizeof(buf), n->arg);
	if (strcmp(buf, n->last) == 0)
		return;
	memcpy(n->last, buf, sizeof(buf));
	notify_status("%s", buf);
}

/* Starts a persistent timer; -1 if libevent cannot. */
static int
notify_timer(struct event_base *base, struct event **ev,
    event_callback_fn fn, void *arg, const struct timeval *tv)
{
	*ev = event_new(base, -1, EV_PERSIST, fn, arg);
	if (*ev == NULL || event_add(*ev, tv) == -1)
		return (-1);
	return (0);
}

/* Ready: sends READY=1 and starts the watchdog and status timers. */
struct notify *
notify_new(struct event_base *base, notify_status_cb cb, void *arg,
    char *cause, size_t causelen)
{
	struct notify	*n;
	struct timeval	 tv = { NOTIFY_STATUS_INTERVAL, 0 };
	uint64_t	 usec = 0;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	n->cb = cb;
	n->arg = arg;
#ifdef WITH_SYSTEMD
	if (sd_watchdog_enabled(0, &usec) <= 0)
		usec = 0;
	if (getenv("NOTIFY_SOCKET") == NULL)
		n->cb = NULL;
#else
	n->cb = NULL;
#endif
	if (n->cb != NULL) {
		notify_refresh(-1, 0, n);
		if (notify_timer(base, &n->ev_status, notify_refresh, n,
		    &tv) == -1)
			goto fail;
	}
	if (usec > 0) {
		usec /= 2;
		tv.tv_sec = usec / 1000000;
		tv.tv_usec = usec % 1000000;
		if (notify_timer(base, &n->ev_watchdog, notify_watchdog, n,
		    &tv) == -1)
			goto fail;
		log_debug("%s: watchdog ping every %llu ms", __func__,
		    (unsigned long long)usec / 1000);
	}
	notify_ready();
	return (n);
fail:
	snprintf(cause, causelen, "cannot add notification timers");
	notify_free(n);
	return (NULL);
}

/* Says the daemon is stopping and frees the timers. */
void
notify_free(struct notify *n)
{
	if (n == NULL)
		return;
	notify_stopping();
	if (n->ev_watchdog != NULL)
		event_free(n->ev_watchdog);
	if (n->ev_status != NULL)
		event_free(n->ev_status);
	free(n);
}

/* Sockets from socket activation, checked and made non-blocking. */
int
notify_listen_fds(int *fds, int max, char *cause, size_t causelen)
{
#ifdef WITH_SYSTEMD
	int	 i, n;

	if ((n = sd_listen_fds(1)) < 0) {
		snprintf(cause, causelen, "sd_listen_fds: %s", strerror(-n));
		return (-1);
	}
	if (n > max) {
		snprintf(cause, causelen, "%d sockets passed, at most %d "
		    "expected", n, max);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		fds[i] = SD_LISTEN_FDS_START + i;
		if (sd_is_socket(fds[i], AF_UNSPEC, SOCK_STREAM, 1) <= 0) {
			snprintf(cause, causelen, "passed descriptor %d is not "
			    "a listening stream socket", fds[i]);
			return (-1);
		}
		if (fcntl(fds[i], F_SETFD, FD_CLOEXEC) == -1 ||
		    fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) |
		    O_NONBLOCK) == -1) {
			snprintf(cause, causelen, "fcntl %d: %s", fds[i],
			    strerror(errno));
			return (-1);
		}
	}
	return (n);
#else
	return (0);
#endif
}
