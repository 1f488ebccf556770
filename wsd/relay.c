/* relay.c: wsd's listeners, connection table, capd subscription, counters. */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/listener.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "camstat.h"
#include "client.h"
#include "control_client.h"
#include "frame.h"
#include "frame_sub.h"
#include "log.h"
#include "relay.h"
#include "ws_codec.h"

#define RELAY_BACKLOG		512
#define RELAY_ACCEPT_PAUSE	1	/* s not accepting after EMFILE */

struct relay {
	struct event_base	*base;
	struct relay_conf	 conf;
	struct evconnlistener	*listeners[RELAY_LISTEN_MAX];
	size_t			 nlisteners;
	struct event		*ev_resume;	/* re-enables accepting */
	struct event		*ev_unsub;	/* stops the link, nobody left */

	struct client		**conns;	/* every connection */
	size_t			 nconns;
	size_t			 capconns;
	size_t			 nviewers;	/* open WebSockets */
	int			 full;		/* refusing: logged once */

	struct frame_sub	*sub;
	struct camstat		*cam;		/* capd's status */
	struct auth		*auth;
	struct frame		*b64_src;	/* frame last in base64 */
	struct frame		*b64;		/* its base64 text */
	struct relay_stats	 stats;
};

static void	relay_resume(evutil_socket_t, short, void *);
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
	size_t		 i;

	for (i = 0; i < r->nconns; i++)
		client_frame(r->conns[i], f);
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
	r->sub = frame_sub_new(base, conf->frames, conf->max_frame,
	    relay_frame, relay_sub_state, r);
	r->ev_resume = evtimer_new(base, relay_resume, r);
	r->ev_unsub = evtimer_new(base, relay_unsubscribe, r);
	r->cam = camstat_new(base, r->conf.control != NULL ? r->conf.control :
	    control_client_path(r->conf.frames));
	if (r->sub != NULL) {
		frame_sub_set_name(r->sub, "wsd");
		frame_sub_set_viewers_cb(r->sub, relay_viewers, r);
	}
	if (r->sub == NULL || r->ev_resume == NULL || r->ev_unsub == NULL ||
	    r->cam == NULL) {
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
	size_t	 i;

	for (i = 0; i < r->nlisteners; i++)
		evconnlistener_free(r->listeners[i]);
	r->nlisteners = 0;
	for (i = 0; i < r->nconns; i++)
		client_goodbye(r->conns[i], WS_CODEC_CLOSE_GOING_AWAY);
	while (r->nconns > 0)
		client_free(r->conns[r->nconns - 1]);
	free(r->conns);
	if (r->sub != NULL)
		frame_sub_free(r->sub);
	camstat_free(r->cam);
	if (r->ev_resume != NULL)
		event_free(r->ev_resume);
	if (r->ev_unsub != NULL)
		event_free(r->ev_unsub);
	frame_unref(r->b64);
	frame_unref(r->b64_src);
	auth_free(r->auth);
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

/* Re-enables the listeners after a pause. */
static void
relay_resume(evutil_socket_t fd, short what, void *arg)
{
	struct relay	*r = arg;
	size_t		 i;

	for (i = 0; i < r->nlisteners; i++)
		evconnlistener_enable(r->listeners[i]);
}

/* accept() failed (out of descriptors?): pause accepting for a moment. */
static void
relay_accept_error(struct evconnlistener *l, void *arg)
{
	struct relay	*r = arg;
	struct timeval	 tv = { RELAY_ACCEPT_PAUSE, 0 };
	size_t		 i;

	log_warn("accept");
	for (i = 0; i < r->nlisteners; i++)
		evconnlistener_disable(r->listeners[i]);
	evtimer_add(r->ev_resume, &tv);
}

/* A new connection. */
static void
relay_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct relay	*r = arg;
	struct client	**p, *c;
	size_t		 cap;

	r->stats.accepted++;
	if (r->nconns >= r->conf.max_conns) {
		if (!r->full)
			log_warnx("%zu connections: refusing more", r->nconns);
		r->full = 1;
		r->stats.refused++;
		evutil_closesocket(fd);
		return;
	}
	r->full = 0;
	if (r->nconns == r->capconns) {
		cap = r->capconns ? r->capconns * 2 : 64;
		if ((p = reallocarray(r->conns, cap, sizeof(*p))) == NULL) {
			log_warn("%s: reallocarray", __func__);
			evutil_closesocket(fd);
			return;
		}
		r->conns = p;
		r->capconns = cap;
	}
	if ((c = client_new(r, fd, sa, salen, r->nconns)) == NULL)
		return;
	r->conns[r->nconns++] = c;
}

