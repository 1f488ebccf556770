/* SPDX-License-Identifier: ISC */
/* fuzz_auth_dir_admins.c: the admins file parser on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth_dir.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*names[AUTH_DIR_MAX_ADMINS];
	char		*buf, cause[256];
	int		 n, i, j;

	if ((buf = malloc(size + 1)) == NULL)
		return (0);
	memcpy(buf, data, size);
	cause[0] = '\0';
	n = auth_dir_admins_parse(buf, size, names, AUTH_DIR_MAX_ADMINS,
	    cause, sizeof(cause));
	if (n == -1 && cause[0] == '\0')
		__builtin_trap();
	/* Names are distinct, non-empty and inside the buffer. */
	for (i = 0; i < n; i++) {
		if (names[i] < buf || names[i] >= buf + size ||
		    names[i][0] == '\0' || names[i][0] == '#')
			__builtin_trap();
		for (j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				__builtin_trap();
	}
	free(buf);
	return (0);
}
