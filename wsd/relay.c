/* relay.c: wsd's listeners, connection list, capd subscription, counters. */
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
#include <openssl/evp.h>

#include "accept_pause.h"
#include "camstat.h"
#include "client.h"
#include "control_client.h"
#include "frame.h"
#include "frame_sub.h"
#include "handoff_rec.h"
#include "log.h"
#include "relay.h"
#include "ws_codec.h"

/* Counters for /status. */
struct relay_stats {
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

struct relay {
	struct event_base	*base;
	struct relay_conf	 conf;
	struct evconnlistener	*listeners[RELAY_LISTEN_MAX];
	size_t			 nlisteners;
	struct accept_pause	*ap;		/* out of descriptors */
	struct event		*ev_unsub;	/* stops the link, nobody left */

	struct clients		 conns;		/* every connection */
	size_t			 nconns;
	size_t			 nviewers;	/* open WebSockets */
	struct connpool		*pool;		/* heads pending, shares */

	struct frame_sub	*sub;
	struct camstat		*cam;		/* capd's status */
	struct auth		*auth;
	struct frame		*b64_src;	/* frame last in base64 */
	struct frame		*b64;		/* its base64 text */
	struct relay_stats	 stats;		/* of connections gone */
};

static void	relay_unsubscribe(evutil_socket_t, short, void *);

/* The viewers told to capd: open WebSockets. */
static long
relay_viewers(void *arg)
{
	return ((long)((struct relay *)arg)->nviewers);
}

/* A frame from capd: offered to every connection (only open ones take it). */
static void
relay_frame(struct frame *f, void *arg)
{
	struct relay	*r = arg;
	struct client	*c, *next;

	for (c = TAILQ_FIRST(&r->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		session_frame(c, f);
	}
}

/* The link to capd changed state. */
static void
relay_sub_state(enum frame_sub_state st, const char *cause, void *arg)
{
	if (cause != NULL && cause[0] != '\0')
		log_debug("capd link %s: %s", frame_sub_state_name(st), cause);
	else
		log_info("capd link %s", frame_sub_state_name(st));
}

/* Creates the relay. */
struct relay *
relay_new(struct event_base *base, const struct relay_conf *conf,
    char *cause, size_t causelen)
{
	struct relay	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	r->base = base;
	r->conf = *conf;
	TAILQ_INIT(&r->conns);
	r->sub = frame_sub_new(base, conf->frames, conf->max_frame,
	    relay_frame, relay_sub_state, r);
	r->ap = accept_pause_new(base, cause, causelen);
	r->ev_unsub = evtimer_new(base, relay_unsubscribe, r);
	r->pool = connpool_new(&conf->pool);
	r->cam = camstat_new(base, r->conf.control != NULL ? r->conf.control :
	    control_client_path(r->conf.frames));
	if (r->sub != NULL) {
		frame_sub_set_name(r->sub, "wsd");
		frame_sub_set_viewers_cb(r->sub, relay_viewers, r);
	}
	if (r->sub == NULL || r->ap == NULL || r->ev_unsub == NULL ||
	    r->pool == NULL || r->cam == NULL) {
		snprintf(cause, causelen, "out of memory");
		relay_free(r);
		return (NULL);
	}
	if ((r->auth = auth_new(&conf->auth, cause, causelen)) == NULL) {
		relay_free(r);
		return (NULL);
	}
	return (r);
}

/* Says goodbye to every client and frees everything. */
void
relay_free(struct relay *r)
{
	struct client	*c;
	size_t		 i;

	for (i = 0; i < r->nlisteners; i++)
		evconnlistener_free(r->listeners[i]);
	r->nlisteners = 0;
	TAILQ_FOREACH(c, &r->conns, entry)
		session_goodbye(c, WS_CODEC_CLOSE_GOING_AWAY);
	while ((c = TAILQ_FIRST(&r->conns)) != NULL)
		client_free(c);
	if (r->sub != NULL)
		frame_sub_free(r->sub);
	camstat_free(r->cam);
	accept_pause_free(r->ap);
	if (r->ev_unsub != NULL)
		event_free(r->ev_unsub);
	frame_unref(r->b64);
	frame_unref(r->b64_src);
	auth_free(r->auth);
	connpool_free(r->pool);
	free(r);
}

/* Re-reads the password file. */
void
relay_reload(struct relay *r)
{
	char	 cause[512];

	if (auth_reload(r->auth, cause, sizeof(cause)) == -1)
		log_warnx("keeping the old password file: %s", cause);
	else if (auth_enabled(r->auth))
		log_info("password file re-read");
}

/* True when clients need a token or credentials. */
int
relay_auth_enabled(const struct relay *r)
{
	return (auth_enabled(r->auth));
}

/* The authentication state, for client.c. */
struct auth *
relay_auth(struct relay *r)
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
relay_admit(struct relay *r, struct client *c)
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
relay_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct relay	*r = arg;
	struct client	*c;

	r->stats.accepted++;
	accept_pause_accepted(r->ap);
	if ((c = client_new(r, fd, sa, salen)) == NULL)
		return;
	relay_admit(r, c);
}

/*
 * A connection httpd handed over: admitted like an accepted one, its
 * request head read from the record.
 */
void
relay_adopt(struct relay *r, int fd, const struct handoff_rec *rec)
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
	if (relay_admit(r, c) == -1)
		return;
	client_adopt_head(c, rec->head, rec->headlen, rec->user);
}

