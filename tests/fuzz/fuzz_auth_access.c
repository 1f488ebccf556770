/* SPDX-License-Identifier: ISC */
/*
 * fuzz_auth_access.c: the camera users file parser on arbitrary bytes.
 * Either it fails with a cause, or every rule has a camera and 1 to
 * AUTH_ACCESS_USERS distinct users, no camera twice, and each rule's
 * users, and only they, are allowed its camera.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth_access.h"

static struct auth_access	 t;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct auth_access_rule	*r;
	char				 cause[256];
	int				 i, j;

	auth_access_init(&t);
	cause[0] = '\0';
	if (auth_access_parse(&t, (const char *)data, size, cause,
	    sizeof(cause)) == -1) {
		if (cause[0] == '\0')
			__builtin_trap();
		return (0);
	}
	for (i = 0; i < t.n; i++) {
		r = &t.rules[i];
		if (r->camera[0] == '\0' || r->nusers < 1 ||
		    r->nusers > AUTH_ACCESS_USERS)
			__builtin_trap();
		for (j = 0; j < i; j++)
			if (strcmp(t.rules[j].camera, r->camera) == 0)
				__builtin_trap();
		for (j = 0; j < r->nusers; j++)
			if (!auth_access_allowed(&t, r->camera, r->users[j]))
				__builtin_trap();
		if (auth_access_allowed(&t, r->camera, NULL) ||
		    auth_access_allowed(&t, r->camera, "no such user:"))
			__builtin_trap();
	}
	return (0);
}
