/* SPDX-License-Identifier: ISC */
/*
 * camera.h: one camera as wsd relays it: its link to capd (held only while
 * someone watches it), its H.264 feed (one subscription and one fMP4 muxer
 * for all its H.264 viewers), its viewers, its share of the clients
 * (--max-camera-clients) and the base64 form of its latest frame.  A
 * camera knows its viewers by their callbacks only: frames go down to
 * them, nothing calls back up.
 */
#ifndef CAMPIPE_CAMERA_H
#define CAMPIPE_CAMERA_H

#include <sys/queue.h>
#include <stddef.h>

#include <jansson.h>

#include "camname.h"

struct event;
struct event_base;
struct frame;
struct frame_sub;
struct h264_feed;

/* One viewer of a camera, JPEG or H.264, as the camera sees it. */
struct camera_viewer {
	TAILQ_ENTRY(camera_viewer) entry;
	int		 h264;		/* on the H.264 feed, not JPEG */
	/* A new JPEG frame (JPEG viewers). */
	void		(*on_frame)(struct frame *f, void *arg);
	/*
	 * The next access unit's fragment; init: the init segment, new with
	 * this unit when newinit (after a break, other parameters).
	 */
	void		(*on_unit)(struct frame *frag, int idr, int newinit,
			    struct frame *init, void *arg);
	/* No more frames will come: reason, for the close frame. */
	void		(*on_end)(const char *reason, void *arg);
	void		*arg;
};
TAILQ_HEAD(camera_viewers, camera_viewer);

struct camera {
	char			 name[CAMNAME_MAX + 1];
	const char		*path;		/* capd's frame socket */
	const char		*h264;		/* its H.264 socket, or NULL */
	struct frame_sub	*sub;
	struct event		*ev_unsub;	/* stops the link, nobody left */
	struct camera_viewers	 viewers;	/* JPEG */
	struct h264_feed	*h264feed;	/* one for all H.264 viewers */
	struct camera_viewers	 h264_viewers;
	size_t			 nviewers;	/* JPEG */
	size_t			 nh264;		/* H.264 */
	size_t			 max_viewers;	/* of both */
	struct frame		*b64_src;	/* frame last in base64 */
	struct frame		*b64;		/* its base64 text */
	unsigned long long	 base64_encoded;
};

/* Creates a camera, not linked yet; NULL when out of memory. */
struct camera	*camera_new(struct event_base *base, const char *name,
		    const char *path, const char *h264, size_t max_frame,
		    size_t max_viewers);
void		 camera_free(struct camera *cam);
/* True when the camera has --max-camera-clients viewers. */
int		 camera_full(const struct camera *cam);
/*
 * A viewer's WebSocket opened (the camera is not full): on the JPEG list,
 * the first starting the link, or with v->h264 on the H.264 feed.  0, or
 * -1 with cause (no H.264 stream).
 */
int		 camera_join(struct camera *cam, struct camera_viewer *v,
		    char *cause, size_t causelen);
/* A viewer leaves; after the last the link stops (from the loop). */
void		 camera_leave(struct camera *cam, struct camera_viewer *v);
/* The latest frame while capd streams, or NULL. */
struct frame	*camera_latest(const struct camera *cam);
/* The frame's JPEG as base64 text, encoded once per frame; NULL on ENOMEM. */
struct frame	*camera_base64(struct camera *cam, struct frame *f);
/* True while viewers are linked but capd cannot be reached. */
int		 camera_offline(const struct camera *cam);
/* The state of the link: a frame_sub state name. */
const char	*camera_state(const struct camera *cam);
/* The camera's /status object (docs/wsd.md), or NULL when out of memory. */
json_t		*camera_status(const struct camera *cam);

#endif
