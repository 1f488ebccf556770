/* SPDX-License-Identifier: ISC */
/* fuzz_htpasswd.c: the password file parser on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "htpasswd.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct htpasswd	*h;
	char		 cause[256];

	cause[0] = '\0';
	h = htpasswd_parse((const char *)data, size, cause, sizeof(cause));
	if (h != NULL) {
		/* A table always has between one and the maximum users. */
		if (htpasswd_count(h) == 0 ||
		    htpasswd_count(h) > HTPASSWD_MAX_ENTRIES)
			__builtin_trap();
		htpasswd_free(h);
	} else if (cause[0] == '\0' ||
	    memchr(cause, '\0', sizeof(cause)) == NULL)
		__builtin_trap();
	return (0);
}
