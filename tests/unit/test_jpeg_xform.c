/* SPDX-License-Identifier: ISC */
/* test_jpeg_xform.c: lossless flips and rotations of JPEGs. */
#include <stdlib.h>
#include <string.h>

#include <turbojpeg.h>

#include "capd/jpeg_xform.h"
#include "test.h"

#define W	64
#define H	32

/* A W x H JPEG, grey with a red 16x16 block at the top left. */
static unsigned char *
make(unsigned long *len)
{
	static unsigned char	 rgb[W * H * 3];
	unsigned char		*jpeg = NULL;
	tjhandle		 tj = tjInitCompress();
	int			 x, y;

	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++) {
			unsigned char *p = rgb + (y * W + x) * 3;
			int red = x < 16 && y < 16;

			p[0] = red ? 255 : 128;
			p[1] = p[2] = red ? 0 : 128;
		}
	*len = 0;
	if (tjCompress2(tj, rgb, W, 0, H, TJPF_RGB, &jpeg, len, TJSAMP_420,
	    90, 0) != 0)
		jpeg = NULL;
	tjDestroy(tj);
	return jpeg;
}

/* Decodes a JPEG; returns which corner (0 TL, 1 TR, 2 BL, 3 BR) is red. */
static int
red_corner(const unsigned char *jpeg, long len, int *w, int *h)
{
	static unsigned char	 rgb[W * H * 3];
	tjhandle		 tj = tjInitDecompress();
	int			 sub, cs, c, x, y;

	if (tjDecompressHeader3(tj, jpeg, len, w, h, &sub, &cs) != 0 ||
	    *w * *h > W * H || tjDecompress2(tj, jpeg, len, rgb, *w, 0, *h,
	    TJPF_RGB, 0) != 0) {
		tjDestroy(tj);
		return -1;
	}
	tjDestroy(tj);
	for (c = 0; c < 4; c++) {
		x = c & 1 ? *w - 4 : 4;
		y = c & 2 ? *h - 4 : 4;
		if (rgb[(y * *w + x) * 3] > 200 && rgb[(y * *w + x) * 3 + 1] < 60)
			return c;
	}
	return -2;
}

static void
test_ops(void)
{
	CHECK_EQ(jpeg_xform_op(0, 0, 0), TJXOP_NONE);
	CHECK_EQ(jpeg_xform_op(1, 0, 0), TJXOP_HFLIP);
	CHECK_EQ(jpeg_xform_op(0, 1, 0), TJXOP_VFLIP);
	CHECK_EQ(jpeg_xform_op(1, 1, 0), TJXOP_ROT180);
	CHECK_EQ(jpeg_xform_op(0, 0, 90), TJXOP_ROT90);
	CHECK_EQ(jpeg_xform_op(0, 0, 180), TJXOP_ROT180);
	CHECK_EQ(jpeg_xform_op(0, 0, 270), TJXOP_ROT270);
	CHECK_EQ(jpeg_xform_op(1, 0, 90), TJXOP_TRANSVERSE);
	CHECK_EQ(jpeg_xform_op(1, 0, 270), TJXOP_TRANSPOSE);
	CHECK_EQ(jpeg_xform_op(0, 1, 90), TJXOP_TRANSPOSE);
	CHECK_EQ(jpeg_xform_op(1, 1, 180), TJXOP_NONE);
	CHECK_EQ(jpeg_xform_op(0, 0, 45), -1);
	CHECK(jpeg_xform_identity(1, 1, 180));
	CHECK(!jpeg_xform_identity(0, 0, 90));
}

