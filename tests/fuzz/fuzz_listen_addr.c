/* SPDX-License-Identifier: ISC */
/* fuzz_listen_addr.c: --listen addresses and option sizes on arbitrary bytes. */
#include <sys/socket.h>
#include <arpa/inet.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "listen_addr.h"
#include "opt.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct listen_addr	 la;
	unsigned char		 a[16];
	char			*s, cause[160];
	size_t			 v;

	if ((s = malloc(size + 1)) == NULL)
		return (0);
	memcpy(s, data, size);
	s[size] = '\0';
	if (listen_addr_parse(s, &la, cause, sizeof(cause)) == 0) {
		/* What passes is a port 1-65535 and a host of its family. */
		if (atoi(la.port) < 1 || atoi(la.port) > 65535 ||
		    memchr(la.host, '\0', sizeof(la.host)) == NULL ||
		    (la.family == AF_INET6 &&
		    inet_pton(AF_INET6, la.host, a) != 1) ||
		    (la.family == AF_INET && inet_pton(AF_INET, la.host, a) != 1) ||
		    (strpbrk(la.host, " \t\r\n:[]%") != NULL &&
		    la.family != AF_INET6))
			__builtin_trap();
	} else if (memchr(cause, '\0', sizeof(cause)) == NULL ||
	    (strchr(cause, '\n') != NULL && strchr(s, '\n') == NULL))
		__builtin_trap();
	if (opt_size("--x", s, 1024, 256 << 20, &v, cause,
	    sizeof(cause)) == 0 && (v < 1024 || v > 256 << 20))
		__builtin_trap();
	free(s);
	return (0);
}
