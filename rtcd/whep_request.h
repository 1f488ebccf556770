/* SPDX-License-Identifier: ISC */
/*
 * whep_request.h: a request head httpd handed over (docs/handoff.md) as
 * rtcd reads it: checked by http_strict, then its method, target, the
 * fields rtcd needs (Content-Type, Content-Length), and which of rtcd's
 * resources the target names (docs/webrtc.md).  No I/O.
 */
#ifndef RTCD_WHEP_REQUEST_H
#define RTCD_WHEP_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "camname.h"

#define WHEP_REQUEST_HEAD_MAX	8192
#define WHEP_REQUEST_METHOD_MAX	16
#define WHEP_REQUEST_CTYPE_MAX	64
#define WHEP_REQUEST_ID_LEN	32	/* a session id: lowercase hex */

/* What the target names. */
enum whep_route {
	WHEP_ROUTE_NONE,	/* none of ours: 404 */
	WHEP_ROUTE_OFFER,	/* /whep, /cam/NAME/whep */
	WHEP_ROUTE_SESSION,	/* /whep/ID */
	WHEP_ROUTE_STATUS,	/* /api/webrtc */
	WHEP_ROUTE_SIGNAL	/* /webrtc, /cam/NAME/webrtc */
};

struct whep_request {
	char		 method[WHEP_REQUEST_METHOD_MAX + 1];
	enum whep_route	 route;
	char		 camera[CAMNAME_MAX + 1];	/* "" for the default */
	char		 id[WHEP_REQUEST_ID_LEN + 1];	/* of a session */
	int		 has_length;	/* Content-Length was given */
	uint64_t	 length;
	/* The media type, lowercase, without parameters; "" if none. */
	char		 ctype[WHEP_REQUEST_CTYPE_MAX + 1];
	int		 minor;		/* HTTP/1.minor */
};

/*
 * Reads a head of len bytes (ending at its blank line).  0, or -1 with a
 * one-line cause and *status the answer (400, 431).
 */
int	whep_request_parse(struct whep_request *r, const char *head,
	    size_t len, int *status, char *cause, size_t causelen);

#endif
