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
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "camera.h"
#include "frame.h"
#include "log.h"
#include "mono.h"
#include "sendv.h"
#include "session.h"
#include "ws_codec.h"
#include "ws_handshake.h"

#define SESSION_CONTROL_MAX	64	/* control frames queued at most */
#define SESSION_MESSAGE_SECS	10	/* one fragmented message at most */

/* What clients cause is logged at a bounded rate (docs/wsd.md). */
static struct log_rate	session_drop_lr = LOG_RATE_INIT("dropped clients");
static struct log_rate	session_error_lr = LOG_RATE_INIT("protocol errors");

/* Stops frames and timers and leaves the camera. */
void
session_stop(struct session *s)
{
	s->open = 0;
	fanout_clear(&s->fan);
	if (s->ev_rate != NULL)
		evtimer_del(s->ev_rate);
	if (s->ev_ping != NULL)
		evtimer_del(s->ev_ping);
	if (s->ev_msg != NULL)
		evtimer_del(s->ev_msg);
	if (s->watching) {
		s->watching = 0;
		camera_leave(s->cam, &s->viewer);
	}
}

/* Frees what the session holds. */
void
session_free(struct session *s)
{
	session_stop(s);
	if (s->ev_rate != NULL)
		event_free(s->ev_rate);
	if (s->ev_ping != NULL)
		event_free(s->ev_ping);
	if (s->ev_msg != NULL)
		event_free(s->ev_msg);
	s->ev_rate = s->ev_ping = s->ev_msg = NULL;
	ws_codec_free(s->codec);
	s->codec = NULL;
}

/* Ends the session, telling the connection how. */
static void
session_end(struct session *s, enum session_end how)
{
	session_stop(s);
	s->on_end(how, s->arg);
}

/* Sends a close frame and ends the session once it is written. */
static void
session_close(struct session *s, uint16_t code, const char *reason)
{
	unsigned char	 buf[WS_CODEC_FRAME_MAX];
	size_t		 n;

	n = ws_codec_close(buf, code, reason);
	session_end(s, evbuffer_add(bufferevent_get_output(s->bev), buf,
	    n) == -1 ? SESSION_BROKEN : SESSION_CLOSING);
}

/* Writes a close frame as the daemon exits, as far as the socket takes it. */
void
session_goodbye(struct session *s, unsigned short code)
{
	struct evbuffer	*out = bufferevent_get_output(s->bev);

	if (!s->open)
		return;
	session_close(s, code, "server going down");
	/* The bufferevent owns the buffer's front: lend it for this write. */
	evbuffer_unfreeze(out, 1);
	evbuffer_write(out, s->fd);
	evbuffer_freeze(out, 1);
}

/*
 * The viewer's send: header and payload in one write when nothing else is
 * queued; the rest (or the whole frame, behind queued control frames) goes
 * to the output buffer by reference and counts as in flight until it drains.
 */
static int
session_send(struct frame *f, void *arg)
{
	struct session	*s = arg;
	struct evbuffer	*out = bufferevent_get_output(s->bev);
	unsigned char	 hdr[WS_CODEC_HEADER_MAX];
	struct frame	*payload = f;
	struct iovec	 iov[2];
	int		 op = WS_CODEC_OP_BINARY;
	size_t		 n, total;
	ssize_t		 w = 0;

	if (s->params.encoding == WS_HANDSHAKE_BASE64 && !s->viewer.h264) {
		if ((payload = camera_base64(s->cam, f)) == NULL)
			return (1);
		op = WS_CODEC_OP_TEXT;
	}
	n = ws_codec_header(hdr, op, payload->jpeg_len);
	iov[0].iov_base = hdr;
	iov[0].iov_len = n;
	iov[1].iov_base = payload->buf + payload->jpeg_off;
	iov[1].iov_len = payload->jpeg_len;
	total = n + payload->jpeg_len;
	s->frames_sent++;
	s->bytes_sent += total;
	if (evbuffer_get_length(out) == 0) {
		sendv_fit(s->fd, total, &s->sndbuf);
		if ((w = sendv_write(s->fd, iov, 2)) == -1) {
			log_debug("%s: %s: %s", __func__, s->addr,
			    strerror(errno));
			return (-1);
		}
		if ((size_t)w == total)
			return (1);
	}
	if (sendv_rest(out, iov, 2, w, payload) == -1) {
		log_warnx("%s: %s: out of memory", __func__, s->addr);
		return (-1);
	}
	return (0);
}

