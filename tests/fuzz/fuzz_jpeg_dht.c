/* SPDX-License-Identifier: ISC */
/*
 * fuzz_jpeg_dht.c: Huffman table detection and insertion on arbitrary
 * bytes.  What insert accepts must grow by exactly the segment, keep every
 * other byte in place, and no longer need tables.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capd/jpeg_dht.h"
#include "jpeg_seg.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char	 out[16384 + JPEG_DHT_SIZE];
	struct jpeg_seg		 seg = { 0 };
	size_t			 off = 2;
	long			 r;
	int			 needed;

	if (size > 16384)
		return (0);
	needed = jpeg_dht_needed(data, size);
	r = jpeg_dht_insert(out, sizeof(out), data, size);
	if (r < 0) {
		if (needed)
			abort();
		return (0);
	}
	if ((size_t)r != size + JPEG_DHT_SIZE)
		abort();
	/* The segment sits right before the first SOS of the input. */
	while (jpeg_seg_next(data, size, &off, &seg) == 0 &&
	    seg.marker != JPEG_SEG_SOS)
		;
	if (seg.marker != JPEG_SEG_SOS || memcmp(out, data, seg.pos) != 0 ||
	    memcmp(out + seg.pos, jpeg_dht_standard, JPEG_DHT_SIZE) != 0 ||
	    memcmp(out + seg.pos + JPEG_DHT_SIZE, data + seg.pos,
	    size - seg.pos) != 0)
		abort();
	if (jpeg_dht_needed(out, r))
		abort();
	return (0);
}
