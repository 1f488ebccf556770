/* SPDX-License-Identifier: ISC */
/*
 * source_v4l2_yuv.c: encodes uncompressed camera frames to JPEG with
 * TurboJPEG.  Packed YUYV/UYVY are split into planar 4:2:2 (a copy, no
 * colour conversion) and compressed from the planes; RGB24/BGR24 go to
 * tjCompress2 directly.
 */
#include <linux/videodev2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <turbojpeg.h>

#include "source_v4l2.h"

struct source_v4l2_yuv {
	tjhandle	 tj;
	unsigned char	*planes;
	size_t		 planesize;
	unsigned char	*out;
	unsigned long	 outcap;		/* allocated */
	unsigned long	 outsize;		/* used */
};

/* Allocates an encoder. */
struct source_v4l2_yuv *
source_v4l2_yuv_new(void)
{
	struct source_v4l2_yuv	*y;

	if ((y = calloc(1, sizeof(*y))) == NULL)
		return (NULL);
	if ((y->tj = tjInitCompress()) == NULL) {
		free(y);
		return (NULL);
	}
	return (y);
}

/* Frees an encoder. */
void
source_v4l2_yuv_free(struct source_v4l2_yuv *y)
{
	if (y == NULL)
		return;
	tjDestroy(y->tj);
	free(y->planes);
	tjFree(y->out);
	free(y);
}

/* Tells whether pixfmt can be encoded. */
int
source_v4l2_yuv_supported(uint32_t pixfmt)
{
	return (pixfmt == V4L2_PIX_FMT_YUYV || pixfmt == V4L2_PIX_FMT_UYVY ||
	    pixfmt == V4L2_PIX_FMT_RGB24 || pixfmt == V4L2_PIX_FMT_BGR24);
}

/* Splits packed 4:2:2 rows into Y, U and V planes. */
static void
unpack(const unsigned char *data, int width, int height, int stride,
    int uyvy, unsigned char *py, unsigned char *pu, unsigned char *pv)
{
	const unsigned char	*row;
	int			 x, y, yo = uyvy ? 1 : 0, co = uyvy ? 0 : 1;

	for (y = 0; y < height; y++) {
		row = data + (size_t)y * stride;
		for (x = 0; x < width / 2; x++, row += 4) {
			*py++ = row[yo];
			*py++ = row[yo + 2];
			*pu++ = row[co];
			*pv++ = row[co + 2];
		}
	}
}

/* Encodes one frame; returns the JPEG's length (valid until the next call). */
long
source_v4l2_yuv_encode(struct source_v4l2_yuv *y, uint32_t pixfmt,
    const unsigned char *data, size_t len, int width, int height, int stride,
    int quality, const unsigned char **jpeg, char *cause, size_t causelen)
{
	const unsigned char	*planes[3];
	size_t			 need = (size_t)width * height * 2;
	int			 bpp, r;

	bpp = (pixfmt == V4L2_PIX_FMT_RGB24 || pixfmt == V4L2_PIX_FMT_BGR24) ?
	    3 : 2;
	if (stride < width * bpp)
		stride = width * bpp;
	if (len < (size_t)stride * (height - 1) + (size_t)width * bpp) {
		snprintf(cause, causelen, "short frame (%zu bytes)", len);
		return (-1);
	}
	if (y->outcap < tjBufSize(width, height, TJSAMP_422)) {
		tjFree(y->out);
		y->outcap = tjBufSize(width, height, TJSAMP_422);
		if ((y->out = tjAlloc(y->outcap)) == NULL) {
			y->outcap = 0;
			snprintf(cause, causelen, "out of memory");
			return (-1);
		}
	}
	y->outsize = y->outcap;
	if (bpp == 3) {
		r = tjCompress2(y->tj, data, width, stride, height,
		    pixfmt == V4L2_PIX_FMT_RGB24 ? TJPF_RGB : TJPF_BGR,
		    &y->out, &y->outsize, TJSAMP_422, quality,
		    TJFLAG_NOREALLOC);
	} else {
		if (y->planesize < need) {
			free(y->planes);
			if ((y->planes = malloc(need)) == NULL) {
				y->planesize = 0;
				snprintf(cause, causelen, "out of memory");
				return (-1);
			}
			y->planesize = need;
		}
		planes[0] = y->planes;
		planes[1] = planes[0] + (size_t)width * height;
		planes[2] = planes[1] + (size_t)width / 2 * height;
		unpack(data, width, height, stride, pixfmt == V4L2_PIX_FMT_UYVY,
		    y->planes, (unsigned char *)planes[1],
		    (unsigned char *)planes[2]);
		r = tjCompressFromYUVPlanes(y->tj, planes, width, NULL, height,
		    TJSAMP_422, &y->out, &y->outsize, quality,
		    TJFLAG_NOREALLOC);
	}
	if (r != 0) {
		snprintf(cause, causelen, "encoding: %s", tjGetErrorStr2(y->tj));
		return (-1);
	}
	*jpeg = y->out;
	return ((long)y->outsize);
}
