/* SPDX-License-Identifier: ISC */
/*
 * fuzz_jpeg_split.c: the MJPEG splitter on arbitrary bytes.  The first
 * bytes choose max_frame and the chunk sizes; the rest is the stream.  Every
 * frame must start with SOI, end with EOI and fit max_frame, and feeding the
 * stream in chunks must give exactly what feeding it at once gives.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capd/jpeg_split.h"

/* The frames of one run, concatenated, with their count. */
struct out {
	size_t		 max;
	unsigned char	 buf[1 << 16];
	size_t		 len;
	int		 n;
};

/* Checks and records a frame. */
static void
fuzz_cb(const unsigned char *data, size_t len, void *arg)
{
	struct out	*o = arg;

	if (len < 4 || len > o->max || data[0] != 0xff || data[1] != 0xd8 ||
	    data[len - 2] != 0xff || data[len - 1] != 0xd9)
		abort();
	if (o->len + len + sizeof(len) > sizeof(o->buf))
		abort();	/* frames cannot outgrow the input */
	memcpy(o->buf + o->len, &len, sizeof(len));
	memcpy(o->buf + o->len + sizeof(len), data, len);
	o->len += sizeof(len) + len;
	o->n++;
}

/* Splits the stream once, in chunks when seed is not 0; fills o and st. */
static void
fuzz_run(const uint8_t *p, size_t n, size_t max, unsigned seed,
    struct out *o, struct jpeg_split_stats *st)
{
	struct jpeg_split	*js;
	size_t			 at = 0, k;
	int			 r, total = 0;

	memset(o, 0, sizeof(*o));
	o->max = max;
	if ((js = jpeg_split_new(max)) == NULL)
		abort();
	while (at < n) {
		k = n - at;
		if (seed != 0) {
			seed = seed * 1103515245 + 12345;
			if (k > (seed >> 16) % 64 + 1)
				k = (seed >> 16) % 64 + 1;
		}
		if ((r = jpeg_split_feed(js, p + at, k, fuzz_cb, o)) < 0)
			abort();
		total += r;
		at += k;
	}
	if (total != o->n)
		abort();
	jpeg_split_reset(js);
	jpeg_split_stats(js, st);
	if (st->frames != (uint64_t)o->n)
		abort();
	jpeg_split_free(js);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct out	 once, chunked;
	struct jpeg_split_stats	 a, b;
	size_t			 max;
	unsigned		 seed;

	if (size < 3 || size > 16384)
		return (0);
	max = (size_t)data[0] << 4 | 4;
	seed = data[1] << 8 | data[2] | 1;
	fuzz_run(data + 3, size - 3, max, 0, &once, &a);
	fuzz_run(data + 3, size - 3, max, seed, &chunked, &b);
	if (once.n != chunked.n || once.len != chunked.len ||
	    memcmp(once.buf, chunked.buf, once.len) != 0 ||
	    memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	return (0);
}
