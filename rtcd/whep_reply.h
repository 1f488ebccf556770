/* SPDX-License-Identifier: ISC */
/*
 * whep_reply.h: rtcd's HTTP answers on a handed-over socket: one answer per
 * connection (Connection: close), written without blocking, the rest
 * waiting for the socket at most WHEP_REPLY_TIMEOUT_SEC, then closed.
 */
#ifndef RTCD_WHEP_REPLY_H
#define RTCD_WHEP_REPLY_H

#include <sys/queue.h>
#include <stddef.h>

struct event;
struct state;

#define WHEP_REPLY_TIMEOUT_SEC	5
#define WHEP_REPLY_HEAD_MAX		1024

/* An answer still being written. */
struct whep_reply {
	TAILQ_ENTRY(whep_reply) entry;
	struct state		*st;
	int			 fd;
	struct event		*ev;
	char			*buf;
	size_t			 len, off;
};

/*
 * Answers status with headers (each line CRLF-ended, or NULL), the body
 * of type ctype (NULL: no body), then closes fd (now the callee's).
 */
void	whep_reply_send(struct state *st, int fd, int status, const char *headers,
	    const char *ctype, const char *body, size_t bodylen);
/* The same with a one-line text/plain body: msg and a newline. */
void	whep_reply_text(struct state *st, int fd, int status, const char *msg);
/* Closes every answer still being written. */
void	whep_reply_free_all(struct state *st);
/* The reason phrase of status. */
const char *whep_reply_reason(int status);

#endif