/* Acts on what the fan-out asks for: a timer for the fps cap, or the end. */
static void
session_after(struct session *s, int64_t rc)
{
	struct timeval	 tv;

	if (rc == -1) {
		/* The read side sees the error and frees the connection. */
		session_end(s, SESSION_BROKEN);
		return;
	}
	if (rc > 0 && !evtimer_pending(s->ev_rate, NULL)) {
		tv.tv_sec = (time_t)(rc / 1000000000LL);
		tv.tv_usec = (suseconds_t)(rc % 1000000000LL / 1000);
		evtimer_add(s->ev_rate, &tv);
	}
}

/* A new frame from the camera: it replaces any pending one (latest wins). */
static void
session_frame(struct frame *f, void *arg)
{
	struct session	*s = arg;

	if (s->open)
		session_after(s, fanout_offer(&s->fan, f, mono_ns()));
}

/* The next H.264 unit: whole units in order, from an IDR on. */
static void
session_unit(struct frame *f, int idr, int newinit, struct frame *init,
    void *arg)
{
	struct session	*s = arg;

	if (!s->open)
		return;
	if (idr && s->fan.sent == 0 && !s->fan.synced)
		fanout_set_head(&s->fan, init);
	else if (newinit)
		fanout_restart(&s->fan, init);	/* the page reconfigures */
	session_after(s, fanout_offer_unit(&s->fan, f, idr, mono_ns()));
}

/* The camera's stream ended (capd refused, H.264 gone): close with 1011. */
static void
session_stream_end(const char *reason, void *arg)
{
	struct session	*s = arg;

	if (s->open)
		session_close(s, 1011, reason);
}

/* The output buffer is empty: the frame in flight has left. */
void
session_drained(struct session *s)
{
	s->controls = 0;
	session_after(s, fanout_drained(&s->fan, mono_ns()));
}

/* The fps cap allows the next frame now. */
static void
session_rate_due(evutil_socket_t fd, short what, void *arg)
{
	struct session	*s = arg;

	if (s->open)
		session_after(s, fanout_pump(&s->fan, mono_ns()));
}

/* Pings, dropping a client that did not answer the last one. */
static void
session_ping(evutil_socket_t fd, short what, void *arg)
{
	struct session	*s = arg;
	unsigned char	 buf[WS_CODEC_FRAME_MAX], payload[4];
	size_t		 n;

	if (s->awaiting_pong) {
		log_rate_info(&session_drop_lr, "%s: no answer to ping, dropping",
		    s->addr);
		session_end(s, SESSION_SILENT);
		return;
	}
	s->pings++;
	payload[0] = s->pings >> 24;
	payload[1] = s->pings >> 16;
	payload[2] = s->pings >> 8;
	payload[3] = s->pings;
	n = ws_codec_control(buf, WS_CODEC_OP_PING, payload, sizeof(payload));
	evbuffer_add(bufferevent_get_output(s->bev), buf, n);
	s->awaiting_pong = 1;
	evtimer_add(s->ev_ping, &s->conf->ping_timeout);
}

/* A fragmented message took too long to arrive. */
static void
session_message_late(evutil_socket_t fd, short what, void *arg)
{
	struct session	*s = arg;

	if (!s->open)
		return;
	log_rate_info(&session_error_lr, "%s: message not whole after %d s, "
	    "closing with %u", s->addr, SESSION_MESSAGE_SECS,
	    WS_CODEC_CLOSE_POLICY);
	session_close(s, WS_CODEC_CLOSE_POLICY, "message took too long");
}

/* Queues a control frame, unless the client let too many pile up. */
static void
session_control(struct session *s, int op, const unsigned char *p,
    size_t len)
{
	unsigned char	 buf[WS_CODEC_FRAME_MAX];
	size_t		 n;

	if (s->controls >= SESSION_CONTROL_MAX)
		return;
	s->controls++;
	n = ws_codec_control(buf, op, p, len);
	evbuffer_add(bufferevent_get_output(s->bev), buf, n);
}

