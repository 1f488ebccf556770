/* SPDX-License-Identifier: ISC */
/*
 * fuzz_cs_answer.c: the check of a browser's answer to our offer in
 * camera-streamer's signalling on arbitrary bytes, checking its promises:
 * a refusal has a one-line cause, and what an accepted answer gives is
 * ours (payload type 96, feedback we offered, a DTLS role of active or
 * passive) with terminated credentials.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cs_answer.h"
#include "cs_offer.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sdp_offer	 o;
	struct cs_answer	 r;
	const char		*cause = NULL;

	if (cs_answer_read(&o, (const char *)data, size, &r, &cause) == -1) {
		if (cause == NULL || cause[0] == '\0' ||
		    strchr(cause, '\n') != NULL)
			__builtin_trap();
		return (0);
	}
	if (r.pt != CS_OFFER_PT || (r.fb & ~CS_OFFER_FB) != 0 ||
	    (r.role != SDP_SETUP_ACTIVE && r.role != SDP_SETUP_PASSIVE) ||
	    memchr(r.ice_ufrag, '\0', sizeof(r.ice_ufrag)) == NULL ||
	    memchr(r.ice_pwd, '\0', sizeof(r.ice_pwd)) == NULL ||
	    strlen(r.ice_ufrag) < 4 || strlen(r.ice_pwd) < 22 ||
	    o.nmedia != 1 || o.media[0].port == 0)
		__builtin_trap();
	return (0);
}
