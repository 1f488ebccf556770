/* SPDX-License-Identifier: ISC */
/*
 * client.c: one wsd connection: the request head, its authentication, the
 * answer (upgrade, /status or an error) and the close.
 */
#include <sys/ioctl.h>
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
#include "camera.h"
#include "client.h"
#include "log.h"
#include "mono.h"
#include "session.h"
#include "timeval.h"
#include "ws_codec.h"
#include "ws_handshake.h"
#include "ws_request.h"

#define CLIENT_LINGER_SEC	2	/* wait for the peer's FIN after ours */

static void	client_read(struct bufferevent *, void *);
static void	client_write(struct bufferevent *, void *);
static void	client_event(struct bufferevent *, short, void *);
static void	client_timer(evutil_socket_t, short, void *);

/* Heads not sent in time: one line per kind, whatever a flood does. */
static struct log_rate	client_slow_lr = LOG_RATE_INIT("slow request heads");
static struct log_rate	client_drop_lr = LOG_RATE_INIT("dropped clients");

/* Takes over an accepted socket. */
struct client *
client_new(const struct client_owner *owner, int fd,
    const struct sockaddr *sa, int salen)
{
	const struct client_conf	*conf = owner->conf;
	struct client		*c;
	char			 host[48], port[8];
	int			 one = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("%s: calloc", __func__);
		close(fd);
		return (NULL);
	}
	c->owner = owner;
	c->fd = fd;
	connpool_entry_init(&c->pool, sa, salen);
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
	c->bev = bufferevent_socket_new(owner->base, fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		log_warnx("%s: cannot create a bufferevent", __func__);
		close(fd);
		free(c);
		return (NULL);
	}
	c->ev_timer = evtimer_new(owner->base, client_timer, c);
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
	    &conf->session.write_timeout);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	log_debug("%s: connection from %s", __func__, c->addr);
	return (c);
}

/* Closes the connection and frees. */
void
client_free(struct client *c)
{
	session_free(&c->ses);
	if (c->joined)
		c->owner->leave(c->owner->arg, c);
	c->owner->gone(c->owner->arg, c);
	if (c->ev_timer != NULL)
		event_free(c->ev_timer);
	if (c->ev_auth != NULL)
		event_free(c->ev_auth);
	bufferevent_free(c->bev);
	free(c);
}

