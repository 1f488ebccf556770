/* SPDX-License-Identifier: ISC */
/* turn_rest.c: TURN REST API credentials (coturn's use-auth-secret). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "turn_rest.h"

/* The user name and its HMAC-SHA1 in base64. */
int
turn_rest_credential(const void *secret, size_t secretlen, uint64_t expiry,
    const char *user, char *name, char *pass, char *cause, size_t causelen)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	size_t		 i, ulen = user != NULL ? strlen(user) : 0;
	int		 n;

	if (secretlen == 0 || secretlen > TURN_REST_SECRET_MAX) {
		snprintf(cause, causelen, "TURN secret of %zu bytes (1 to %d)",
		    secretlen, TURN_REST_SECRET_MAX);
		return (-1);
	}
	if (ulen > TURN_REST_USER_MAX) {
		snprintf(cause, causelen, "user name of %zu bytes (at most %d)",
		    ulen, TURN_REST_USER_MAX);
		return (-1);
	}
	for (i = 0; i < ulen; i++) {
		if ((unsigned char)user[i] < 0x20 || user[i] == 0x7f ||
		    user[i] == ':') {
			snprintf(cause, causelen, "user name with a control "
			    "character or ':'");
			return (-1);
		}
	}
	if (ulen > 0)
		n = snprintf(name, TURN_REST_NAME_MAX, "%" PRIu64 ":%s", expiry,
		    user);
	else
		n = snprintf(name, TURN_REST_NAME_MAX, "%" PRIu64, expiry);
	if (n < 0 || n >= TURN_REST_NAME_MAX ||
	    HMAC(EVP_sha1(), secret, (int)secretlen, (const unsigned char *)name,
	    (size_t)n, mac, &maclen) == NULL || maclen != 20) {
		snprintf(cause, causelen, "HMAC-SHA1 failed");
		return (-1);
	}
	/* 20 bytes: 28 characters and the NUL. */
	EVP_EncodeBlock((unsigned char *)pass, mac, (int)maclen);
	return (0);
}

/* One line: the secret, its end of line dropped. */
int
turn_rest_secret(const char *buf, size_t len, char *cause, size_t causelen)
{
	size_t	 i;

	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (len == 0 || len > TURN_REST_SECRET_MAX) {
		snprintf(cause, causelen, "a secret of %zu bytes (one line of "
		    "1 to %d)", len, TURN_REST_SECRET_MAX);
		return (-1);
	}
	for (i = 0; i < len; i++) {
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f) {
			snprintf(cause, causelen, "a control character or "
			    "a second line at byte %zu", i);
			return (-1);
		}
	}
	return ((int)len);
}
