/* SPDX-License-Identifier: ISC */
/*
 * source_v4l2_ctrl.c: camera controls of a V4L2 device: --ctrl NAME=VALUE
 * with the names v4l2-ctl uses (lower case, "_" for anything else), and
 * --list-controls printing them with their ranges.
 */
#include <sys/ioctl.h>

#include <linux/videodev2.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "source_v4l2.h"

/* The v4l2-ctl style name of a control ("Horizontal Flip" -> horizontal_flip). */
void
source_v4l2_ctrl_name(const char *in, char *out, size_t size)
{
	size_t	 n = 0;
	int	 sep = 0;

	for (; *in != '\0' && n + 1 < size; in++) {
		if (isalnum((unsigned char)*in)) {
			if (sep && n > 0)
				out[n++] = '_';
			if (n + 1 < size)
				out[n++] = tolower((unsigned char)*in);
			sep = 0;
		} else
			sep = 1;
	}
	out[n] = '\0';
}

/* Calls fn for each control of the device, in order; stops when fn != 0. */
static int
ctrl_each(int fd, int (*fn)(int, struct v4l2_query_ext_ctrl *, void *),
    void *arg)
{
	struct v4l2_query_ext_ctrl	 q;
	int				 r;

	memset(&q, 0, sizeof(q));
	q.id = V4L2_CTRL_FLAG_NEXT_CTRL;
	while (ioctl(fd, VIDIOC_QUERY_EXT_CTRL, &q) == 0) {
		if (!(q.flags & V4L2_CTRL_FLAG_DISABLED) &&
		    (r = fn(fd, &q, arg)) != 0)
			return (r);
		q.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
	}
	return (0);
}

/* Tells whether the device has an enabled, writable control id. */
int
source_v4l2_ctrl_has(int fd, uint32_t id)
{
	struct v4l2_query_ext_ctrl	 q;

	memset(&q, 0, sizeof(q));
	q.id = id;
	return (ioctl(fd, VIDIOC_QUERY_EXT_CTRL, &q) == 0 &&
	    !(q.flags & (V4L2_CTRL_FLAG_DISABLED | V4L2_CTRL_FLAG_READ_ONLY)));
}

/* Sets control id to value; 0 or -1 with errno. */
int
source_v4l2_ctrl_set(int fd, uint32_t id, int64_t value)
{
	struct v4l2_ext_controls	 cs;
	struct v4l2_ext_control		 c;

	memset(&cs, 0, sizeof(cs));
	memset(&c, 0, sizeof(c));
	c.id = id;
	c.value = value;
	cs.count = 1;
	cs.controls = &c;
	if (ioctl(fd, VIDIOC_S_EXT_CTRLS, &cs) == 0)
		return (0);
	return (ioctl(fd, VIDIOC_S_CTRL, &(struct v4l2_control){ id, value }));
}

struct ctrl_want {
	const char	*name;
	const char	*value;
	int		 found;
	char		 cause[256];
};

/* Parses a control value: a number, or the name of a menu item. */
static int
ctrl_value(int fd, struct v4l2_query_ext_ctrl *q, const char *s, int64_t *v)
{
	struct v4l2_querymenu	 m;
	char			*end, name[64];
	int64_t			 i;

	errno = 0;
	*v = strtoll(s, &end, 0);
	if (errno == 0 && end != s && *end == '\0')
		return (0);
	if (q->type != V4L2_CTRL_TYPE_MENU)
		return (-1);
	for (i = q->minimum; i <= q->maximum; i++) {
		memset(&m, 0, sizeof(m));
		m.id = q->id;
		m.index = i;
		if (ioctl(fd, VIDIOC_QUERYMENU, &m) != 0)
			continue;
		source_v4l2_ctrl_name((const char *)m.name, name, sizeof(name));
		if (strcasecmp((const char *)m.name, s) == 0 ||
		    strcmp(name, s) == 0) {
			*v = i;
			return (0);
		}
	}
	return (-1);
}

