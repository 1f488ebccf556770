/* SPDX-License-Identifier: ISC */
/*
 * handoff.h: httpd's end of a handoff (docs/handoff.md): a checked
 * request's connected socket goes to another daemon (wsd for WebSocket
 * upgrades, rtcd for WebRTC signalling) with its head, its body and its
 * user; httpd keeps nothing of it and never waits on the peer.
 */
#ifndef HTTPD_HANDOFF_H
#define HTTPD_HANDOFF_H

#include <sys/socket.h>

struct event_base;
struct evhttp_request;
struct handoff;

#define HANDOFF_QUEUE_MAX	64	/* handoffs waiting for the socket */
#define HANDOFF_QUEUE_MS	2000	/* longest wait, then 503 */
#define HANDOFF_QUEUE_PER_ADDR	(HANDOFF_QUEUE_MAX / 4)	/* one address's */

/* What one handoff target is called in messages and answers. */
struct handoff_kind {
	const char	*option;	/* "--ws-handoff" */
	const char	*what;		/* "WebSocket", in log lines */
	const char	*unavailable;	/* the 503's text, no newline */
};

extern const struct handoff_kind handoff_wsd;	/* --ws-handoff */
extern const struct handoff_kind handoff_rtcd;	/* --rtc-handoff */

/* Hands off to the socket at path; NULL with cause on failure. */
struct handoff	*handoff_new(struct event_base *base, const char *path,
		    const struct handoff_kind *kind, char *cause,
		    size_t causelen);
/* Closes the link; waiting clients get 503. */
void		 handoff_free(struct handoff *h);
/* Whether req asks for a WebSocket (Upgrade: websocket). */
int		 handoff_is_upgrade(struct evhttp_request *req);
/*
 * Hands req's connection over with the body evhttp read, the client's
 * address and the user httpd authenticated (NULL: none), or answers req
 * itself (503, 400, 431).  req is gone on return.
 */
void		 handoff_request(struct handoff *h, struct evhttp_request *req,
		    const struct sockaddr *client, const char *user);
/* Counters for /api/status: handed over, refused with 503. */
void		 handoff_counts(const struct handoff *h,
		    unsigned long long *sent, unsigned long long *refused);

#endif
