/* client.c: one wsd connection: request head, WebSocket session, close. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "auth.h"
#include "client.h"
#include "frame.h"
#include "log.h"
#include "relay.h"
#include "ws_codec.h"
#include "ws_handshake.h"
#include "ws_request.h"

#define CLIENT_LINGER_SEC	2	/* wait for the peer's FIN after ours */
#define CLIENT_CONTROL_MAX	64	/* control frames queued at most */

enum client_state {
	CLIENT_HEAD,		/* reading the request head */
	CLIENT_OPEN,		/* WebSocket open: frames flow */
	CLIENT_CLOSING,		/* last bytes (close frame, error) going out */
	CLIENT_LINGER		/* our side shut down, draining the peer's */
};

struct client {
	struct relay		*relay;
	size_t			 slot;		/* index in the relay's table */
	struct bufferevent	*bev;
	int			 fd;
	char			 addr[64];	/* peer, for the log */
	struct sockaddr_storage	 sa;		/* peer, for failed logins */
	struct event		*ev_auth;	/* holds a failed client */
	enum client_state	 state;
	int			 joined;	/* counted as a viewer */

	struct ws_codec		*codec;
	struct ws_handshake_params params;
	struct frame		*pending;	/* newest frame not yet sent */
	uint64_t		 interval_ns;	/* 1/fps, 0 for no cap */
	uint64_t		 last_sent_ns;
	struct event		*ev_rate;	/* fps cap: pending is due */
	struct event		*ev_timer;	/* head deadline, then pings */
	int			 awaiting_pong;
	uint32_t		 pings;
	unsigned int		 controls;	/* control frames queued */
};

static void	client_read(struct bufferevent *, void *);
static void	client_write(struct bufferevent *, void *);
static void	client_event(struct bufferevent *, short, void *);
static void	client_timer(evutil_socket_t, short, void *);

/* Monotonic time in nanoseconds. */
static uint64_t
client_now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec);
}

