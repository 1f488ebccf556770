/* SPDX-License-Identifier: ISC */
/*
 * test_yuyv.c: packed 4:2:2 to I420 with exact bytes: YUYV and UYVY byte
 * order, chroma as the rounded mean of each 2x2 block, every flip and
 * rotation against a reference built pixel by pixel, odd heights cropped,
 * odd widths, short data and bad rotations refused, padded strides.
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "capd/yuyv.h"

/* A 4x2 YUYV picture: Y 10..17, U 100/104 row 0 and 102/106 row 1. */
static const unsigned char pic4x2[] = {
	10, 100, 11, 200, 12, 104, 13, 204,
	14, 102, 15, 202, 16, 106, 17, 206,
};

static void
test_yuyv_identity(void)
{
	struct yuyv_pic	 p = { pic4x2, sizeof(pic4x2), 4, 2, 0, 0, 0, 0, 0 };
	unsigned char	 y[8], u[2], v[2], *dst[3] = { y, u, v };
	int		 ds[3] = { 4, 2, 2 }, w, h;
	char		 cause[128];
	static const unsigned char wy[] = { 10, 11, 12, 13, 14, 15, 16, 17 };

	CHECK_EQ(yuyv_out_size(&p, &w, &h, cause, sizeof(cause)), 0);
	CHECK_EQ(w, 4);
	CHECK_EQ(h, 2);
	yuyv_to_i420(&p, dst, ds, w, h);
	CHECK_MEM(y, wy, 8);
	CHECK_EQ(u[0], 101);		/* (100 + 100 + 102 + 102 + 2) / 4 */
	CHECK_EQ(u[1], 105);
	CHECK_EQ(v[0], 201);
	CHECK_EQ(v[1], 205);
}

static void
test_uyvy_byte_order(void)
{
	static const unsigned char uyvy[] = {
		100, 10, 200, 11, 103, 12, 203, 13,
		101, 14, 201, 15, 104, 16, 204, 17,
	};
	struct yuyv_pic	 p = { uyvy, sizeof(uyvy), 4, 2, 8, 1, 0, 0, 0 };
	unsigned char	 y[8], u[2], v[2], *dst[3] = { y, u, v };
	int		 ds[3] = { 4, 2, 2 }, w, h;
	char		 cause[128];
	static const unsigned char wy[] = { 10, 11, 12, 13, 14, 15, 16, 17 };

	CHECK_EQ(yuyv_out_size(&p, &w, &h, cause, sizeof(cause)), 0);
	yuyv_to_i420(&p, dst, ds, w, h);
	CHECK_MEM(y, wy, 8);
	CHECK_EQ(u[0], 101);		/* 100.5 rounds up */
	CHECK_EQ(u[1], 104);		/* 103.5 */
	CHECK_EQ(v[0], 201);
	CHECK_EQ(v[1], 204);
}

/* Source pixel (x, y) of a W x H picture after hflip, vflip, rotate. */
static void
ref_map(int W, int H, int hf, int vf, int rot, int ox, int oy, int *sx,
    int *sy)
{
	int	 mx, my;

	/* The inverse of: mirror, then rotate clockwise. */
	if (rot == 0) {
		mx = ox;
		my = oy;
	} else if (rot == 90) {		/* (x, y) went to (H-1-y, x) */
		mx = oy;
		my = H - 1 - ox;
	} else if (rot == 180) {
		mx = W - 1 - ox;
		my = H - 1 - oy;
	} else {			/* (x, y) went to (y, W-1-x) */
		mx = W - 1 - oy;
		my = ox;
	}
	*sx = hf ? W - 1 - mx : mx;
	*sy = vf ? H - 1 - my : my;
}

/*
 * Every combination on a 6x5 picture with a padded stride: Y of each
 * pixel equals the source pixel's, each chroma sample the rounded mean of
 * the four it covers; the odd side is cropped after the transform.
 */