/* Listens on ADDR:PORT. */
int
relay_listen(struct relay *r, const char *addr, char *cause, size_t causelen)
{
	struct sockaddr_storage	 ss;
	struct evconnlistener	*l;
	int			 len = sizeof(ss);
	unsigned int		 flags;

	if (r->nlisteners == RELAY_LISTEN_MAX) {
		snprintf(cause, causelen, "too many listen addresses");
		return (-1);
	}
	memset(&ss, 0, sizeof(ss));
	if (evutil_parse_sockaddr_port(addr, (struct sockaddr *)&ss, &len) ==
	    -1 || ((struct sockaddr_in *)&ss)->sin_port == 0) {
		snprintf(cause, causelen, "%s: not ADDRESS:PORT", addr);
		return (-1);
	}
	flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
	    LEV_OPT_CLOSE_ON_EXEC;
	if (ss.ss_family == AF_INET6)
		flags |= LEV_OPT_BIND_IPV6ONLY;
	l = evconnlistener_new_bind(r->base, relay_accept, r, flags,
	    RELAY_BACKLOG, (struct sockaddr *)&ss, len);
	if (l == NULL) {
		snprintf(cause, causelen, "%s: %s", addr, strerror(errno));
		return (-1);
	}
	evconnlistener_set_error_cb(l, relay_accept_error);
	r->listeners[r->nlisteners++] = l;
	log_info("listening on %s", addr);
	return (0);
}

/* Accepts on a socket systemd already listens on. */
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
	evconnlistener_set_error_cb(l, relay_accept_error);
	r->listeners[r->nlisteners++] = l;
	log_info("listening on socket %d from systemd", fd);
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

/* The counters, for clients to update. */
struct relay_stats *
relay_stats(struct relay *r)
{
	return (&r->stats);
}

/* Forgets a connection: the last one takes its slot. */
void
relay_remove(struct relay *r, struct client *c, size_t slot)
{
	if (slot >= r->nconns || r->conns[slot] != c) {
		log_warnx("%s: connection table out of step", __func__);
		return;
	}
	r->nconns--;
	if (slot != r->nconns) {
		r->conns[slot] = r->conns[r->nconns];
		client_set_slot(r->conns[slot], slot);
	}
}

/* Counts a new viewer; the first one starts the subscription. */
int
relay_join(struct relay *r)
{
	if (r->nviewers >= r->conf.max_clients)
		return (-1);
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
	struct frame	*f = frame_sub_latest(r->sub);
	json_t		*cam;
	char		*s = NULL;
	double		 age;

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
	    "\"capd\":{\"state\":\"%s\",\"frames\":%llu,\"reconnects\":%llu,"
	    "\"last_seq\":%llu},"
	    "\"frames_alive\":%zu,\"frame_bytes_alive\":%zu}\n",
	    r->nviewers, r->nconns, r->conf.max_clients,
	    r->stats.frames_sent, r->stats.frames_skipped, r->stats.bytes_sent,
	    r->stats.accepted, r->stats.upgraded, r->stats.refused,
	    r->stats.dropped, r->stats.base64_encoded,
	    frame_sub_state_name(frame_sub_state(r->sub)),
	    frame_sub_frames(r->sub), frame_sub_reconnects(r->sub),
	    f != NULL ? (unsigned long long)f->seq : 0ULL,
	    frame_count_alive(), frame_bytes_alive());
}
