/* SPDX-License-Identifier: ISC */
/*
 * fuzz_rtcp_fb.c: arbitrary bytes as a viewer's RTCP through rtcp_fb_parse:
 * what is kept stays within its limits, a refusal says why, and a valid
 * packet's lengths add up.  The same bytes feed a small RTP history whose
 * finds must return what was added.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rtcp_fb.h"
#include "rtp_history.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rtp_history	 h;
	static int			 ready;
	struct rtcp_fb			 fb;
	const unsigned char		*q;
	const char			*cause = NULL;
	size_t				 len;

	if (rtcp_fb_parse(&fb, data, size, &cause) == 0) {
		if (size % 4 != 0 || fb.nreport > RTCP_FB_REPORTS ||
		    fb.nnack > RTCP_FB_NACKS || fb.nkey > RTCP_FB_KEYS ||
		    fb.dropped < 0)
			__builtin_trap();
	} else if (cause == NULL || strncmp(cause, "rtcp: ", 6) != 0)
		__builtin_trap();

	if (!ready) {
		if (rtp_history_init(&h, 8192, 32, 1000, &cause) == -1)
			__builtin_trap();
		ready = 1;
	}
	if (rtp_history_add(&h, data, size, 0, &cause) == 0) {
		q = rtp_history_find(&h, (uint16_t)(data[2] << 8 | data[3]), 0,
		    &len);
		if (q == NULL || len != size || memcmp(q, data, size) != 0 ||
		    h.count > 32)
			__builtin_trap();
	}
	return (0);
}
