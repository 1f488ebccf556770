/* SPDX-License-Identifier: ISC */
/*
 * jpeg_seg.h: walks the marker segments of a whole JPEG in memory (the
 * header part, up to and including SOS).  No I/O.
 */
#ifndef CAMPIPE_JPEG_SEG_H
#define CAMPIPE_JPEG_SEG_H

#include <stddef.h>

#define JPEG_SEG_SOI	0xd8
#define JPEG_SEG_EOI	0xd9
#define JPEG_SEG_SOS	0xda
#define JPEG_SEG_DHT	0xc4
#define JPEG_SEG_COM	0xfe

struct jpeg_seg {
	int			 marker;	/* the byte after FF */
	size_t			 pos;		/* offset of the marker's FF */
	size_t			 end;		/* offset just past the segment */
	const unsigned char	*data;		/* payload after the length */
	size_t			 len;		/* payload bytes (0: standalone) */
};

/* True if marker stands alone (no length field): TEM, RSTn, SOI, EOI. */
int	jpeg_seg_standalone(int marker);

/*
 * Reads the segment at *off (fill FF bytes before it are skipped) and moves
 * *off past it.  Returns 0, or -1 when the bytes there are not a whole
 * segment.  Start with *off = 2 to walk the segments after SOI.
 */
int	jpeg_seg_next(const unsigned char *jpeg, size_t len, size_t *off,
	    struct jpeg_seg *seg);

#endif