static void
test_apply(void)
{
	/* hflip, vflip, rotate; then where the red corner goes, and size */
	static const int cases[][6] = {
		{ 1, 0, 0, 1, W, H }, { 0, 1, 0, 2, W, H },
		{ 0, 0, 90, 1, H, W }, { 0, 0, 180, 3, W, H },
		{ 0, 0, 270, 2, H, W }, { 1, 0, 90, 3, H, W },
		{ 1, 0, 270, 0, H, W }, { 0, 1, 90, 0, H, W },
	};
	const unsigned char	*out;
	unsigned char		*jpeg;
	unsigned long		 len;
	struct jpeg_xform	*x;
	char			 cause[128];
	size_t			 i;
	long			 n;
	int			 w, h;

	jpeg = make(&len);
	CHECK(jpeg != NULL);
	if (jpeg == NULL)
		return;
	CHECK_EQ(red_corner(jpeg, len, &w, &h), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		x = jpeg_xform_new(cases[i][0], cases[i][1], cases[i][2],
		    cause, sizeof(cause));
		CHECK(x != NULL);
		if (x == NULL)
			continue;
		CHECK(jpeg_xform_is(x, cases[i][0], cases[i][1], cases[i][2]));
		n = jpeg_xform_apply(x, jpeg, len, &out, cause, sizeof(cause));
		CHECK(n > 0);
		if (n > 0) {
			CHECK_EQ(red_corner(out, n, &w, &h), cases[i][3]);
			CHECK_EQ(w, cases[i][4]);
			CHECK_EQ(h, cases[i][5]);
		}
		jpeg_xform_free(x);
	}
	tjFree(jpeg);
}

static void
test_bad_input(void)
{
	static const unsigned char junk[] = { 0xff, 0xd8, 0xff, 0xd9 };
	const unsigned char	*out;
	struct jpeg_xform	*x;
	char			 cause[128];

	CHECK(jpeg_xform_new(0, 0, 45, cause, sizeof(cause)) == NULL);
	CHECK(strstr(cause, "45") != NULL);
	x = jpeg_xform_new(1, 0, 0, cause, sizeof(cause));
	CHECK(x != NULL);
	CHECK_EQ(jpeg_xform_apply(x, junk, sizeof(junk), &out, cause,
	    sizeof(cause)), -1);
	CHECK(strstr(cause, "SOF") != NULL);
	jpeg_xform_free(x);
}

/*
 * 86 bytes that declare 8208x63345 (SOF0 height F771, width 2010), one
 * component, one Huffman table and a scan: refused before tjTransform
 * would allocate gigabytes of coefficients.
 */
static const unsigned char huge[86] = {
	0xff, 0xd8,
	0xff, 0xc0, 0x00, 0x0b, 0x08, 0xf7, 0x71, 0x20, 0x10, 0x01,
	0x01, 0x11, 0x00,
	0xff, 0xc4, 0x00, 0x14, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xd9,
};

/* Declared dimensions are checked against the budget first. */
static void
test_budget(void)
{
	const unsigned char	*out;
	struct jpeg_xform	*x;
	unsigned long		 len;
	unsigned char		*jpeg = make(&len);
	char			 cause[128];

	x = jpeg_xform_new(0, 0, 90, cause, sizeof(cause));
	CHECK(x != NULL && jpeg != NULL);
	CHECK_EQ(jpeg_xform_apply(x, huge, sizeof(huge), &out, cause,
	    sizeof(cause)), -1);
	CHECK(strcmp(cause, "declares 8208x63345, over the budget of "
	    "33554432 pixels") == 0);
	/* The budget is inclusive, and lowering it refuses what fitted. */
	jpeg_xform_set_max_pixels(x, W * H);
	CHECK(jpeg_xform_apply(x, jpeg, len, &out, cause, sizeof(cause)) > 0);
	jpeg_xform_set_max_pixels(x, W * H - 1);
	CHECK_EQ(jpeg_xform_apply(x, jpeg, len, &out, cause, sizeof(cause)),
	    -1);
	CHECK(strcmp(cause, "declares 64x32, over the budget of 2047 "
	    "pixels") == 0);
	jpeg_xform_free(x);
	tjFree(jpeg);
}

int
main(void)
{
	RUN(test_ops);
	RUN(test_apply);
	RUN(test_bad_input);
	RUN(test_budget);
	return TEST_DONE("jpeg_xform");
}
