/* SPDX-License-Identifier: ISC */
/* fuzz_urlpath.c: request path decoding on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httpd/urlpath.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*raw, out[256];
	size_t	 i;

	if ((raw = malloc(size + 1)) == NULL)
		return (0);
	memcpy(raw, data, size);
	raw[size] = '\0';
	if (urlpath_decode(raw, out, sizeof(out)) == 0) {
		/* What passes can never climb out of the root. */
		if (out[0] != '/' || strstr(out, "/.") != NULL ||
		    strstr(out, "//") != NULL || strchr(out, '\\') != NULL)
			__builtin_trap();
		for (i = 0; out[i] != '\0'; i++)
			if ((unsigned char)out[i] < 0x20)
				__builtin_trap();
	}
	free(raw);
	return (0);
}
