/* SPDX-License-Identifier: ISC */
/*
 * fuzz_fmp4.c: fragmented MP4 from arbitrary bytes read as capd's H.264
 * stream (docs/frames.md), fed in two pieces split where the first byte
 * says: the SPS parsing of libavcodec and the muxer's avcC and NAL unit
 * rewriting on input nobody checked.  Either fmp4_feed fails with a cause,
 * or its output is whole boxes: an init segment (ftyp first), then
 * fragments (moof first).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "fmp4.h"

#define FUZZ_AU_MAX	65536

/* Checks that one output is whole boxes, the first of the expected type. */
static int
check_out(const unsigned char *p, size_t len, void *arg)
{
	int		*calls = arg;
	size_t		 i = 0, size;

	if (len < 8 || memcmp(p + 4, *calls == 0 ? "ftyp" : "moof", 4) != 0)
		abort();
	while (i < len) {
		if (len - i < 8)
			abort();
		size = (size_t)p[i] << 24 | (size_t)p[i + 1] << 16 |
		    (size_t)p[i + 2] << 8 | p[i + 3];
		if (size < 8 || size > len - i)
			abort();
		i += size;
	}
	(*calls)++;
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evbuffer	*in;
	struct fmp4	*m = NULL;
	char		 cause[256];
	size_t		 cut;
	int		 calls = 0, r;

	if (size < 1 || size > 4 * FUZZ_AU_MAX)
		return (0);
	cut = data[0] * (size - 1) / 255;
	data++;
	size--;
	if ((in = evbuffer_new()) == NULL)
		return (0);
	cause[0] = '\0';
	evbuffer_add(in, data, cut);
	r = fmp4_feed(&m, in, FUZZ_AU_MAX, check_out, &calls, cause,
	    sizeof(cause));
	if (r == 0) {
		evbuffer_add(in, data + cut, size - cut);
		r = fmp4_feed(&m, in, FUZZ_AU_MAX, check_out, &calls, cause,
		    sizeof(cause));
	}
	if ((r == -1 && cause[0] == '\0') || (r == 0 &&
	    evbuffer_get_length(in) > FUZZ_AU_MAX))
		abort();
	fmp4_free(m);
	evbuffer_free(in);
	return (0);
}
