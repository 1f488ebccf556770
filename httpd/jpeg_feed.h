/* SPDX-License-Identifier: ISC */
/*
 * jpeg_feed.h: httpd's subscription to capd, held only while someone needs
 * frames (stream clients, waiting stills), plus what /api/status reports
 * about it: state, measured fps, frame size from the JPEG's SOF.
 */
#ifndef HTTPD_JPEG_FEED_H
#define HTTPD_JPEG_FEED_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct frame;
struct jpeg_feed;

/* Receives each frame; takes its own reference to keep it. */
typedef void	(*jpeg_feed_frame_cb)(struct frame *f, void *arg);
/* Told when capd cannot be reached; reason is a short text. */
typedef void	(*jpeg_feed_fail_cb)(const char *reason, void *arg);

/* What /api/status and /metrics show. */
struct jpeg_feed_info {
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

struct jpeg_feed	*jpeg_feed_new(struct event_base *base, const char *path,
		    size_t max_frame, jpeg_feed_frame_cb fcb, jpeg_feed_fail_cb failcb,
		    void *arg);
void		 jpeg_feed_free(struct jpeg_feed *fd);
/* The viewers capd is told of (docs/frames.md): cb(arg) when set, else
 * the users. */
void		 jpeg_feed_set_viewers(struct jpeg_feed *fd, long (*cb)(void *),
		    void *arg);
/* One more user needs frames: subscribes on the first. */
void		 jpeg_feed_want(struct jpeg_feed *fd);
/* One user less: unsubscribes shortly after the last leaves. */
void		 jpeg_feed_unwant(struct jpeg_feed *fd);
/* True while subscribed but capd cannot be reached. */
int		 jpeg_feed_unreachable(const struct jpeg_feed *fd);
/* The latest frame if frames are flowing right now, else NULL. */
struct frame	*jpeg_feed_fresh(const struct jpeg_feed *fd);
/* Fills info. */
void		 jpeg_feed_info(const struct jpeg_feed *fd, struct jpeg_feed_info *info);

#endif
