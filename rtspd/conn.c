/* SPDX-License-Identifier: ISC */
/*
 * conn.c: one RTSP connection: reading, requests, answers, its sessions.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "auth.h"
#include "camname.h"
#include "conn.h"
#include "connpool.h"
#include "log.h"
#include "mono.h"
#include "reply.h"
#include "rtsp_request.h"
#include "sdp.h"
#include "rtp_session.h"
#include "state.h"
#include "rtp_stream.h"
#include "udp.h"

#define CONN_HEAD_MAX		4096	/* a request's head, at most */
#define CONN_IN_MAX		(4 + 65535 + CONN_HEAD_MAX)
#define CONN_OUT_MAX		(8u << 20)	/* waiting: stop reading */
#define CONN_DESCRIBE_SEC	10	/* for the camera's first IDR */
#define CONN_PUBLIC		"Public: OPTIONS, DESCRIBE, SETUP, PLAY, " \
				"PAUSE, TEARDOWN, GET_PARAMETER\r\n"

static void	conn_process(struct conn *);

/* The connection of a pool entry. */
struct conn *
conn_of_pool(struct connpool_entry *e)
{
	return ((struct conn *)((char *)e - offsetof(struct conn, pool)));
}

/* Closes from the loop, after what waits has gone when asked to. */
static void
conn_close_later(struct conn *c)
{
	event_active(c->ev_close, EV_TIMEOUT, 0);
}

/* The loop's turn to close. */
static void
conn_on_close(evutil_socket_t fd, short what, void *arg)
{
	conn_free(arg);
}

/* Writes an answer; a failed write closes. */
static void
conn_send(struct conn *c, const char *p, size_t len)
{
	if (tcp_out_text(&c->out, p, len) == -1) {
		c->closing = 0;
		conn_close_later(c);
	}
}

/* An answer with no body. */
static void
conn_reply(struct conn *c, int status, int64_t cseq, const char *session,
    const char *extra)
{
	char	 buf[REPLY_MAX];
	int	 n;

	if ((n = reply_head(buf, sizeof(buf), status, cseq, session,
	    (unsigned)c->st->conf->session_timeout, extra)) == -1) {
		n = reply_head(buf, sizeof(buf), 500, cseq, NULL, 0, NULL);
		if (n == -1)
			return;
	}
	conn_send(c, buf, n);
}

/* An error answer with its reason as text, then (close) the end. */
static void
conn_error(struct conn *c, int status, int64_t cseq, const char *reason,
    int close)
{
	char	 extra[512], body[300];
	int	 n;

	n = snprintf(body, sizeof(body), "%s\n", reason);
	if (n < 0 || (size_t)n >= sizeof(body))
		n = 0;
	snprintf(extra, sizeof(extra), "%sContent-Type: text/plain; "
	    "charset=utf-8\r\nContent-Length: %d\r\n", close ?
	    "Connection: close\r\n" : "", n);
	conn_reply(c, status, cseq, NULL, extra);
	conn_send(c, body, n);
	if (close) {
		c->closing = 1;
		c->stopped = 1;
		event_del(c->ev_read);
		if (tcp_out_waiting(&c->out) == 0)
			conn_close_later(c);
	}
}

/* Starts the head timeout unless it runs. */
static void
conn_arm_head(struct conn *c)
{
	double		 t = c->st->conf->head_timeout;
	struct timeval	 tv;

	if (evtimer_pending(c->ev_head, NULL))
		return;
	tv.tv_sec = (time_t)t;
	tv.tv_usec = (suseconds_t)((t - tv.tv_sec) * 1e6);
	evtimer_add(c->ev_head, &tv);
}

/* Starts the idle timeout again. */
static void
conn_arm_idle(struct conn *c)
{
	double		 t = c->st->conf->session_timeout;
	struct timeval	 tv;

	tv.tv_sec = (time_t)t;
	tv.tv_usec = (suseconds_t)((t - tv.tv_sec) * 1e6);
	evtimer_add(c->ev_idle, &tv);
}

