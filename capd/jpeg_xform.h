/* SPDX-License-Identifier: ISC */
/*
 * jpeg_xform.h: lossless flips and rotations of whole JPEGs (TurboJPEG's
 * tjTransform: the DCT blocks are rearranged, nothing is decoded and
 * re-encoded).  Mirroring comes first, then the clockwise rotation; any
 * combination is one of TurboJPEG's eight operations.  Partial MCUs at
 * the edges that would move are trimmed.
 */
#ifndef CAPD_JPEG_XFORM_H
#define CAPD_JPEG_XFORM_H

#include <stddef.h>

struct jpeg_xform;

/*
 * A transform holds the whole picture's DCT coefficients (about 3 bytes a
 * pixel) and an output buffer: a JPEG that declares more pixels than the
 * budget is refused before anything is allocated.  The default budget,
 * 8192x4096, is more than any Raspberry Pi camera module delivers.
 */
#define JPEG_XFORM_MAX_PIXELS	(8192ULL * 4096)

/*
 * The TurboJPEG operation (TJXOP_*) for hflip, vflip, then rotate (0, 90,
 * 180 or 270 degrees clockwise); -1 if rotate is none of those.
 */
int	jpeg_xform_op(int hflip, int vflip, int rotate);

/* A transformer for one combination; NULL and cause on error. */
struct jpeg_xform *jpeg_xform_new(int hflip, int vflip, int rotate,
	    char *cause, size_t causelen);
void	jpeg_xform_free(struct jpeg_xform *);
/* Sets the pixel budget (0: JPEG_XFORM_MAX_PIXELS). */
void	jpeg_xform_set_max_pixels(struct jpeg_xform *x,
	    unsigned long long max_pixels);
/* Tells whether x was made for this combination. */
int	jpeg_xform_is(const struct jpeg_xform *x, int hflip, int vflip,
	    int rotate);
/* Tells whether the combination changes nothing. */
int	jpeg_xform_identity(int hflip, int vflip, int rotate);

/*
 * Transforms jpeg; *out points to the result, valid until the next call.
 * Returns its length, or -1 and cause when the JPEG cannot be transformed
 * or its header declares more pixels than the budget.
 */
long	jpeg_xform_apply(struct jpeg_xform *x, const unsigned char *jpeg,
	    size_t len, const unsigned char **out, char *cause,
	    size_t causelen);

#endif
