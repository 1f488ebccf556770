/* SPDX-License-Identifier: ISC */
/*
 * fakecam_frame.c: the picture the fake camera shows.  A vertical gradient
 * with a white bar moving right, and three marked corners (top-left red,
 * top-right green, bottom-left blue, each 32x32) so that flips and
 * rotations can be checked; drawn as planar YUV 4:2:2, then packed to
 * YUYV/UYVY or encoded to MJPEG with TurboJPEG.  The second and later of
 * several devices (FAKECAM_DEVICES) tint the gradient, each its own colour
 * (tints[]), so that their pictures tell them apart.
 */
#include <stdlib.h>
#include <string.h>

#include <turbojpeg.h>

#include "fakecam.h"

#define MARK	32

struct frame {
	tjhandle	 tj;
	unsigned char	*plane;		/* Y, then U, then V */
	size_t		 planesize;
};

/* U and V of the gradient by device: grey, then purple, orange, teal. */
static const int tints[FAKECAM_NDEV][2] = {
	{ 128, 128 }, { 200, 200 }, { 60, 200 }, { 200, 60 }
};

static const int sizes[] = { 640, 480, 1280, 720, 320, 240 };
static const int fps_vga[] = { 30, 15, 5 };
static const int fps_hd[] = { 30, 10 };
static const int fps_qvga[] = { 60, 30 };

/* Tells whether the device offers pixfmt. */
int
fakecam_frame_format_ok(const struct fakecam_dev *dev, uint32_t pixfmt)
{
	int	 i;

	for (i = 0; i < dev->nformats; i++)
		if (dev->formats[i] == pixfmt)
			return 1;
	return 0;
}

/* The frame sizes offered (pairs of width, height); returns their count. */
int
fakecam_frame_sizes(const int **wh)
{
	*wh = sizes;
	return sizeof(sizes) / sizeof(sizes[0]) / 2;
}

/* The frame rates offered at a size, fastest first; returns their count. */
int
fakecam_frame_intervals(int width, int height, const int **fps)
{
	if (width == 1280) {
		*fps = fps_hd;
		return sizeof(fps_hd) / sizeof(fps_hd[0]);
	}
	if (width == 320) {
		*fps = fps_qvga;
		return sizeof(fps_qvga) / sizeof(fps_qvga[0]);
	}
	*fps = fps_vga;
	return sizeof(fps_vga) / sizeof(fps_vga[0]);
}

/* Fills bytesperline, sizeimage and the colour fields of a format. */
void
fakecam_frame_geometry(struct v4l2_pix_format *pix)
{
	pix->field = V4L2_FIELD_NONE;
	pix->colorspace = V4L2_COLORSPACE_SRGB;
	pix->ycbcr_enc = V4L2_YCBCR_ENC_DEFAULT;
	pix->quantization = V4L2_QUANTIZATION_DEFAULT;
	pix->xfer_func = V4L2_XFER_FUNC_DEFAULT;
	pix->flags = 0;
	pix->priv = V4L2_PIX_FMT_PRIV_MAGIC;
	if (pix->pixelformat == V4L2_PIX_FMT_MJPEG ||
	    pix->pixelformat == V4L2_PIX_FMT_H264) {
		pix->bytesperline = 0;
		pix->sizeimage = pix->width * pix->height * 2;
	} else {
		pix->bytesperline = pix->width * 2;
		pix->sizeimage = pix->bytesperline * pix->height;
	}
}

/* The standard description of a pixel format, as the kernel gives it. */
const char *
fakecam_frame_desc(uint32_t pixfmt)
{
	switch (pixfmt) {
	case V4L2_PIX_FMT_MJPEG:
		return "Motion-JPEG";
	case V4L2_PIX_FMT_YUYV:
		return "YUYV 4:2:2";
	case V4L2_PIX_FMT_UYVY:
		return "UYVY 4:2:2";
	case V4L2_PIX_FMT_H264:
		return "H.264";
	}
	return "?";
}

/* Allocates a frame drawer (one per producer thread). */
void *
fakecam_frame_new(void)
{
	struct frame	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	if ((f->tj = tjInitCompress()) == NULL) {
		free(f);
		return NULL;
	}
	return f;
}

/* Frees a frame drawer. */
void
fakecam_frame_free(void *arg)
{
	struct frame	*f = arg;

	if (f == NULL)
		return;
	tjDestroy(f->tj);
	free(f->plane);
	free(f);
}

/* Clamps v to a byte. */
static unsigned char
clamp8(int v)
{
	return v < 0 ? 0 : v > 255 ? 255 : v;
}

