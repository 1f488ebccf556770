/* SPDX-License-Identifier: ISC */
/*
 * feed.h: httpd's subscription to capd, held only while someone needs
 * frames (stream clients, waiting stills), plus what /api/status reports
 * about it: state, measured fps, frame size from the JPEG's SOF.
 */
#ifndef HTTPD_FEED_H
#define HTTPD_FEED_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct frame;
struct feed;

/* Receives each frame; takes its own reference to keep it. */
typedef void	(*feed_frame_cb)(struct frame *f, void *arg);
/* Told when capd cannot be reached; reason is a short text. */
typedef void	(*feed_fail_cb)(const char *reason, void *arg);

/* What /api/status and /metrics show. */
struct feed_info {
	const char	*state;		/* streaming, idle, starting, error,
					   capd unreachable */
	const char	*cause;		/* last failure, "" if none */
	int		 subscribed;
	int		 width, height;	/* of the latest frame, 0 if unknown */
	double		 fps;		/* measured over the last seconds */
	double		 age;		/* seconds since the latest frame, -1 */
	uint64_t	 frames;	/* frames received */
	uint64_t	 seq;		/* sequence number of the latest */
	uint64_t	 reconnects;
	uint64_t	 outages;	/* times capd became unreachable */
	uint64_t	 subscriptions;	/* times httpd subscribed */
};

struct feed	*feed_new(struct event_base *base, const char *path,
		    size_t max_frame, feed_frame_cb fcb, feed_fail_cb failcb,
		    void *arg);
void		 feed_free(struct feed *fd);
/* One more user needs frames: subscribes on the first. */
void		 feed_want(struct feed *fd);
/* One user less: unsubscribes shortly after the last leaves. */
void		 feed_unwant(struct feed *fd);
/* True while subscribed but capd cannot be reached. */
int		 feed_unreachable(const struct feed *fd);
/* The latest frame if frames are flowing right now, else NULL. */
struct frame	*feed_fresh(const struct feed *fd);
/* Fills info. */
void		 feed_info(const struct feed *fd, struct feed_info *info);

#endif
