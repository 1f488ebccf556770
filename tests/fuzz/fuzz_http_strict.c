/* SPDX-License-Identifier: ISC */
/*
 * fuzz_http_strict.c: the strict request head checks and the Host rule on
 * arbitrary bytes; a verdict on a complete head is never given to a prefix
 * of it, and the Host rule takes any value the head carries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_host.h"
#include "http_strict.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_host_names	 hn;
	static int			 init;
	static char			*extra[] = { "cam.example.org" };
	struct http_strict		 hs, hs2;
	char				 cause[128], host[512];
	int				 rc;

	if (!init) {
		if (http_host_names_init(&hn, extra, 1, cause,
		    sizeof(cause)) == -1)
			abort();
		init = 1;
	}
	rc = http_strict_head((const char *)data, size, 4096, &hs, cause,
	    sizeof(cause));
	if (rc == -1 && hs.status != 400 && hs.status != 431)
		abort();
	if (rc == 1) {
		if (hs.head_len == 0 || hs.head_len > size ||
		    hs.head_len > 4096 || data[hs.head_len - 1] != '\n' ||
		    (hs.minor != 0 && hs.minor != 1))
			abort();
		if (http_strict_head((const char *)data, hs.head_len - 1,
		    4096, &hs2, cause, sizeof(cause)) != 0)
			abort();
	}
	if (size < sizeof(host)) {
		memcpy(host, data, size);
		host[size] = '\0';
		(void)http_host_allowed(host, &hn);
	}
	return (0);
}
