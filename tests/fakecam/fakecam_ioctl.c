/* SPDX-License-Identifier: ISC */
/*
 * fakecam_ioctl.c: the fake camera's V4L2 ioctls other than buffers:
 * capabilities, priorities, inputs, formats, frame rates and controls,
 * answered as the kernel's V4L2 core and control framework answer them.
 */
#include <sys/utsname.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakecam.h"

struct ctrl {
	uint32_t	 id;
	uint32_t	 type;
	const char	*name;
	int32_t		 min, max, step, def;
	uint32_t	 flags;
	int		 flip;		/* absent with FAKECAM_NOFLIP */
	int		 h264;		/* present with H264 only */
};

static const struct ctrl ctrls[FAKECAM_NCTRL] = {
	{ V4L2_CID_USER_CLASS, V4L2_CTRL_TYPE_CTRL_CLASS, "User Controls",
	    0, 0, 0, 0, V4L2_CTRL_FLAG_READ_ONLY | V4L2_CTRL_FLAG_WRITE_ONLY, 0, 0 },
	{ V4L2_CID_BRIGHTNESS, V4L2_CTRL_TYPE_INTEGER, "Brightness",
	    0, 255, 1, 128, V4L2_CTRL_FLAG_SLIDER, 0, 0 },
	{ V4L2_CID_CONTRAST, V4L2_CTRL_TYPE_INTEGER, "Contrast",
	    0, 255, 1, 128, V4L2_CTRL_FLAG_SLIDER, 0, 0 },
	{ V4L2_CID_SATURATION, V4L2_CTRL_TYPE_INTEGER, "Saturation",
	    0, 255, 1, 128, V4L2_CTRL_FLAG_SLIDER, 0, 0 },
	{ V4L2_CID_HFLIP, V4L2_CTRL_TYPE_BOOLEAN, "Horizontal Flip",
	    0, 1, 1, 0, 0, 1, 0 },
	{ V4L2_CID_VFLIP, V4L2_CTRL_TYPE_BOOLEAN, "Vertical Flip",
	    0, 1, 1, 0, 0, 1, 0 },
	{ V4L2_CID_POWER_LINE_FREQUENCY, V4L2_CTRL_TYPE_MENU,
	    "Power Line Frequency", 0, 2, 1, 1, 0, 0, 0 },
	{ V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME, V4L2_CTRL_TYPE_BUTTON,
	    "Force Key Frame", 0, 1, 1, 0, V4L2_CTRL_FLAG_WRITE_ONLY, 0, 1 },
	{ V4L2_CID_MPEG_VIDEO_H264_I_PERIOD, V4L2_CTRL_TYPE_INTEGER,
	    "H264 I-Frame Period", 1, 600, 1, 60, 0, 0, 1 },
	{ 0, 0, NULL, 0, 0, 0, 0, 0, 0, 0 }
};

static const char *const plf_menu[] = { "Disabled", "50 Hz", "60 Hz" };

enum { KIND_G, KIND_S, KIND_TRY };

/* Puts the device back as it is when plugged in. */
void
fakecam_ioctl_reset(struct fakecam_dev *dev)
{
	int	 i;

	memset(&dev->pix, 0, sizeof(dev->pix));
	dev->pix.pixelformat = dev->formats[0];
	dev->pix.width = 640;
	dev->pix.height = 480;
	fakecam_frame_geometry(&dev->pix);
	dev->tpf.numerator = 1;
	dev->tpf.denominator = 30;
	for (i = 0; i < FAKECAM_NCTRL; i++)
		dev->ctrl[i] = ctrls[i].def;
	dev->sequence = 0;
}

/* Whether control i is present on the device. */
static int
ctrl_present(const struct fakecam_dev *dev, int i)
{
	if (ctrls[i].flip && dev->noflip)
		return 0;
	return !ctrls[i].h264 || fakecam_frame_format_ok(dev,
	    V4L2_PIX_FMT_H264);
}

/* A control was set: events, and an IDR wanted for FORCE_KEY_FRAME. */
static void
ctrl_set_done(struct fakecam_dev *dev, struct fakecam_file *f, uint32_t id)
{
	if (id == V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME)
		fakecam_h264_force(dev->index);
	fakecam_event_ctrl(dev, f, id);
}

/* The index of a control present on the device, or -1. */
static int
ctrl_find(const struct fakecam_dev *dev, uint32_t id)
{
	int	 i;

	for (i = 0; ctrls[i].id != 0; i++)
		if (ctrls[i].id == id && ctrl_present(dev, i))
			return i;
	return -1;
}

