/* SPDX-License-Identifier: ISC */
/*
 * fuzz_h264_feed_cut.c: arbitrary bytes read as capd's H.264 stream by the
 * cutter every H.264 viewer of httpd and wsd shares, fed in two pieces
 * split where the first byte says; when its low bit is set, the second
 * piece comes after a break (capd restarted: what was left is lost and the
 * cutter resumes).  Either it fails with a cause, or every unit handed out
 * has a raw part ending with a delimiter and a fragment that starts with a
 * moof box, and only an IDR says newinit; what it took never exceeds what
 * it got, and nothing is left alive once it is freed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "annexb.h"
#include "frame.h"
#include "h264_feed_cut.h"

#define FUZZ_AU_MAX	65536

/* Checks one unit's frames. */
static void
check_unit(const struct h264_unit *u, void *arg)
{
	if (u->raw->len < ANNEXB_AUD_LEN ||
	    memcmp(u->raw->buf + u->raw->len - ANNEXB_AUD_LEN,
	    "\x00\x00\x00\x01\x09", 5) != 0)
		abort();
	if (u->frag->len < 8 || memcmp(u->frag->buf + 4, "moof", 4) != 0)
		abort();
	if (u->newinit && !u->idr)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct h264_feed_cut	 c;
	unsigned char		*buf;
	char			 cause[256];
	size_t			 cut, used, have;
	int			 brk;

	if (size < 1 || size > 4 * FUZZ_AU_MAX)
		return (0);
	cut = data[0] * (size - 1) / 255;
	brk = data[0] & 1;
	data++;
	size--;
	if (h264_feed_cut_init(&c, FUZZ_AU_MAX) == -1)
		return (0);
	if ((buf = malloc(size + 1)) == NULL)
		goto out;
	memcpy(buf, data, cut);
	have = cut;
	if (h264_feed_cut_input(&c, buf, have, &used, check_unit, NULL, cause,
	    sizeof(cause)) == 0) {
		if (used > have)
			abort();
		memmove(buf, buf + used, have - used);
		have -= used;
		if (brk) {
			h264_feed_cut_resume(&c);
			have = 0;
		}
		memcpy(buf + have, data + cut, size - cut);
		have += size - cut;
		if (h264_feed_cut_input(&c, buf, have, &used, check_unit, NULL,
		    cause, sizeof(cause)) == 0 && used > have)
			abort();
	} else if (cause[0] == '\0')
		abort();
	free(buf);
out:
	h264_feed_cut_destroy(&c);
	if (frame_count_alive() != 0)
		abort();
	return (0);
}
