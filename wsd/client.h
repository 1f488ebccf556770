/* SPDX-License-Identifier: ISC */
/*
 * client.h: one connection to wsd.  client.c reads and checks the request
 * head (authentication included) and owns the connection's life; session.c
 * runs the WebSocket session after the upgrade: frames latest-wins through
 * a fan-out viewer (written straight to the socket, the payload by reference), pings
 * and control frames.
 */
#ifndef CAMPIPE_CLIENT_H
#define CAMPIPE_CLIENT_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#include "connpool.h"
#include "fanout.h"
#include "ws_handshake.h"

struct bufferevent;
struct camera;
struct event;
struct frame;
struct connset;
struct ws_codec;

enum client_state {
	CLIENT_HEAD,		/* reading the request head */
	CLIENT_OPEN,		/* WebSocket open: frames flow */
	CLIENT_CLOSING,		/* last bytes (close frame, error) going out */
	CLIENT_LINGER		/* our side shut down, draining the peer's */
};

/* What one connection did, summed by the relay for /status. */
struct client_counts {
	uint64_t	 frames_sent;
	uint64_t	 frames_skipped;
	uint64_t	 bytes_sent;
	uint64_t	 refused;	/* 0 or 1: its request was refused */
	uint64_t	 dropped;	/* 0 or 1: dropped on a timeout */
};

struct client {
	TAILQ_ENTRY(client)	 entry;		/* in the relay's list */
	TAILQ_ENTRY(client)	 cam_entry;	/* in its camera's, joined */
	struct connset		*relay;
	struct camera		*cam;		/* the one it watches */
	struct bufferevent	*bev;
	int			 fd;
	char			 addr[64];	/* peer, for the log */
	struct sockaddr_storage	 sa;		/* peer, for failed logins */
	struct event		*ev_auth;	/* holds a failed client */
	struct event		*ev_timer;	/* head deadline, then pings */
	enum client_state	 state;
	char			 user[65];	/* authenticated by httpd */
	int			 joined;	/* counted as a viewer */
	struct connpool_entry	 pool;		/* pending, then a viewer */
	struct client_counts	 counts;

	/* The WebSocket session (session.c). */
	struct ws_codec		*codec;
	struct ws_handshake_params params;
	struct fanout		 fan;		/* latest frame wins */
	size_t			 sndbuf;	/* send buffer sized for */
	struct event		*ev_rate;	/* fps cap: pending is due */
	int			 awaiting_pong;
	uint32_t		 pings;
	unsigned int		 controls;	/* control frames queued */
	int			 want_h264;	/* asked for path.h264 */
	int			 h264;		/* in its camera's H.264 feed */
};
TAILQ_HEAD(clients, client);

/* client.c */
/* Takes over an accepted socket; NULL (socket closed) on failure. */
struct client	*client_new(struct connset *r, int fd, const struct sockaddr *sa,
		    int salen);
/* Reads a head httpd handed over, with the user httpd authenticated. */
void		 client_adopt_head(struct client *c, const char *head,
		    size_t len, const char *user);
/* Closes the connection without ceremony and frees. */
void		 client_free(struct client *c);
/* Stops frames and timers: the session is ending. */
void		 client_end_session(struct client *c);
/* Our last bytes are out: half-close and wait briefly for the peer's FIN. */
void		 client_linger(struct client *c);
/* Answers the request head with an HTTP error and closes. */
void		 client_refuse(struct client *c, int status, const char *reason);
/* What the connection did so far. */
void		 client_counts(const struct client *c, struct client_counts *cc);

/* session.c */
/* Switches to the WebSocket protocol after a good handshake. */
void		 session_open(struct client *c,
		    const struct ws_handshake_result *res);
/* Offers a new frame: sent now, or kept as the pending one. */
void		 session_frame(struct client *c, struct frame *f);
/* Offers the next H.264 unit's fragment (init: the init segment). */
void		 session_unit(struct client *c, struct frame *f, int idr,
		    struct frame *init);
/* Feeds what the client sent to the frame parser. */
void		 session_read(struct client *c);
/* The output buffer emptied: the next frame may go. */
void		 session_drained(struct client *c);
/* The ping timer: pings, or drops a client that did not answer. */
void		 session_ping(struct client *c);
/* As the daemon exits: writes a close with code if the WebSocket is open. */
void		 session_goodbye(struct client *c, unsigned short code);
/* Closes an open session with 1011 and reason (capd gives no JPEG). */
void		 session_refuse(struct client *c, const char *reason);

#endif
