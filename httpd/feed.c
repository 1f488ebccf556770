/* SPDX-License-Identifier: ISC */
/*
 * feed.c: httpd's subscription to capd.  Subscribes on the first user,
 * unsubscribes FEED_LINGER_MS after the last one so capd can idle the
 * camera, and measures what arrives for the status page.
 */
#include <sys/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "frame.h"
#include "frame_sub.h"
#include "log.h"
#include "mono.h"

#include "feed.h"
#include "jpeg_size.h"

#define FEED_RING	32	/* arrival times kept for the fps figure */
#define FEED_FPS_WINDOW	2.0	/* seconds of arrivals the fps covers */
#define FEED_STALL	5.0	/* seconds without frames that is an error */
#define FEED_LINGER_MS	1000

struct feed {
	const char		*path;		/* for the log */
	struct frame_sub	*sub;
	struct event		*linger;
	feed_frame_cb		 fcb;
	feed_fail_cb		 failcb;
	void			*arg;
	int			 wants;
	int			 fresh;		/* latest came on this connection */
	int			 unreachable;
	double			 since;		/* state entered, monotonic */
	double			 ring[FEED_RING];
	unsigned		 nring;
	double			 last;		/* latest arrival, 0: none */
	int			 width, height;
	uint64_t		 frames, seq, outages, subscriptions;
	char			 cause[256];
};

/* Takes in one frame from capd: measures it and passes it on. */
static void
feed_on_frame(struct frame *f, void *arg)
{
	struct feed	*fd = arg;
	int		 w, h;

	fd->last = mono_sec();
	fd->ring[fd->nring++ % FEED_RING] = fd->last;
	fd->frames++;
	fd->seq = f->seq;
	fd->fresh = 1;
	if (jpeg_size_parse(f->buf + f->jpeg_off, f->jpeg_len, &w, &h) == 0) {
		fd->width = w;
		fd->height = h;
	}
	fd->fcb(f, fd->arg);
}

/* True while subscribed but capd cannot be reached (retrying). */
int
feed_unreachable(const struct feed *fd)
{
	return (frame_sub_state(fd->sub) == FRAME_SUB_CONNECTING &&
	    *frame_sub_cause(fd->sub) != '\0');
}

/* Notes capd becoming unreachable or reachable again; tells the owner. */
static void
feed_check(struct feed *fd)
{
	const char	*cause = frame_sub_cause(fd->sub);

	if (*cause != '\0')
		snprintf(fd->cause, sizeof(fd->cause), "%s", cause);
	if (feed_unreachable(fd)) {
		if (!fd->unreachable) {
			fd->outages++;
			log_warnx("capd unreachable: %s (%s)", cause,
			    fd->path);
		}
		fd->unreachable = 1;
		fd->failcb(cause, fd->arg);
	} else if (frame_sub_state(fd->sub) != FRAME_SUB_CONNECTING &&
	    strncmp(cause, "capd refused: ", 14) != 0) {
		/* Connected again, unless only to be refused again. */
		if (fd->unreachable)
			log_info("capd reachable again (%s)", fd->path);
		fd->unreachable = 0;
	}
}

/* Follows the subscription's state. */
static void
feed_on_state(enum frame_sub_state st, const char *cause, void *arg)
{
	struct feed	*fd = arg;

	log_debug("%s: %s%s%s", __func__, frame_sub_state_name(st),
	    *cause ? ": " : "", cause);
	fd->since = mono_sec();
	if (st != FRAME_SUB_STREAMING)
		fd->fresh = 0;
	if (st != FRAME_SUB_STOPPED)
		feed_check(fd);
}

/* Unsubscribes once the linger delay passed with nobody wanting frames. */
static void
feed_on_linger(evutil_socket_t s, short ev, void *arg)
{
	struct feed	*fd = arg;

	if (fd->wants > 0)
		return;
	log_debug("%s: nobody needs frames, unsubscribing", __func__);
	frame_sub_stop(fd->sub);
	fd->fresh = 0;
	fd->unreachable = 0;
	fd->since = mono_sec();
}

/* The viewers told to capd: streams and waiting stills. */
static long
feed_viewers(void *arg)
{
	return (((struct feed *)arg)->wants);
}

