/* SPDX-License-Identifier: ISC */
/*
 * fuzz_whep_request.c: rtcd's request head reader on arbitrary bytes: a
 * head it takes has a method, its route's fields are well formed, and a
 * refusal says 400 or 431.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rtcd/whep_request.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct whep_request	 r;
	char			 cause[128];
	int			 status;
	size_t			 i;

	if (whep_request_parse(&r, (const char *)data, size, &status, cause,
	    sizeof(cause)) == -1) {
		if (status != 400 && status != 431)
			abort();
		return (0);
	}
	if (r.method[0] == '\0' || strlen(r.ctype) > WHEP_REQUEST_CTYPE_MAX)
		abort();
	if (r.route == WHEP_ROUTE_SESSION) {
		if (strlen(r.id) != WHEP_REQUEST_ID_LEN)
			abort();
		for (i = 0; i < WHEP_REQUEST_ID_LEN; i++)
			if (strchr("0123456789abcdef", r.id[i]) == NULL)
				abort();
	}
	if (r.camera[0] != '\0' && r.route != WHEP_ROUTE_OFFER &&
	    r.route != WHEP_ROUTE_SIGNAL)
		abort();
	return (0);
}