/* A request took too long to arrive whole. */
static void
conn_on_head(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	log_debug("%s: request head timed out", c->addr);
	conn_free(c);
}

/* Nothing asked and no session for the idle timeout. */
static void
conn_on_idle(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	if (c->nsessions > 0) {
		conn_arm_idle(c);
		return;
	}
	log_debug("%s: idle, closed", c->addr);
	conn_free(c);
}

/* Reading stops (a request held, output backed up) or starts again. */
static void
conn_reading(struct conn *c, int on)
{
	if (c->closing)
		return;
	c->stopped = !on;
	if (on)
		event_add(c->ev_read, NULL);
	else
		event_del(c->ev_read);
}

/* A session ended by itself: its connection forgets it. */
static void
conn_session_gone(struct rtp_session *se, const char *reason, void *arg)
{
	struct conn	*c = arg;

	log_debug("%s: session %s %s", c->addr, se->id, reason);
	TAILQ_REMOVE(&c->sessions, se, entry);
	c->nsessions--;
	rtp_session_free(se);
	if (strcmp(reason, "write failed") == 0)
		conn_close_later(c);
}

/* Writable, or the write timeout passed. */
static void
conn_on_write(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;
	struct rtp_session	*se, *next;
	int		 rc;

	if (what & EV_TIMEOUT) {
		log_debug("%s: took nothing for the write timeout", c->addr);
		conn_free(c);
		return;
	}
	if ((rc = tcp_out_flush(&c->out)) == -1) {
		conn_free(c);
		return;
	}
	if (rc == 0)
		return;
	if (c->closing) {
		conn_free(c);
		return;
	}
	for (se = TAILQ_FIRST(&c->sessions); se != NULL; se = next) {
		next = TAILQ_NEXT(se, entry);
		rtp_session_drained(se);
	}
	if (c->stopped && !c->holding)
		conn_reading(c, 1);
	if (!c->holding && !c->closing)
		conn_process(c);
}

/* The session named by a request, on this connection. */
static struct rtp_session *
conn_session(struct conn *c, const char *id)
{
	struct rtp_session	*se;

	if (id[0] == '\0')
		return (NULL);
	TAILQ_FOREACH(se, &c->sessions, entry)
		if (strcmp(se->id, id) == 0)
			return (se);
	return (NULL);
}

/*
 * The camera a path names: "/" the default camera, "/cam/NAME" a camera,
 * each optionally with "/trackID=0"; -1 when none.
 */
static int
conn_camera(struct conn *c, const char *path)
{
	const struct camname_list	*cams = &c->st->conf->cams;
	char				 p[RTSP_URI_MAX], name[CAMNAME_MAX + 1];
	const char			*rest;
	size_t				 len;
	char				*t;
	int				 i;

	snprintf(p, sizeof(p), "%s", path);
	if ((t = strrchr(p, '/')) != NULL && strcmp(t, "/trackID=0") == 0)
		*t = '\0';
	len = strlen(p);
	while (len > 0 && p[len - 1] == '/')
		p[--len] = '\0';
	if (len == 0)
		return (cams->deflt);
	if (len + 1 < sizeof(p)) {
		p[len] = '/';
		p[len + 1] = '\0';
	}
	if (camname_path(p, name, &rest) == -1 || strcmp(rest, "/") != 0 ||
	    (i = camname_find(cams, name)) == -1)
		return (-1);
	return (i);
}

/*
 * The stream a path names: a camera's (conn_camera), or its sub-stream
 * with "/sub" after it ("/sub", "/cam/NAME/sub"); NULL when none.
 */
static struct rtp_stream *
conn_route(struct conn *c, const char *path)
{
	char	 p[RTSP_URI_MAX], *t;
	int	 i;

	snprintf(p, sizeof(p), "%s", path);
	if ((t = strrchr(p, '/')) != NULL && strcmp(t, "/trackID=0") == 0)
		*t = '\0';
	if ((t = strrchr(p, '/')) != NULL && strcmp(t, "/sub") == 0 &&
	    t[4] == '\0') {
		*t = '\0';
		if ((i = conn_camera(c, p)) != -1)
			return (c->st->sub_streams[i]);
	}
	if ((i = conn_camera(c, path)) == -1)
		return (NULL);
	return (c->st->streams[i]);
}

