/* SPDX-License-Identifier: ISC */
/*
 * fakecam_ioctl.c: the fake camera's V4L2 ioctls other than buffers:
 * capabilities, priorities, inputs, formats and frame rates, answered as
 * the kernel's V4L2 core answers them (controls: fakecam_ctrl.c).
 */
#include <sys/utsname.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakecam.h"

enum { KIND_G, KIND_S, KIND_TRY };

/* Puts the device back as it is when plugged in. */
void
fakecam_ioctl_reset(struct fakecam_dev *dev)
{
	memset(&dev->pix, 0, sizeof(dev->pix));
	dev->pix.pixelformat = dev->formats[0];
	dev->pix.width = 640;
	dev->pix.height = 480;
	fakecam_frame_geometry(&dev->pix);
	dev->tpf.numerator = 1;
	dev->tpf.denominator = 30;
	fakecam_ctrl_reset(dev);
	dev->sequence = 0;
}

/* Checks priority: EBUSY if another open file holds a higher one. */
int
fakecam_ioctl_prio_check(struct fakecam_dev *dev, struct fakecam_file *f)
{
	int	 p;

	for (p = V4L2_PRIORITY_RECORD; p > f->prio; p--)
		if (dev->prios[p] > 0)
			return EBUSY;
	return 0;
}

/* The running kernel's version, as drivers report it. */
static uint32_t
kernel_version(void)
{
	struct utsname	 u;
	unsigned int	 a = 0, b = 0, c = 0;

	if (uname(&u) == 0)
		sscanf(u.release, "%u.%u.%u", &a, &b, &c);
	return a << 16 | b << 8 | (c > 255 ? 255 : c);
}

/* VIDIOC_QUERYCAP. */
static int
querycap(struct fakecam_dev *dev, struct v4l2_capability *cap)
{
	memset(cap, 0, sizeof(*cap));
	snprintf((char *)cap->driver, sizeof(cap->driver), "fakecam");
	snprintf((char *)cap->card, sizeof(cap->card), "Fake Camera");
	snprintf((char *)cap->bus_info, sizeof(cap->bus_info),
	    "platform:fakecam-%d", dev->minor);
	cap->version = kernel_version();
	cap->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING |
	    V4L2_CAP_EXT_PIX_FORMAT;
	cap->capabilities = cap->device_caps | V4L2_CAP_DEVICE_CAPS;
	return 0;
}

/* VIDIOC_ENUM_FMT. */
static int
enum_fmt(struct fakecam_dev *dev, struct v4l2_fmtdesc *d)
{
	if (d->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || d->mbus_code != 0 ||
	    d->index >= (uint32_t)dev->nformats)
		return EINVAL;
	d->pixelformat = dev->formats[d->index];
	d->flags = d->pixelformat == V4L2_PIX_FMT_MJPEG ?
	    V4L2_FMT_FLAG_COMPRESSED : 0;
	snprintf((char *)d->description, sizeof(d->description), "%s",
	    fakecam_frame_desc(d->pixelformat));
	memset(d->reserved, 0, sizeof(d->reserved));
	return 0;
}

/* Tells whether w x h is one of the offered sizes. */
static int
size_ok(int w, int h)
{
	const int	*wh;
	int		 i, n = fakecam_frame_sizes(&wh);

	for (i = 0; i < n; i++)
		if (wh[2 * i] == w && wh[2 * i + 1] == h)
			return 1;
	return 0;
}

/* VIDIOC_ENUM_FRAMESIZES. */
static int
enum_framesizes(struct fakecam_dev *dev, struct v4l2_frmsizeenum *s)
{
	const int	*wh;
	int		 n = fakecam_frame_sizes(&wh);

	if (!fakecam_frame_format_ok(dev, s->pixel_format) ||
	    s->index >= (uint32_t)n)
		return EINVAL;
	s->type = V4L2_FRMSIZE_TYPE_DISCRETE;
	s->discrete.width = wh[2 * s->index];
	s->discrete.height = wh[2 * s->index + 1];
	memset(s->reserved, 0, sizeof(s->reserved));
	return 0;
}

/* VIDIOC_ENUM_FRAMEINTERVALS. */
static int
enum_frameintervals(struct fakecam_dev *dev, struct v4l2_frmivalenum *iv)
{
	const int	*fps;
	int		 n;

	if (!fakecam_frame_format_ok(dev, iv->pixel_format) ||
	    !size_ok(iv->width, iv->height))
		return EINVAL;
	n = fakecam_frame_intervals(iv->width, iv->height, &fps);
	if (iv->index >= (uint32_t)n)
		return EINVAL;
	iv->type = V4L2_FRMIVAL_TYPE_DISCRETE;
	iv->discrete.numerator = 1;
	iv->discrete.denominator = fps[iv->index];
	memset(iv->reserved, 0, sizeof(iv->reserved));
	return 0;
}

