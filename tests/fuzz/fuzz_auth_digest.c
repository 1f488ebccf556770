/* SPDX-License-Identifier: ISC */
/*
 * fuzz_auth_digest.c: Digest header values and NVR credentials files on
 * arbitrary bytes: the first byte picks which.  A parsed value's fields
 * are NUL-terminated within their sizes, and checking it never succeeds
 * without our nonce.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "auth_digest.h"
#include "nvrcred.h"

static const unsigned char key[32] = { 7 };

/* Traps unless s is NUL-terminated within size and not empty if set. */
static void
terminated(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth_digest	 d;
	struct nvrcred		*t;
	char			 cause[256];

	if (size == 0)
		return (0);
	cause[0] = '\0';
	if (data[0] & 1) {
		t = nvrcred_parse((const char *)data + 1, size - 1, cause,
		    sizeof(cause));
		if (t != NULL && (nvrcred_count(t) == 0 ||
		    nvrcred_count(t) > NVRCRED_MAX_USERS))
			__builtin_trap();
		if (t == NULL && cause[0] == '\0')
			__builtin_trap();
		nvrcred_free(t);
		return (0);
	}
	if (auth_digest_parse((const char *)data + 1, size - 1, &d, cause,
	    sizeof(cause)) == -1) {
		if (strncmp(cause, "Digest credentials: ", 20) != 0)
			__builtin_trap();
		return (0);
	}
	terminated(d.username, sizeof(d.username));
	terminated(d.realm, sizeof(d.realm));
	terminated(d.nonce, sizeof(d.nonce));
	terminated(d.uri, sizeof(d.uri));
	terminated(d.response, sizeof(d.response));
	terminated(d.cnonce, sizeof(d.cnonce));
	if (d.username[0] == '\0' || d.response[0] == '\0')
		__builtin_trap();
	/* A nonce the input made up is never ours. */
	if (auth_digest_check(&d, "DESCRIBE", "0123456789ab", key, 0, 300) !=
	    AUTH_DIGEST_WRONG)
		__builtin_trap();
	return (0);
}
