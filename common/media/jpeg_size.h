/* SPDX-License-Identifier: ISC */
/* jpeg_size.h: a JPEG's dimensions from its SOF segment.  No I/O. */
#ifndef CAMPIPE_JPEG_SIZE_H
#define CAMPIPE_JPEG_SIZE_H

#include <stddef.h>

/*
 * Walks the segments after SOI up to the first SOFn and reads its width and
 * height.  Returns 0, or -1 if the bytes are not a JPEG or end before a
 * whole SOF segment.
 */
int	jpeg_size_parse(const unsigned char *jpeg, size_t len, int *width,
	    int *height);

#endif
