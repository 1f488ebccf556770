/* SPDX-License-Identifier: ISC */
/*
 * auth_token.h: short-lived signed tokens, so a page httpd served can open
 * a WebSocket to wsd (browsers do not send Basic credentials reliably on
 * WebSocket upgrades) and wsd verifies it with no round trip.  Format, as
 * in docs/auth.md:
 *
 *   token = B64URL(payload) "." B64URL(HMAC-SHA256(key, payload))
 *   payload = user "|" expiry [ "|" camera ]
 *
 * with unpadded base64url and expiry in decimal Unix seconds; a token with
 * a camera opens that camera only.  The key is
 * AUTH_TOKEN_KEY_LEN random bytes, made at start or kept in a file both
 * daemons read.  A token travels as the WebSocket subprotocol
 * "campipe.token.<token>" or as the query parameter "token=<token>".
 */
#ifndef CAMPIPE_AUTH_TOKEN_H
#define CAMPIPE_AUTH_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "camname.h"

#define AUTH_TOKEN_KEY_LEN	32
#define AUTH_TOKEN_MAX_USER	64
#define AUTH_TOKEN_MAX_CAMERA	CAMNAME_MAX	/* camname.h */
#define AUTH_TOKEN_MAX		256	/* longest token, NUL included */
#define AUTH_TOKEN_PROTOCOL	"campipe.token."

/* Fills key with fresh random bytes; -1 with cause if that fails. */
int	auth_token_key_random(unsigned char *key, char *cause,
	    size_t causelen);
/*
 * Reads a key file of exactly AUTH_TOKEN_KEY_LEN bytes, refusing one that
 * others can read.  If it does not exist and create is set, writes a new
 * random key with mode 0640 (atomically: concurrent starts agree on one).
 */
int	auth_token_key_load(const char *path, int create, unsigned char *key,
	    char *cause, size_t causelen);

/*
 * Writes a token for user valid until expiry into out (AUTH_TOKEN_MAX),
 * for the camera named camera only, or (NULL) for any the user may watch.
 */
int	auth_token_issue(const unsigned char *key, const char *user,
	    int64_t expiry, const char *camera, char *out, size_t outlen,
	    char *cause, size_t causelen);
/*
 * Verifies a token of len bytes at time now: well formed, signed with key
 * (compared in constant time) and not expired.  Returns 0 with the user
 * (AUTH_TOKEN_MAX_USER + 1 bytes), expiry (if not NULL) and camera
 * (AUTH_TOKEN_MAX_CAMERA + 1 bytes: "" for a token of no one camera)
 * filled, or -1 with cause.
 */
int	auth_token_verify(const unsigned char *key, const char *tok,
	    size_t len, int64_t now, char *user, int64_t *expiry, char *camera,
	    char *cause, size_t causelen);

/*
 * Finds a "campipe.token.<token>" entry in a Sec-WebSocket-Protocol value
 * (a comma-separated list).  Returns 0 with the token's place, or -1.
 */
int	auth_token_from_protocols(const char *value, size_t len,
	    const char **tok, size_t *toklen);
/*
 * Finds "token=<token>" in a raw query string ("a=1&token=..."; no '?').
 * Returns 0 with the token's place, or -1.
 */
int	auth_token_from_query(const char *query, size_t len, const char **tok,
	    size_t *toklen);

#endif
