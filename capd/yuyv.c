/* SPDX-License-Identifier: ISC */
/* yuyv.c: packed 4:2:2 to I420, flipped and rotated on the way. */
#include <stdio.h>

#include "yuyv.h"

/* Where output pixel (ox, oy) comes from in the source picture. */
static void
yuyv_map(const struct yuyv_pic *p, int ox, int oy, int *sx, int *sy)
{
	int	 mx, my, w = p->width, h = p->height;

	switch (p->rotate) {
	case 90:
		mx = oy;
		my = h - 1 - ox;
		break;
	case 180:
		mx = w - 1 - ox;
		my = h - 1 - oy;
		break;
	case 270:
		mx = w - 1 - oy;
		my = ox;
		break;
	default:
		mx = ox;
		my = oy;
		break;
	}
	*sx = p->hflip ? w - 1 - mx : mx;
	*sy = p->vflip ? h - 1 - my : my;
}

/* The picture's output size, or -1 and cause. */
int
yuyv_out_size(const struct yuyv_pic *p, int *w, int *h, char *cause,
    size_t causelen)
{
	int	 stride = p->stride;

	if (p->width <= 0 || p->height <= 0 || p->width > YUYV_MAX_SIDE ||
	    p->height > YUYV_MAX_SIDE) {
		snprintf(cause, causelen, "picture of %dx%d refused", p->width,
		    p->height);
		return (-1);
	}
	if (p->width % 2 != 0) {
		snprintf(cause, causelen, "packed 4:2:2 picture of odd width "
		    "%d refused", p->width);
		return (-1);
	}
	if (p->rotate != 0 && p->rotate != 90 && p->rotate != 180 &&
	    p->rotate != 270) {
		snprintf(cause, causelen, "rotation by %d refused", p->rotate);
		return (-1);
	}
	if (stride < 2 * p->width)
		stride = 2 * p->width;
	if (p->len < (size_t)stride * (p->height - 1) + 2 * (size_t)p->width) {
		snprintf(cause, causelen, "short picture: %zu bytes for %dx%d",
		    p->len, p->width, p->height);
		return (-1);
	}
	*w = p->rotate % 180 ? p->height : p->width;
	*h = p->rotate % 180 ? p->width : p->height;
	*w &= ~1;
	*h &= ~1;
	if (*w == 0 || *h == 0) {
		snprintf(cause, causelen, "picture of %dx%d too small",
		    p->width, p->height);
		return (-1);
	}
	return (0);
}

/*
 * Converts; w and h from yuyv_out_size.  Each output row walks the source
 * in a straight line (a pixel on is one pixel, 2 bytes, along a source
 * row, or one source row), so rotations read columns: the output is done
 * in tiles of YUYV_TILE pixels so that those stay in the cache.
 */
void
yuyv_to_i420(const struct yuyv_pic *p, unsigned char *const dst[3],
    const int dstride[3], int w, int h)
{
	const unsigned char	*s = p->data;
	unsigned char		*d, *du, *dv;
	size_t			 stride = p->stride, off, c[4];
	long			 step, cstep;
	int			 x0, y0, x1, y1, tx, ty, ox, oy, ex, ey, i;
	int			 sx, sy, yo, co, sum;

	if (stride < 2 * (size_t)p->width)
		stride = 2 * (size_t)p->width;
	yo = p->uyvy ? 1 : 0;
	co = p->uyvy ? 0 : 1;
	yuyv_map(p, 0, 0, &x0, &y0);
	yuyv_map(p, 1, 0, &x1, &y1);
	step = 2L * (x1 - x0) + (long)(y1 - y0) * (long)stride;
	/* Two output pixels on: one chroma pair on, or two source rows. */
	cstep = 4L * (x1 - x0) + 2L * (y1 - y0) * (long)stride;
	for (ty = 0; ty < h; ty += YUYV_TILE)
	for (tx = 0; tx < w; tx += YUYV_TILE) {
		ey = ty + YUYV_TILE < h ? ty + YUYV_TILE : h;
		ex = tx + YUYV_TILE < w ? tx + YUYV_TILE : w;
		for (oy = ty; oy < ey; oy++) {
			yuyv_map(p, tx, oy, &sx, &sy);
			off = (size_t)sy * stride + 2 * (size_t)sx + yo;
			d = dst[0] + (size_t)oy * dstride[0];
			for (ox = tx; ox < ex; ox++, off += step)
				d[ox] = s[off];
		}
		/* Chroma: the mean over each 2x2 block's source pixels. */
		for (oy = ty; oy < ey; oy += 2) {
			for (i = 0; i < 4; i++) {
				yuyv_map(p, tx + (i & 1), oy + (i >> 1), &sx,
				    &sy);
				c[i] = (size_t)sy * stride +
				    4 * (size_t)(sx / 2) + co;
			}
			du = dst[1] + (size_t)(oy / 2) * dstride[1];
			dv = dst[2] + (size_t)(oy / 2) * dstride[2];
			for (ox = tx / 2; ox < ex / 2; ox++) {
				sum = s[c[0]] + s[c[1]] + s[c[2]] + s[c[3]];
				du[ox] = (sum + 2) / 4;
				sum = s[c[0] + 2] + s[c[1] + 2] +
				    s[c[2] + 2] + s[c[3] + 2];
				dv[ox] = (sum + 2) / 4;
				for (i = 0; i < 4; i++)
					c[i] += cstep;
			}
		}
	}
}
