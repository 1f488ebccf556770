/* SPDX-License-Identifier: ISC */
/* connset.c: wsd's connection set: listeners, connections, limits, cameras, counters. */
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/listener.h>

#include <jansson.h>

#include "accept_pause.h"
#include "camera.h"
#include "camstat.h"
#include "client.h"
#include "control_client.h"
#include "frame.h"
#include "frame_sub.h"
#include "handoff_rec.h"
#include "log.h"
#include "connset.h"
#include "ws_codec.h"

/* Counters for /status. */
struct connset_stats {
	unsigned long long	 frames_sent;
	unsigned long long	 frames_skipped;
	unsigned long long	 bytes_sent;
	unsigned long long	 accepted;	/* connections */
	unsigned long long	 upgraded;	/* WebSocket sessions opened */
	unsigned long long	 refused;	/* handshakes refused */
	unsigned long long	 dropped;	/* dropped on timeouts */
	unsigned long long	 evicted;	/* pending, closed for others */
	unsigned long long	 base64_encoded;	/* frames encoded */
};

struct connset {
	struct event_base	*base;
	struct connset_conf	 conf;
	struct evconnlistener	*listeners[CONNSET_LISTEN_MAX];
	size_t			 nlisteners;
	struct accept_pause	*ap;		/* out of descriptors */

	struct clients		 conns;		/* every connection */
	size_t			 nconns;
	size_t			 nviewers;	/* open WebSockets */
	size_t			 nh264;		/* of those, H.264 */
	struct connpool		*pool;		/* heads pending, shares */

	struct camera		*cams[CAMNAME_CAMERAS];
	int			 ncams;
	struct camera		*deflt;		/* the default camera */
	struct camstat		*cam;		/* capd's status (default's) */
	struct auth		*auth;
	struct connset_stats	 stats;		/* of connections gone */
};

/* Creates the relay. */
struct connset *
connset_new(struct event_base *base, const struct connset_conf *conf,
    char *cause, size_t causelen)
{
	struct connset	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	r->base = base;
	r->conf = *conf;
	TAILQ_INIT(&r->conns);
	for (r->ncams = 0; r->ncams < conf->cams.n; r->ncams++) {
		if ((r->cams[r->ncams] = camera_new(base,
		    r->conf.cams.cams[r->ncams].name,
		    r->conf.cams.cams[r->ncams].path,
		    r->conf.cams.cams[r->ncams].h264[0] != '\0' ?
		    r->conf.cams.cams[r->ncams].h264 : NULL, conf->max_frame,
		    conf->max_camera_clients)) == NULL) {
			snprintf(cause, causelen, "out of memory");
			connset_free(r);
			return (NULL);
		}
	}
	r->deflt = r->cams[conf->cams.deflt];
	r->ap = accept_pause_new(base, cause, causelen);
	r->pool = connpool_new(&conf->pool);
	r->cam = camstat_new(base, r->conf.control != NULL ? r->conf.control :
	    control_client_path(r->deflt->path));
	if (r->ap == NULL || r->pool == NULL || r->cam == NULL) {
		snprintf(cause, causelen, "out of memory");
		connset_free(r);
		return (NULL);
	}
	if ((r->auth = auth_new(&conf->auth, cause, causelen)) == NULL) {
		connset_free(r);
		return (NULL);
	}
	return (r);
}

/* Says goodbye to every client and frees everything. */
void
connset_free(struct connset *r)
{
	struct client	*c;
	size_t		 i;
	int		 k;

	for (i = 0; i < r->nlisteners; i++)
		evconnlistener_free(r->listeners[i]);
	r->nlisteners = 0;
	TAILQ_FOREACH(c, &r->conns, entry)
		session_goodbye(c, WS_CODEC_CLOSE_GOING_AWAY);
	while ((c = TAILQ_FIRST(&r->conns)) != NULL)
		client_free(c);
	for (k = 0; k < r->ncams; k++)
		camera_free(r->cams[k]);
	camstat_free(r->cam);
	accept_pause_free(r->ap);
	auth_free(r->auth);
	connpool_free(r->pool);
	free(r);
}

/* Re-reads the password file. */
void
connset_reload(struct connset *r)
{
	char	 cause[512];

	if (auth_reload(r->auth, cause, sizeof(cause)) == -1)
		log_warnx("keeping the old password file: %s", cause);
	else if (auth_enabled(r->auth))
		log_info("password file re-read");
}

/* True when clients need a token or credentials. */
int
connset_auth_enabled(const struct connset *r)
{
	return (auth_enabled(r->auth));
}

/* The authentication state, for client.c. */
struct auth *
connset_auth(struct connset *r)
{
	return (r->auth);
}

