/* SPDX-License-Identifier: ISC */
/* jpeg_xform.c: lossless flips and rotations of JPEGs with tjTransform. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <turbojpeg.h>

#include "jpeg_size.h"
#include "jpeg_xform.h"

struct jpeg_xform {
	tjhandle	 tj;
	int		 hflip, vflip, rotate;
	int		 op;
	unsigned long long max_pixels;
	unsigned char	*out;
	unsigned long	 outsize;
};

/* The TurboJPEG operation for hflip, vflip, then a clockwise rotation. */
int
jpeg_xform_op(int hflip, int vflip, int rotate)
{
	static const int plain[4] = { TJXOP_NONE, TJXOP_ROT90, TJXOP_ROT180,
	    TJXOP_ROT270 };
	static const int mirrored[4] = { TJXOP_HFLIP, TJXOP_TRANSVERSE,
	    TJXOP_VFLIP, TJXOP_TRANSPOSE };
	int	 q;

	if (rotate != 0 && rotate != 90 && rotate != 180 && rotate != 270)
		return (-1);
	/* a vertical flip is a horizontal one turned by 180 degrees */
	q = (rotate / 90 + (vflip ? 2 : 0)) % 4;
	return ((hflip != 0) != (vflip != 0) ? mirrored[q] : plain[q]);
}

/* Tells whether the combination changes nothing. */
int
jpeg_xform_identity(int hflip, int vflip, int rotate)
{
	return (jpeg_xform_op(hflip, vflip, rotate) == TJXOP_NONE);
}

/* A transformer for one combination. */
struct jpeg_xform *
jpeg_xform_new(int hflip, int vflip, int rotate, char *cause, size_t causelen)
{
	struct jpeg_xform	*x;
	int			 op;

	if ((op = jpeg_xform_op(hflip, vflip, rotate)) == -1) {
		snprintf(cause, causelen, "rotation %d is not 0, 90, 180 or 270",
		    rotate);
		return (NULL);
	}
	if ((x = calloc(1, sizeof(*x))) == NULL ||
	    (x->tj = tjInitTransform()) == NULL) {
		free(x);
		snprintf(cause, causelen, "cannot start TurboJPEG");
		return (NULL);
	}
	x->hflip = hflip;
	x->vflip = vflip;
	x->rotate = rotate;
	x->op = op;
	x->max_pixels = JPEG_XFORM_MAX_PIXELS;
	return (x);
}

/* Frees a transformer. */
void
jpeg_xform_free(struct jpeg_xform *x)
{
	if (x == NULL)
		return;
	tjDestroy(x->tj);
	tjFree(x->out);
	free(x);
}

/* Sets the pixel budget. */
void
jpeg_xform_set_max_pixels(struct jpeg_xform *x, unsigned long long max_pixels)
{
	x->max_pixels = max_pixels != 0 ? max_pixels : JPEG_XFORM_MAX_PIXELS;
}

/* Tells whether x was made for this combination. */
int
jpeg_xform_is(const struct jpeg_xform *x, int hflip, int vflip, int rotate)
{
	return (x->hflip == hflip && x->vflip == vflip && x->rotate == rotate);
}

/* Transforms one JPEG; the result stays valid until the next call. */
long
jpeg_xform_apply(struct jpeg_xform *x, const unsigned char *jpeg, size_t len,
    const unsigned char **out, char *cause, size_t causelen)
{
	tjtransform	 t;
	int		 w, h;

	if (jpeg_size_parse(jpeg, len, &w, &h) == -1) {
		snprintf(cause, causelen, "no frame header (SOF) before the "
		    "scan");
		return (-1);
	}
	if ((unsigned long long)w * h > x->max_pixels) {
		snprintf(cause, causelen, "declares %dx%d, over the budget "
		    "of %llu pixels", w, h, x->max_pixels);
		return (-1);
	}
	memset(&t, 0, sizeof(t));
	t.op = x->op;
	t.options = TJXOPT_TRIM;
	tjFree(x->out);
	x->out = NULL;
	x->outsize = 0;
	if (tjTransform(x->tj, jpeg, len, 1, &x->out, &x->outsize, &t,
	    TJFLAG_LIMITSCANS) != 0) {
		snprintf(cause, causelen, "cannot transform the JPEG: %s",
		    tjGetErrorStr2(x->tj));
		return (-1);
	}
	*out = x->out;
	return ((long)x->outsize);
}
