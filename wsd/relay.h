/* SPDX-License-Identifier: ISC */
/*
 * relay.h: wsd's shared state: the listeners, the connections, the
 * cameras (camera.h: each subscribed only while someone watches it) and the
 * counters.
 */
#ifndef CAMPIPE_RELAY_H
#define CAMPIPE_RELAY_H

#include <sys/time.h>
#include <stddef.h>

#include "auth.h"
#include "camname.h"
#include "connpool.h"

struct auth;
struct camera;
struct client;
struct event_base;
struct evbuffer;
struct frame;
struct handoff_rec;
struct relay;

#define RELAY_LISTEN_MAX	8
#define RELAY_ORIGINS_MAX	32

struct http_host_names;

struct relay_conf {
	const char	*listen[RELAY_LISTEN_MAX];	/* ADDR:PORT */
	size_t		 nlisten;
	const char	*path;			/* the WebSocket's path */
	struct camname_list cams;		/* --camera, --frames, --h264... */
	size_t		 max_camera_clients;	/* per camera */
	const char	*control;		/* capd's control socket, or NULL */
	const char	*origins[RELAY_ORIGINS_MAX];
	size_t		 norigins;
	const struct http_host_names *names;	/* Host names answered */
	size_t		 max_clients;		/* WebSocket clients at most */
	struct connpool_conf pool;		/* heads pending, shares */
	size_t		 max_message;		/* bytes per client message */
	size_t		 max_frame;		/* bytes per frame from capd */
	struct timeval	 ping_interval;
	struct timeval	 ping_timeout;
	struct timeval	 write_timeout;		/* no progress writing: drop */
	struct timeval	 head_timeout;		/* to send the request head */
	struct auth_conf auth;			/* --htpasswd, --token-key */
};

/* Creates the relay; NULL with cause on failure. */
struct relay	*relay_new(struct event_base *base,
		    const struct relay_conf *conf, char *cause,
		    size_t causelen);
/* Closes every connection (WebSocket clients get a 1001 close) and frees. */
void		 relay_free(struct relay *r);

/* SIGHUP: re-reads the password file, keeping the old one on error. */
void		 relay_reload(struct relay *r);
/* True when clients need a token or credentials. */
int		 relay_auth_enabled(const struct relay *r);
/* Accepts on a listening socket (wsd.c's or systemd's).  0, or -1 with cause. */
int		 relay_listen_fd(struct relay *r, int fd, char *cause,
		    size_t causelen);
/* Takes over a connection httpd handed over with its record. */
void		 relay_adopt(struct relay *r, int fd,
		    const struct handoff_rec *rec);
/* The one-line status for systemctl status (a notify_status_cb). */
void		 relay_status_line(char *buf, size_t len, void *arg);

/* For client.c. */
struct event_base *relay_base(const struct relay *r);
const struct relay_conf *relay_conf(const struct relay *r);
struct auth	*relay_auth(struct relay *r);
/* A connection ends: forgets it, adding its counts to the totals. */
void		 relay_remove(struct relay *r, struct client *c);
/*
 * A new connection, accepted or handed over: into the list and the pool
 * of pending heads, closing the oldest pending ones to make room.  0, or
 * -1 when c could not be taken (c is then freed).
 */
int		 relay_admit(struct relay *r, struct client *c);
/*
 * The camera of a WebSocket path (the default at --path, /cam/NAME/stream),
 * or NULL; *h264 says whether the path is its H.264 stream (the same path
 * + ".h264", for a camera with an H.264 socket).
 */
struct camera	*relay_camera(struct relay *r, const char *path, int *h264);
/* A client of c->cam (JPEG, or H.264 with c->want_h264) completed the
 * handshake: NULL, or why it may not watch (too many in wsd, from its
 * address, or on the camera). */
const char	*relay_join(struct relay *r, struct client *c);
/* A client that joined leaves. */
void		 relay_leave(struct relay *r, struct client *c);
/* Appends the /status JSON document. */
void		 relay_status(struct relay *r, struct evbuffer *out);

#endif