static void
test_every_transform(void)
{
	enum { W = 6, H = 5, STRIDE = 16 };
	unsigned char	 src[STRIDE * H], y[64], u[16], v[16];
	unsigned char	*dst[3] = { y, u, v };
	int		 ds[3] = { 8, 4, 4 }, hf, vf, r, w, h, x, yy, i, sx, sy;
	int		 su, sv;
	char		 cause[128];
	struct yuyv_pic	 p;

	for (i = 0; i < (int)sizeof(src); i++)
		src[i] = (unsigned char)(i * 7 + 3);
	for (r = 0; r < 360; r += 90)
	for (hf = 0; hf < 2; hf++)
	for (vf = 0; vf < 2; vf++) {
		memset(&p, 0, sizeof(p));
		p.data = src;
		p.len = sizeof(src);
		p.width = W;
		p.height = H;
		p.stride = STRIDE;
		p.hflip = hf;
		p.vflip = vf;
		p.rotate = r;
		CHECK_EQ(yuyv_out_size(&p, &w, &h, cause, sizeof(cause)), 0);
		CHECK_EQ(w, r % 180 ? 4 : 6);
		CHECK_EQ(h, r % 180 ? 6 : 4);
		memset(y, 0xee, sizeof(y));
		yuyv_to_i420(&p, dst, ds, w, h);
		for (yy = 0; yy < h; yy++)
			for (x = 0; x < w; x++) {
				ref_map(W, H, hf, vf, r, x, yy, &sx, &sy);
				CHECK_EQ(y[yy * 8 + x], src[sy * STRIDE + 2 * sx]);
			}
		for (yy = 0; yy < h / 2; yy++)
			for (x = 0; x < w / 2; x++) {
				su = sv = 0;
				for (i = 0; i < 4; i++) {
					ref_map(W, H, hf, vf, r, 2 * x + i % 2,
					    2 * yy + i / 2, &sx, &sy);
					su += src[sy * STRIDE + sx / 2 * 4 + 1];
					sv += src[sy * STRIDE + sx / 2 * 4 + 3];
				}
				CHECK_EQ(u[yy * 4 + x], (su + 2) / 4);
				CHECK_EQ(v[yy * 4 + x], (sv + 2) / 4);
			}
		/* Nothing written past the row. */
		CHECK_EQ(y[w], 0xee);
	}
}

/* A corner marker goes where the JPEG path puts it: hflip then rot 90. */
static void
test_corner_goes_where_jpeg_puts_it(void)
{
	unsigned char	 src[4 * 2 * 2], y[8], u[2], v[2];
	unsigned char	*dst[3] = { y, u, v };
	int		 ds[3] = { 2, 1, 1 }, w, h;
	char		 cause[128];
	struct yuyv_pic	 p;

	memset(src, 0, sizeof(src));
	src[0] = 255;		/* top-left pixel of a 4x2 picture */
	memset(&p, 0, sizeof(p));
	p.data = src;
	p.len = sizeof(src);
	p.width = 4;
	p.height = 2;
	p.rotate = 90;
	CHECK_EQ(yuyv_out_size(&p, &w, &h, cause, sizeof(cause)), 0);
	CHECK_EQ(w, 2);
	CHECK_EQ(h, 4);
	yuyv_to_i420(&p, dst, ds, w, h);
	CHECK_EQ(y[1], 255);	/* rotated clockwise: top-right */
	p.hflip = 1;		/* mirrored first: it was top-right, now */
	yuyv_to_i420(&p, dst, ds, w, h);
	CHECK_EQ(y[7], 255);	/* bottom-right */
}

static void
test_refused(void)
{
	unsigned char	 src[64];
	struct yuyv_pic	 p;
	char		 cause[128];
	int		 w, h;

	memset(&p, 0, sizeof(p));
	memset(src, 0, sizeof(src));
	p.data = src;
	p.len = 16;
	p.width = 4;
	p.height = 2;
	CHECK_EQ(yuyv_out_size(&p, &w, &h, cause, sizeof(cause)), 0);
	p.len = 15;
	CHECK_EQ(yuyv_out_size(&p, &w, &h, cause, sizeof(cause)), -1);
	CHECK(strcmp(cause, "short picture: 15 bytes for 4x2") == 0);
	/* A padded stride: the last row needs only its pixels. */
	p.stride = 12;
	p.len = 12 + 8;
	CHECK_EQ(yuyv_out_size(&p, &w, &h, cause, sizeof(cause)), 0);
	p.len = 12 + 7;
	CHECK_EQ(yuyv_out_size(&p, &w, &h, cause, sizeof(cause)), -1);
	p.stride = 0;
	p.len = 64;
	p.width = 3;
	CHECK_EQ(yuyv_out_size(&p, &w, &h, cause, sizeof(cause)), -1);
	CHECK(strcmp(cause, "packed 4:2:2 picture of odd width 3 refused") ==
	    0);
	p.width = 4;
	p.rotate = 45;
	CHECK_EQ(yuyv_out_size(&p, &w, &h, cause, sizeof(cause)), -1);
	CHECK(strcmp(cause, "rotation by 45 refused") == 0);
	p.rotate = 0;
	p.height = 1;		/* cropped to nothing */
	CHECK_EQ(yuyv_out_size(&p, &w, &h, cause, sizeof(cause)), -1);
	p.height = 0;
	CHECK_EQ(yuyv_out_size(&p, &w, &h, cause, sizeof(cause)), -1);
	p.height = YUYV_MAX_SIDE + 1;
	CHECK_EQ(yuyv_out_size(&p, &w, &h, cause, sizeof(cause)), -1);
	p.height = -2;
	CHECK_EQ(yuyv_out_size(&p, &w, &h, cause, sizeof(cause)), -1);
}

int
main(void)
{
	RUN(test_yuyv_identity);
	RUN(test_uyvy_byte_order);
	RUN(test_every_transform);
	RUN(test_corner_goes_where_jpeg_puts_it);
	RUN(test_refused);
	return (TEST_DONE("yuyv"));
}
