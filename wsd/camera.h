/* SPDX-License-Identifier: ISC */
/*
 * camera.h: one camera as wsd relays it: its link to capd (held only while
 * someone watches it), its viewers, its share of the clients
 * (--max-camera-clients) and the base64 form of its latest frame.
 */
#ifndef CAMPIPE_CAMERA_H
#define CAMPIPE_CAMERA_H

#include <stddef.h>

#include "camname.h"
#include "client.h"

struct event;
struct event_base;
struct evbuffer;
struct frame;
struct frame_sub;
struct h264_feed;

struct camera {
	char			 name[CAMNAME_MAX + 1];
	const char		*path;		/* capd's frame socket */
	const char		*h264;		/* its H.264 socket, or NULL */
	struct frame_sub	*sub;
	struct event		*ev_unsub;	/* stops the link, nobody left */
	TAILQ_HEAD(, client)	 viewers;	/* by client.cam_entry */
	struct h264_feed	*h264feed;	/* one for all H.264 viewers */
	TAILQ_HEAD(, client)	 h264_viewers;	/* by client.cam_entry */
	size_t			 nviewers;	/* JPEG */
	size_t			 nh264;		/* H.264 (h264_ws.c) */
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
/* A JPEG viewer's WebSocket opened (the camera is not full); the first
 * starts the link.  H.264 viewers are counted in nh264 only. */
void		 camera_join(struct camera *cam, struct client *c);
/* A viewer leaves; after the last the link stops (from the loop). */
void		 camera_leave(struct camera *cam, struct client *c);
/* The latest frame while capd streams, or NULL. */
struct frame	*camera_latest(const struct camera *cam);
/* The frame's JPEG as base64 text, encoded once per frame; NULL on ENOMEM. */
struct frame	*camera_base64(struct camera *cam, struct frame *f);
/* True while viewers are linked but capd cannot be reached. */
int		 camera_offline(const struct camera *cam);
/* The state of the link: a frame_sub state name. */
const char	*camera_state(const struct camera *cam);
/* Appends the camera's /status object. */
void		 camera_status(const struct camera *cam, struct evbuffer *out);

#endif