/*
 * A new connection, accepted or handed over with its head already read:
 * into the list and the pool of pending heads.  Room is made by closing
 * the oldest pending connection of its address when that address holds
 * its share, else the oldest of all when the pool is full; viewers are
 * never closed for a newcomer.
 */
int
connset_admit(struct connset *r, struct client *c)
{
	static struct log_rate	 lr = LOG_RATE_INIT("evicted connections");
	struct connpool_entry	*e;
	struct client		*v;

	TAILQ_INSERT_TAIL(&r->conns, c, entry);
	r->nconns++;
	while ((e = connpool_victim(r->pool, &c->pool)) != NULL) {
		v = (struct client *)((char *)e - offsetof(struct client, pool));
		log_rate_info(&lr, "%s: closed, still without a request head, "
		    "to make room for %s", v->addr, c->addr);
		r->stats.evicted++;
		client_free(v);
	}
	if (connpool_pend(r->pool, &c->pool) == -1) {
		client_free(c);
		return (-1);
	}
	return (0);
}

/* A new connection. */
static void
connset_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct connset	*r = arg;
	struct client	*c;

	r->stats.accepted++;
	accept_pause_accepted(r->ap);
	if ((c = client_new(r, fd, sa, salen)) == NULL)
		return;
	connset_admit(r, c);
}

/*
 * A connection httpd handed over: admitted like an accepted one, its
 * request head read from the record.
 */
void
connset_adopt(struct connset *r, int fd, const struct handoff_rec *rec)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	struct client		*c;

	r->stats.accepted++;
	evutil_make_socket_nonblocking(fd);
	if (rec->salen != 0) {
		memcpy(&ss, &rec->sa, rec->salen);
		sslen = rec->salen;
	} else if (getpeername(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		memset(&ss, 0, sizeof(ss));
		sslen = sizeof(struct sockaddr);
	}
	if ((c = client_new(r, fd, (struct sockaddr *)&ss, sslen)) == NULL)
		return;
	if (connset_admit(r, c) == -1)
		return;
	client_adopt_head(c, rec->head, rec->headlen, rec->user);
}