/* Takes over an accepted socket. */
struct client *
client_new(struct relay *r, int fd, const struct sockaddr *sa, int salen,
    size_t slot)
{
	const struct relay_conf	*conf = relay_conf(r);
	struct client		*c;
	char			 host[48], port[8];
	int			 one = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("%s: calloc", __func__);
		close(fd);
		return (NULL);
	}
	c->relay = r;
	c->slot = slot;
	c->fd = fd;
	if ((size_t)salen <= sizeof(c->sa))
		memcpy(&c->sa, sa, salen);
	if (getnameinfo(sa, salen, host, sizeof(host), port, sizeof(port),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(c->addr, sizeof(c->addr), "?");
	else if (sa->sa_family == AF_INET6)
		snprintf(c->addr, sizeof(c->addr), "[%s]:%s", host, port);
	else
		snprintf(c->addr, sizeof(c->addr), "%s:%s", host, port);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->bev = bufferevent_socket_new(relay_base(r), fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		log_warnx("%s: cannot create a bufferevent", __func__);
		close(fd);
		free(c);
		return (NULL);
	}
	c->ev_timer = evtimer_new(relay_base(r), client_timer, c);
	if (c->ev_timer == NULL) {
		log_warnx("%s: cannot create a timer", __func__);
		bufferevent_free(c->bev);
		free(c);
		return (NULL);
	}
	evtimer_add(c->ev_timer, &conf->head_timeout);
	bufferevent_setcb(c->bev, client_read, client_write, client_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, WS_REQUEST_HEAD_MAX + 1);
	/* Header and JPEG in one writev, not in 16 KB slices. */
	bufferevent_set_max_single_write(c->bev, EV_SSIZE_MAX);
	bufferevent_set_timeouts(c->bev, &conf->head_timeout,
	    &conf->write_timeout);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	log_debug("%s: connection from %s", __func__, c->addr);
	return (c);
}

/* Closes the connection and frees. */
void
client_free(struct client *c)
{
	if (c->joined)
		relay_leave(c->relay);
	relay_remove(c->relay, c, c->slot);
	if (c->ev_rate != NULL)
		event_free(c->ev_rate);
	if (c->ev_timer != NULL)
		event_free(c->ev_timer);
	if (c->ev_auth != NULL)
		event_free(c->ev_auth);
	frame_unref(c->pending);
	ws_codec_free(c->codec);
	bufferevent_free(c->bev);
	free(c);
}

/* The relay moved us. */
void
client_set_slot(struct client *c, size_t slot)
{
	c->slot = slot;
}

/* Stops frames and timers: the session is ending. */
static void
client_end_session(struct client *c)
{
	c->state = CLIENT_CLOSING;
	frame_unref(c->pending);
	c->pending = NULL;
	if (c->ev_rate != NULL)
		evtimer_del(c->ev_rate);
	if (c->ev_timer != NULL)
		evtimer_del(c->ev_timer);
	if (c->joined) {
		c->joined = 0;
		relay_leave(c->relay);
	}
}

/* Our last bytes are out: half-close and wait briefly for the peer's FIN. */
static void
client_linger(struct client *c)
{
	struct timeval	 tv = { CLIENT_LINGER_SEC, 0 };

	c->state = CLIENT_LINGER;
	shutdown(c->fd, SHUT_WR);
	bufferevent_set_timeouts(c->bev, &tv, NULL);
	bufferevent_enable(c->bev, EV_READ);
}

/* Sends a close frame and ends the session once it is written. */
static void
client_close(struct client *c, uint16_t code, const char *reason)
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
client_goodbye(struct client *c, unsigned short code)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);

	if (c->state != CLIENT_OPEN)
		return;
	client_close(c, code, "server going down");
	/* The bufferevent owns the buffer's front: lend it for this write. */
	evbuffer_unfreeze(out, 1);
	evbuffer_write(out, c->fd);
	evbuffer_freeze(out, 1);
}

/* Answers the request head with an HTTP error and closes. */
static void
client_refuse(struct client *c, int status, const char *reason)
{
	char	 buf[512];
	int	 n;

	log_info("%s: refused with %d: %s", c->addr, status, reason);
	relay_stats(c->relay)->refused++;
	client_end_session(c);
	n = ws_handshake_error(buf, sizeof(buf), status, reason);
	if (n < 0 ||
	    evbuffer_add(bufferevent_get_output(c->bev), buf, n) == -1)
		client_linger(c);
}

/* Answers GET /status with the relay's JSON counters. */
static void
client_status(struct client *c)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	struct evbuffer	*body;

	client_end_session(c);
	if ((body = evbuffer_new()) == NULL) {
		client_linger(c);
		return;
	}
	relay_status(c->relay, body);
	evbuffer_add_printf(out, "HTTP/1.1 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n"
	    "Connection: close\r\n"
	    "\r\n", evbuffer_get_length(body));
	evbuffer_add_buffer(out, body);
	evbuffer_free(body);
}

/* Sends one frame: the header copied, the payload by reference. */
static void
client_send(struct client *c, struct frame *f)
{
	struct evbuffer		*out = bufferevent_get_output(c->bev);
	struct relay_stats	*st = relay_stats(c->relay);
	unsigned char		 hdr[WS_CODEC_HEADER_MAX];
	struct frame		*payload = f;
	int			 op = WS_CODEC_OP_BINARY;
	size_t			 n;

	if (c->params.encoding == WS_HANDSHAKE_BASE64) {
		if ((payload = relay_base64(c->relay, f)) == NULL)
			return;
		op = WS_CODEC_OP_TEXT;
	}
	n = ws_codec_header(hdr, op, payload->jpeg_len);
	if (evbuffer_add(out, hdr, n) == -1 ||
	    frame_add_jpeg(out, payload) == -1) {
		log_warnx("%s: %s: out of memory", __func__, c->addr);
		client_close(c, WS_CODEC_CLOSE_ERROR, "out of memory");
		return;
	}
	c->last_sent_ns = client_now_ns();
	st->frames_sent++;
	st->bytes_sent += n + payload->jpeg_len;
}

