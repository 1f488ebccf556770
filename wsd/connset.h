/* SPDX-License-Identifier: ISC */
/*
 * connset.h: wsd's connection set: the listeners, the connections, the
 * cameras (camera.h: each subscribed only while someone watches it) and the
 * counters.
 */
#ifndef CAMPIPE_CONNSET_H
#define CAMPIPE_CONNSET_H

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
struct connset;

#define CONNSET_LISTEN_MAX	8
#define CONNSET_ORIGINS_MAX	32

struct http_host_names;

struct connset_conf {
	const char	*listen[CONNSET_LISTEN_MAX];	/* ADDR:PORT */
	size_t		 nlisten;
	const char	*path;			/* the WebSocket's path */
	struct camname_list cams;		/* --camera, --frames, --h264... */
	size_t		 max_camera_clients;	/* per camera */
	const char	*control;		/* capd's control socket, or NULL */
	const char	*origins[CONNSET_ORIGINS_MAX];
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

/* Creates the connection set; NULL with cause on failure. */
struct connset	*connset_new(struct event_base *base,
		    const struct connset_conf *conf, char *cause,
		    size_t causelen);
/* Closes every connection (WebSocket clients get a 1001 close) and frees. */
void		 connset_free(struct connset *r);

/* SIGHUP: re-reads the password file, keeping the old one on error. */
void		 connset_reload(struct connset *r);
/* True when clients need a token or credentials. */
int		 connset_auth_enabled(const struct connset *r);
/* Accepts on a listening socket (wsd.c's or systemd's).  0, or -1 with cause. */
int		 connset_listen_fd(struct connset *r, int fd, char *cause,
		    size_t causelen);
/* Takes over a connection httpd handed over with its record. */
void		 connset_adopt(struct connset *r, int fd,
		    const struct handoff_rec *rec);
/* The one-line status for systemctl status (a notify_status_cb). */
void		 connset_status_line(char *buf, size_t len, void *arg);

/* For client.c. */
struct event_base *connset_base(const struct connset *r);
const struct connset_conf *connset_conf(const struct connset *r);
struct auth	*connset_auth(struct connset *r);
/* A connection ends: forgets it, adding its counts to the totals. */
void		 connset_remove(struct connset *r, struct client *c);
/*
 * A new connection, accepted or handed over: into the list and the pool
 * of pending heads, closing the oldest pending ones to make room.  0, or
 * -1 when c could not be taken (c is then freed).
 */
int		 connset_admit(struct connset *r, struct client *c);
/*
 * The camera of a WebSocket path (the default at --path, /cam/NAME/stream),
 * or NULL; *h264 says whether the path is its H.264 stream (the same path
 * + ".h264", for a camera with an H.264 socket).
 */
struct camera	*connset_camera(struct connset *r, const char *path, int *h264);
/* A client of c->cam (JPEG, or H.264 with c->want_h264) completed the
 * handshake: NULL, or why it may not watch (too many in wsd, from its
 * address, or on the camera). */
const char	*connset_join(struct connset *r, struct client *c);
/* A client that joined leaves. */
void		 connset_leave(struct connset *r, struct client *c);
/* Appends the /status JSON document. */
void		 connset_status(struct connset *r, struct evbuffer *out);

#endif