/* The base URL of a request's URI: without query, ending in '/'. */
static void
conn_base(const struct rtsp_request *req, char *buf, size_t len)
{
	char	*q;
	size_t	 n;

	snprintf(buf, len, "%s", req->uri);
	if ((q = strchr(buf, '?')) != NULL)
		*q = '\0';
	if ((q = strstr(buf, "/trackID=")) != NULL)
		*q = '\0';
	n = strlen(buf);
	if (n > 0 && buf[n - 1] != '/' && n + 1 < len) {
		buf[n] = '/';
		buf[n + 1] = '\0';
	}
}

/* The local address as text, for the SDP's origin. */
static int
conn_local_text(const struct conn *c, char *buf, size_t len)
{
	const struct sockaddr_in	*s4;
	const struct sockaddr_in6	*s6;

	if (c->local.ss_family == AF_INET6) {
		s6 = (const struct sockaddr_in6 *)&c->local;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], buf,
			    len);
			return (0);
		}
		inet_ntop(AF_INET6, &s6->sin6_addr, buf, len);
		return (1);
	}
	s4 = (const struct sockaddr_in *)&c->local;
	inet_ntop(AF_INET, &s4->sin_addr, buf, len);
	return (0);
}

/* Answers DESCRIBE for a stream whose SPS and PPS are known. */
static void
conn_describe_answer(struct conn *c, const struct rtsp_request *req,
    struct rtp_stream *s)
{
	struct sdp_h264	 d;
	char		 body[2048], extra[RTSP_URI_MAX + 128], addr[64];
	char		 base[RTSP_URI_MAX], cause[256];
	int		 n;

	memset(&d, 0, sizeof(d));
	d.ipv6 = conn_local_text(c, addr, sizeof(addr));
	d.name = s->name;
	d.addr = addr;
	d.session_id = s->rtp.ssrc;
	d.version = s->ends + 1;
	d.pt = s->rtp.pt;
	d.control = "trackID=0";
	rtp_stream_params(s, &d.sps, &d.spslen, &d.pps, &d.ppslen);
	if ((n = sdp_write(&d, body, sizeof(body), cause,
	    sizeof(cause))) == -1) {
		log_warnx("camera %s: SDP: %s", s->name, cause);
		conn_error(c, 500, req->cseq, cause, 0);
		return;
	}
	conn_base(req, base, sizeof(base));
	snprintf(extra, sizeof(extra), "Content-Base: %s\r\nContent-Type: "
	    "application/sdp\r\nContent-Length: %d\r\n", base, n);
	conn_reply(c, 200, req->cseq, NULL, extra);
	conn_send(c, body, n);
}

/* The held DESCRIBE's stream has its SPS: answered, and reading resumes. */
static void
conn_on_params(void *arg)
{
	struct conn	*c = arg;

	event_del(c->ev_hold);
	conn_describe_answer(c, &c->held, c->waiting_on);
	rtp_stream_unwant(c->waiting_on);
	c->waiting_on = NULL;
	c->holding = 0;
	conn_reading(c, 1);
	conn_process(c);
}

/* DESCRIBE. */
static void
conn_describe(struct conn *c, const struct rtsp_request *req,
    struct rtp_stream *s)
{
	const unsigned char	*a, *b;
	size_t			 al, bl;
	struct timeval		 tv = { CONN_DESCRIBE_SEC, 0 };
	char			 cause[256];

