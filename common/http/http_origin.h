/* SPDX-License-Identifier: ISC */
/*
 * http_origin.h: the one rule by which campipe's daemons judge a request's
 * Origin header (RFC 6454, RFC 6455 section 10.2), on the exact bytes,
 * without I/O:
 *
 *   - no Origin passes: the client is no browser, nothing to protect;
 *   - else, with an allow-list, only an Origin on it passes: "*" is any,
 *     an entry is compared whole, in any case, its trailing '/' ignored;
 *   - else only the page's own host passes: an http or https Origin whose
 *     host is the Host header's, ports aside, or with HTTP_ORIGIN_PORT
 *     host and port both.
 */
#ifndef CAMPIPE_HTTP_ORIGIN_H
#define CAMPIPE_HTTP_ORIGIN_H

#include <stddef.h>

/* The own host must be on the Host header's port too. */
#define HTTP_ORIGIN_PORT	0x1

/*
 * Says (1 or 0) whether a request with origin (NULL: no Origin header) to
 * host (the Host header, NULL: none) passes, by allow[0..nallow) (nallow
 * 0: the own host only) and flags (0 or HTTP_ORIGIN_PORT).
 */
int	http_origin_allowed(const char *origin, const char *host,
	    const char *const *allow, size_t nallow, int flags);

#endif
