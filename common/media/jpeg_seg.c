/* SPDX-License-Identifier: ISC */
/* jpeg_seg.c: walks the marker segments of a JPEG in memory. */
#include "jpeg_seg.h"

/* Tells whether a marker has no length field after it. */
int
jpeg_seg_standalone(int marker)
{
	return (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd9));
}

/* Reads one segment at *off and advances *off past it. */
int
jpeg_seg_next(const unsigned char *jpeg, size_t len, size_t *off,
    struct jpeg_seg *seg)
{
	size_t	 i = *off, n;

	if (i >= len || jpeg[i] != 0xff)
		return (-1);
	while (i + 1 < len && jpeg[i + 1] == 0xff)
		i++;
	if (i + 1 >= len || jpeg[i + 1] == 0x00)
		return (-1);
	seg->marker = jpeg[i + 1];
	seg->pos = i;
	seg->data = NULL;
	seg->len = 0;
	if (jpeg_seg_standalone(seg->marker)) {
		seg->end = *off = i + 2;
		return (0);
	}
	if (i + 4 > len)
		return (-1);
	n = (size_t)jpeg[i + 2] << 8 | jpeg[i + 3];
	if (n < 2 || n > len - i - 2)
		return (-1);
	seg->data = jpeg + i + 4;
	seg->len = n - 2;
	seg->end = *off = i + 2 + n;
	return (0);
}