/* An event from the frame parser. */
static void
session_ws_event(const struct ws_codec_event *ev, void *arg)
{
	struct session	*s = arg;

	switch (ev->type) {
	case WS_CODEC_TEXT:
	case WS_CODEC_BINARY:
		log_debug("%s: %s: ignoring a message of %zu bytes", __func__,
		    s->addr, ev->len);
		break;
	case WS_CODEC_PING:
		session_control(s, WS_CODEC_OP_PONG, ev->data, ev->len);
		break;
	case WS_CODEC_PONG:
		break;
	case WS_CODEC_CLOSE:
		log_debug("%s: %s: close %u", __func__, s->addr, ev->code);
		session_close(s, ev->code, NULL);
		break;
	case WS_CODEC_ERROR:
		log_rate_info(&session_error_lr, "%s: %s, closing with %u",
		    s->addr, ev->cause, ev->code);
		session_close(s, ev->code, ev->cause);
		break;
	}
}

/* Feeds what the client sent to the frame parser. */
void
session_read(struct session *s)
{
	struct evbuffer	*in = bufferevent_get_input(s->bev);
	unsigned char	 buf[4096];
	struct timeval	 tv = { SESSION_MESSAGE_SECS, 0 };
	int		 n;

	if (evbuffer_get_length(in) == 0)
		return;
	s->awaiting_pong = 0;	/* any bytes show the client is there */
	evtimer_add(s->ev_ping, &s->conf->ping_interval);
	while (s->open && (n = evbuffer_remove(in, buf, sizeof(buf))) > 0)
		ws_codec_feed(s->codec, buf, n, session_ws_event, s);
	/* The clock runs from a message's first frame to its final one. */
	if (!s->open)
		return;
	if (!ws_codec_in_message(s->codec))
		evtimer_del(s->ev_msg);
	else if (!evtimer_pending(s->ev_msg, NULL))
		evtimer_add(s->ev_msg, &tv);
}

/* Switches to the WebSocket protocol after a good handshake. */
int
session_open(struct session *s, struct event_base *base,
    const struct ws_handshake_result *res, struct camera *cam, int h264,
    char *cause, size_t causelen)
{
	char		 buf[256];
	struct frame	*latest;
	int		 n;

	s->codec = ws_codec_new(s->conf->max_message);
	s->ev_rate = evtimer_new(base, session_rate_due, s);
	s->ev_ping = evtimer_new(base, session_ping, s);
	s->ev_msg = evtimer_new(base, session_message_late, s);
	n = ws_handshake_response(buf, sizeof(buf), res);
	if (s->codec == NULL || s->ev_rate == NULL || s->ev_ping == NULL ||
	    s->ev_msg == NULL || n < 0) {
		snprintf(cause, causelen, "out of memory");
		return (-1);
	}
	s->cam = cam;
	s->viewer.h264 = h264;
	s->viewer.on_frame = session_frame;
	s->viewer.on_unit = session_unit;
	s->viewer.on_end = session_stream_end;
	s->viewer.arg = s;
	if (camera_join(cam, &s->viewer, cause, causelen) == -1)
		return (-1);
	s->watching = 1;
	s->open = 1;
	s->params = res->params;
	fanout_init(&s->fan, h264 ? FANOUT_ORDERED : FANOUT_LATEST,
	    s->params.fps, session_send, s);
	evbuffer_add(bufferevent_get_output(s->bev), buf, n);
	bufferevent_setwatermark(s->bev, EV_READ, 0, 0);
	bufferevent_set_timeouts(s->bev, NULL, &s->conf->write_timeout);
	evtimer_add(s->ev_ping, &s->conf->ping_interval);
	log_debug("%s: WebSocket open (fps %u, %s)", s->addr, s->params.fps,
	    s->params.encoding == WS_HANDSHAKE_BASE64 ? "base64" : "binary");
	if (!h264 && (latest = camera_latest(cam)) != NULL)
		session_frame(latest, s);
	return (0);
}
