/* SPDX-License-Identifier: ISC */
/*
 * fuzz_auth_token.c: token verification and the token finders on arbitrary
 * bytes; no input verifies without the key, and issued tokens always do.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "auth_token.h"

static const unsigned char key[AUTH_TOKEN_KEY_LEN] = "fuzzing key, 32 bytes long.....";

/* Checks that a found token lies inside the input. */
static void
fuzz_inside(int r, const char *in, size_t size, const char *tok, size_t len)
{
	if (r == 0 && (len == 0 || tok < in || tok + len > in + size))
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*in = (const char *)data, *tok;
	char		 user[AUTH_TOKEN_MAX_USER + 1], u[AUTH_TOKEN_MAX_USER + 1];
	char		 cause[128], t[AUTH_TOKEN_MAX];
	char		 camera[AUTH_TOKEN_MAX_CAMERA + 1];
	int64_t		 exp;
	size_t		 len, n;
	int		 r;

	/* Forging a MAC by chance is out of reach: nothing verifies. */
	if (auth_token_verify(key, in, size, 0, user, &exp, camera, cause,
	    sizeof(cause)) == 0)
		__builtin_trap();
	r = auth_token_from_protocols(in, size, &tok, &len);
	fuzz_inside(r, in, size, tok, len);
	r = auth_token_from_query(in, size, &tok, &len);
	fuzz_inside(r, in, size, tok, len);
	/* Whatever user the bytes name, an issued token verifies. */
	n = size < AUTH_TOKEN_MAX_USER ? size : AUTH_TOKEN_MAX_USER;
	memcpy(u, data, n);
	u[n] = '\0';
	if (auth_token_issue(key, u, 2000000000, NULL, t, sizeof(t), cause,
	    sizeof(cause)) == 0 && (auth_token_verify(key, t, strlen(t),
	    1999999999, user, &exp, camera, cause, sizeof(cause)) != 0 ||
	    strcmp(user, u) != 0 || exp != 2000000000 || camera[0] != '\0'))
		__builtin_trap();
	/* The same bytes as a camera: a token for it says it back. */
	n = size < AUTH_TOKEN_MAX_CAMERA ? size : AUTH_TOKEN_MAX_CAMERA;
	if (auth_token_issue(key, "alice", 2000000000, u, t, sizeof(t), cause,
	    sizeof(cause)) == 0 && (auth_token_verify(key, t, strlen(t),
	    1999999999, user, &exp, camera, cause, sizeof(cause)) != 0 ||
	    strcmp(camera, u) != 0 || strlen(u) > AUTH_TOKEN_MAX_CAMERA))
		__builtin_trap();
	return (0);
}