/* Stops frames and timers: the connection's last bytes are going out. */
static void
client_end_session(struct client *c)
{
	c->state = CLIENT_CLOSING;
	session_stop(&c->ses);
	if (c->ev_timer != NULL)
		evtimer_del(c->ev_timer);
	if (c->joined) {
		c->joined = 0;
		c->owner->leave(c->owner->arg, c);
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

/* Answers the request head with an HTTP error and closes. */
static void
client_refuse(struct client *c, int status, const char *reason)
{
	static struct log_rate lr =
	    LOG_RATE_INIT_BURST("refused handshakes", 10);
	char	 buf[512];
	int	 n;

	log_rate_info(&lr, "%s: refused with %d: %s", c->addr, status,
	    reason);
	c->counts.refused = 1;
	client_end_session(c);
	n = ws_handshake_error(buf, sizeof(buf), status, reason);
	if (n < 0 ||
	    evbuffer_add(bufferevent_get_output(c->bev), buf, n) == -1)
		client_linger(c);
}

/* Answers GET /status with the set's JSON counters. */
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
	c->owner->status(c->owner->arg, body);
	evbuffer_add_printf(out, "HTTP/1.1 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n"
	    "Connection: close\r\n"
	    "\r\n", evbuffer_get_length(body));
	evbuffer_add_buffer(out, body);
	evbuffer_free(body);
}

/*
 * The deadline for the whole request head: a slow sender cannot hold the
 * connection.
 */
static void
client_timer(evutil_socket_t fd, short what, void *arg)
{
	struct client		*c = arg;

	log_rate_info(&client_slow_lr, "%s: no request head in time",
	    c->addr);
	client_free(c);
}


static void	client_read_head(struct client *);

/* A held client's time is up: its head is read and checked again. */
static void
client_auth_due(evutil_socket_t fd, short what, void *arg)
{
	struct client		*c = arg;

	evtimer_add(c->ev_timer, &c->owner->conf->head_timeout);
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
	struct timeval	 tv, now;
	char		 user[AUTH_BASIC_MAX_USER + 1], cause[256];
	unsigned	 wait_ms;

	/* httpd verified this user's credentials before the handoff. */
	if (c->user[0] != '\0')
		return (0);
	/* time(NULL) reads the coarse clock, a tick behind: as httpd issues. */
	timeval_now(&now);
	switch (auth_check_ws(c->owner->auth,
	    ws_request_header(req, "Sec-WebSocket-Protocol", 0), req->query,
	    ws_request_header(req, "Authorization", 0),
	    (struct sockaddr *)&c->sa, mono_ms(), now.tv_sec, user, c->scope,
	    &wait_ms, cause, sizeof(cause))) {
	case AUTH_OK:
		snprintf(c->user, sizeof(c->user), "%s", user);
		return (0);
	case AUTH_DENY:
		client_refuse(c, 401, cause);
		return (-1);
	case AUTH_WAIT:
		break;
	}
	if (c->ev_auth == NULL &&
	    (c->ev_auth = evtimer_new(c->owner->base, client_auth_due,
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

/* The WebSocket session ended: the last bytes go out, or the end is now. */
static void
client_session_end(enum session_end how, void *arg)
{
	struct client	*c = arg;

	if (how == SESSION_SILENT) {
		c->counts.dropped = 1;
		client_free(c);
		return;
	}
	client_end_session(c);
	if (how == SESSION_BROKEN)
		client_linger(c);
}

/* A good handshake: counted as a viewer, then the WebSocket session. */
static void
client_upgrade(struct client *c, const struct ws_handshake_result *res)
{
	char		 cause[128];
	const char	*why;

	if ((why = c->owner->join(c->owner->arg, c)) != NULL) {
		client_refuse(c, 503, why);
		return;
	}
	c->joined = 1;
	evtimer_del(c->ev_timer);
	c->state = CLIENT_OPEN;
	c->ses.conf = &c->owner->conf->session;
	c->ses.bev = c->bev;
	c->ses.fd = c->fd;
	c->ses.addr = c->addr;
	c->ses.on_end = client_session_end;
	c->ses.arg = c;
	if (session_open(&c->ses, c->owner->base, res, c->cam, c->want_h264,
	    cause, sizeof(cause)) == -1)
		client_refuse(c, 503, cause);	/* leaves the set */
}

/*
 * Whether the client sent bytes after its head before our answer (frames
 * it must not send yet): in the input buffer, or waiting in the socket.
 */
static int
client_early_bytes(struct client *c, size_t head_len)
{
	int	 n = 0;

	if (evbuffer_get_length(bufferevent_get_input(c->bev)) > head_len)
		return (1);
	return (ioctl(c->fd, FIONREAD, &n) == 0 && n > 0);
}

/* Reads the request head; answers it once it is complete. */
static void
client_read_head(struct client *c)
{
	static struct ws_request	 req;	/* scratch: one thread */
	const struct client_conf	*conf = c->owner->conf;
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
	/*
	 * --path is the default camera's; /cam/NAME/stream each camera's;
	 * either + ".h264" its H.264 stream (session.c).
	 */
	if ((c->cam = c->owner->camera(c->owner->arg, req.path,
	    &c->want_h264)) != NULL)
		hconf.path = req.path;
	else
		hconf.path = conf->path;
	hconf.origins = (const char **)conf->origins;
	hconf.norigins = conf->norigins;
	if (ws_handshake_check(&hconf, &req, &res) != 101) {
		evbuffer_drain(in, req.head_len);
		client_refuse(c, res.status, res.reason);
		return;
	}
	if (client_early_bytes(c, req.head_len)) {
		evbuffer_drain(in, evbuffer_get_length(in));
		client_refuse(c, 400, "data after the request head");
		return;
	}
	if (client_authorize(c, &req) == -1)
		return;
	evbuffer_drain(in, req.head_len);
	if (c->cam != NULL && !auth_allowed(c->owner->auth, c->cam->name,
	    c->user)) {
		client_refuse(c, 403, "this camera is not for this user");
		return;
	}
	if (c->cam != NULL && c->scope[0] != '\0' &&
	    strcmp(c->scope, c->cam->name) != 0) {
		client_refuse(c, 403, "this token is for another camera");
		return;
	}
	client_upgrade(c, &res);
	if (c->state == CLIENT_OPEN)
		session_read(&c->ses);
}

/* Reads a head httpd handed over, as if it had come from the socket. */
void
client_adopt_head(struct client *c, const char *head, size_t len,
    const char *user)
{
	struct evbuffer	*in = bufferevent_get_input(c->bev);
	int		 rc;

	snprintf(c->user, sizeof(c->user), "%s", user);
	/* The bufferevent keeps its input's end for the socket's bytes. */
	evbuffer_unfreeze(in, 0);
	rc = evbuffer_add(in, head, len);
	evbuffer_freeze(in, 0);
	if (rc == -1) {
		client_free(c);
		return;
	}
	client_read_head(c);
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
		session_read(&c->ses);
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

	if (c->state == CLIENT_OPEN)
		session_drained(&c->ses);
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
			log_rate_info(&client_slow_lr,
			    "%s: no request head in time", c->addr);
		else if (what & BEV_EVENT_WRITING) {
			log_rate_info(&client_drop_lr,
			    "%s: not reading, dropping", c->addr);
			c->counts.dropped = 1;
		}
	} else if (what & BEV_EVENT_ERROR) {
		if (c->state != CLIENT_LINGER)
			log_debug("%s: %s: %s", __func__, c->addr,
			    evutil_socket_error_to_string(
			    EVUTIL_SOCKET_ERROR()));
	} else if ((what & BEV_EVENT_EOF) && c->state == CLIENT_OPEN)
		log_debug("%s: gone without a close frame", c->addr);
	client_free(c);
}

/* What the connection did so far. */
void
client_counts(const struct client *c, struct client_counts *cc)
{
	*cc = c->counts;
	cc->frames_sent = c->ses.frames_sent;
	cc->bytes_sent = c->ses.bytes_sent;
	cc->frames_skipped = c->ses.fan.skipped;
}

/* As the daemon exits: an open WebSocket gets a close with code. */
void
client_goodbye(struct client *c, unsigned short code)
{
	if (c->state == CLIENT_OPEN)
		session_goodbye(&c->ses, code);
}