/* The current value of a control (its default if absent). */
int
fakecam_ioctl_ctrl_value(struct fakecam_dev *dev, uint32_t id)
{
	int	 i = ctrl_find(dev, id);

	return i == -1 ? 0 : dev->ctrl[i];
}

/* Finds the control for a query: the id itself or the next one. */
static int
ctrl_query(const struct fakecam_dev *dev, uint32_t id)
{
	uint32_t	 want = id & ~(V4L2_CTRL_FLAG_NEXT_CTRL |
			    V4L2_CTRL_FLAG_NEXT_COMPOUND);
	int		 i, best = -1;

	if (!(id & (V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND)))
		return ctrl_find(dev, want);
	if (!(id & V4L2_CTRL_FLAG_NEXT_CTRL))
		return -1;		/* only compound wanted: none here */
	for (i = 0; ctrls[i].id != 0; i++) {
		if (ctrls[i].id <= want || !ctrl_present(dev, i))
			continue;
		if (best == -1 || ctrls[i].id < ctrls[best].id)
			best = i;
	}
	return best;
}

/* VIDIOC_QUERY_EXT_CTRL. */
static int
query_ext_ctrl(struct fakecam_dev *dev, struct v4l2_query_ext_ctrl *q)
{
	const struct ctrl	*c;
	int			 i;

	if ((i = ctrl_query(dev, q->id)) == -1)
		return EINVAL;
	c = &ctrls[i];
	memset(q, 0, sizeof(*q));
	q->id = c->id;
	q->type = c->type;
	snprintf(q->name, sizeof(q->name), "%s", c->name);
	q->minimum = c->min;
	q->maximum = c->max;
	q->step = c->step;
	q->default_value = c->def;
	q->flags = c->flags;
	q->elem_size = 4;
	q->elems = 1;
	return 0;
}

/* VIDIOC_QUERYCTRL. */
static int
queryctrl(struct fakecam_dev *dev, struct v4l2_queryctrl *q)
{
	struct v4l2_query_ext_ctrl	 x;

	memset(&x, 0, sizeof(x));
	x.id = q->id;
	if (query_ext_ctrl(dev, &x) != 0)
		return EINVAL;
	memset(q, 0, sizeof(*q));
	q->id = x.id;
	q->type = x.type;
	memcpy(q->name, x.name, sizeof(q->name));
	q->minimum = x.minimum;
	q->maximum = x.maximum;
	q->step = x.step;
	q->default_value = x.default_value;
	q->flags = x.flags;
	return 0;
}

/* VIDIOC_QUERYMENU. */
static int
querymenu(struct fakecam_dev *dev, struct v4l2_querymenu *m)
{
	int	 i = ctrl_find(dev, m->id);

	if (i == -1 || ctrls[i].type != V4L2_CTRL_TYPE_MENU ||
	    m->index > (uint32_t)ctrls[i].max)
		return EINVAL;
	m->reserved = 0;
	snprintf((char *)m->name, sizeof(m->name), "%s", plf_menu[m->index]);
	return 0;
}