/* Accepts on a socket already listening (from systemd or wsd.c). */
int
connset_listen_fd(struct connset *r, int fd, char *cause, size_t causelen)
{
	struct evconnlistener	*l;

	if (r->nlisteners == CONNSET_LISTEN_MAX) {
		snprintf(cause, causelen, "too many listening sockets");
		return (-1);
	}
	l = evconnlistener_new(r->base, connset_accept, r,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
	if (l == NULL) {
		snprintf(cause, causelen, "socket %d: %s", fd, strerror(errno));
		return (-1);
	}
	if (accept_pause_add(r->ap, l) == -1) {
		snprintf(cause, causelen, "too many listeners");
		evconnlistener_free(l);
		return (-1);
	}
	r->listeners[r->nlisteners++] = l;
	return (0);
}

/* The status line: clients and the state of the link to capd. */
void
connset_status_line(char *buf, size_t len, void *arg)
{
	struct connset	*r = arg;
	char		 cam[200];

	char		 cams[32] = "";

	if (r->ncams > 1)
		snprintf(cams, sizeof(cams), " (%d cameras)", r->ncams);
	camstat_refresh(r->cam);
	if (camstat_line(r->cam, cam, sizeof(cam)) == -1)
		snprintf(cam, sizeof(cam), "unknown");
	snprintf(buf, len, "camera %s; %zu WebSocket client%s, capd link %s%s",
	    cam, r->nviewers, r->nviewers == 1 ? "" : "s",
	    camera_state(r->deflt), cams);
}

/* The event loop. */
struct event_base *
connset_base(const struct connset *r)
{
	return (r->base);
}

/* The configuration. */
const struct connset_conf *
connset_conf(const struct connset *r)
{
	return (&r->conf);
}

/* Adds what one connection did to st. */
static void
connset_add_counts(struct connset_stats *st, const struct client *c)
{
	struct client_counts	 cc;

	client_counts(c, &cc);
	st->frames_sent += cc.frames_sent;
	st->frames_skipped += cc.frames_skipped;
	st->bytes_sent += cc.bytes_sent;
	st->refused += cc.refused;
	st->dropped += cc.dropped;
}

/* Forgets a connection, keeping what it did in the totals. */
void
connset_remove(struct connset *r, struct client *c)
{
	connset_add_counts(&r->stats, c);
	TAILQ_REMOVE(&r->conns, c, entry);
	r->nconns--;
	connpool_remove(r->pool, &c->pool);
}

/* True when path is base, or base + ".h264" (*h264 set). */
static int
connset_stream_path(const char *path, const char *base, int *h264)
{
	size_t	 n = strlen(base);

	if (strncmp(path, base, n) != 0)
		return (0);
	*h264 = strcmp(path + n, ".h264") == 0;
	return (path[n] == '\0' || *h264);
}

/* The camera of a WebSocket path, or NULL. */
struct camera *
connset_camera(struct connset *r, const char *path, int *h264)
{
	struct camera	*cam = NULL;
	char		 name[CAMNAME_MAX + 1];
	const char	*rest;
	int		 i;

	*h264 = 0;
	if (connset_stream_path(path, r->conf.path, h264))
		cam = r->deflt;
	else if (camname_path(path, name, &rest) == 0 &&
	    connset_stream_path(rest, "/stream", h264)) {
		for (i = 0; i < r->ncams; i++)
			if (strcmp(r->cams[i]->name, name) == 0)
				cam = r->cams[i];
	}
	if (cam != NULL && *h264 && cam->h264 == NULL)
		return (NULL);
	return (cam);
}

/*
 * Counts a new viewer of c->cam, within --max-clients, its address's share
 * and --max-camera-clients; the camera's first starts its link.
 */
const char *
connset_join(struct connset *r, struct client *c)
{
	if (r->nviewers >= r->conf.max_clients ||
	    camera_full(c->cam))
		return ("too many clients");
	if (connpool_view(r->pool, &c->pool) == -1)
		return ("too many clients from this address");
	if (c->want_h264) {
		c->cam->nh264++;
		r->nh264++;
	} else
		camera_join(c->cam, c);
	r->stats.upgraded++;
	r->nviewers++;
	return (0);
}

/* A viewer leaves. */
void
connset_leave(struct connset *r, struct client *c)
{
	if (c->want_h264) {
		if (c->cam->nh264 > 0)
			c->cam->nh264--;
		if (r->nh264 > 0)
			r->nh264--;
	} else
		camera_leave(c->cam, c);
	if (r->nviewers > 0)
		r->nviewers--;
}

/* Appends the /status JSON. */
void
connset_status(struct connset *r, struct evbuffer *out)
{
	struct camera		*deflt = r->deflt;
	struct frame		*f = frame_sub_latest(deflt->sub);
	struct connset_stats	 st = r->stats;
	struct client		*c;
	json_t			*cam;
	char			*s = NULL;
	double			 age;
	int			 i;

	TAILQ_FOREACH(c, &r->conns, entry)
		connset_add_counts(&st, c);
	for (i = 0; i < r->ncams; i++)
		st.base64_encoded += r->cams[i]->base64_encoded;

	camstat_refresh(r->cam);
	if ((cam = camstat_get(r->cam, &age)) != NULL)
		s = json_dumps(cam, JSON_COMPACT | JSON_REAL_PRECISION(6));
	evbuffer_add_printf(out, "{\"camera\":%s,\"camera_age\":%.3f,",
	    s != NULL ? s : "null", age);
	free(s);
	evbuffer_add_printf(out, "\"clients\":%zu,\"h264_clients\":%zu,"
	    "\"connections\":%zu,"
	    "\"max_clients\":%zu,\"frames_sent\":%llu,\"frames_skipped\":%llu,"
	    "\"bytes_sent\":%llu,\"accepted\":%llu,\"upgraded\":%llu,"
	    "\"refused\":%llu,\"dropped\":%llu,\"base64_encoded\":%llu,"
	    "\"pending\":%zu,\"evicted\":%llu,"
	    "\"capd\":{\"state\":\"%s\",\"frames\":%llu,\"reconnects\":%llu,"
	    "\"last_seq\":%llu},"
	    "\"frames_alive\":%zu,\"frame_bytes_alive\":%zu,\"cameras\":[",
	    r->nviewers, r->nh264, r->nconns, r->conf.max_clients,
	    st.frames_sent, st.frames_skipped, st.bytes_sent,
	    st.accepted, st.upgraded, st.refused,
	    st.dropped, st.base64_encoded,
	    connpool_pending(r->pool), st.evicted,
	    camera_state(deflt), frame_sub_frames(deflt->sub),
	    frame_sub_reconnects(deflt->sub),
	    f != NULL ? (unsigned long long)f->seq : 0ULL,
	    frame_count_alive(), frame_bytes_alive());
	for (i = 0; i < r->ncams; i++) {
		if (i > 0)
			evbuffer_add(out, ",", 1);
		camera_status(r->cams[i], out);
	}
	evbuffer_add_printf(out, "],\"default\":\"%s\"}\n", deflt->name);
}
