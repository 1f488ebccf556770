/* SPDX-License-Identifier: ISC */
/*
 * h264_ws.c: H.264 viewers over WebSocket.  Reads from capd wait while the
 * viewer's output holds more than H264_WS_HIGH bytes, so a slow viewer
 * makes capd skip to the next IDR for it, never wsd buffer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "camera.h"
#include "client.h"
#include "fmp4.h"
#include "h264_ws.h"
#include "log.h"
#include "relay.h"
#include "unixsock.h"
#include "ws_codec.h"

#define H264_WS_HIGH	(512 * 1024)	/* output that pauses reading */
#define H264_WS_AU_MAX	(4 << 20)	/* an access unit, at most */

struct h264_ws {
	struct client		*c;
	struct bufferevent	*up;		/* capd's H.264 socket */
	struct fmp4		*mux;
};

/* fmp4_feed's output: one binary message. */
static int
h264_ws_send(const unsigned char *p, size_t len, void *arg)
{
	struct client	*c = arg;
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	unsigned char	 hdr[WS_CODEC_HEADER_MAX];
	size_t		 n;

	n = ws_codec_header(hdr, WS_CODEC_OP_BINARY, len);
	if (evbuffer_add(out, hdr, n) == -1 || evbuffer_add(out, p, len) == -1)
		return (-1);
	c->counts.frames_sent++;
	c->counts.bytes_sent += n + len;
	return (0);
}

/* Ends the WebSocket with a close frame (capd went away, bad input). */
static void
h264_ws_fail(struct client *c, const char *cause)
{
	unsigned char	 buf[WS_CODEC_FRAME_MAX];
	size_t		 n;

	log_info("%s: H.264 stream: %s", c->addr, cause);
	n = ws_codec_close(buf, 1011, "H.264 stream ended");
	client_end_session(c);
	if (evbuffer_add(bufferevent_get_output(c->bev), buf, n) == -1)
		client_linger(c);
}

/* Bytes from capd: whole access units go out as fragments. */
static void
h264_ws_read(struct bufferevent *bev, void *arg)
{
	static struct log_rate	 lr = LOG_RATE_INIT("mp4 failures");
	struct client		*c = arg;
	struct h264_ws		*h = c->h264;
	char			 cause[256];

	if (fmp4_feed(&h->mux, bufferevent_get_input(bev), H264_WS_AU_MAX,
	    h264_ws_send, c, cause, sizeof(cause)) == -1) {
		log_rate_warnx(&lr, "%s: %s", c->addr, cause);
		h264_ws_fail(c, cause);
		return;
	}
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) > H264_WS_HIGH)
		bufferevent_disable(bev, EV_READ);
}

/* capd's socket closed or failed. */
static void
h264_ws_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		h264_ws_fail(arg, what & BEV_EVENT_EOF ? "capd closed" :
		    "capd's socket failed");
}

/* Subscribes to capd's H.264 socket. */
int
h264_ws_open(struct client *c, char *cause, size_t causelen)
{
	struct h264_ws		*h;
	int			 fd;

	if ((fd = unixsock_connect(c->cam->h264)) == -1) {
		snprintf(cause, causelen, "H.264 stream not available");
		log_debug("%s: %s: %s", __func__, c->cam->h264,
		    strerror(errno));
		return (-1);
	}
	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (h->up = bufferevent_socket_new(relay_base(c->relay), fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		free(h);
		close(fd);
		snprintf(cause, causelen, "out of memory");
		return (-1);
	}
	h->c = c;
	c->h264 = h;
	bufferevent_setcb(h->up, h264_ws_read, NULL, h264_ws_event, c);
	bufferevent_setwatermark(h->up, EV_READ, 0, H264_WS_AU_MAX + 1);
	bufferevent_enable(h->up, EV_READ);
	return (0);
}

/* The viewer took what was queued. */
void
h264_ws_drained(struct client *c)
{
	if (c->h264 == NULL || c->state != CLIENT_OPEN)
		return;
	bufferevent_enable(c->h264->up, EV_READ);
	if (evbuffer_get_length(bufferevent_get_input(c->h264->up)) > 0)
		h264_ws_read(c->h264->up, c);
}

/* Ends the subscription. */
void
h264_ws_close(struct client *c)
{
	struct h264_ws	*h = c->h264;

	if (h == NULL)
		return;
	c->h264 = NULL;
	bufferevent_free(h->up);
	fmp4_free(h->mux);
	free(h);
}
