/* SPDX-License-Identifier: ISC */
/*
 * fakecam_ctrl.c: the fake camera's controls and their ioctls, answered as
 * the kernel's control framework answers them.
 */
#include <errno.h>
#include <stdio.h>
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

/* Puts the controls back to their defaults. */
void
fakecam_ctrl_reset(struct fakecam_dev *dev)
{
	int	 i;

	for (i = 0; i < FAKECAM_NCTRL; i++)
		dev->ctrl[i] = ctrls[i].def;
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
fakecam_ctrl_value(struct fakecam_dev *dev, uint32_t id)
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

/* Fills the body of a control event; -1 if there is no such control. */
int
fakecam_ctrl_event(struct fakecam_dev *dev, uint32_t id,
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

/* Answers one control ioctl; 0 or an errno value. */
int
fakecam_ctrl_ioctl(struct fakecam_dev *dev, struct fakecam_file *f,
    unsigned int req, void *arg)
{
	switch (req) {
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
	}
	return ENOTTY;
}
