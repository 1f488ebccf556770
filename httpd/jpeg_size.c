/* jpeg_size.c: a JPEG's dimensions from its SOF segment. */
#include <stddef.h>

#include "jpeg_size.h"

/* True for the SOFn markers (C0-CF but DHT C4, JPG C8, DAC CC). */
static int
jpeg_size_is_sof(int m)
{
	return (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc);
}

/* Reads width and height from the first SOF segment. */
int
jpeg_size_parse(const unsigned char *jpeg, size_t len, int *width,
    int *height)
{
	size_t	 off = 2, seglen;
	int	 m;

	if (len < 4 || jpeg[0] != 0xff || jpeg[1] != 0xd8)
		return (-1);
	for (;;) {
		if (off >= len || jpeg[off] != 0xff)
			return (-1);
		while (off < len && jpeg[off] == 0xff)	/* fill bytes */
			off++;
		if (off >= len)
			return (-1);
		m = jpeg[off++];
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7))	/* standalone */
			continue;
		if (m == 0xd8 || m == 0xd9 || m == 0xda || m == 0x00)
			return (-1);	/* no SOF before scan data */
		if (len - off < 2)
			return (-1);
		seglen = (size_t)jpeg[off] << 8 | jpeg[off + 1];
		if (seglen < 2 || len - off < seglen)
			return (-1);
		if (jpeg_size_is_sof(m)) {
			if (seglen < 7)
				return (-1);
			*height = jpeg[off + 3] << 8 | jpeg[off + 4];
			*width = jpeg[off + 5] << 8 | jpeg[off + 6];
			return (0);
		}
		off += seglen;
	}
}