/* ctrl_each callback: sets the wanted control if this is it. */
static int
ctrl_apply_one(int fd, struct v4l2_query_ext_ctrl *q, void *arg)
{
	struct ctrl_want	*w = arg;
	char			 name[64];
	int64_t			 v;

	source_v4l2_ctrl_name(q->name, name, sizeof(name));
	if (strcmp(name, w->name) != 0)
		return (0);
	w->found = 1;
	if (ctrl_value(fd, q, w->value, &v) == -1)
		snprintf(w->cause, sizeof(w->cause), "--ctrl %s: \"%s\" is not "
		    "a value", w->name, w->value);
	else if (source_v4l2_ctrl_set(fd, q->id, v) == -1)
		snprintf(w->cause, sizeof(w->cause), "--ctrl %s=%lld: %s",
		    w->name, (long long)v, strerror(errno));
	return (1);
}

/*
 * Applies --ctrl NAME=VALUE settings; problems are logged (once per start
 * when quiet is 0).  Returns how many were set.
 */
int
source_v4l2_ctrl_apply(int fd, char **ctrls, int quiet)
{
	struct ctrl_want	 w;
	char			 buf[128], *eq;
	int			 n = 0;

	for (; ctrls != NULL && *ctrls != NULL; ctrls++) {
		snprintf(buf, sizeof(buf), "%s", *ctrls);
		if ((eq = strchr(buf, '=')) == NULL)
			continue;
		*eq = '\0';
		memset(&w, 0, sizeof(w));
		w.name = buf;
		w.value = eq + 1;
		ctrl_each(fd, ctrl_apply_one, &w);
		if (!w.found)
			snprintf(w.cause, sizeof(w.cause), "--ctrl %s: no such "
			    "control (see --list-controls)", buf);
		if (w.cause[0] != '\0') {
			if (!quiet)
				log_warnx("v4l2: %s", w.cause);
			continue;
		}
		if (!quiet)
			log_info("v4l2: control %s set to %s", w.name, w.value);
		n++;
	}
	return (n);
}

/* ctrl_each callback: prints one control like v4l2-ctl --list-ctrls. */
static int
ctrl_print(int fd, struct v4l2_query_ext_ctrl *q, void *arg)
{
	FILE			*f = arg;
	struct v4l2_querymenu	 m;
	struct v4l2_control	 c = { q->id, 0 };
	char			 name[64];
	int64_t			 i;

	if (q->type == V4L2_CTRL_TYPE_CTRL_CLASS) {
		fprintf(f, "\n%s\n\n", q->name);
		return (0);
	}
	source_v4l2_ctrl_name(q->name, name, sizeof(name));
	fprintf(f, "%24s 0x%08x", name, q->id);
	switch (q->type) {
	case V4L2_CTRL_TYPE_INTEGER:
		fprintf(f, " (int)    : min=%lld max=%lld step=%llu default=%lld",
		    (long long)q->minimum, (long long)q->maximum,
		    (unsigned long long)q->step, (long long)q->default_value);
		break;
	case V4L2_CTRL_TYPE_BOOLEAN:
		fprintf(f, " (bool)   : default=%lld", (long long)q->default_value);
		break;
	case V4L2_CTRL_TYPE_MENU:
		fprintf(f, " (menu)   : min=%lld max=%lld default=%lld",
		    (long long)q->minimum, (long long)q->maximum,
		    (long long)q->default_value);
		break;
	default:
		fprintf(f, " (type %u)", q->type);
		break;
	}
	if (!(q->flags & V4L2_CTRL_FLAG_WRITE_ONLY) &&
	    ioctl(fd, VIDIOC_G_CTRL, &c) == 0)
		fprintf(f, " value=%d", c.value);
	fprintf(f, "\n");
	for (i = q->minimum; q->type == V4L2_CTRL_TYPE_MENU &&
	    i <= q->maximum; i++) {
		memset(&m, 0, sizeof(m));
		m.id = q->id;
		m.index = i;
		if (ioctl(fd, VIDIOC_QUERYMENU, &m) == 0)
			fprintf(f, "\t\t\t\t%lld: %s\n", (long long)i, m.name);
	}
	return (0);
}

/* --list-controls: prints every control of the device to f. */
int
source_v4l2_ctrl_list(int fd, FILE *f)
{
	return (ctrl_each(fd, ctrl_print, f));
}

/* --list-controls: opens dev and prints its controls. */
int
source_v4l2_ctrl_list_dev(const char *dev, FILE *f, char *cause,
    size_t causelen)
{
	int	 fd;

	if ((fd = open(dev, O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1) {
		snprintf(cause, causelen, "%s: %s", dev, strerror(errno));
		return (-1);
	}
	source_v4l2_ctrl_list(fd, f);
	close(fd);
	return (0);
}