/* Sends the pending frame if nothing is in flight and the fps cap allows. */
static void
client_send_pending(struct client *c)
{
	struct timeval	 tv;
	uint64_t	 now, due;
	struct frame	*f;

	if (c->state != CLIENT_OPEN || c->pending == NULL ||
	    evbuffer_get_length(bufferevent_get_output(c->bev)) > 0)
		return;
	if (c->interval_ns > 0 && c->last_sent_ns != 0) {
		now = client_now_ns();
		due = c->last_sent_ns + c->interval_ns;
		if (now < due) {
			if (!evtimer_pending(c->ev_rate, NULL)) {
				tv.tv_sec = (due - now) / 1000000000ULL;
				tv.tv_usec = (due - now) % 1000000000ULL / 1000;
				evtimer_add(c->ev_rate, &tv);
			}
			return;
		}
	}
	f = c->pending;
	c->pending = NULL;
	client_send(c, f);
	frame_unref(f);
}

/* A new frame from capd: it replaces any pending one (latest wins). */
void
client_frame(struct client *c, struct frame *f)
{
	if (c->state != CLIENT_OPEN)
		return;
	if (c->pending != NULL) {
		relay_stats(c->relay)->frames_skipped++;
		frame_unref(c->pending);
	}
	c->pending = frame_ref(f);
	client_send_pending(c);
}

/* The fps cap allows the next frame now. */
static void
client_rate_due(evutil_socket_t fd, short what, void *arg)
{
	client_send_pending(arg);
}

/*
 * The client's timer: the deadline for the whole request head (a slow
 * sender cannot hold the connection), then pings, dropping a client that
 * did not answer the last one.
 */
