/* SPDX-License-Identifier: ISC */
/*
 * session.c: a WebSocket session: frames latest-wins, each written straight
 * to the socket (header and payload in one sendmsg, the payload shared by
 * reference), what the socket does not take left to the bufferevent; pings,
 * pongs and the close handshake.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "camera.h"
#include "client.h"
#include "frame.h"
#include "h264_ws.h"
#include "log.h"
#include "mono.h"
#include "connset.h"
#include "sendv.h"
#include "ws_codec.h"
#include "ws_handshake.h"

#define SESSION_CONTROL_MAX	64	/* control frames queued at most */

/* Sends a close frame and ends the session once it is written. */
static void
session_close(struct client *c, uint16_t code, const char *reason)
{
	unsigned char	 buf[WS_CODEC_FRAME_MAX];
	size_t		 n;

	n = ws_codec_close(buf, code, reason);
	client_end_session(c);
	if (evbuffer_add(bufferevent_get_output(c->bev), buf, n) == -1)
		client_linger(c);
}

/* Writes a close frame as the daemon exits, as far as the socket takes it. */
void
session_goodbye(struct client *c, unsigned short code)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);

	if (c->state != CLIENT_OPEN)
		return;
	session_close(c, code, "server going down");
	/* The bufferevent owns the buffer's front: lend it for this write. */
	evbuffer_unfreeze(out, 1);
	evbuffer_write(out, c->fd);
	evbuffer_freeze(out, 1);
}

/* Closes an open session: capd gives no JPEG, for this reason. */
void
session_refuse(struct client *c, const char *reason)
{
	if (c->state == CLIENT_OPEN)
		session_close(c, 1011, reason);
}

/*
 * The viewer's send: header and payload in one write when nothing else is
 * queued; the rest (or the whole frame, behind queued control frames) goes
 * to the output buffer by reference and counts as in flight until it drains.
 */
static int
session_send(struct frame *f, void *arg)
{
	struct client	*c = arg;
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	unsigned char	 hdr[WS_CODEC_HEADER_MAX];
	struct frame	*payload = f;
	struct iovec	 iov[2];
	int		 op = WS_CODEC_OP_BINARY;
	size_t		 n, total;
	ssize_t		 w = 0;

	if (c->params.encoding == WS_HANDSHAKE_BASE64 && !c->h264) {
		if ((payload = camera_base64(c->cam, f)) == NULL)
			return (1);
		op = WS_CODEC_OP_TEXT;
	}
	n = ws_codec_header(hdr, op, payload->jpeg_len);
	iov[0].iov_base = hdr;
	iov[0].iov_len = n;
	iov[1].iov_base = payload->buf + payload->jpeg_off;
	iov[1].iov_len = payload->jpeg_len;
	total = n + payload->jpeg_len;
	c->counts.frames_sent++;
	c->counts.bytes_sent += total;
	if (evbuffer_get_length(out) == 0) {
		sendv_fit(c->fd, total, &c->sndbuf);
		if ((w = sendv_write(c->fd, iov, 2)) == -1) {
			log_debug("%s: %s: %s", __func__, c->addr,
			    strerror(errno));
			return (-1);
		}
		if ((size_t)w == total)
			return (1);
	}
	if (sendv_rest(out, iov, 2, w, payload) == -1) {
		log_warnx("%s: %s: out of memory", __func__, c->addr);
		return (-1);
	}
	return (0);
}

/* Acts on what the fan-out asks for: a timer for the fps cap, or the end. */
static void
session_after(struct client *c, int64_t rc)
{
	struct timeval	 tv;

	if (rc == -1) {
		/* The read side sees the error and frees the client. */
		client_end_session(c);
		client_linger(c);
		return;
	}
	if (rc > 0 && !evtimer_pending(c->ev_rate, NULL)) {
		tv.tv_sec = (time_t)(rc / 1000000000LL);
		tv.tv_usec = (suseconds_t)(rc % 1000000000LL / 1000);
		evtimer_add(c->ev_rate, &tv);
	}
}

/* A new frame from capd: it replaces any pending one (latest wins). */
void
session_frame(struct client *c, struct frame *f)
{
	if (c->state != CLIENT_OPEN)
		return;
	session_after(c, fanout_offer(&c->fan, f, mono_ns()));
}

/* The next H.264 unit: whole units in order, from an IDR on. */
void
session_unit(struct client *c, struct frame *f, int idr, struct frame *init)
{
	if (c->state != CLIENT_OPEN)
		return;
	if (idr && c->fan.sent == 0 && !c->fan.synced)
		fanout_set_head(&c->fan, init);
	session_after(c, fanout_offer_unit(&c->fan, f, idr, mono_ns()));
}

/* The output buffer is empty: the frame in flight has left. */
void
session_drained(struct client *c)
{
	c->controls = 0;
	session_after(c, fanout_drained(&c->fan, mono_ns()));
}

