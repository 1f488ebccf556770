/* SPDX-License-Identifier: ISC */
/* connset.c: wsd's connections, their limits, the cameras and /status. */
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
#include "connset.h"
#include "frame_sub.h"
#include "handoff_rec.h"
#include "log.h"
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
	struct client_owner	 owner;		/* for every connection */
};

static struct camera	*connset_camera(void *, const char *, int *);
static const char	*connset_join(void *, struct client *);
static void		 connset_leave(void *, struct client *);
static void		 connset_remove(void *, struct client *);
static void		 connset_status(void *, struct evbuffer *);

/* Creates the set. */
struct connset *
connset_new(struct event_base *base, struct accept_pause *ap,
    const struct connset_conf *conf, char *cause, size_t causelen)
{
	const char	*names[CAMNAME_CAMERAS], *bad;
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
	r->ap = ap;
	r->pool = connpool_new(&conf->pool);
	r->cam = camstat_new(base, r->conf.control != NULL ? r->conf.control :
	    control_client_path(r->deflt->path));
	if (r->pool == NULL || r->cam == NULL) {
		snprintf(cause, causelen, "out of memory");
		connset_free(r);
		return (NULL);
	}
	if ((r->auth = auth_new(&conf->auth, cause, causelen)) == NULL) {
		connset_free(r);
		return (NULL);
	}
	if ((bad = auth_unknown_camera(r->auth, names,
	    camname_names(&conf->cams, names))) != NULL) {
		snprintf(cause, causelen, "camera users: no camera %s", bad);
		connset_free(r);
		return (NULL);
	}
	r->owner = (struct client_owner){ .base = base,
	    .conf = &r->conf.client, .auth = r->auth,
	    .camera = connset_camera, .join = connset_join,
	    .leave = connset_leave, .gone = connset_remove,
	    .status = connset_status, .arg = r };
	return (r);
}

/* Says goodbye to every open WebSocket, as the daemon exits. */
void
connset_goodbye(void *set)
{
	struct connset	*r = set;
	struct client	*c;

	TAILQ_FOREACH(c, &r->conns, entry)
		client_goodbye(c, WS_CODEC_CLOSE_GOING_AWAY);
}

/* Frees everything. */
void
connset_free(struct connset *r)
{
	struct client	*c;
	size_t		 i;
	int		 k;

	for (i = 0; i < r->nlisteners; i++)
		evconnlistener_free(r->listeners[i]);
	r->nlisteners = 0;
	while ((c = TAILQ_FIRST(&r->conns)) != NULL)
		client_free(c);
	for (k = 0; k < r->ncams; k++)
		camera_free(r->cams[k]);
	camstat_free(r->cam);
	auth_free(r->auth);
	connpool_free(r->pool);
	free(r);
}

/* Re-reads the password file. */
void
connset_reload(void *set)
{
	struct connset	*r = set;
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

/*
 * A new connection, accepted or handed over with its head already read:
 * into the list and the pool of pending heads.  Room is made by closing
 * the oldest pending connection of its address when that address holds
 * its share, else the oldest of all when the pool is full; viewers are
 * never closed for a newcomer.
 */
static int
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
	if ((c = client_new(&r->owner, fd, sa, salen)) == NULL)
		return;
	connset_admit(r, c);
}

/*
 * A connection httpd handed over: admitted like an accepted one, its
 * request head read from the record.
 */