/* The colour (Y, U, V) at logical pixel x, y of frame n. */
static void
pixel(const struct fakecam_shot *s, int x, int y, int *yy, int *u, int *v)
{
	int	 bar = (s->frame * 8) % s->width, w = s->width / 8;

	*u = *v = 128;
	if (x < MARK && y < MARK) {
		*yy = 81; *u = 90; *v = 240;		/* red */
	} else if (x >= s->width - MARK && y < MARK) {
		*yy = 145; *u = 54; *v = 34;		/* green */
	} else if (x < MARK && y >= s->height - MARK) {
		*yy = 41; *u = 240; *v = 110;		/* blue */
	} else if (x >= bar && x < bar + w)
		*yy = 235;
	else {
		*yy = 16 + y * 200 / s->height;
		*u = tints[s->index % FAKECAM_NDEV][0];
		*v = tints[s->index % FAKECAM_NDEV][1];
	}
}

/* Draws the planar 4:2:2 picture with flips and picture controls applied. */
static void
draw_planes(struct frame *f, const struct fakecam_shot *s)
{
	unsigned char	*py = f->plane, *pu, *pv;
	int		 x, y, lx, ly, yy, u, v, cw = s->width / 2;

	pu = py + s->width * s->height;
	pv = pu + cw * s->height;
	for (y = 0; y < s->height; y++) {
		ly = s->vflip ? s->height - 1 - y : y;
		for (x = 0; x < s->width; x += 2) {
			lx = s->hflip ? s->width - 2 - x : x;
			pixel(s, lx, ly, &yy, &u, &v);
			yy = 128 + (yy - 128) * s->contrast / 128 +
			    (s->brightness - 128) / 2;
			py[y * s->width + x] = py[y * s->width + x + 1] =
			    clamp8(yy);
			pu[y * cw + x / 2] =
			    clamp8(128 + (u - 128) * s->saturation / 128);
			pv[y * cw + x / 2] =
			    clamp8(128 + (v - 128) * s->saturation / 128);
		}
	}
}

/* Removes every DHT segment before SOS, as many UVC cameras send. */
static size_t
strip_dht(unsigned char *j, size_t len)
{
	size_t	 i = 2, seg;

	while (i + 4 <= len && j[i] == 0xff && j[i + 1] != 0xda) {
		seg = 2 + (j[i + 2] << 8 | j[i + 3]);
		if (i + seg > len)
			break;
		if (j[i + 1] == 0xc4) {
			memmove(j + i, j + i + seg, len - i - seg);
			len -= seg;
		} else
			i += seg;
	}
	return len;
}

/* Packs the planes as YUYV or UYVY. */
static void
pack(const struct frame *f, const struct fakecam_shot *s, unsigned char *out)
{
	const unsigned char	*py = f->plane, *pu, *pv;
	size_t			 i, n = (size_t)s->width * s->height / 2;
	int			 yuyv = s->pixfmt == V4L2_PIX_FMT_YUYV;

	pu = py + s->width * s->height;
	pv = pu + n;
	for (i = 0; i < n; i++, out += 4) {
		out[yuyv ? 0 : 1] = py[2 * i];
		out[yuyv ? 2 : 3] = py[2 * i + 1];
		out[yuyv ? 1 : 0] = pu[i];
		out[yuyv ? 3 : 2] = pv[i];
	}
}

/* Draws one frame into out; returns the bytes used or -1. */
long
fakecam_frame_draw(void *arg, const struct fakecam_shot *s,
    unsigned char *out, size_t outsize)
{
	struct frame		*f = arg;
	const unsigned char	*planes[3];
	unsigned char		*jpeg = out;
	unsigned long		 jlen = outsize;
	size_t			 need = (size_t)s->width * s->height * 2;

	if (s->pixfmt == V4L2_PIX_FMT_H264)
		return fakecam_h264_draw(s->index, out, outsize);
	if (f->planesize < need) {
		free(f->plane);
		if ((f->plane = malloc(need)) == NULL) {
			f->planesize = 0;
			return -1;
		}
		f->planesize = need;
	}
	draw_planes(f, s);
	if (s->pixfmt != V4L2_PIX_FMT_MJPEG) {
		if (outsize < need)
			return -1;
		pack(f, s, out);
		return need;
	}
	if (outsize < tjBufSize(s->width, s->height, TJSAMP_422))
		return -1;
	planes[0] = f->plane;
	planes[1] = planes[0] + s->width * s->height;
	planes[2] = planes[1] + s->width / 2 * s->height;
	if (tjCompressFromYUVPlanes(f->tj, planes, s->width, NULL, s->height,
	    TJSAMP_422, &jpeg, &jlen, 85, TJFLAG_NOREALLOC) != 0)
		return -1;
	if (s->nodht)
		jlen = strip_dht(jpeg, jlen);
	return jlen;
}
