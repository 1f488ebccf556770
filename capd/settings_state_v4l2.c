/* SPDX-License-Identifier: ISC */
/*
 * settings_state_v4l2.c: a V4L2 camera's controls as settings
 * (docs/control.md): integer, boolean and menu controls with their ranges
 * and menu items, read from the open camera or, while it is off, by
 * opening it for a moment.
 */
#include <sys/ioctl.h>

#include <linux/videodev2.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "settings.h"
#include "settings_state.h"
#include "source.h"
#include "source_v4l2.h"

/* The controls a user sets; flips belong to hflip/vflip. */
static int
settings_state_v4l2_wanted(const struct v4l2_query_ext_ctrl *q)
{
	if (q->flags & (V4L2_CTRL_FLAG_DISABLED | V4L2_CTRL_FLAG_READ_ONLY |
	    V4L2_CTRL_FLAG_WRITE_ONLY))
		return (0);
	if (q->id == V4L2_CID_HFLIP || q->id == V4L2_CID_VFLIP)
		return (0);
	return (q->type == V4L2_CTRL_TYPE_INTEGER ||
	    q->type == V4L2_CTRL_TYPE_BOOLEAN ||
	    q->type == V4L2_CTRL_TYPE_MENU);
}

/* Fills one control's description and value. */
static void
settings_state_v4l2_one(int fd, const struct v4l2_query_ext_ctrl *q,
    struct settings_ctrl *c)
{
	struct v4l2_querymenu	 m;
	struct v4l2_control	 v = { q->id, 0 };
	int64_t			 i;

	memset(c, 0, sizeof(*c));
	source_v4l2_ctrl_name(q->name, c->name, sizeof(c->name));
	snprintf(c->label, sizeof(c->label), "%s", q->name);
	c->type = q->type == V4L2_CTRL_TYPE_BOOLEAN ? SETTINGS_BOOL :
	    q->type == V4L2_CTRL_TYPE_MENU ? SETTINGS_MENU : SETTINGS_INT;
	c->min = q->minimum;
	c->max = q->maximum;
	c->step = q->step > 0 ? (int64_t)q->step : 1;
	c->def = q->default_value;
	c->value = ioctl(fd, VIDIOC_G_CTRL, &v) == 0 ? v.value : c->def;
	for (i = q->minimum; c->type == SETTINGS_MENU && i <= q->maximum &&
	    c->nmenu < SETTINGS_MAX_MENU; i++) {
		memset(&m, 0, sizeof(m));
		m.id = q->id;
		m.index = i;
		if (ioctl(fd, VIDIOC_QUERYMENU, &m) != 0)
			continue;
		c->menu[c->nmenu].value = i;
		snprintf(c->menu[c->nmenu].name, sizeof(c->menu[0].name), "%s",
		    (const char *)m.name);
		c->nmenu++;
	}
}

/* Reads every control of the camera into st; -1 with cause. */
int
settings_state_v4l2_query(const struct source *src, struct settings *st,
    char *cause, size_t causelen)
{
	struct v4l2_query_ext_ctrl	 q;
	int				 fd, own = 0;

	if ((fd = source_v4l2_fd(src)) == -1) {
		if ((fd = open(src->arg, O_RDWR | O_NONBLOCK | O_CLOEXEC)) ==
		    -1) {
			snprintf(cause, causelen, "%s: %s", src->arg,
			    strerror(errno));
			return (-1);
		}
		own = 1;
	}
	st->nctrls = 0;
	memset(&q, 0, sizeof(q));
	q.id = V4L2_CTRL_FLAG_NEXT_CTRL;
	while (st->nctrls < SETTINGS_MAX_CTRLS &&
	    ioctl(fd, VIDIOC_QUERY_EXT_CTRL, &q) == 0) {
		if (settings_state_v4l2_wanted(&q))
			settings_state_v4l2_one(fd, &q,
			    &st->ctrls[st->nctrls++]);
		q.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
	}
	if (own)
		close(fd);
	return (0);
}

/* Sets a control on the open camera now, if it is open. */
void
settings_state_v4l2_set(const struct source *src, const struct settings_ctrl *c)
{
	struct v4l2_query_ext_ctrl	 q;
	char				 name[SETTINGS_NAME_MAX];
	int				 fd;

	if ((fd = source_v4l2_fd(src)) == -1)
		return;
	memset(&q, 0, sizeof(q));
	q.id = V4L2_CTRL_FLAG_NEXT_CTRL;
	while (ioctl(fd, VIDIOC_QUERY_EXT_CTRL, &q) == 0) {
		source_v4l2_ctrl_name(q.name, name, sizeof(name));
		if (strcmp(name, c->name) == 0) {
			if (source_v4l2_ctrl_set(fd, q.id, c->value) == -1)
				log_warn("v4l2: control %s=%lld", c->name,
				    (long long)c->value);
			return;
		}
		q.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
	}
}