	if (rtp_stream_params(s, &a, &al, &b, &bl)) {
		conn_describe_answer(c, req, s);
		return;
	}
	/* The camera starts for it: held until its first IDR. */
	if (rtp_stream_want(s, cause, sizeof(cause)) == -1) {
		log_debug("camera %s: %s", s->name, cause);
		conn_error(c, 503, req->cseq, "camera not available", 0);
		return;
	}
	c->held = *req;
	c->holding = 1;
	c->waiting_on = s;
	c->waiter.on_params = conn_on_params;
	c->waiter.arg = c;
	rtp_stream_wait(s, &c->waiter);
	evtimer_add(c->ev_hold, &tv);
}

/* SETUP. */
static void
conn_setup(struct conn *c, const struct rtsp_request *req, struct rtp_stream *s)
{
	struct rtsp_transport	 tr;
	struct rtp_session		*se;
	char			 cause[256], extra[600];
	int			 status;

	if ((se = conn_session(c, req->session)) != NULL) {
		/* One track: the session's own transport again. */
		rtp_session_touch(se);
		if (rtp_session_transport(se, extra, sizeof(extra)) == -1)
			extra[0] = '\0';
		conn_reply(c, 200, req->cseq, se->id, extra);
		return;
	}
	if (req->session[0] != '\0') {
		conn_error(c, 454, req->cseq, "no such session", 0);
		return;
	}
	if (rtsp_transport_pick(req->transport, c->st->conf->udp_port != 0,
	    &tr, cause, sizeof(cause)) == -1) {
		conn_error(c, 461, req->cseq, cause, 0);
		return;
	}
	if (c->nsessions >= c->st->conf->max_sessions) {
		conn_error(c, 503, req->cseq, "too many sessions on this "
		    "connection", 0);
		return;
	}
	if ((se = rtp_session_new(c->st, &c->out, s, &tr,
	    (struct sockaddr *)&c->peer, (struct sockaddr *)&c->local,
	    conn_session_gone, c, &status, cause, sizeof(cause))) == NULL) {
		conn_error(c, status, req->cseq, cause, 0);
		return;
	}
	snprintf(se->play_url, sizeof(se->play_url), "%s", req->uri);
	TAILQ_INSERT_TAIL(&c->sessions, se, entry);
	c->nsessions++;
	if (rtp_session_transport(se, extra, sizeof(extra)) == -1)
		extra[0] = '\0';
	conn_reply(c, 200, req->cseq, se->id, extra);
}

/* PLAY, PAUSE, TEARDOWN, GET_PARAMETER on a session. */
static void
conn_in_session(struct conn *c, const struct rtsp_request *req)
{
	struct rtp_session	*se;

	if ((se = conn_session(c, req->session)) == NULL) {
		if (req->method == RTSP_GET_PARAMETER ||
		    (req->method == RTSP_TEARDOWN && req->session[0] == '\0'))
			conn_reply(c, 200, req->cseq, NULL, NULL);
		else
			conn_error(c, 454, req->cseq, req->session[0] ==
			    '\0' ? "no Session header" : "no such session", 0);
		return;
	}
	rtp_session_touch(se);
	switch (req->method) {
	case RTSP_PLAY:
		if (rtp_session_play(se, req->cseq, se->play_url) == -1)
			conn_error(c, 500, req->cseq, "cannot answer", 1);
		break;
	case RTSP_PAUSE:
		rtp_session_pause(se);
		conn_reply(c, 200, req->cseq, se->id, NULL);
		break;
	case RTSP_TEARDOWN:
		TAILQ_REMOVE(&c->sessions, se, entry);
		c->nsessions--;
		rtp_session_free(se);
		conn_reply(c, 200, req->cseq, NULL, NULL);
		break;
	default:
		conn_reply(c, 200, req->cseq, se->id, NULL);
		break;
	}
}

