/* SPDX-License-Identifier: ISC */
/*
 * client.h: one connection to wsd: reads and checks the request head
 * (authentication included), answers it (the upgrade to a WebSocket
 * session, session.h; /status; an error) and owns the connection's life.
 * What it asks of the set it belongs to (connset.c) goes through its
 * owner: shared state and callbacks, never a call up.
 */
#ifndef CAMPIPE_CLIENT_H
#define CAMPIPE_CLIENT_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <stddef.h>
#include <stdint.h>

#include "auth_token.h"
#include "connpool.h"
#include "session.h"

struct auth;
struct bufferevent;
struct camera;
struct client;
struct event;
struct event_base;
struct evbuffer;
struct http_host_names;

#define CLIENT_ORIGINS_MAX	32

/* The options a connection is answered by. */
struct client_conf {
	const char	*path;			/* the default camera's */
	const char	*origins[CLIENT_ORIGINS_MAX];
	size_t		 norigins;
	const struct http_host_names *names;	/* Host names answered */
	struct timeval	 head_timeout;		/* to send the request head */
	struct session_conf session;
};

/* What a connection needs from the set it belongs to. */
struct client_owner {
	struct event_base	*base;
	const struct client_conf *conf;
	struct auth		*auth;
	/* The camera of a WebSocket path, or NULL; *h264 for its H.264. */
	struct camera		*(*camera)(void *arg, const char *path,
				    int *h264);
	/* c may watch c->cam: NULL, or why not (limits). */
	const char		*(*join)(void *arg, struct client *c);
	/* c, that joined, leaves. */
	void			 (*leave)(void *arg, struct client *c);
	/* c is being freed: forget it. */
	void			 (*gone)(void *arg, struct client *c);
	/* Appends the /status JSON document. */
	void			 (*status)(void *arg, struct evbuffer *out);
	void			*arg;
};

enum client_state {
	CLIENT_HEAD,		/* reading the request head */
	CLIENT_OPEN,		/* WebSocket open: frames flow */
	CLIENT_CLOSING,		/* last bytes (close frame, error) going out */
	CLIENT_LINGER		/* our side shut down, draining the peer's */
};

/* What one connection did, summed by the set for /status. */
struct client_counts {
	uint64_t	 frames_sent;
	uint64_t	 frames_skipped;
	uint64_t	 bytes_sent;
	uint64_t	 refused;	/* 0 or 1: its request was refused */
	uint64_t	 dropped;	/* 0 or 1: dropped on a timeout */
};

struct client {
	TAILQ_ENTRY(client)	 entry;		/* in the set's list */
	const struct client_owner *owner;
	struct camera		*cam;		/* the one it watches */
	int			 want_h264;	/* asked for path.h264 */
	struct bufferevent	*bev;
	int			 fd;
	char			 addr[64];	/* peer, for the log */
	struct sockaddr_storage	 sa;		/* peer, for failed logins */
	struct event		*ev_auth;	/* holds a failed client */
	struct event		*ev_timer;	/* head deadline */
	enum client_state	 state;
	char			 user[65];	/* authenticated by httpd */
	char			 scope[AUTH_TOKEN_MAX_CAMERA + 1]; /* a token's camera */
	int			 joined;	/* counted as a viewer */
	struct connpool_entry	 pool;		/* pending, then a viewer */
	struct client_counts	 counts;
	struct session		 ses;		/* after the upgrade */
};
TAILQ_HEAD(clients, client);

/* Takes over an accepted socket; NULL (socket closed) on failure. */
struct client	*client_new(const struct client_owner *owner, int fd,
		    const struct sockaddr *sa, int salen);
/* Reads a head httpd handed over, with the user httpd authenticated. */
void		 client_adopt_head(struct client *c, const char *head,
		    size_t len, const char *user);
/* Closes the connection without ceremony and frees. */
void		 client_free(struct client *c);
/* As the daemon exits: an open WebSocket gets a close with code. */
void		 client_goodbye(struct client *c, unsigned short code);
/* What the connection did so far. */
void		 client_counts(const struct client *c, struct client_counts *cc);

#endif
