/* SPDX-License-Identifier: ISC */
/*
 * jpeg_feed.c: httpd's subscription to capd.  Subscribes on the first user,
 * unsubscribes FRAME_SUB_LINGER_MS after the last one so capd can idle the
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

#include "jpeg_feed.h"
#include "jpeg_size.h"

#define JPEG_FEED_RING	32	/* arrival times kept for the fps figure */
#define JPEG_FEED_FPS_WINDOW	2.0	/* seconds of arrivals the fps covers */
#define JPEG_FEED_STALL	5.0	/* seconds without frames that is an error */

struct jpeg_feed {
	const char		*path;		/* for the log */
	struct frame_sub	*sub;
	struct event		*linger;
	jpeg_feed_frame_cb		 fcb;
	jpeg_feed_fail_cb		 failcb;
	void			*arg;
	long			(*viewers)(void *);	/* told to capd */
	void			*viewers_arg;
	int			 wants;
	int			 fresh;		/* latest came on this connection */
	int			 unreachable;
	double			 since;		/* state entered, monotonic */
	double			 ring[JPEG_FEED_RING];
	unsigned		 nring;
	double			 last;		/* latest arrival, 0: none */
	int			 width, height;
	uint64_t		 frames, seq, outages, subscriptions;
	char			 cause[256];
};