/* Authentication: 1 to go on, 0 when answered or held. */
static int
conn_auth(struct conn *c, const struct rtsp_request *req)
{
	static struct log_rate	 lr = LOG_RATE_INIT("RTSP login failures");
	char			 user[AUTH_BASIC_MAX_USER + 1], cause[256];
	char			 challenge[256];
	struct timeval		 tv;
	unsigned		 wait_ms = 0;
	int			 stale = 0;

	if (!auth_enabled(c->st->auth) || req->method == RTSP_OPTIONS)
		return (1);
	switch (auth_check_rtsp(c->st->auth, req->authorization[0] != '\0' ?
	    req->authorization : NULL, req->method_name,
	    (struct sockaddr *)&c->peer, mono_ms(), (int64_t)time(NULL), user,
	    &wait_ms, &stale, cause, sizeof(cause))) {
	case AUTH_OK:
		snprintf(c->user, sizeof(c->user), "%s", user);
		return (1);
	case AUTH_WAIT:
		c->held = *req;
		c->holding = 1;
		tv.tv_sec = wait_ms / 1000;
		tv.tv_usec = (wait_ms % 1000) * 1000;
		evtimer_add(c->ev_hold, &tv);
		conn_reading(c, 0);
		/* Still watched for a close: a client gone is let go. */
		event_add(c->ev_read, NULL);
		return (0);
	case AUTH_DENY:
		break;
	}
	if (req->authorization[0] != '\0') {
		c->st->stats.auth_failures++;
		log_rate_warnx(&lr, "%s: %s", c->addr, cause);
	}
	if (auth_challenge_rtsp(c->st->auth, (int64_t)time(NULL), stale,
	    challenge, sizeof(challenge)) == -1)
		challenge[0] = '\0';
	conn_reply(c, 401, req->cseq, NULL, challenge);
	return (0);
}

/* One whole request. */
static void
conn_request(struct conn *c, const struct rtsp_request *req)
{
	struct rtp_stream	*s;
	char		 extra[RTSP_REQUIRE_MAX + 32];

	c->st->stats.requests++;
	conn_arm_idle(c);
	if (req->require[0] != '\0') {
		snprintf(extra, sizeof(extra), "Unsupported: %s\r\n",
		    req->require);
		conn_reply(c, 551, req->cseq, NULL, extra);
		return;
	}
	if (!conn_auth(c, req))
		return;
	switch (req->method) {
	case RTSP_OPTIONS:
		if (conn_session(c, req->session) != NULL)
			rtp_session_touch(conn_session(c, req->session));
		conn_reply(c, 200, req->cseq, NULL, CONN_PUBLIC);
		return;
	case RTSP_DESCRIBE:
	case RTSP_SETUP:
		if ((s = conn_route(c, req->path)) == NULL) {
			conn_error(c, 404, req->cseq, "no such camera", 0);
			return;
		}
		if (!auth_allowed(c->st->auth, s->name, c->user)) {
			conn_error(c, 403, req->cseq, "this camera is not for "
			    "this user", 0);
			return;
		}
		if (req->method == RTSP_DESCRIBE)
			conn_describe(c, req, s);
		else
			conn_setup(c, req, s);
		return;
	case RTSP_PLAY:
	case RTSP_PAUSE:
	case RTSP_TEARDOWN:
	case RTSP_GET_PARAMETER:
		conn_in_session(c, req);
		return;
	case RTSP_SET_PARAMETER:
		if (req->body_len > 0)
			conn_error(c, 451, req->cseq, "no parameter can be "
			    "set", 0);
		else
			conn_in_session(c, req);
		return;
	default:
		conn_reply(c, 501, req->cseq, NULL, CONN_PUBLIC);
		return;
	}
}

