/* SPDX-License-Identifier: ISC */
/* jpeg_size.c: a JPEG's dimensions from its SOF segment. */
#include <stddef.h>

#include "jpeg_seg.h"

#include "jpeg_size.h"

/* True for the SOFn markers (C0-CF but DHT C4, JPG C8, DAC CC). */
static int
jpeg_size_is_sof(int m)
{
	return (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc);
}

/* Reads width and height from the first SOF segment before the scan. */
int
jpeg_size_parse(const unsigned char *jpeg, size_t len, int *width,
    int *height)
{
	struct jpeg_seg	 seg;
	size_t		 off = 2;

	if (len < 4 || jpeg[0] != 0xff || jpeg[1] != JPEG_SEG_SOI)
		return (-1);
	while (jpeg_seg_next(jpeg, len, &off, &seg) == 0) {
		if (seg.marker == JPEG_SEG_SOS || seg.marker == JPEG_SEG_EOI ||
		    seg.marker == JPEG_SEG_SOI)
			return (-1);
		if (jpeg_size_is_sof(seg.marker)) {
			if (seg.len < 5)
				return (-1);
			*height = seg.data[1] << 8 | seg.data[2];
			*width = seg.data[3] << 8 | seg.data[4];
			return (0);
		}
	}
	return (-1);
}