/* Accepts on a socket already listening (from systemd or wsd.c). */
int
relay_listen_fd(struct relay *r, int fd, char *cause, size_t causelen)
{
	struct evconnlistener	*l;

	if (r->nlisteners == RELAY_LISTEN_MAX) {
		snprintf(cause, causelen, "too many listening sockets");
		return (-1);
	}
	l = evconnlistener_new(r->base, relay_accept, r,
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
relay_status_line(char *buf, size_t len, void *arg)
{
	struct relay	*r = arg;
	char		 cam[200];

	camstat_refresh(r->cam);
	if (camstat_line(r->cam, cam, sizeof(cam)) == -1)
		snprintf(cam, sizeof(cam), "unknown");
	snprintf(buf, len, "camera %s; %zu WebSocket client%s, capd link %s",
	    cam, r->nviewers, r->nviewers == 1 ? "" : "s",
	    frame_sub_state_name(frame_sub_state(r->sub)));
}

/* The event loop. */
struct event_base *
relay_base(const struct relay *r)
{
	return (r->base);
}

/* The configuration. */
const struct relay_conf *
relay_conf(const struct relay *r)
{
	return (&r->conf);
}

/* Adds what one connection did to st. */
static void
relay_add_counts(struct relay_stats *st, const struct client *c)
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
relay_remove(struct relay *r, struct client *c)
{
	relay_add_counts(&r->stats, c);
	TAILQ_REMOVE(&r->conns, c, entry);
	r->nconns--;
	connpool_remove(r->pool, &c->pool);
}

/*
 * Counts a new viewer, within --max-clients and its address's share; the
 * first one starts the subscription.
 */
const char *
relay_join(struct relay *r, struct client *c)
{
	if (r->nviewers >= r->conf.max_clients)
		return ("too many clients");
	if (connpool_view(r->pool, &c->pool) == -1)
		return ("too many clients from this address");
	r->stats.upgraded++;
	if (r->nviewers++ == 0) {
		evtimer_del(r->ev_unsub);
		frame_sub_start(r->sub);
	}
	return (0);
}

/*
 * A viewer leaves.  After the last one the link is stopped from the loop,
 * not here: a client may leave inside the link's own frame callback.
 */
void
relay_leave(struct relay *r)
{
	struct timeval	 now = { 0, 0 };

	if (r->nviewers == 0 || --r->nviewers > 0)
		return;
	evtimer_add(r->ev_unsub, &now);
}

/* Nobody watches: lets capd stop the camera and forgets the base64 cache. */
static void
relay_unsubscribe(evutil_socket_t fd, short what, void *arg)
{
	struct relay	*r = arg;

	if (r->nviewers > 0)
		return;
	frame_sub_stop(r->sub);
	frame_unref(r->b64);
	frame_unref(r->b64_src);
	r->b64 = r->b64_src = NULL;
}

/* The latest frame, while frames are arriving. */
struct frame *
relay_latest(const struct relay *r)
{
	if (frame_sub_state(r->sub) != FRAME_SUB_STREAMING)
		return (NULL);
	return (frame_sub_latest(r->sub));
}

/*
 * The frame's JPEG in base64, as a frame of its own whose "JPEG" bytes are
 * the text, so that clients share it by reference like any frame.
 */
struct frame *
relay_base64(struct relay *r, struct frame *f)
{
	unsigned char	*buf;
	size_t		 len;
	struct frame	*b;

	if (r->b64_src == f)
		return (r->b64);
	len = 4 * ((f->jpeg_len + 2) / 3);
	if ((buf = malloc(len + 1)) == NULL)
		return (NULL);
	EVP_EncodeBlock(buf, f->buf + f->jpeg_off, f->jpeg_len);
	if ((b = frame_adopt(buf, len, 0, len, f->seq, &f->ts)) == NULL) {
		free(buf);
		return (NULL);
	}
	r->stats.base64_encoded++;
	frame_unref(r->b64);
	frame_unref(r->b64_src);
	r->b64 = b;
	r->b64_src = frame_ref(f);
	return (b);
}

/* Appends the /status JSON. */
void
relay_status(struct relay *r, struct evbuffer *out)
{
	struct frame		*f = frame_sub_latest(r->sub);
	struct relay_stats	 st = r->stats;
	struct client		*c;
	json_t			*cam;
	char			*s = NULL;
	double			 age;

	TAILQ_FOREACH(c, &r->conns, entry)
		relay_add_counts(&st, c);

	camstat_refresh(r->cam);
	if ((cam = camstat_get(r->cam, &age)) != NULL)
		s = json_dumps(cam, JSON_COMPACT | JSON_REAL_PRECISION(6));
	evbuffer_add_printf(out, "{\"camera\":%s,\"camera_age\":%.3f,",
	    s != NULL ? s : "null", age);
	free(s);
	evbuffer_add_printf(out, "\"clients\":%zu,\"connections\":%zu,"
	    "\"max_clients\":%zu,\"frames_sent\":%llu,\"frames_skipped\":%llu,"
	    "\"bytes_sent\":%llu,\"accepted\":%llu,\"upgraded\":%llu,"
	    "\"refused\":%llu,\"dropped\":%llu,\"base64_encoded\":%llu,"
	    "\"pending\":%zu,\"evicted\":%llu,"
	    "\"capd\":{\"state\":\"%s\",\"frames\":%llu,\"reconnects\":%llu,"
	    "\"last_seq\":%llu},"
	    "\"frames_alive\":%zu,\"frame_bytes_alive\":%zu}\n",
	    r->nviewers, r->nconns, r->conf.max_clients,
	    st.frames_sent, st.frames_skipped, st.bytes_sent,
	    st.accepted, st.upgraded, st.refused,
	    st.dropped, st.base64_encoded,
	    connpool_pending(r->pool), st.evicted,
	    frame_sub_state_name(frame_sub_state(r->sub)),
	    frame_sub_frames(r->sub), frame_sub_reconnects(r->sub),
	    f != NULL ? (unsigned long long)f->seq : 0ULL,
	    frame_count_alive(), frame_bytes_alive());
}
