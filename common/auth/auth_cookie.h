/* SPDX-License-Identifier: ISC */
/*
 * auth_cookie.h: the login cookie (docs/auth.md, "Logging in"): a token
 * as /api/token's, longer lived, in a cookie named AUTH_COOKIE_NAME; and
 * finding it in a Cookie header (RFC 6265 section 5.4's "name=value"
 * pairs joined by "; ").
 */
#ifndef CAMPIPE_AUTH_COOKIE_H
#define CAMPIPE_AUTH_COOKIE_H

#include <stddef.h>

#define AUTH_COOKIE_NAME	"campipe_login"

/*
 * Finds the first AUTH_COOKIE_NAME pair in a Cookie header value of len
 * bytes: 0 with *val and *vallen (the value, quotes removed), or -1.
 */
int	auth_cookie_find(const char *hdr, size_t len, const char **val,
	    size_t *vallen);

#endif
