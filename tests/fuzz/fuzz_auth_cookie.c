/* SPDX-License-Identifier: ISC */
/* fuzz_auth_cookie.c: the Cookie header reader on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth_cookie.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*v;
	char		*buf;
	size_t		 n;

	/* An exact-size copy: ASan sees any read past the header. */
	if ((buf = malloc(size == 0 ? 1 : size)) == NULL)
		return (0);
	memcpy(buf, data, size);
	if (auth_cookie_find(buf, size, &v, &n) == 0 &&
	    (v < buf || v + n > buf + size))
		__builtin_trap();
	free(buf);
	return (0);
}
