/* SPDX-License-Identifier: ISC */
/*
 * yuyv.h: a packed 4:2:2 camera picture (V4L2 YUYV or UYVY) to planar
 * 4:2:0 (I420), the H.264 encoder's input, with the same flips and
 * rotation capd applies losslessly to its JPEGs: mirroring first, then the
 * clockwise rotation.  The sample values are kept as they are (no range or
 * colour conversion), as the JPEG path keeps them.  Pure code: no I/O.
 */
#ifndef CAPD_YUYV_H
#define CAPD_YUYV_H

#include <stddef.h>

#define YUYV_MAX_SIDE	16384	/* pixels: larger sides are refused */
#define YUYV_TILE	32	/* pixels (even): tiles converted in turn */

struct yuyv_pic {
	const unsigned char	*data;
	size_t			 len;		/* bytes at data */
	int			 width, height;	/* pixels; width even */
	int			 stride;	/* bytes a row; less: 2w */
	int			 uyvy;		/* UYVY, else YUYV */
	int			 hflip, vflip;	/* done first, */
	int			 rotate;	/* then 0/90/180/270 cw */
};

/*
 * The I420 picture's size: the transformed picture's, each side cropped
 * to even (as the encoder crops JPEG pictures).  0, or -1 and cause when
 * the picture cannot be converted (odd width, short data, bad rotation).
 */
int	yuyv_out_size(const struct yuyv_pic *p, int *w, int *h, char *cause,
	    size_t causelen);
/*
 * Converts into Y, U and V planes of w x h and w/2 x h/2 with the given
 * strides; w and h as yuyv_out_size gave them.  Each chroma sample is the
 * rounded mean of the four source pixels' chroma under it.
 */
void	yuyv_to_i420(const struct yuyv_pic *p, unsigned char *const dst[3],
	    const int dstride[3], int w, int h);

#endif
