/* SPDX-License-Identifier: ISC */
/*
 * auth_digest.h: HTTP Digest authentication (RFC 2617, MD5) as RTSP
 * clients and NVRs speak it, against the NVR credentials file
 * (nvrcred.h): the challenge's nonce, the Authorization header's fields,
 * and the response check.  Nonces are the time they were made and a MAC
 * of it under the daemon's key, so no state is kept per client; one is
 * good for AUTH_DIGEST_NONCE_TTL seconds, then the client is told it is
 * stale and retries with a new one.  No I/O.
 */
#ifndef CAMPIPE_AUTH_DIGEST_H
#define CAMPIPE_AUTH_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define AUTH_DIGEST_REALM	"campipe"
#define AUTH_DIGEST_NONCE_LEN	48	/* hex: 8 bytes of time, 16 of MAC */
#define AUTH_DIGEST_NONCE_TTL	300
#define AUTH_DIGEST_MAX_VALUE	2048	/* longest header value parsed */

/* The fields of an "Authorization: Digest ..." value, NUL-terminated. */
struct auth_digest {
	char	 username[65];
	char	 realm[65];
	char	 nonce[AUTH_DIGEST_NONCE_LEN + 1];
	char	 uri[513];
	char	 response[33];
	char	 algorithm[16];
	char	 qop[16];
	char	 nc[9];
	char	 cnonce[129];
};

enum auth_digest_verdict {
	AUTH_DIGEST_OK,
	AUTH_DIGEST_STALE,	/* right, but the nonce is too old */
	AUTH_DIGEST_WRONG	/* wrong response, or not our nonce */
};

/*
 * Parses a header value "Digest k=v, k="v", ...".  username, realm,
 * nonce, uri and response are required; algorithm, if given, is MD5;
 * qop, if given, is auth with nc and cnonce.  Unknown fields are skipped.
 * 0, or -1 with cause.
 */
int	auth_digest_parse(const char *value, size_t len, struct auth_digest *d,
	    char *cause, size_t causelen);
/* Makes the nonce for time now (seconds) under key (32 bytes). */
void	auth_digest_nonce(const unsigned char *key, int64_t now,
	    char out[AUTH_DIGEST_NONCE_LEN + 1]);
/*
 * Computes the response a client with password sends for method (as
 * RFC 2617 section 3.2.2.1, with qop=auth when d->qop is set), 32 hex
 * digits, and compares it in constant time with d's; then checks the
 * nonce is ours, made at most ttl seconds before now.
 */
enum auth_digest_verdict auth_digest_check(const struct auth_digest *d,
	    const char *method, const char *password,
	    const unsigned char *key, int64_t now, unsigned ttl);
/* The 32 hex digits of d's expected response, for tests and clients. */
int	auth_digest_response(const struct auth_digest *d, const char *method,
	    const char *password, char out[33]);

#endif
