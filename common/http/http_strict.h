/* SPDX-License-Identifier: ISC */
/*
 * http_strict.h: the checks an HTTP/1.x request head must pass before any
 * daemon reads it (RFC 9110, RFC 9112), on the exact bytes, without I/O:
 * one Content-Length of plain digits, no Transfer-Encoding, exactly one Host
 * in HTTP/1.1 (at most one in 1.0), at most one Origin and one
 * Sec-Fetch-Site, version 1.0 or 1.1, no whitespace between a field name and
 * its colon, no obs-fold continuation lines, no NUL, bare CR or control
 * characters.  Both daemons call it so that a proxy in front and campipe
 * cannot read one request two ways.
 */
#ifndef CAMPIPE_HTTP_STRICT_H
#define CAMPIPE_HTTP_STRICT_H

#include <stddef.h>
#include <stdint.h>

struct http_strict {
	size_t		 head_len;	/* bytes up to and with the blank line */
	uint64_t	 body_len;	/* Content-Length, 0 without one */
	int		 minor;		/* HTTP/1.minor */
	int		 status;	/* 400 or 431 when refused */
};

/*
 * Judges the request head at the start of buf (empty lines before it are
 * skipped and counted).  Returns 1 when the head is complete and acceptable
 * (hs filled), 0 when more bytes are needed, -1 when it is refused
 * (hs->status is 400, or 431 past max bytes, cause says why).  Bytes after
 * the head are not looked at.
 */
int	http_strict_head(const char *buf, size_t len, size_t max,
	    struct http_strict *hs, char *cause, size_t causelen);

#endif
