/* SPDX-License-Identifier: ISC */
/*
 * ws_handshake.h: the server side of the RFC 6455 opening handshake and
 * wsd's query parameters, without I/O.  Checks a parsed request head
 * (ws_request.h), computes Sec-WebSocket-Accept and writes the response.
 */
#ifndef CAMPIPE_WS_HANDSHAKE_H
#define CAMPIPE_WS_HANDSHAKE_H

#include <stddef.h>

struct ws_request;

#define WS_HANDSHAKE_ACCEPT_LEN	28
#define WS_HANDSHAKE_FPS_MAX	1000

struct ws_handshake_conf {
	const char	 *path;		/* where the WebSocket lives */
	const char	**origins;	/* allowed Origin values, "*" for any */
	size_t		  norigins;	/* 0: only the Host header's host */
};

enum ws_handshake_encoding {
	WS_HANDSHAKE_BINARY,		/* binary messages, raw JPEG */
	WS_HANDSHAKE_BASE64		/* text messages, base64 JPEG */
};

/* What the client asked for in the query string. */
struct ws_handshake_params {
	unsigned int	 fps;		/* 0: as fast as frames come */
	enum ws_handshake_encoding encoding;
};

struct ws_handshake_result {
	int		 status;	/* 101, or the error status to send */
	const char	*reason;	/* short text for errors */
	char		 accept[WS_HANDSHAKE_ACCEPT_LEN + 1];
	struct ws_handshake_params params;
	const char	*protocol;	/* subprotocol chosen, or NULL */
};

#define WS_HANDSHAKE_PROTOCOL	"campipe"	/* the subprotocol chosen */

/*
 * Checks an upgrade request against conf.  Returns res->status: 101 with
 * res->accept and res->params filled (and res->protocol if the client
 * offered WS_HANDSHAKE_PROTOCOL), or 400, 403, 404 or 426 with
 * res->reason.
 */
int	ws_handshake_check(const struct ws_handshake_conf *conf,
	    const struct ws_request *req, struct ws_handshake_result *res);

/*
 * Computes Sec-WebSocket-Accept for a key into accept (29 bytes).  Returns
 * 0, or -1 if the key is not base64 of exactly 16 bytes.
 */
int	ws_handshake_accept(const char *key, char *accept);

/* Parses "fps=N&encoding=base64" (unknown names ignored). 0 or -1. */
int	ws_handshake_query(const char *query, struct ws_handshake_params *p,
	    const char **reason);

/* Says whether an Origin is allowed for a request to host (Host header). */
int	ws_handshake_origin_ok(const struct ws_handshake_conf *conf,
	    const char *origin, const char *host);

/* Says whether a comma-separated header value holds token (any case). */
int	ws_handshake_has_token(const char *value, const char *token);

/*
 * Writes the response for res into buf: the 101 switch, or an error with a
 * plain-text body (and Sec-WebSocket-Version for 426, WWW-Authenticate for
 * 401).  Returns the length,
 * or -1 if size is too small.
 */
int	ws_handshake_response(char *buf, size_t size,
	    const struct ws_handshake_result *res);

/* Writes a plain-text error response; see ws_handshake_response(). */
int	ws_handshake_error(char *buf, size_t size, int status,
	    const char *reason);

/* The reason phrase of an HTTP status. */
const char *ws_handshake_status_text(int status);

#endif
