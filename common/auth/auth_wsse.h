/* SPDX-License-Identifier: ISC */
/*
 * auth_wsse.h: WS-Security UsernameToken with PasswordDigest (OASIS WSS
 * UsernameToken Profile 1.0), as ONVIF clients send it:
 * Base64(SHA-1(nonce + Created + password)), nonce the decoded bytes of
 * the token's base64 Nonce, Created an xsd:dateTime.  The password is the
 * NVR credentials' (nvrcred.h).  No I/O.
 */
#ifndef CAMPIPE_AUTH_WSSE_H
#define CAMPIPE_AUTH_WSSE_H

#include <stddef.h>
#include <stdint.h>

#define AUTH_WSSE_DIGEST_LEN	28	/* base64 of 20 bytes */
#define AUTH_WSSE_NONCE_MAX	96	/* decoded bytes */
#define AUTH_WSSE_WINDOW	300	/* seconds Created may be off */

enum auth_wsse_verdict {
	AUTH_WSSE_OK,
	AUTH_WSSE_WRONG,	/* wrong digest, or a malformed nonce */
	AUTH_WSSE_TIME		/* right, but Created is too far from now */
};

/* Reads an xsd:dateTime (Z or +-hh:mm; fractions ignored) as Unix time. */
int	auth_wsse_time(const char *s, int64_t *t);
/* Computes the digest of nonce (base64), created and password: 0 or -1. */
int	auth_wsse_digest(const char *nonce_b64, const char *created,
	    const char *password, char out[AUTH_WSSE_DIGEST_LEN + 1]);
/*
 * Checks a token's digest (compared in constant time), then that created
 * lies within window seconds of now.
 */
enum auth_wsse_verdict auth_wsse_check(const char *digest,
	    const char *nonce_b64, const char *created, const char *password,
	    int64_t now, unsigned window);

#endif
