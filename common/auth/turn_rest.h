/* SPDX-License-Identifier: ISC */
/*
 * turn_rest.h: time-limited TURN credentials from a secret shared with the
 * TURN server (the "TURN REST API" scheme coturn implements with
 * use-auth-secret): the user name is "EXPIRY:USER" (Unix time at which it
 * stops working), the password base64(HMAC-SHA1(secret, user name)).
 * Made without I/O.
 */
#ifndef CAMPIPE_TURN_REST_H
#define CAMPIPE_TURN_REST_H

#include <stddef.h>
#include <stdint.h>

#define TURN_REST_SECRET_MAX	512	/* bytes of the shared secret */
#define TURN_REST_USER_MAX	64	/* AUTH_BASIC_MAX_USER */
/* "EXPIRY:USER" with the NUL: 20 digits at most, ':', the user. */
#define TURN_REST_NAME_MAX	(20 + 1 + TURN_REST_USER_MAX + 1)
#define TURN_REST_PASS_MAX	(28 + 1)	/* base64 of 20 bytes, NUL */

/*
 * Writes the user name for user (NULL or "": nobody, the name is the
 * expiry alone) valid until expiry into name (TURN_REST_NAME_MAX bytes)
 * and its password into pass (TURN_REST_PASS_MAX bytes).  0, or -1 with
 * cause for an empty or too long secret or user, or a user with ':' or a
 * control character.
 */
int	turn_rest_credential(const void *secret, size_t secretlen,
	    uint64_t expiry, const char *user, char *name, char *pass,
	    char *cause, size_t causelen);
/*
 * Takes the shared secret from a file's bytes: one line, its end of line
 * (LF or CRLF) dropped.  Its length, or -1 with cause (empty, several
 * lines, a control character, longer than TURN_REST_SECRET_MAX).
 */
int	turn_rest_secret(const char *buf, size_t len, char *cause,
	    size_t causelen);

#endif
