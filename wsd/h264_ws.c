/* SPDX-License-Identifier: ISC */
/*
 * h264_ws.c: H.264 viewers over WebSocket.  One subscription to capd's
 * H.264 socket per camera (common/h264_feed.c), muxed into fMP4 once; each
 * fragment goes to every viewer by reference, one binary message each,
 * after the init segment, whole units in order (session.c, fanout.c).
 */
#include <stdio.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "camera.h"
#include "client.h"
#include "h264_feed.h"
#include "h264_ws.h"
#include "log.h"
#include "ws_codec.h"

/* Ends the WebSocket with a close frame (capd went away, bad input). */
static void
h264_ws_fail(struct client *c, const char *cause)
{
	unsigned char	 buf[WS_CODEC_FRAME_MAX];
	size_t		 n;

	log_debug("%s: H.264 stream: %s", c->addr, cause);
	n = ws_codec_close(buf, 1011, "H.264 stream ended");
	client_end_session(c);
	if (evbuffer_add(bufferevent_get_output(c->bev), buf, n) == -1)
		client_linger(c);
}

/* An access unit of the camera: its fragment to every H.264 viewer. */
void
h264_ws_on_unit(const struct h264_unit *u, void *arg)
{
	struct camera	*cam = arg;
	struct client	*c, *next;

	for (c = TAILQ_FIRST(&cam->h264_viewers); c != NULL; c = next) {
		next = TAILQ_NEXT(c, cam_entry);
		session_unit(c, u->frag, u->idr,
		    h264_feed_init(cam->h264feed));
	}
}

/* The camera's H.264 stream ended: so does every H.264 viewer's. */
void
h264_ws_on_end(const char *cause, void *arg)
{
	struct camera	*cam = arg;
	struct client	*c, *next;

	log_info("camera %s: H.264 stream ended: %s", cam->name, cause);
	for (c = TAILQ_FIRST(&cam->h264_viewers); c != NULL; c = next) {
		next = TAILQ_NEXT(c, cam_entry);
		h264_ws_fail(c, cause);
	}
}

/* Joins the client to its camera's H.264 feed. */
int
h264_ws_open(struct client *c, char *cause, size_t causelen)
{
	char	 why[256];

	if (c->cam->h264feed == NULL ||
	    h264_feed_want(c->cam->h264feed, why, sizeof(why)) == -1) {
		snprintf(cause, causelen, "H.264 stream not available");
		return (-1);
	}
	TAILQ_INSERT_TAIL(&c->cam->h264_viewers, c, cam_entry);
	c->h264 = 1;
	return (0);
}

/* Leaves the feed. */
void
h264_ws_close(struct client *c)
{
	if (!c->h264)
		return;
	c->h264 = 0;
	TAILQ_REMOVE(&c->cam->h264_viewers, c, cam_entry);
	h264_feed_unwant(c->cam->h264feed);
}