void
connset_adopt(int fd, const struct handoff_rec *rec, void *arg)
{
	struct connset		*r = arg;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	static struct log_rate	 lr = LOG_RATE_INIT_BURST("bad handoffs", 10);
	struct client		*c;

	if (rec->bodylen != 0) {
		log_rate_warnx(&lr, "handoff dropped: a body of %zu bytes",
		    rec->bodylen);
		close(fd);
		return;
	}
	r->stats.accepted++;
	evutil_make_socket_nonblocking(fd);
	if (rec->salen != 0) {
		memcpy(&ss, &rec->sa, rec->salen);
		sslen = rec->salen;
	} else if (getpeername(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		memset(&ss, 0, sizeof(ss));
		sslen = sizeof(struct sockaddr);
	}
	if ((c = client_new(&r->owner, fd, (struct sockaddr *)&ss,
	    sslen)) == NULL)
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
static void
connset_remove(void *arg, struct client *c)
{
	struct connset	*r = arg;

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
static struct camera *
connset_camera(void *arg, const char *path, int *h264)
{
	struct connset	*r = arg;
	struct camera	*cam = NULL;
	char		 name[CAMNAME_MAX + 1];
	const char	*rest;
	int		 i;

	*h264 = 0;
	if (connset_stream_path(path, r->conf.client.path, h264))
		cam = r->deflt;
	else if (camname_path(path, name, &rest) == 0 &&
	    connset_stream_path(rest, "/stream", h264) &&
	    (i = camname_find(&r->conf.cams, name)) >= 0 && i < r->ncams)
		cam = r->cams[i];
	if (cam != NULL && *h264 && cam->h264 == NULL)
		return (NULL);
	return (cam);
}

/* Viewers of cam from the address of e. */
static int
connset_camera_addr(struct connset *r, const struct camera *cam,
    const struct connpool_entry *e)
{
	struct client	*v;
	int		 n = 0;

	TAILQ_FOREACH(v, &r->conns, entry)
		n += v->joined && v->cam == cam && memcmp(v->pool.key, e->key,
		    sizeof(e->key)) == 0;
	return (n);
}

/*
 * c->cam is full: its oldest viewer of the address holding the most of
 * them, if c's address would still hold fewer; NULL otherwise.
 */
static struct client *
connset_camera_evictee(struct connset *r, const struct client *c)
{
	struct client	*v, *heavy = NULL;
	int		 n, most = 0, have;

	have = connset_camera_addr(r, c->cam, &c->pool);
	/* The list is in the order they came: the first of the most wins. */
	TAILQ_FOREACH(v, &r->conns, entry) {
		if (!v->joined || v->cam != c->cam)
			continue;
		if ((n = connset_camera_addr(r, c->cam, &v->pool)) > most) {
			heavy = v;
			most = n;
		}
	}
	return (heavy != NULL && most > have + 1 ? heavy : NULL);
}

/*
 * Counts a new viewer of c->cam, within --max-clients, its address's share
 * and --max-camera-clients.
 */
static const char *
connset_join(void *arg, struct client *c)
{
	static struct log_rate	 lr = LOG_RATE_INIT("evicted viewers");
	struct connset		*r = arg;
	struct connpool_entry	*e;
	struct client		*v;

	/* Full: the heaviest address's oldest goes for a quieter newcomer. */
	if (r->nviewers >= r->conf.max_clients &&
	    (e = connpool_evictee(r->pool, &c->pool)) != NULL) {
		v = (struct client *)((char *)e - offsetof(struct client, pool));
		log_rate_info(&lr, "%s: closed for %s, whose address holds "
		    "fewer clients", v->addr, c->addr);
		r->stats.evicted++;
		client_free(v);
	}
	/* The same within the camera's own limit. */
	if (camera_full(c->cam) && (v = connset_camera_evictee(r, c)) != NULL) {
		log_rate_info(&lr, "%s: a viewer of a full camera closed for "
		    "%s, whose address holds fewer of its clients", v->addr,
		    c->addr);
		r->stats.evicted++;
		client_free(v);
	}
	if (r->nviewers >= r->conf.max_clients || camera_full(c->cam))
		return ("too many clients");
	if (connpool_view(r->pool, &c->pool) == -1)
		return ("too many clients from this address");
	if (c->want_h264)
		r->nh264++;
	r->stats.upgraded++;
	r->nviewers++;
	return (NULL);
}

/* A viewer leaves. */
static void
connset_leave(void *arg, struct client *c)
{
	struct connset	*r = arg;

	if (c->want_h264 && r->nh264 > 0)
		r->nh264--;
	if (r->nviewers > 0)
		r->nviewers--;
}

/* The cameras' /status objects, or NULL when out of memory. */
static json_t *
connset_cameras(const struct connset *r)
{
	json_t	*a, *o;
	int	 i;

	if ((a = json_array()) == NULL)
		return (NULL);
	for (i = 0; i < r->ncams; i++)
		if ((o = camera_status(r->cams[i])) == NULL ||
		    json_array_append_new(a, o) == -1) {
			json_decref(a);
			return (NULL);
		}
	return (a);
}

/* The link to capd of the default camera, for /status. */
static json_t *
connset_capd(const struct connset *r)
{
	struct frame	*f = frame_sub_latest(r->deflt->sub);

	return (json_pack("{s:s, s:I, s:I, s:I}",
	    "state", camera_state(r->deflt),
	    "frames", (json_int_t)frame_sub_frames(r->deflt->sub),
	    "reconnects", (json_int_t)frame_sub_reconnects(r->deflt->sub),
	    "last_seq", (json_int_t)(f != NULL ? f->seq : 0)));
}

/* The /status document (docs/wsd.md), or NULL when out of memory. */
static json_t *
connset_status_doc(struct connset *r)
{
	struct connset_stats	 st = r->stats;
	struct client		*c;
	json_t			*cam;
	double			 age;
	int			 i;

	TAILQ_FOREACH(c, &r->conns, entry)
		connset_add_counts(&st, c);
	for (i = 0; i < r->ncams; i++)
		st.base64_encoded += r->cams[i]->base64_encoded;
	camstat_refresh(r->cam);
	cam = camstat_get(r->cam, &age);
	return (json_pack("{s:O?, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:I, s:I, s:o, s:s}",
	    "camera", cam, "camera_age", round(age * 1000) / 1000,
	    "clients", (json_int_t)r->nviewers,
	    "h264_clients", (json_int_t)r->nh264,
	    "connections", (json_int_t)r->nconns,
	    "max_clients", (json_int_t)r->conf.max_clients,
	    "frames_sent", (json_int_t)st.frames_sent,
	    "frames_skipped", (json_int_t)st.frames_skipped,
	    "bytes_sent", (json_int_t)st.bytes_sent,
	    "accepted", (json_int_t)st.accepted,
	    "upgraded", (json_int_t)st.upgraded,
	    "refused", (json_int_t)st.refused,
	    "dropped", (json_int_t)st.dropped,
	    "base64_encoded", (json_int_t)st.base64_encoded,
	    "pending", (json_int_t)connpool_pending(r->pool),
	    "evicted", (json_int_t)st.evicted,
	    "capd", connset_capd(r),
	    "frames_alive", (json_int_t)frame_count_alive(),
	    "frame_bytes_alive", (json_int_t)frame_bytes_alive(),
	    "cameras", connset_cameras(r),
	    "default", r->deflt->name));
}

/* Appends the /status JSON. */
static void
connset_status(void *arg, struct evbuffer *out)
{
	json_t	*doc;
	char	*s = NULL;

	if ((doc = connset_status_doc(arg)) != NULL)
		s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER |
		    JSON_REAL_PRECISION(10));
	json_decref(doc);
	evbuffer_add_printf(out, "%s\n", s != NULL ? s : "{}");
	free(s);
}