/* A connection's first request: it counts against its address's share. */
static int
conn_admit(struct conn *c, int64_t cseq)
{
	static struct log_rate	 lr = LOG_RATE_INIT("refused RTSP clients");
	struct state		*st = c->st;

	struct connpool_entry	*e;

	if (c->admitted)
		return (1);
	/* Full: the heaviest address's oldest goes for a quieter newcomer. */
	if (st->nconns >= st->conf->max_clients &&
	    (e = connpool_evictee(st->pool, &c->pool)) != NULL) {
		st->stats.evicted++;
		log_rate_warnx(&lr, "%s: closed for %s, whose address holds "
		    "fewer clients", conn_of_pool(e)->addr, c->addr);
		conn_free(conn_of_pool(e));
	}
	if (st->nconns >= st->conf->max_clients) {
		st->stats.refused++;
		log_rate_warnx(&lr, "%s: refused: %zu clients already",
		    c->addr, st->nconns);
		conn_error(c, 503, cseq, "too many clients", 1);
		return (0);
	}
	if (connpool_view(st->pool, &c->pool) == -1) {
		st->stats.refused++;
		log_rate_warnx(&lr, "%s: refused: its address holds its "
		    "share of clients", c->addr);
		conn_error(c, 503, cseq, "too many clients from this address",
		    1);
		return (0);
	}
	c->admitted = 1;
	st->nconns++;
	return (1);
}

/* Interleaved data from the client: RTCP for a session, else dropped. */
static void
conn_data(struct conn *c, const struct rtsp_data *d)
{
	struct rtp_session	*se;

	TAILQ_FOREACH(se, &c->sessions, entry)
		if (se->tr.lower == RTSP_LOWER_TCP &&
		    se->tr.channel[1] == d->channel) {
			rtp_session_rtcp(se, d->p, d->len);
			return;
		}
}

/* Reads every whole message waiting. */
static void
conn_process(struct conn *c)
{
	static struct log_rate	 lr = LOG_RATE_INIT("bad RTSP requests");
	struct rtsp_request	 req;
	struct rtsp_data	 d;
	const unsigned char	*p;
	char			 cause[256];
	size_t			 len, used;
	int			 status;

	while (!c->holding && !c->closing &&
	    (len = evbuffer_get_length(c->in)) > 0) {
		if (tcp_out_waiting(&c->out) > CONN_OUT_MAX) {
			conn_reading(c, 0);
			return;
		}
		p = evbuffer_pullup(c->in, -1);
		used = 0;
		switch (rtsp_read(p, len, CONN_HEAD_MAX, &req, &d, &used,
		    &status, cause, sizeof(cause))) {
		case RTSP_READ_MORE:
			evbuffer_drain(c->in, used);
			if (evbuffer_get_length(c->in) > 0)
				conn_arm_head(c);
			return;
		case RTSP_READ_ERROR:
			c->st->stats.bad_requests++;
			log_rate_warnx(&lr, "%s: %s", c->addr, cause);
			/* Every answer has a CSeq when one was read: clients
			   match answers by it (GStreamer's rtspsrc reads
			   one without as a parse error). */
			conn_error(c, status, req.cseq, cause, 1);
			return;
		case RTSP_READ_DATA:
			conn_data(c, &d);
			break;
		case RTSP_READ_REQUEST:
			if (!conn_admit(c, req.cseq))
				return;
			evbuffer_drain(c->in, used);
			evtimer_del(c->ev_head);
			conn_request(c, &req);
			continue;
		}
		evbuffer_drain(c->in, used);
		evtimer_del(c->ev_head);
	}
}

/* Bytes from the client. */
static void
conn_on_read(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;
	size_t		 have = evbuffer_get_length(c->in);
	int		 n;

	if (have >= CONN_IN_MAX) {
		/* Held: only a close is looked for. */
		event_del(c->ev_read);
		return;
	}
	n = evbuffer_read(c->in, fd, (int)(CONN_IN_MAX - have));
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
		log_debug("%s: closed by the client", c->addr);
		conn_free(c);
		return;
	}
	if (c->holding)
		return;
	conn_process(c);
}

/* A held request's delay or wait ended. */
static void
conn_on_hold(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	if (c->waiting_on != NULL) {
		rtp_stream_unwait(c->waiting_on, &c->waiter);
		rtp_stream_unwant(c->waiting_on);
		c->waiting_on = NULL;
		c->holding = 0;
		conn_error(c, 503, c->held.cseq, "the camera gave no picture "
		    "in time", 0);
	} else {
		c->holding = 0;
		conn_request(c, &c->held);
	}
	if (!c->holding) {
		conn_reading(c, 1);
		conn_process(c);
	}
}

