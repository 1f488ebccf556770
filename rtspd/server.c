/* SPDX-License-Identifier: ISC */
/*
 * server.c: rtspd's state, its listeners and its accepting.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "accept_pause.h"
#include "auth.h"
#include "conn.h"
#include "connpool.h"
#include "log.h"
#include "server.h"
#include "rtp_stream.h"
#include "udp.h"

/* Sets up the state. */
int
server_init(struct server *s, struct event_base *base,
    struct accept_pause *ap, const struct state_conf *conf, char *cause,
    size_t causelen)
{
	struct state	*st = &s->st;
	const char	*names[CAMNAME_CAMERAS], *bad;
	int		 i;

	memset(s, 0, sizeof(*s));
	s->ap = ap;
	st->base = base;
	st->conf = conf;
	TAILQ_INIT(&st->conns);
	TAILQ_INIT(&st->udp_sessions);
	if ((st->auth = auth_new(&conf->auth, cause, causelen)) == NULL)
		return (-1);
	if ((bad = auth_unknown_camera(st->auth, names,
	    camname_names(&conf->cams, names))) != NULL) {
		snprintf(cause, causelen, "camera users: no camera %s", bad);
		return (-1);
	}
	if ((st->pool = connpool_new(&conf->pool)) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (-1);
	}
	for (i = 0; i < conf->cams.n; i++) {
		if (conf->cams.cams[i].h264[0] == '\0') {
			snprintf(cause, causelen, "camera %s has no H.264 "
			    "socket", conf->cams.cams[i].name);
			return (-1);
		}
		if ((st->streams[i] = rtp_stream_new(base,
		    conf->cams.cams[i].name, conf->cams.cams[i].h264,
		    "rtspd", RTP_STREAM_RTSP, conf->mtu, cause, causelen)) == NULL)
			return (-1);
		/* Its sub-stream: connected only when someone asks. */
		if (conf->cams.cams[i].h264_sub[0] != '\0' &&
		    (st->sub_streams[i] = rtp_stream_new(base,
		    conf->cams.cams[i].name, conf->cams.cams[i].h264_sub,
		    "rtspd", RTP_STREAM_RTSP, conf->mtu, cause, causelen)) == NULL)
			return (-1);
	}
	return (0);
}

/* Tears down. */
void
server_destroy(struct server *s)
{
	struct state	*st = &s->st;
	struct conn	*c;
	int		 i;

	while ((c = TAILQ_FIRST(&st->conns)) != NULL)
		conn_free(c);
	for (i = 0; i < s->nlisteners; i++)
		evconnlistener_free(s->listeners[i]);
	for (i = 0; i < STATE_LISTEN_MAX; i++)
		udp_pair_close(st->udp[i]);
	for (i = 0; i < CAMNAME_CAMERAS; i++) {
		rtp_stream_free(st->streams[i]);
		rtp_stream_free(st->sub_streams[i]);
	}
	if (st->pool != NULL)
		connpool_free(st->pool);
	auth_free(st->auth);
}

/*
 * A new connection: pending in the pool, the oldest pending of its
 * address (or of all) closed first when the pool is full.
 */
static void
server_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	static struct log_rate	 lr = LOG_RATE_INIT("evicted connections");
	struct server		*s = arg;
	struct state		*st = &s->st;
	struct connpool_entry	*e;
	struct conn		*c;

	st->stats.accepted++;
	accept_pause_accepted(s->ap);
	if ((c = conn_new(st, fd, sa, salen)) == NULL)
		return;
	while ((e = connpool_victim(st->pool, &c->pool)) != NULL) {
		log_rate_info(&lr, "%s: closed, still without a request, to "
		    "make room for %s", conn_of_pool(e)->addr, c->addr);
		conn_free(conn_of_pool(e));
	}
	if (connpool_pend(st->pool, &c->pool) == -1)
		conn_free(c);
}

/* Accepts on a listening socket. */
int
server_listen_fd(struct server *s, int fd, char *cause, size_t causelen)
{
	struct state		*st = &s->st;
	struct evconnlistener	*l;
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	int			 i;

	if (s->nlisteners == STATE_LISTEN_MAX) {
		snprintf(cause, causelen, "too many listening sockets");
		return (-1);
	}
	if (st->conf->udp_port != 0) {
		if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
			snprintf(cause, causelen, "socket %d: %s", fd,
			    strerror(errno));
			return (-1);
		}
		for (i = 0; i < STATE_LISTEN_MAX && st->udp[i] != NULL; i++)
			if (udp_pair_is(st->udp[i], (struct sockaddr *)&ss))
				break;
		if (i < STATE_LISTEN_MAX && st->udp[i] == NULL &&
		    (st->udp[i] = udp_pair_open(st->base,
		    (struct sockaddr *)&ss, len, st->conf->udp_port,
		    conn_udp_rtcp, st, cause, causelen)) == NULL)
			return (-1);
	}
	if ((l = evconnlistener_new(st->base, server_accept, s,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd)) == NULL) {
		snprintf(cause, causelen, "socket %d: %s", fd, strerror(errno));
		return (-1);
	}
	if (accept_pause_add(s->ap, l) == -1) {
		snprintf(cause, causelen, "too many listeners");
		evconnlistener_free(l);
		return (-1);
	}
	s->listeners[s->nlisteners++] = l;
	return (0);
}

/* SIGHUP. */
void
server_reload(void *arg)
{
	struct server	*s = arg;
	char		 cause[512];

	if (!auth_enabled(s->st.auth))
		return;
	if (auth_reload(s->st.auth, cause, sizeof(cause)) == -1)
		log_warnx("password file kept: %s", cause);
	else
		log_info("password file read again");
}

/* The status line. */
void
server_status_line(char *buf, size_t len, void *arg)
{
	struct server	*s = arg;

	snprintf(buf, len, "%zu clients, %zu sessions, %zu playing",
	    s->st.nconns, s->st.nsessions, s->st.nplaying);
}
