/* SPDX-License-Identifier: ISC */
/*
 * camera.c: one camera in wsd.  Its frames go to its own viewers only, so
 * a camera that stalls or fails touches no other.
 */
#include <sys/queue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include <openssl/evp.h>

#include "camera.h"
#include "camjson.h"
#include "frame.h"
#include "frame_sub.h"
#include "h264_feed.h"
#include "log.h"

/* A frame from capd: offered to this camera's viewers. */
static void
camera_frame(struct frame *f, void *arg)
{
	struct camera		*cam = arg;
	struct camera_viewer	*v, *next;

	for (v = TAILQ_FIRST(&cam->viewers); v != NULL; v = next) {
		next = TAILQ_NEXT(v, entry);
		v->on_frame(f, v->arg);
	}
}

/* Tells every viewer on list that its stream ended, for reason. */
static void
camera_end(struct camera_viewers *list, const char *reason)
{
	struct camera_viewer	*v, *next;

	for (v = TAILQ_FIRST(list); v != NULL; v = next) {
		next = TAILQ_NEXT(v, entry);
		v->on_end(reason, v->arg);
	}
}

/* An access unit of the camera: its fragment to every H.264 viewer. */
static void
camera_h264_unit(const struct h264_unit *u, void *arg)
{
	struct camera		*cam = arg;
	struct camera_viewer	*v, *next;

	for (v = TAILQ_FIRST(&cam->h264_viewers); v != NULL; v = next) {
		next = TAILQ_NEXT(v, entry);
		v->on_unit(u->frag, u->idr, u->newinit,
		    h264_feed_init(cam->h264feed),
		    v->arg);
	}
}

/* The camera's H.264 stream broke: viewers wait for it to go on. */
static void
camera_h264_end(const char *cause, void *arg)
{
	static struct log_rate	 lr = LOG_RATE_INIT("H.264 stream breaks");
	struct camera		*cam = arg;

	if (cam->nh264 > 0)
		log_rate_info(&lr, "camera %s: H.264 stream ended (%s): %zu "
		    "viewers wait for it", cam->name, cause, cam->nh264);
}

/* The link to capd changed state. */
static void
camera_sub_state(enum frame_sub_state st, const char *cause, void *arg)
{
	static struct log_rate	 lr = LOG_RATE_INIT("capd link changes");
	struct camera		*cam = arg;

	/* No JPEG to come: viewers are told why (docs/wsd.md). */
	if (cause != NULL && strncmp(cause, "capd refused: ", 14) == 0)
		camera_end(&cam->viewers, cause + 14);
	if (cause != NULL && cause[0] != '\0')
		log_debug("camera %s: capd link %s: %s", cam->name,
		    frame_sub_state_name(st), cause);
	else
		/* Viewers coming and going move it: outsiders' doing. */
		log_rate_info(&lr, "camera %s: capd link %s", cam->name,
		    frame_sub_state_name(st));
}

/* The viewers told to capd: this camera's open WebSockets. */
static long
camera_viewers(void *arg)
{
	return ((long)((struct camera *)arg)->nviewers);
}

/* Nobody watches: lets capd stop the camera and forgets the base64 cache. */
static void
camera_unsubscribe(evutil_socket_t fd, short what, void *arg)
{
	struct camera	*cam = arg;

	if (cam->nviewers > 0)
		return;
	frame_sub_stop(cam->sub);
	frame_unref(cam->b64);
	frame_unref(cam->b64_src);
	cam->b64 = cam->b64_src = NULL;
}

/* Creates a camera. */
struct camera *
camera_new(struct event_base *base, const char *name, const char *path,
    const char *h264, size_t max_frame, size_t max_viewers)
{
	struct camera	*cam;

	if ((cam = calloc(1, sizeof(*cam))) == NULL)
		return (NULL);
	snprintf(cam->name, sizeof(cam->name), "%s", name);
	cam->path = path;
	cam->h264 = h264;
	cam->max_viewers = max_viewers;
	TAILQ_INIT(&cam->viewers);
	TAILQ_INIT(&cam->h264_viewers);
	cam->sub = frame_sub_new(base, path, max_frame, camera_frame,
	    camera_sub_state, cam);
	cam->ev_unsub = evtimer_new(base, camera_unsubscribe, cam);
	if (h264 != NULL)
		cam->h264feed = h264_feed_new(base, h264, camera_h264_unit,
		    camera_h264_end, cam);
	if (cam->h264feed != NULL)
		h264_feed_set_name(cam->h264feed, "wsd");
	if (cam->sub == NULL || cam->ev_unsub == NULL ||
	    (h264 != NULL && cam->h264feed == NULL)) {
		camera_free(cam);
		return (NULL);
	}
	frame_sub_set_name(cam->sub, "wsd");
	frame_sub_set_viewers_cb(cam->sub, camera_viewers, cam);
	return (cam);
}