/* Checks and rounds a value for control i; 0 or an errno. */
static int
ctrl_validate(int i, int32_t *v)
{
	const struct ctrl	*c = &ctrls[i];

	if (c->type == V4L2_CTRL_TYPE_MENU)
		return *v < c->min || *v > c->max ? ERANGE : 0;
	if (*v < c->min)
		*v = c->min;
	if (*v > c->max)
		*v = c->max;
	*v = c->min + (*v - c->min + c->step / 2) / c->step * c->step;
	return 0;
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

/* Fills the body of a control event; -1 if there is no such control. */
int
fakecam_ioctl_ctrl_event(struct fakecam_dev *dev, uint32_t id,
    struct v4l2_event_ctrl *e)
{
	const struct ctrl	*c;
	int			 i;

	if ((i = ctrl_find(dev, id)) == -1)
		return -1;
	c = &ctrls[i];
	memset(e, 0, sizeof(*e));
	e->changes = V4L2_EVENT_CTRL_CH_VALUE | V4L2_EVENT_CTRL_CH_FLAGS;
	e->type = c->type;
	e->value = dev->ctrl[i];
	e->flags = c->flags;
	e->minimum = c->min;
	e->maximum = c->max;
	e->step = c->step;
	e->default_value = c->def;
	return c->type == V4L2_CTRL_TYPE_CTRL_CLASS ? 1 : 0;
}

/* VIDIOC_G_CTRL and VIDIOC_S_CTRL. */
static int
g_s_ctrl(struct fakecam_dev *dev, struct fakecam_file *f,
    struct v4l2_control *c, int kind)
{
	int	 i, r;

	if ((i = ctrl_find(dev, c->id)) == -1)
		return EINVAL;
	if (ctrls[i].type == V4L2_CTRL_TYPE_CTRL_CLASS)
		return EACCES;
	if (kind == KIND_G) {
		c->value = dev->ctrl[i];
		return 0;
	}
	if ((r = fakecam_ioctl_prio_check(dev, f)) != 0)
		return r;
	if ((r = ctrl_validate(i, &c->value)) != 0)
		return r;
	dev->ctrl[i] = c->value;
	ctrl_set_done(dev, f, c->id);
	return 0;
}

/* Checks that a control class (or "which") has controls. */
static int
class_check(uint32_t which)
{
	if (which == 0 || which == V4L2_CTRL_WHICH_DEF_VAL ||
	    which == V4L2_CTRL_CLASS_USER)
		return 0;
	return EINVAL;
}

/* VIDIOC_G/S/TRY_EXT_CTRLS. */
static int
ext_ctrls(struct fakecam_dev *dev, struct fakecam_file *f,
    struct v4l2_ext_controls *cs, int kind)
{
	struct v4l2_ext_control	*c;
	int32_t			 v[64];
	int			 idx[64], r;
	uint32_t		 i, which = cs->which;

	cs->error_idx = cs->count;
	cs->reserved[0] = 0;
	if (which == V4L2_CTRL_WHICH_REQUEST_VAL)
		return EINVAL;
	if (cs->count == 0)
		return class_check(which);
	if (cs->count > 64)
		return EINVAL;
	if (cs->controls == NULL)
		return EFAULT;
	if (kind == KIND_S && (r = fakecam_ioctl_prio_check(dev, f)) != 0)
		return r;
	for (i = 0; i < cs->count; i++) {
		c = &cs->controls[i];
		if (kind == KIND_TRY)
			cs->error_idx = i;
		if (which != 0 && which != V4L2_CTRL_WHICH_DEF_VAL &&
		    V4L2_CTRL_ID2WHICH(c->id) != which)
			return EINVAL;
		if ((idx[i] = ctrl_find(dev, c->id)) == -1)
			return EINVAL;
		if (ctrls[idx[i]].type == V4L2_CTRL_TYPE_CTRL_CLASS)
			return EACCES;
		if (kind == KIND_G)
			continue;
		if (which == V4L2_CTRL_WHICH_DEF_VAL)
			return EINVAL;
		v[i] = c->value;
		if ((r = ctrl_validate(idx[i], &v[i])) != 0)
			return r;
	}
	for (i = 0; i < cs->count; i++) {
		c = &cs->controls[i];
		if (kind == KIND_G)
			c->value = which == V4L2_CTRL_WHICH_DEF_VAL ?
			    ctrls[idx[i]].def : dev->ctrl[idx[i]];
		else {
			c->value = v[i];
			if (kind == KIND_S) {
				dev->ctrl[idx[i]] = v[i];
				ctrl_set_done(dev, f, c->id);
			}
		}
	}
	cs->error_idx = 0;
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
		return queryctrl(dev, arg);
	case VIDIOC_QUERY_EXT_CTRL:
		return query_ext_ctrl(dev, arg);
	case VIDIOC_QUERYMENU:
		return querymenu(dev, arg);
	case VIDIOC_G_CTRL:
		return g_s_ctrl(dev, f, arg, KIND_G);
	case VIDIOC_S_CTRL:
		return g_s_ctrl(dev, f, arg, KIND_S);
	case VIDIOC_G_EXT_CTRLS:
		return ext_ctrls(dev, f, arg, KIND_G);
	case VIDIOC_S_EXT_CTRLS:
		return ext_ctrls(dev, f, arg, KIND_S);
	case VIDIOC_TRY_EXT_CTRLS:
		return ext_ctrls(dev, f, arg, KIND_TRY);
	case VIDIOC_SUBSCRIBE_EVENT:
	case VIDIOC_UNSUBSCRIBE_EVENT:
	case VIDIOC_DQEVENT:
		return fakecam_event_ioctl(dev, f, fd, req, arg);
	}
	return fakecam_queue_ioctl(dev, f, fd, req, arg);
}
