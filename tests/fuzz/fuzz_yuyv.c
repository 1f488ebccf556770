/* SPDX-License-Identifier: ISC */
/*
 * fuzz_yuyv.c: packed 4:2:2 to I420 on arbitrary bytes and geometry (the
 * first 8 bytes: width, height, stride, flips and rotation).  A picture
 * yuyv_out_size accepts converts without reading past its data; the
 * output stays inside planes of the size it said.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capd/yuyv.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct yuyv_pic	 p;
	unsigned char	*plane[3];
	int		 ds[3], w, h, i;
	char		 cause[128];

	if (size < 8)
		return (0);
	memset(&p, 0, sizeof(p));
	p.width = data[0] | (data[1] & 0x3) << 8;
	p.height = data[2] | (data[3] & 0x3) << 8;
	p.stride = data[4] | (data[5] & 0x7) << 8;
	p.uyvy = data[6] & 1;
	p.hflip = data[6] >> 1 & 1;
	p.vflip = data[6] >> 2 & 1;
	p.rotate = (data[7] & 3) * 90 + (data[7] & 4 ? 1 : 0);
	/* A copy of exactly the rest, so reading past it is caught. */
	p.len = size - 8;
	if ((p.data = malloc(p.len + 1)) == NULL)
		return (0);
	memcpy((unsigned char *)p.data, data + 8, p.len);
	if (yuyv_out_size(&p, &w, &h, cause, sizeof(cause)) == 0) {
		if (w <= 0 || h <= 0 || w % 2 || h % 2)
			abort();
		ds[0] = w;
		ds[1] = ds[2] = w / 2;
		plane[0] = malloc((size_t)w * h);
		plane[1] = malloc((size_t)w * h / 4);
		plane[2] = malloc((size_t)w * h / 4);
		if (plane[0] != NULL && plane[1] != NULL && plane[2] != NULL)
			yuyv_to_i420(&p, plane, ds, w, h);
		for (i = 0; i < 3; i++)
			free(plane[i]);
	}
	free((void *)p.data);
	return (0);
}
