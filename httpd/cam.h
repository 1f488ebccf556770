/* SPDX-License-Identifier: ISC */
/*
 * cam.h: one camera as httpd serves it: its frame socket, its feed (the
 * subscription, held only while someone watches), the handlers that take
 * its frames (told through callbacks) and its share of --max-clients
 * (--max-camera-clients).
 */
#ifndef HTTPD_CAM_H
#define HTTPD_CAM_H

#include <sys/types.h>
#include <time.h>

#include "admit.h"
#include "camname.h"

struct viewer_set;
struct evhttp_request;
struct jpeg_feed;
struct jpeg_feed_info;
struct frame;
struct h264_http;
struct mjpeg;
struct stills;
struct web;

#define CAM_LISTENERS	4

/* A handler taking the camera's frames. */
struct cam_listener {
	/* A frame from capd; the listener takes its own reference to keep it. */
	void	(*on_frame)(struct frame *f, void *arg);
	/*
	 * capd cannot be reached (msg says why, for a client); refused: capd
	 * gives this camera no JPEG at all.  May be NULL.
	 */
	void	(*on_fail)(const char *msg, int refused, void *arg);
	void	*arg;
};

struct cam {
	char		 name[CAMNAME_MAX + 1];
	const char	*path;		/* capd's frame socket */
	const char	*h264path;	/* capd's H.264 socket, or NULL */
	const char	*h264subpath;	/* its sub-stream's socket, or NULL */
	struct web	*w;
	struct jpeg_feed	*feed;
	struct cam_listener listeners[CAM_LISTENERS];
	int		 nlisteners;
	/* Its handlers, made and freed by the dispatcher. */
	struct stills	*stills;
	struct mjpeg	*mjpeg;
	struct h264_http *h264;		/* its H.264 viewers */
	struct h264_http *h264sub;	/* its sub-stream's viewers */
	struct admit	 admit;		/* --max-camera-clients */
	struct viewer_set *sets[3];	/* its viewers: MJPEG, H.264, sub */
	int		 nsets;
	/* capd's refusal (it gives no JPEG) until a frame comes, or "". */
	char		 refusal[300];
	/* The socket file seen when capd was last unreachable. */
	int		 dead;
	dev_t		 dead_dev;
	ino_t		 dead_ino;
	struct timespec	 dead_ctime;
};

/* Creates a camera; not subscribed.  NULL when out of memory. */
struct cam	*cam_new(struct web *w, const char *name, const char *path,
		    const char *h264path);
/* Frees; its handlers must have been freed before. */
void		 cam_free(struct cam *c);
/* Tells l of every frame and failure from now on: 0, or -1 when full. */
int		 cam_listen(struct cam *c, const struct cam_listener *l);
/* Admits one long-lived client to the daemon and the camera: 0, or -1
 * (answered with 503 and counted as refused). */
int		 cam_admit(struct cam *c, struct evhttp_request *req);
/* Why frames do not come (a feed's cause), in words for a client. */
void		 cam_fail_text(const char *cause, char *buf, size_t len);
/* An admitted client left. */
void		 cam_release(struct cam *c);
/*
 * Fills fi and returns the camera's state for listings: the feed's while
 * subscribed ("capd unreachable" read as "offline"); unwatched, "idle"
 * when capd's socket is there and "offline" when it is missing or is the
 * one found dead.
 */
const char	*cam_state(struct cam *c, struct jpeg_feed_info *fi);

#endif
