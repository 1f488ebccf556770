/* SPDX-License-Identifier: ISC */
/* jpeg_test.h: real JPEGs from TurboJPEG for the JPEG byte-level tests. */
#ifndef CAMPIPE_JPEG_TEST_H
#define CAMPIPE_JPEG_TEST_H

#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

/*
 * Encodes a w x h RGB pattern (varied by seed) with TurboJPEG; flags are
 * TJFLAG_* (0: baseline with the standard Huffman tables).  Returns a
 * malloc'd JPEG and its size in *len, or NULL.
 */
static inline unsigned char *
jpeg_test_make(int w, int h, int subsamp, int flags, unsigned seed,
    size_t *len)
{
	tjhandle	 tj;
	unsigned char	*rgb, *jpeg = NULL, *out = NULL;
	unsigned long	 size = 0;
	int		 x, y;

	*len = 0;
	if ((rgb = malloc((size_t)w * h * 3)) == NULL)
		return (NULL);
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			unsigned char	*px = rgb + ((size_t)y * w + x) * 3;

			px[0] = (unsigned char)(x * 7 + seed * 13);
			px[1] = (unsigned char)(y * 5 + (x ^ y) + seed);
			px[2] = (unsigned char)((x * y + seed * 31) >> 2);
		}
	}
	if ((tj = tjInitCompress()) != NULL &&
	    tjCompress2(tj, rgb, w, 0, h, TJPF_RGB, &jpeg, &size, subsamp, 85,
	    flags) == 0 && (out = malloc(size)) != NULL) {
		memcpy(out, jpeg, size);
		*len = size;
	}
	tjFree(jpeg);
	if (tj != NULL)
		tjDestroy(tj);
	free(rgb);
	return (out);
}

/* Decodes a JPEG to RGB; returns a malloc'd image or NULL if it fails. */
static inline unsigned char *
jpeg_test_decode(const unsigned char *jpeg, size_t len, int *w, int *h)
{
	tjhandle	 tj;
	unsigned char	*rgb = NULL;
	int		 ss, cs;

	if ((tj = tjInitDecompress()) == NULL)
		return (NULL);
	if (tjDecompressHeader3(tj, jpeg, len, w, h, &ss, &cs) == 0 &&
	    (rgb = malloc((size_t)*w * *h * 3)) != NULL &&
	    tjDecompress2(tj, jpeg, len, rgb, *w, 0, *h, TJPF_RGB, 0) != 0) {
		free(rgb);
		rgb = NULL;
	}
	tjDestroy(tj);
	return (rgb);
}

/* Tells whether two JPEGs decode to the same pixels. */
static inline int
jpeg_test_same_pixels(const unsigned char *a, size_t alen,
    const unsigned char *b, size_t blen)
{
	unsigned char	*pa, *pb;
	int		 aw, ah, bw, bh, same = 0;

	pa = jpeg_test_decode(a, alen, &aw, &ah);
	pb = jpeg_test_decode(b, blen, &bw, &bh);
	if (pa != NULL && pb != NULL && aw == bw && ah == bh)
		same = memcmp(pa, pb, (size_t)aw * ah * 3) == 0;
	free(pa);
	free(pb);
	return (same);
}

#endif