/* Creates a feed for the socket at path; not subscribed yet. */
struct feed *
feed_new(struct event_base *base, const char *path, size_t max_frame,
    feed_frame_cb fcb, feed_fail_cb failcb, void *arg)
{
	struct feed	*fd;

	if ((fd = calloc(1, sizeof(*fd))) == NULL)
		return (NULL);
	fd->path = path;
	fd->fcb = fcb;
	fd->failcb = failcb;
	fd->arg = arg;
	fd->since = mono_sec();
	fd->sub = frame_sub_new(base, path, max_frame, feed_on_frame,
	    feed_on_state, fd);
	fd->linger = evtimer_new(base, feed_on_linger, fd);
	if (fd->sub != NULL) {
		frame_sub_set_name(fd->sub, "httpd");
		frame_sub_set_viewers_cb(fd->sub, feed_viewers, fd);
	}
	if (fd->sub == NULL || fd->linger == NULL) {
		feed_free(fd);
		return (NULL);
	}
	return (fd);
}

/* Unsubscribes and frees. */
void
feed_free(struct feed *fd)
{
	if (fd == NULL)
		return;
	if (fd->linger != NULL)
		event_free(fd->linger);
	if (fd->sub != NULL)
		frame_sub_free(fd->sub);
	free(fd);
}

/* Counts one more user; subscribes on the first. */
void
feed_want(struct feed *fd)
{
	if (fd->wants++ > 0)
		return;
	evtimer_del(fd->linger);
	if (frame_sub_state(fd->sub) == FRAME_SUB_STOPPED) {
		log_debug("%s: subscribing", __func__);
		fd->subscriptions++;
		fd->since = mono_sec();
		frame_sub_start(fd->sub);
		feed_check(fd);
	}
}

/* Counts one user less; unsubscribes after the linger delay. */
void
feed_unwant(struct feed *fd)
{
	struct timeval	 tv = { 0, FEED_LINGER_MS * 1000 };

	if (fd->wants <= 0 || --fd->wants > 0)
		return;
	evtimer_add(fd->linger, &tv);
}

/* The latest frame while frames flow on the current connection. */
struct frame *
feed_fresh(const struct feed *fd)
{
	if (!fd->fresh || frame_sub_state(fd->sub) != FRAME_SUB_STREAMING)
		return (NULL);
	if (mono_sec() - fd->last > FEED_STALL)
		return (NULL);
	return (frame_sub_latest(fd->sub));
}

/* Frames per second over the last FEED_FPS_WINDOW seconds. */
static double
feed_fps(const struct feed *fd, double now)
{
	double		 first = 0;
	unsigned	 i, n = 0, have;

	if (fd->last == 0 || now - fd->last > FEED_FPS_WINDOW)
		return (0);
	have = fd->nring < FEED_RING ? fd->nring : FEED_RING;
	for (i = 0; i < have; i++) {
		double	t = fd->ring[(fd->nring - 1 - i) % FEED_RING];

		if (now - t > FEED_FPS_WINDOW)
			break;
		first = t;
		n++;
	}
	if (n < 2 || fd->last <= first)
		return (0);
	return ((n - 1) / (fd->last - first));
}

/* Fills info for status pages. */
void
feed_info(const struct feed *fd, struct feed_info *info)
{
	enum frame_sub_state	 st = frame_sub_state(fd->sub);
	double			 now = mono_sec();

	memset(info, 0, sizeof(*info));
	info->subscribed = st != FRAME_SUB_STOPPED;
	if (st == FRAME_SUB_STOPPED)
		info->state = "idle";
	else if (feed_unreachable(fd))
		info->state = "capd unreachable";
	else if (st == FRAME_SUB_STREAMING && now - fd->last <= FEED_STALL)
		info->state = "streaming";
	else if (st == FRAME_SUB_STREAMING || now - fd->since > FEED_STALL)
		info->state = "error";
	else
		info->state = "starting";
	info->cause = fd->cause;
	info->width = fd->width;
	info->height = fd->height;
	info->fps = feed_fps(fd, now);
	info->age = fd->last == 0 ? -1 : now - fd->last;
	info->frames = fd->frames;
	info->seq = fd->seq;
	info->reconnects = frame_sub_reconnects(fd->sub);
	info->outages = fd->outages;
	info->subscriptions = fd->subscriptions;
}
