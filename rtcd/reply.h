/* SPDX-License-Identifier: ISC */
/*
 * reply.h: rtcd's HTTP answers on a handed-over socket: one answer per
 * connection (Connection: close), written without blocking, the rest
 * waiting for the socket at most REPLY_TIMEOUT_SEC, then closed.
 */
#ifndef RTCD_REPLY_H
#define RTCD_REPLY_H

#include <sys/queue.h>
#include <stddef.h>

struct event;
struct state;

#define REPLY_TIMEOUT_SEC	5
#define REPLY_HEAD_MAX		1024

/* An answer still being written. */
struct reply {
	TAILQ_ENTRY(reply)	 entry;
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
void	reply_send(struct state *st, int fd, int status, const char *headers,
	    const char *ctype, const char *body, size_t bodylen);
/* The same with a one-line text/plain body: msg and a newline. */
void	reply_text(struct state *st, int fd, int status, const char *msg);
/* Closes every answer still being written. */
void	reply_free_all(struct state *st);
/* The reason phrase of status. */
const char *reply_reason(int status);

#endif