/* Describes the peer for the log. */
static void
conn_name(struct conn *c)
{
	char	 host[INET6_ADDRSTRLEN] = "?";

	if (c->peer.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&c->peer)->sin_addr,
		    host, sizeof(host));
	else if (c->peer.ss_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((struct sockaddr_in6 *)&c->peer)->sin6_addr, host,
		    sizeof(host));
	snprintf(c->addr, sizeof(c->addr), "%s", host);
}

/* A new connection. */
struct conn *
conn_new(struct state *st, int fd, const struct sockaddr *sa,
    socklen_t salen)
{
	struct conn	*c;
	socklen_t	 len;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return (NULL);
	}
	c->st = st;
	c->fd = fd;
	TAILQ_INIT(&c->sessions);
	memcpy(&c->peer, sa, salen < sizeof(c->peer) ? salen :
	    sizeof(c->peer));
	c->peerlen = salen;
	len = sizeof(c->local);
	getsockname(fd, (struct sockaddr *)&c->local, &len);
	conn_name(c);
	connpool_entry_init(&c->pool, sa, salen);
	TAILQ_INSERT_TAIL(&st->conns, c, entry);
	st->nall++;
	if ((c->in = evbuffer_new()) == NULL ||
	    tcp_out_init(&c->out, st->base, fd, st->conf->write_timeout,
	    conn_on_write, c) == -1 ||
	    (c->ev_read = event_new(st->base, fd, EV_READ | EV_PERSIST,
	    conn_on_read, c)) == NULL ||
	    (c->ev_head = evtimer_new(st->base, conn_on_head, c)) == NULL ||
	    (c->ev_idle = evtimer_new(st->base, conn_on_idle, c)) == NULL ||
	    (c->ev_hold = evtimer_new(st->base, conn_on_hold, c)) == NULL ||
	    (c->ev_close = evtimer_new(st->base, conn_on_close, c)) == NULL) {
		conn_free(c);
		return (NULL);
	}
	event_add(c->ev_read, NULL);
	conn_arm_head(c);
	conn_arm_idle(c);
	log_debug("%s: connected", c->addr);
	return (c);
}

/* Closes a connection and its sessions. */
void
conn_free(struct conn *c)
{
	struct rtp_session	*se;

	while ((se = TAILQ_FIRST(&c->sessions)) != NULL) {
		TAILQ_REMOVE(&c->sessions, se, entry);
		rtp_session_free(se);
	}
	if (c->waiting_on != NULL) {
		rtp_stream_unwait(c->waiting_on, &c->waiter);
		rtp_stream_unwant(c->waiting_on);
	}
	connpool_remove(c->st->pool, &c->pool);
	TAILQ_REMOVE(&c->st->conns, c, entry);
	c->st->nall--;
	if (c->admitted)
		c->st->nconns--;
	if (c->ev_read != NULL)
		event_free(c->ev_read);
	if (c->ev_head != NULL)
		event_free(c->ev_head);
	if (c->ev_idle != NULL)
		event_free(c->ev_idle);
	if (c->ev_hold != NULL)
		event_free(c->ev_hold);
	if (c->ev_close != NULL)
		event_free(c->ev_close);
	tcp_out_destroy(&c->out);
	if (c->in != NULL)
		evbuffer_free(c->in);
	close(c->fd);
	free(c);
}

/* RTCP on a UDP port: the session whose receiver sends from there. */
void
conn_udp_rtcp(const struct sockaddr *from, socklen_t fromlen,
    const unsigned char *p, size_t len, void *arg)
{
	struct state	*st = arg;
	struct rtp_session	*se;

	TAILQ_FOREACH(se, &st->udp_sessions, uentry)
		if (udp_same_addr(from, (struct sockaddr *)&se->to[1]) ||
		    udp_same_addr(from, (struct sockaddr *)&se->to[0])) {
			rtp_session_rtcp(se, p, len);
			return;
		}
}