/* Adjusts a format to the nearest one offered (TRY_FMT semantics). */
static void
try_fmt(struct fakecam_dev *dev, struct v4l2_pix_format *pix)
{
	const int	*wh;
	int		 i, n = fakecam_frame_sizes(&wh), best = 0;
	long		 d, bestd = -1;

	if (!fakecam_frame_format_ok(dev, pix->pixelformat))
		pix->pixelformat = dev->formats[0];
	for (i = 0; i < n; i++) {
		d = labs((long)wh[2 * i] - (long)pix->width) +
		    labs((long)wh[2 * i + 1] - (long)pix->height);
		if (bestd == -1 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	pix->width = wh[2 * best];
	pix->height = wh[2 * best + 1];
	fakecam_frame_geometry(pix);
}

/* Picks the offered frame rate nearest to tpf at the current size. */
static void
pick_interval(struct fakecam_dev *dev, struct v4l2_fract *tpf)
{
	const int	*fps;
	int		 i, n, best = 0;
	double		 want, d, bestd = -1;

	n = fakecam_frame_intervals(dev->pix.width, dev->pix.height, &fps);
	if (tpf->numerator == 0 || tpf->denominator == 0) {
		tpf->numerator = 1;
		tpf->denominator = fps[0];
		return;
	}
	want = (double)tpf->denominator / tpf->numerator;
	for (i = 0; i < n; i++) {
		d = want > fps[i] ? want - fps[i] : fps[i] - want;
		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	tpf->numerator = 1;
	tpf->denominator = fps[best];
}

/* VIDIOC_G_FMT, VIDIOC_S_FMT and VIDIOC_TRY_FMT. */
static int
fmt(struct fakecam_dev *dev, struct fakecam_file *f, struct v4l2_format *fm,
    int kind)
{
	int	 r;

	if (fm->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return EINVAL;
	if (kind == KIND_G) {
		fm->fmt.pix = dev->pix;
		return 0;
	}
	try_fmt(dev, &fm->fmt.pix);
	if (kind == KIND_TRY)
		return 0;
	if ((r = fakecam_ioctl_prio_check(dev, f)) != 0)
		return r;
	if (fakecam_queue_busy(dev))
		return EBUSY;
	dev->pix = fm->fmt.pix;
	pick_interval(dev, &dev->tpf);
	return 0;
}

/* VIDIOC_G_PARM and VIDIOC_S_PARM. */
static int
parm(struct fakecam_dev *dev, struct fakecam_file *f,
    struct v4l2_streamparm *p, int kind)
{
	struct v4l2_captureparm	*c = &p->parm.capture;
	int			 r;

	if (p->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return EINVAL;
	if (kind == KIND_S) {
		if ((r = fakecam_ioctl_prio_check(dev, f)) != 0)
			return r;
		if (dev->streaming)
			return EBUSY;
		pick_interval(dev, &c->timeperframe);
		dev->tpf = c->timeperframe;
	}
	memset(c, 0, sizeof(*c));
	c->capability = V4L2_CAP_TIMEPERFRAME;
	c->timeperframe = dev->tpf;
	return 0;
}

/* VIDIOC_ENUMINPUT. */
static int
enuminput(struct v4l2_input *in)
{
	if (in->index != 0)
		return EINVAL;
	memset(in, 0, sizeof(*in));
	snprintf((char *)in->name, sizeof(in->name), "Camera 1");
	in->type = V4L2_INPUT_TYPE_CAMERA;
	return 0;
}

/* VIDIOC_S_PRIORITY. */
static int
s_priority(struct fakecam_dev *dev, struct fakecam_file *f, uint32_t p)
{
	if (p == V4L2_PRIORITY_UNSET)
		p = V4L2_PRIORITY_DEFAULT;
	if (p < V4L2_PRIORITY_BACKGROUND || p > V4L2_PRIORITY_RECORD)
		return EINVAL;
	if (fakecam_ioctl_prio_check(dev, f) != 0)
		return EBUSY;
	dev->prios[f->prio]--;
	f->prio = p;
	dev->prios[f->prio]++;
	return 0;
}

/* The highest priority held by any open file. */
static uint32_t
g_priority(struct fakecam_dev *dev)
{
	int	 p;

	for (p = V4L2_PRIORITY_RECORD; p > V4L2_PRIORITY_BACKGROUND; p--)
		if (dev->prios[p] > 0)
			return p;
	return V4L2_PRIORITY_BACKGROUND;
}

/* Tells whether req is an ioctl the device answers. */
static int
known(unsigned int req)
{
	static const unsigned int reqs[] = {
		VIDIOC_QUERYCAP, VIDIOC_G_PRIORITY, VIDIOC_S_PRIORITY,
		VIDIOC_ENUMINPUT, VIDIOC_G_INPUT, VIDIOC_S_INPUT,
		VIDIOC_ENUM_FMT, VIDIOC_ENUM_FRAMESIZES,
		VIDIOC_ENUM_FRAMEINTERVALS, VIDIOC_G_FMT, VIDIOC_S_FMT,
		VIDIOC_TRY_FMT, VIDIOC_G_PARM, VIDIOC_S_PARM, VIDIOC_QUERYCTRL,
		VIDIOC_QUERY_EXT_CTRL, VIDIOC_QUERYMENU, VIDIOC_G_CTRL,
		VIDIOC_S_CTRL, VIDIOC_G_EXT_CTRLS, VIDIOC_S_EXT_CTRLS,
		VIDIOC_TRY_EXT_CTRLS, VIDIOC_REQBUFS, VIDIOC_CREATE_BUFS,
		VIDIOC_QUERYBUF, VIDIOC_QBUF, VIDIOC_DQBUF, VIDIOC_EXPBUF,
		VIDIOC_STREAMON, VIDIOC_STREAMOFF, VIDIOC_SUBSCRIBE_EVENT,
		VIDIOC_UNSUBSCRIBE_EVENT, VIDIOC_DQEVENT
	};
	size_t	 i;

	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		if (reqs[i] == req)
			return 1;
	return 0;
}

/* Answers one ioctl on the device; 0 or an errno value. */
int
fakecam_ioctl(struct fakecam_dev *dev, struct fakecam_file *f, int fd,
    unsigned int req, void *arg)
{
	int	 r;

	fakecam_fault_poll(dev);
	if (f->dead)
		return ENODEV;
	if (arg == NULL)
		return known(req) ? EFAULT : ENOTTY;
	switch (req) {
	case VIDIOC_QUERYCAP:
		return querycap(dev, arg);
	case VIDIOC_G_PRIORITY:
		*(uint32_t *)arg = g_priority(dev);
		return 0;
	case VIDIOC_S_PRIORITY:
		return s_priority(dev, f, *(uint32_t *)arg);
	case VIDIOC_ENUMINPUT:
		return enuminput(arg);
	case VIDIOC_G_INPUT:
		*(int *)arg = 0;
		return 0;
	case VIDIOC_S_INPUT:
		if ((r = fakecam_ioctl_prio_check(dev, f)) != 0)
			return r;
		return *(int *)arg == 0 ? 0 : EINVAL;
	case VIDIOC_ENUM_FMT:
		return enum_fmt(dev, arg);
	case VIDIOC_ENUM_FRAMESIZES:
		return enum_framesizes(dev, arg);
	case VIDIOC_ENUM_FRAMEINTERVALS:
		return enum_frameintervals(dev, arg);
	case VIDIOC_G_FMT:
		return fmt(dev, f, arg, KIND_G);
	case VIDIOC_S_FMT:
		return fmt(dev, f, arg, KIND_S);
	case VIDIOC_TRY_FMT:
		return fmt(dev, f, arg, KIND_TRY);
	case VIDIOC_G_PARM:
		return parm(dev, f, arg, KIND_G);
	case VIDIOC_S_PARM:
		return parm(dev, f, arg, KIND_S);
	case VIDIOC_QUERYCTRL:
	case VIDIOC_QUERY_EXT_CTRL:
	case VIDIOC_QUERYMENU:
	case VIDIOC_G_CTRL:
	case VIDIOC_S_CTRL:
	case VIDIOC_G_EXT_CTRLS:
	case VIDIOC_S_EXT_CTRLS:
	case VIDIOC_TRY_EXT_CTRLS:
		return fakecam_ctrl_ioctl(dev, f, req, arg);
	case VIDIOC_SUBSCRIBE_EVENT:
	case VIDIOC_UNSUBSCRIBE_EVENT:
	case VIDIOC_DQEVENT:
		return fakecam_event_ioctl(dev, f, fd, req, arg);
	}
	return fakecam_queue_ioctl(dev, f, fd, req, arg);
}