/* The fps cap allows the next frame now. */
static void
session_rate_due(evutil_socket_t fd, short what, void *arg)
{
	struct client	*c = arg;

	if (c->state == CLIENT_OPEN)
		session_after(c, fanout_pump(&c->fan, mono_ns()));
}

/* Pings, dropping a client that did not answer the last one. */
void
session_ping(struct client *c)
{
	const struct connset_conf	*conf = connset_conf(c->relay);
	unsigned char		 buf[WS_CODEC_FRAME_MAX], payload[4];
	size_t			 n;

	if (c->awaiting_pong) {
		log_info("%s: no answer to ping, dropping", c->addr);
		c->counts.dropped = 1;
		client_free(c);
		return;
	}
	c->pings++;
	payload[0] = c->pings >> 24;
	payload[1] = c->pings >> 16;
	payload[2] = c->pings >> 8;
	payload[3] = c->pings;
	n = ws_codec_control(buf, WS_CODEC_OP_PING, payload, sizeof(payload));
	evbuffer_add(bufferevent_get_output(c->bev), buf, n);
	c->awaiting_pong = 1;
	evtimer_add(c->ev_timer, &conf->ping_timeout);
}

/* Queues a control frame, unless the client let too many pile up. */
static void
session_control(struct client *c, int op, const unsigned char *p, size_t len)
{
	unsigned char	 buf[WS_CODEC_FRAME_MAX];
	size_t		 n;

	if (c->controls >= SESSION_CONTROL_MAX)
		return;
	c->controls++;
	n = ws_codec_control(buf, op, p, len);
	evbuffer_add(bufferevent_get_output(c->bev), buf, n);
}

/* An event from the frame parser. */
static void
session_ws_event(const struct ws_codec_event *ev, void *arg)
{
	struct client	*c = arg;

	switch (ev->type) {
	case WS_CODEC_TEXT:
	case WS_CODEC_BINARY:
		log_debug("%s: %s: ignoring a message of %zu bytes", __func__,
		    c->addr, ev->len);
		break;
	case WS_CODEC_PING:
		session_control(c, WS_CODEC_OP_PONG, ev->data, ev->len);
		break;
	case WS_CODEC_PONG:
		break;
	case WS_CODEC_CLOSE:
		log_debug("%s: %s: close %u", __func__, c->addr, ev->code);
		session_close(c, ev->code, NULL);
		break;
	case WS_CODEC_ERROR:
		log_info("%s: %s, closing with %u", c->addr, ev->cause,
		    ev->code);
		session_close(c, ev->code, ev->cause);
		break;
	}
}

/* Feeds what the client sent to the frame parser. */
void
session_read(struct client *c)
{
	const struct connset_conf	*conf = connset_conf(c->relay);
	struct evbuffer		*in = bufferevent_get_input(c->bev);
	unsigned char		 buf[4096];
	int			 n;

	if (evbuffer_get_length(in) == 0)
		return;
	c->awaiting_pong = 0;	/* any bytes show the client is there */
	evtimer_add(c->ev_timer, &conf->ping_interval);
	while (c->state == CLIENT_OPEN &&
	    (n = evbuffer_remove(in, buf, sizeof(buf))) > 0)
		ws_codec_feed(c->codec, buf, n, session_ws_event, c);
}

/* Switches to the WebSocket protocol after a good handshake. */
void
session_open(struct client *c, const struct ws_handshake_result *res)
{
	const struct connset_conf	*conf = connset_conf(c->relay);
	struct event_base	*base = connset_base(c->relay);
	char			 buf[256], cause[128];
	struct frame		*latest;
	const char		*why;
	int			 n;

	c->codec = ws_codec_new(conf->max_message);
	c->ev_rate = evtimer_new(base, session_rate_due, c);
	n = ws_handshake_response(buf, sizeof(buf), res);
	if (c->codec == NULL || c->ev_rate == NULL || n < 0) {
		client_refuse(c, 503, "out of memory");
		return;
	}
	if ((why = connset_join(c->relay, c)) != NULL) {
		client_refuse(c, 503, why);
		return;
	}
	c->joined = 1;
	if (c->want_h264 && h264_ws_open(c, cause, sizeof(cause)) == -1) {
		client_refuse(c, 503, cause);	/* leaves the relay */
		return;
	}
	c->state = CLIENT_OPEN;
	c->params = res->params;
	fanout_init(&c->fan, c->h264 ? FANOUT_ORDERED : FANOUT_LATEST,
	    c->params.fps, session_send, c);
	evbuffer_add(bufferevent_get_output(c->bev), buf, n);
	bufferevent_setwatermark(c->bev, EV_READ, 0, 0);
	bufferevent_set_timeouts(c->bev, NULL, &conf->write_timeout);
	evtimer_add(c->ev_timer, &conf->ping_interval);
	log_info("%s: WebSocket open (fps %u, %s)", c->addr, c->params.fps,
	    c->params.encoding == WS_HANDSHAKE_BASE64 ? "base64" : "binary");
	if (!c->want_h264 && (latest = camera_latest(c->cam)) != NULL)
		session_frame(c, latest);
}
