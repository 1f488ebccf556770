/* SPDX-License-Identifier: ISC */
/*
 * http_reply.h: reads a whole HTTP/1.1 response as capd's control socket
 * sends it (docs/control.md): status line, headers, a body of
 * Content-Length bytes (or up to the end).  No I/O.
 */
#ifndef CAMPIPE_HTTP_REPLY_H
#define CAMPIPE_HTTP_REPLY_H

#include <stddef.h>

#define HTTP_REPLY_MAX_HEAD	8192	/* bytes of status line and headers */

struct http_reply {
	int		 status;	/* 100-599 */
	size_t		 body_off;	/* the body starts here */
	size_t		 body_len;
};

/*
 * Parses buf[0..len), which holds everything the server sent before it
 * closed the connection.  0 and fills r, or -1 with cause.
 */
int	http_reply_parse(const char *buf, size_t len, struct http_reply *r,
	    char *cause, size_t causelen);

#endif