static void
client_timer(evutil_socket_t fd, short what, void *arg)
{
	struct client		*c = arg;
	const struct relay_conf	*conf = relay_conf(c->relay);
	unsigned char		 buf[WS_CODEC_FRAME_MAX], payload[4];
	size_t			 n;

	if (c->state == CLIENT_HEAD) {
		log_info("%s: no request head in time", c->addr);
		client_free(c);
		return;
	}
	if (c->awaiting_pong) {
		log_info("%s: no answer to ping, dropping", c->addr);
		relay_stats(c->relay)->dropped++;
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
client_control(struct client *c, int op, const unsigned char *p, size_t len)
{
	unsigned char	 buf[WS_CODEC_FRAME_MAX];
	size_t		 n;

	if (c->controls >= CLIENT_CONTROL_MAX)
		return;
	c->controls++;
	n = ws_codec_control(buf, op, p, len);
	evbuffer_add(bufferevent_get_output(c->bev), buf, n);
}

/* An event from the frame parser. */
static void
client_ws_event(const struct ws_codec_event *ev, void *arg)
{
	struct client	*c = arg;

	switch (ev->type) {
	case WS_CODEC_TEXT:
	case WS_CODEC_BINARY:
		log_debug("%s: %s: ignoring a message of %zu bytes", __func__,
		    c->addr, ev->len);
		break;
	case WS_CODEC_PING:
		client_control(c, WS_CODEC_OP_PONG, ev->data, ev->len);
		break;
	case WS_CODEC_PONG:
		break;
	case WS_CODEC_CLOSE:
		log_debug("%s: %s: close %u", __func__, c->addr, ev->code);
		client_close(c, ev->code, NULL);
		break;
	case WS_CODEC_ERROR:
		log_info("%s: %s, closing with %u", c->addr, ev->cause,
		    ev->code);
		client_close(c, ev->code, ev->cause);
		break;
	}
}

/* Feeds what the client sent to the frame parser. */
static void
client_read_frames(struct client *c)
{
	const struct relay_conf	*conf = relay_conf(c->relay);
	struct evbuffer		*in = bufferevent_get_input(c->bev);
	unsigned char		 buf[4096];
	int			 n;

	if (evbuffer_get_length(in) == 0)
		return;
	c->awaiting_pong = 0;	/* any bytes show the client is there */
	evtimer_add(c->ev_timer, &conf->ping_interval);
	while (c->state == CLIENT_OPEN &&
	    (n = evbuffer_remove(in, buf, sizeof(buf))) > 0)
		ws_codec_feed(c->codec, buf, n, client_ws_event, c);
}

/* Switches to the WebSocket protocol after a good handshake. */
static void
client_upgrade(struct client *c, const struct ws_handshake_result *res)
{
	const struct relay_conf	*conf = relay_conf(c->relay);
	struct event_base	*base = relay_base(c->relay);
	char			 buf[256];
	struct frame		*latest;
	int			 n;

	c->codec = ws_codec_new(conf->max_message);
	c->ev_rate = evtimer_new(base, client_rate_due, c);
	n = ws_handshake_response(buf, sizeof(buf), res);
	if (c->codec == NULL || c->ev_rate == NULL || n < 0) {
		client_refuse(c, 503, "out of memory");
		return;
	}
	if (relay_join(c->relay) == -1) {
		client_refuse(c, 503, "too many clients");
		return;
	}
	c->joined = 1;
	c->state = CLIENT_OPEN;
	c->params = res->params;
	if (c->params.fps > 0)
		c->interval_ns = 1000000000ULL / c->params.fps;
	evbuffer_add(bufferevent_get_output(c->bev), buf, n);
	bufferevent_setwatermark(c->bev, EV_READ, 0, 0);
	bufferevent_set_timeouts(c->bev, NULL, &conf->write_timeout);
	evtimer_add(c->ev_timer, &conf->ping_interval);
	log_info("%s: WebSocket open (fps %u, %s)", c->addr, c->params.fps,
	    c->params.encoding == WS_HANDSHAKE_BASE64 ? "base64" : "binary");
	if ((latest = relay_latest(c->relay)) != NULL)
		client_frame(c, latest);
}

static void	client_read_head(struct client *);

/* A held client's time is up: its head is read and checked again. */
static void
client_auth_due(evutil_socket_t fd, short what, void *arg)
{
	struct client		*c = arg;

	evtimer_add(c->ev_timer, &relay_conf(c->relay)->head_timeout);
	bufferevent_enable(c->bev, EV_READ);
	client_read_head(c);
}

/*
 * Checks the token or credentials of a good handshake.  Returns 0 to go
 * on; otherwise the client was refused or is held (its head stays in the
 * input buffer to be read again).
 */
static int
client_authorize(struct client *c, const struct ws_request *req)
{
	struct timespec	 ts;
	struct timeval	 tv;
	char		 user[AUTH_BASIC_MAX_USER + 1], cause[256];
	unsigned	 wait_ms;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	switch (auth_check_ws(relay_auth(c->relay),
	    ws_request_header(req, "Sec-WebSocket-Protocol", 0), req->query,
	    ws_request_header(req, "Authorization", 0),
	    (struct sockaddr *)&c->sa, ts.tv_sec * 1000ULL +
	    ts.tv_nsec / 1000000, time(NULL), user, &wait_ms, cause,
	    sizeof(cause))) {
	case AUTH_OK:
		return (0);
	case AUTH_DENY:
		client_refuse(c, 401, cause);
		return (-1);
	case AUTH_WAIT:
		break;
	}
	if (c->ev_auth == NULL &&
	    (c->ev_auth = evtimer_new(relay_base(c->relay), client_auth_due,
	    c)) == NULL) {
		client_refuse(c, 503, "out of memory");
		return (-1);
	}
	evtimer_del(c->ev_timer);
	bufferevent_disable(c->bev, EV_READ);
	tv.tv_sec = wait_ms / 1000;
	tv.tv_usec = (wait_ms % 1000) * 1000;
	evtimer_add(c->ev_auth, &tv);
	return (-1);
}

/* Reads the request head; answers it once it is complete. */
static void
client_read_head(struct client *c)
{
	static struct ws_request	 req;	/* scratch: one thread */
	const struct relay_conf		*conf = relay_conf(c->relay);
	struct ws_handshake_conf	 hconf;
	struct ws_handshake_result	 res;
	struct evbuffer			*in = bufferevent_get_input(c->bev);
	char				 cause[128];
	size_t				 len;
	const char			*data;
	int				 rc;

	len = evbuffer_get_length(in);
	if (len > WS_REQUEST_HEAD_MAX + 1)
		len = WS_REQUEST_HEAD_MAX + 1;
	data = (const char *)evbuffer_pullup(in, len);
	rc = ws_request_parse(&req, data, len, cause, sizeof(cause));
	if (rc == 0)
		return;
	if (rc == -1) {
		client_refuse(c, req.error, cause);
		return;
	}
	if (!ws_request_host_allowed(&req, conf->names)) {
		evbuffer_drain(in, req.head_len);
		client_refuse(c, 421, "unknown host name: add it with "
		    "--server-name");
		return;
	}
	if (strcmp(req.path, "/status") == 0 &&
	    strcmp(req.method, "GET") == 0) {
		if (client_authorize(c, &req) == -1)
			return;
		evbuffer_drain(in, req.head_len);
		client_status(c);
		return;
	}
	hconf.path = conf->path;
	hconf.origins = (const char **)conf->origins;
	hconf.norigins = conf->norigins;
	if (ws_handshake_check(&hconf, &req, &res) != 101) {
		evbuffer_drain(in, req.head_len);
		client_refuse(c, res.status, res.reason);
		return;
	}
	if (client_authorize(c, &req) == -1)
		return;
	evbuffer_drain(in, req.head_len);
	client_upgrade(c, &res);
	if (c->state == CLIENT_OPEN)
		client_read_frames(c);
}

/* Bytes arrived. */
static void
client_read(struct bufferevent *bev, void *arg)
{
	struct client	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);

	switch (c->state) {
	case CLIENT_HEAD:
		client_read_head(c);
		break;
	case CLIENT_OPEN:
		client_read_frames(c);
		break;
	default:
		break;
	}
	if (c->state != CLIENT_HEAD && c->state != CLIENT_OPEN)
		evbuffer_drain(in, evbuffer_get_length(in));
}

/* The output buffer is empty: the next frame may go, or the end came. */
static void
client_write(struct bufferevent *bev, void *arg)
{
	struct client	*c = arg;

	c->controls = 0;
	if (c->state == CLIENT_OPEN)
		client_send_pending(c);
	else if (c->state == CLIENT_CLOSING)
		client_linger(c);
}

/* End of file, errors and timeouts. */
static void
client_event(struct bufferevent *bev, short what, void *arg)
{
	struct client	*c = arg;

	if (what & BEV_EVENT_TIMEOUT) {
		if (c->state == CLIENT_HEAD)
			log_info("%s: no request head in time", c->addr);
		else if (what & BEV_EVENT_WRITING) {
			log_info("%s: not reading, dropping", c->addr);
			relay_stats(c->relay)->dropped++;
		}
	} else if (what & BEV_EVENT_ERROR) {
		if (c->state != CLIENT_LINGER)
			log_debug("%s: %s: %s", __func__, c->addr,
			    evutil_socket_error_to_string(
			    EVUTIL_SOCKET_ERROR()));
	} else if ((what & BEV_EVENT_EOF) && c->state == CLIENT_OPEN)
		log_info("%s: gone without a close frame", c->addr);
	client_free(c);
}
