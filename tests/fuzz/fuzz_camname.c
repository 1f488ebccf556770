/* SPDX-License-Identifier: ISC */
/* fuzz_camname.c: camera names, NAME=PATH and /cam/NAME/ paths. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "camname.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s, name[CAMNAME_MAX + 1], cause[256];
	const char	*rest, *path;

	if ((s = malloc(size + 1)) == NULL)
		return (0);
	memcpy(s, data, size);
	s[size] = '\0';
	if (camname_path(s, name, &rest) == 0) {
		/* A name that routes is a name that passes the check. */
		if (camname_check(name, cause, sizeof(cause)) != 0 ||
		    *rest != '/' || rest < s || rest > s + size)
			__builtin_trap();
	}
	if (camname_spec(s, name, &path, cause, sizeof(cause)) == 0) {
		if (camname_check(name, cause, sizeof(cause)) != 0 ||
		    *path == '\0')
			__builtin_trap();
	} else {
		/* A refusal is one line of printable text. */
		for (rest = cause; *rest != '\0'; rest++)
			if ((unsigned char)*rest < 0x20)
				__builtin_trap();
	}
	free(s);
	return (0);
}