/* Takes in one frame from capd: measures it and passes it on. */
static void
jpeg_feed_on_frame(struct frame *f, void *arg)
{
	struct jpeg_feed	*fd = arg;
	int		 w, h;

	fd->last = mono_sec();
	fd->ring[fd->nring++ % JPEG_FEED_RING] = fd->last;
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
jpeg_feed_unreachable(const struct jpeg_feed *fd)
{
	return (frame_sub_state(fd->sub) == FRAME_SUB_CONNECTING &&
	    *frame_sub_cause(fd->sub) != '\0');
}

/* Notes capd becoming unreachable or reachable again; tells the owner. */
static void
jpeg_feed_check(struct jpeg_feed *fd)
{
	const char	*cause = frame_sub_cause(fd->sub);

	if (*cause != '\0')
		snprintf(fd->cause, sizeof(fd->cause), "%s", cause);
	if (jpeg_feed_unreachable(fd)) {
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
jpeg_feed_on_state(enum frame_sub_state st, const char *cause, void *arg)
{
	struct jpeg_feed	*fd = arg;

	log_debug("%s: %s%s%s", __func__, frame_sub_state_name(st),
	    *cause ? ": " : "", cause);
	fd->since = mono_sec();
	if (st != FRAME_SUB_STREAMING)
		fd->fresh = 0;
	if (st != FRAME_SUB_STOPPED)
		jpeg_feed_check(fd);
}

/* Unsubscribes once the linger delay passed with nobody wanting frames. */
static void
jpeg_feed_on_linger(evutil_socket_t s, short ev, void *arg)
{
	struct jpeg_feed	*fd = arg;

	if (fd->wants > 0)
		return;
	log_debug("%s: nobody needs frames, unsubscribing", __func__);
	frame_sub_stop(fd->sub);
	fd->fresh = 0;
	fd->unreachable = 0;
	fd->since = mono_sec();
}

/* The viewers told to capd: the owner's count, else every user. */
static long
jpeg_feed_viewers(void *arg)
{
	struct jpeg_feed	*fd = arg;

	if (fd->viewers != NULL)
		return (fd->viewers(fd->viewers_arg));
	return (fd->wants);
}

/* Who says how many people this subscription serves. */
void
jpeg_feed_set_viewers(struct jpeg_feed *fd, long (*cb)(void *), void *arg)
{
	fd->viewers = cb;
	fd->viewers_arg = arg;
}

/* Creates a feed for the socket at path; not subscribed yet. */
struct jpeg_feed *
jpeg_feed_new(struct event_base *base, const char *path, size_t max_frame,
    jpeg_feed_frame_cb fcb, jpeg_feed_fail_cb failcb, void *arg)
{
	struct jpeg_feed	*fd;

	if ((fd = calloc(1, sizeof(*fd))) == NULL)
		return (NULL);
	fd->path = path;
	fd->fcb = fcb;
	fd->failcb = failcb;
	fd->arg = arg;
	fd->since = mono_sec();
	fd->sub = frame_sub_new(base, path, max_frame, jpeg_feed_on_frame,
	    jpeg_feed_on_state, fd);
	fd->linger = evtimer_new(base, jpeg_feed_on_linger, fd);
	if (fd->sub != NULL) {
		frame_sub_set_name(fd->sub, "httpd");
		frame_sub_set_viewers_cb(fd->sub, jpeg_feed_viewers, fd);
	}
	if (fd->sub == NULL || fd->linger == NULL) {
		jpeg_feed_free(fd);
		return (NULL);
	}
	return (fd);
}

/* Unsubscribes and frees. */
void
jpeg_feed_free(struct jpeg_feed *fd)
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
jpeg_feed_want(struct jpeg_feed *fd)
{
	if (fd->wants++ > 0)
		return;
	evtimer_del(fd->linger);
	if (frame_sub_state(fd->sub) == FRAME_SUB_STOPPED) {
		log_debug("%s: subscribing", __func__);
		fd->subscriptions++;
		fd->since = mono_sec();
		frame_sub_start(fd->sub);
		jpeg_feed_check(fd);
	}
}

/* Counts one user less; unsubscribes after the linger delay. */
void
jpeg_feed_unwant(struct jpeg_feed *fd)
{
	struct timeval	 tv = { 0, FRAME_SUB_LINGER_MS * 1000 };

	if (fd->wants <= 0 || --fd->wants > 0)
		return;
	evtimer_add(fd->linger, &tv);
}

/* The latest frame while frames flow on the current connection. */
struct frame *
jpeg_feed_fresh(const struct jpeg_feed *fd)
{
	if (!fd->fresh || frame_sub_state(fd->sub) != FRAME_SUB_STREAMING)
		return (NULL);
	if (mono_sec() - fd->last > JPEG_FEED_STALL)
		return (NULL);
	return (frame_sub_latest(fd->sub));
}

/* Frames per second over the last JPEG_FEED_FPS_WINDOW seconds. */
static double
jpeg_feed_fps(const struct jpeg_feed *fd, double now)
{
	double		 first = 0;
	unsigned	 i, n = 0, have;

	if (fd->last == 0 || now - fd->last > JPEG_FEED_FPS_WINDOW)
		return (0);
	have = fd->nring < JPEG_FEED_RING ? fd->nring : JPEG_FEED_RING;
	for (i = 0; i < have; i++) {
		double	t = fd->ring[(fd->nring - 1 - i) % JPEG_FEED_RING];

		if (now - t > JPEG_FEED_FPS_WINDOW)
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
jpeg_feed_info(const struct jpeg_feed *fd, struct jpeg_feed_info *info)
{
	enum frame_sub_state	 st = frame_sub_state(fd->sub);
	double			 now = mono_sec();

	memset(info, 0, sizeof(*info));
	info->subscribed = st != FRAME_SUB_STOPPED;
	if (st == FRAME_SUB_STOPPED)
		info->state = "idle";
	else if (jpeg_feed_unreachable(fd))
		info->state = "capd unreachable";
	else if (st == FRAME_SUB_STREAMING && now - fd->last <= JPEG_FEED_STALL)
		info->state = "streaming";
	else if (st == FRAME_SUB_STREAMING || now - fd->since > JPEG_FEED_STALL)
		info->state = "error";
	else
		info->state = "starting";
	info->cause = fd->cause;
	info->width = fd->width;
	info->height = fd->height;
	info->fps = jpeg_feed_fps(fd, now);
	info->age = fd->last == 0 ? -1 : now - fd->last;
	info->frames = fd->frames;
	info->seq = fd->seq;
	info->reconnects = frame_sub_reconnects(fd->sub);
	info->outages = fd->outages;
	info->subscriptions = fd->subscriptions;
}
