/* SPDX-License-Identifier: ISC */
/*
 * ws_request.h: the head of an HTTP/1.x request, as it arrives on a new
 * connection before the WebSocket upgrade, parsed without I/O and within
 * fixed limits on size and header count.
 */
#ifndef CAMPIPE_WS_REQUEST_H
#define CAMPIPE_WS_REQUEST_H

#include <stddef.h>

#define WS_REQUEST_HEAD_MAX	8192	/* bytes, blank line included */
#define WS_REQUEST_HEADERS_MAX	48

struct ws_request_header {
	const char	*name;
	const char	*value;		/* without surrounding whitespace */
};

struct ws_request {
	const char	*method;
	const char	*path;		/* target up to '?' */
	const char	*query;		/* after '?', or NULL */
	int		 minor;		/* HTTP/1.minor */
	struct ws_request_header hdrs[WS_REQUEST_HEADERS_MAX];
	size_t		 nhdrs;
	size_t		 head_len;	/* bytes the head took in the input */
	int		 error;		/* status for a bad head */
	char		 buf[WS_REQUEST_HEAD_MAX + 2];	/* the fields */
};

/*
 * Parses the request head at the start of data.  Returns 1 when it is
 * complete and well-formed (req filled, the head took req->head_len bytes),
 * 0 when more bytes are needed, -1 when it is malformed or over the limits
 * (req->error is 400 or 431, cause says why).
 */
int		 ws_request_parse(struct ws_request *req, const char *data,
		    size_t len, char *cause, size_t causelen);

/* The value of the nth (from 0) header with this name, or NULL. */
const char	*ws_request_header(const struct ws_request *req,
		    const char *name, int nth);

struct http_host_names;
/* Says (1 or 0) whether the Host names this server (http_host.h). */
int		 ws_request_host_allowed(const struct ws_request *req,
		    const struct http_host_names *names);

#endif