/* Frees; its viewers are gone already. */
void
camera_free(struct camera *cam)
{
	if (cam == NULL)
		return;
	if (cam->sub != NULL)
		frame_sub_free(cam->sub);
	if (cam->ev_unsub != NULL)
		event_free(cam->ev_unsub);
	h264_feed_free(cam->h264feed);
	frame_unref(cam->b64);
	frame_unref(cam->b64_src);
	free(cam);
}

/* True when the camera has all the viewers it may. */
int
camera_full(const struct camera *cam)
{
	return (cam->nviewers + cam->nh264 >= cam->max_viewers);
}

/* Counts a viewer in: the first JPEG one starts the link. */
int
camera_join(struct camera *cam, struct camera_viewer *v, char *cause,
    size_t causelen)
{
	char	 why[256];

	if (v->h264) {
		if (cam->h264feed == NULL ||
		    h264_feed_want(cam->h264feed, why, sizeof(why)) == -1) {
			snprintf(cause, causelen, "H.264 stream not available");
			return (-1);
		}
		TAILQ_INSERT_TAIL(&cam->h264_viewers, v, entry);
		cam->nh264++;
		return (0);
	}
	TAILQ_INSERT_TAIL(&cam->viewers, v, entry);
	if (cam->nviewers++ == 0) {
		evtimer_del(cam->ev_unsub);
		frame_sub_start(cam->sub);
	}
	return (0);
}

/*
 * A viewer leaves.  After the last JPEG one the link is stopped from the
 * loop, FRAME_SUB_LINGER_MS later, never here: a viewer may leave inside
 * the link's own frame callback.
 */
void
camera_leave(struct camera *cam, struct camera_viewer *v)
{
	struct timeval	 linger = { 0, FRAME_SUB_LINGER_MS * 1000 };

	if (v->h264) {
		TAILQ_REMOVE(&cam->h264_viewers, v, entry);
		if (cam->nh264 > 0)
			cam->nh264--;
		h264_feed_unwant(cam->h264feed);
		return;
	}
	TAILQ_REMOVE(&cam->viewers, v, entry);
	if (cam->nviewers == 0 || --cam->nviewers > 0)
		return;
	evtimer_add(cam->ev_unsub, &linger);
}

/* The latest frame, while frames are arriving. */
struct frame *
camera_latest(const struct camera *cam)
{
	if (frame_sub_state(cam->sub) != FRAME_SUB_STREAMING)
		return (NULL);
	return (frame_sub_latest(cam->sub));
}

/*
 * The frame's JPEG in base64, as a frame of its own whose "JPEG" bytes are
 * the text, so that viewers share it by reference like any frame.
 */
struct frame *
camera_base64(struct camera *cam, struct frame *f)
{
	unsigned char	*buf;
	size_t		 len;
	struct frame	*b;

	if (cam->b64_src == f)
		return (cam->b64);
	len = 4 * ((f->jpeg_len + 2) / 3);
	if ((buf = malloc(len + 1)) == NULL)
		return (NULL);
	EVP_EncodeBlock(buf, f->buf + f->jpeg_off, f->jpeg_len);
	if ((b = frame_adopt(buf, len, 0, len, f->seq, &f->ts)) == NULL) {
		free(buf);
		return (NULL);
	}
	cam->base64_encoded++;
	frame_unref(cam->b64);
	frame_unref(cam->b64_src);
	cam->b64 = b;
	cam->b64_src = frame_ref(f);
	return (b);
}

/* True while linked but capd cannot be reached (retrying). */
int
camera_offline(const struct camera *cam)
{
	return (frame_sub_state(cam->sub) == FRAME_SUB_CONNECTING &&
	    *frame_sub_cause(cam->sub) != '\0');
}

/* The link's state name. */
const char *
camera_state(const struct camera *cam)
{
	return (frame_sub_state_name(frame_sub_state(cam->sub)));
}

/* The camera's /status object: its counters and its routes (camjson.h). */
json_t *
camera_status(const struct camera *cam)
{
	struct frame	*f = frame_sub_latest(cam->sub);
	json_t		*o;

	o = json_pack("{s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "name", cam->name, "state", camera_state(cam),
	    "offline", camera_offline(cam),
	    "clients", (json_int_t)(cam->nviewers + cam->nh264),
	    "h264_clients", (json_int_t)cam->nh264,
	    "max_clients", (json_int_t)cam->max_viewers,
	    "frames", (json_int_t)frame_sub_frames(cam->sub),
	    "reconnects", (json_int_t)frame_sub_reconnects(cam->sub),
	    "last_seq", (json_int_t)(f != NULL ? f->seq : 0));
	if (o == NULL ||
	    camjson_routes(o, cam->name, cam->h264 != NULL) == -1) {
		json_decref(o);
		return (NULL);
	}
	return (o);
}
