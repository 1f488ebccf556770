/* SPDX-License-Identifier: ISC */
/*
 * fuzz_handoff_rec.c: the handoff record parser on arbitrary messages; a
 * record it accepts is rebuilt to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "handoff_rec.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t		 out[HANDOFF_REC_MAX];
	struct handoff_rec	 rec;
	char			 cause[128];
	int			 n;

	if (handoff_rec_parse(&rec, data, size, cause, sizeof(cause)) == -1)
		return (0);
	if (rec.headlen > HANDOFF_REC_HEAD_MAX ||
	    strlen(rec.user) > HANDOFF_REC_USER_MAX ||
	    rec.head < (const char *)data ||
	    rec.bodylen > HANDOFF_REC_BODY_MAX ||
	    (const uint8_t *)rec.head + rec.headlen != rec.body ||
	    rec.body + rec.bodylen != data + size)
		abort();
	n = handoff_rec_build(out, sizeof(out),
	    rec.salen != 0 ? (struct sockaddr *)&rec.sa : NULL, rec.user,
	    rec.head, rec.headlen, rec.body, rec.bodylen, cause,
	    sizeof(cause));
	if (n < 0 || (size_t)n != size || memcmp(out, data, size) != 0)
		abort();
	return (0);
}
