/* SPDX-License-Identifier: ISC */
/* fuzz_xff.c: X-Forwarded-For values and --trusted-proxy addresses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httpd/xff.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_storage	 ss, p;
	socklen_t		 len;
	char			*s, cause[128];

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	if (xff_parse_last(s, &ss, &len) == 0) {
		if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
			abort();
		if (xff_parse_proxy("127.0.0.1", &p, cause, sizeof(cause)) != 0)
			abort();
		xff_trusted((struct sockaddr *)&ss, &p, 1);
	}
	if (xff_parse_proxy(s, &p, cause, sizeof(cause)) == 0 &&
	    p.ss_family != AF_INET && p.ss_family != AF_INET6)
		abort();
	free(s);
	return (0);
}
