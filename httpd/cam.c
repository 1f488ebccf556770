/* SPDX-License-Identifier: ISC */
/*
 * cam.c: one camera in httpd.  Its frames go to its own listeners only
 * (its waiting stills and stream clients); a camera whose capd fails or
 * stalls touches no other.
 */
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "frame.h"

#include "cam.h"
#include "jpeg_feed.h"
#include "mjpeg.h"
#include "reply.h"
#include "stills.h"
#include "web.h"

/* A frame from this camera's capd: to each listener in turn. */
static void
cam_on_frame(struct frame *f, void *arg)
{
	struct cam	*c = arg;
	int		 i;

	c->refusal[0] = '\0';
	for (i = 0; i < c->nlisteners; i++)
		c->listeners[i].on_frame(f, c->listeners[i].arg);
}

/* Tells l of every frame and failure. */
int
cam_listen(struct cam *c, const struct cam_listener *l)
{
	if (c->nlisteners == CAM_LISTENERS)
		return (-1);
	c->listeners[c->nlisteners++] = *l;
	return (0);
}

/*
 * Why frames do not come, for a client: capd's own refusal (a camera that
 * gives H.264 only, docs/frames.md) as it said it, else unreachable.
 */
void
cam_fail_text(const char *cause, char *buf, size_t len)
{
	if (strncmp(cause, "capd refused: ", 14) == 0)
		snprintf(buf, len, "%s", cause + 14);
	else
		snprintf(buf, len, "capd unreachable (%s)", cause);
}

/* capd cannot be reached: remembers its socket, tells the listeners. */
static void
cam_on_fail(const char *cause, void *arg)
{
	struct cam	*c = arg;
	struct stat	 st;
	char		 msg[300];
	int		 i, refused;

	c->dead = stat(c->path, &st) == 0;
	if (c->dead) {
		c->dead_dev = st.st_dev;
		c->dead_ino = st.st_ino;
		c->dead_ctime = st.st_ctim;
	}
	cam_fail_text(cause, msg, sizeof(msg));
	/* No JPEG to come: streams end, new ones get 503 and why. */
	if ((refused = strncmp(cause, "capd refused: ", 14) == 0))
		snprintf(c->refusal, sizeof(c->refusal), "%s", msg);
	for (i = 0; i < c->nlisteners; i++)
		if (c->listeners[i].on_fail != NULL)
			c->listeners[i].on_fail(msg, refused,
			    c->listeners[i].arg);
}

/* The people its JPEG serves, told to capd: MJPEG streams and watchers
 * of its stills. */
static long
cam_viewers(void *arg)
{
	struct cam	*c = arg;

	return ((c->mjpeg != NULL ? mjpeg_clients(c->mjpeg) : 0) +
	    stills_watchers(c->stills));
}

/* Creates a camera. */
struct cam *
cam_new(struct web *w, const char *name, const char *path,
    const char *h264path)
{
	struct cam	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return (NULL);
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->path = path;
	c->h264path = h264path;
	c->w = w;
	c->admit.max = w->conf->max_camera_clients;
	c->feed = jpeg_feed_new(w->base, path, w->conf->max_frame, cam_on_frame,
	    cam_on_fail, c);
	if (c->feed == NULL) {
		cam_free(c);
		return (NULL);
	}
	jpeg_feed_set_viewers(c->feed, cam_viewers, c);
	return (c);
}

/* Frees. */
void
cam_free(struct cam *c)
{
	if (c == NULL)
		return;
	jpeg_feed_free(c->feed);
	free(c);
}

/* Admits one client to the daemon's and the camera's limits. */
int
cam_admit(struct cam *c, struct evhttp_request *req)
{
	struct web	*w = c->w;

	if (admit_take(&w->admit) == 0) {
		if (admit_take(&c->admit) == 0)
			return (0);
		admit_put(&w->admit);
	}
	reply_text(req, 503, "Service Unavailable", "too many clients");
	w->stats.refused++;
	return (-1);
}

/* A client left. */
void
cam_release(struct cam *c)
{
	admit_put(&c->admit);
	admit_put(&c->w->admit);
}

/* The camera's state for listings; fills fi. */
const char *
cam_state(struct cam *c, struct jpeg_feed_info *fi)
{
	struct stat	 st;

	jpeg_feed_info(c->feed, fi);
	if (fi->subscribed)
		return (strcmp(fi->state, "capd unreachable") == 0 ?
		    "offline" : fi->state);
	if (stat(c->path, &st) == -1 || !S_ISSOCK(st.st_mode))
		return ("offline");
	if (c->dead && st.st_dev == c->dead_dev && st.st_ino == c->dead_ino &&
	    st.st_ctim.tv_sec == c->dead_ctime.tv_sec &&
	    st.st_ctim.tv_nsec == c->dead_ctime.tv_nsec)
		return ("offline");
	return ("idle");
}
