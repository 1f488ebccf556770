/* SPDX-License-Identifier: ISC */
/* fuzz_http_reply.c: control socket answers on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "http_reply.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_reply	 r;
	char			 cause[128];

	if (http_reply_parse((const char *)data, size, &r, cause,
	    sizeof(cause)) == 0 && (r.status < 100 || r.status > 599 ||
	    r.body_off > size || r.body_len > size - r.body_off))
		__builtin_trap();
	return (0);
}
