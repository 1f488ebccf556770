/* SPDX-License-Identifier: ISC */
/*
 * fakecam_event.c: V4L2 control events.  A file subscribes to controls;
 * a change of value queues an event for each subscriber, and while a
 * file's queue is not empty one out-of-band byte waits on its socket, so
 * poll reports POLLPRI (select: an exception) as for a real device.
 */
#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <time.h>

#include "fakecam.h"

/* The subscription index of a control on a file, or -1. */
static int
sub_find(struct fakecam_file *f, uint32_t id)
{
	int	 i;

	for (i = 0; i < f->nsubs; i++)
		if (f->sub_id[i] == id)
			return i;
	return -1;
}

/* Queues a control event for f (the oldest is dropped when full). */
static void
queue(struct fakecam_dev *dev, struct fakecam_file *f, uint32_t id)
{
	struct v4l2_event	*ev;
	struct timespec		 now;

	if (f->nev == FAKECAM_NEVENT) {
		memmove(f->evq, f->evq + 1, sizeof(f->evq[0]) * (f->nev - 1));
		f->nev--;
	}
	ev = &f->evq[f->nev];
	memset(ev, 0, sizeof(*ev));
	ev->type = V4L2_EVENT_CTRL;
	ev->id = id;
	if (fakecam_ctrl_event(dev, id, &ev->u.ctrl) != 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ev->timestamp = now;
	ev->sequence = f->evseq++;
	if (f->nev++ == 0 && f->peer != -1)
		(void)send(f->peer, "e", 1, MSG_OOB | MSG_DONTWAIT |
		    MSG_NOSIGNAL);
}

/* A control changed: tells every subscriber (the setter only if asked). */
void
fakecam_event_ctrl(struct fakecam_dev *dev, struct fakecam_file *setter,
    uint32_t id)
{
	struct fakecam_file	*f;
	int			 i;

	for (f = dev->files; f != NULL; f = f->next) {
		if ((i = sub_find(f, id)) == -1)
			continue;
		if (f == setter &&
		    !(f->sub_flags[i] & V4L2_EVENT_SUB_FL_ALLOW_FEEDBACK))
			continue;
		queue(dev, f, id);
	}
}

/* VIDIOC_SUBSCRIBE_EVENT. */
static int
subscribe(struct fakecam_dev *dev, struct fakecam_file *f,
    struct v4l2_event_subscription *s)
{
	struct v4l2_event_ctrl	 body;
	int			 r;

	if (s->type != V4L2_EVENT_CTRL)
		return EINVAL;
	if ((r = fakecam_ctrl_event(dev, s->id, &body)) == -1)
		return EINVAL;
	if (sub_find(f, s->id) != -1)
		return 0;
	if (f->nsubs == FAKECAM_NCTRL)
		return ENOMEM;
	f->sub_id[f->nsubs] = s->id;
	f->sub_flags[f->nsubs] = s->flags;
	f->nsubs++;
	if ((s->flags & V4L2_EVENT_SUB_FL_SEND_INITIAL) && r == 0)
		queue(dev, f, s->id);
	return 0;
}

/* Drops queued events of control id (all with V4L2_EVENT_ALL). */
static void
unqueue(struct fakecam_file *f, int fd, uint32_t id, int all)
{
	char	 c;
	int	 i, n = 0;

	for (i = 0; i < f->nev; i++)
		if (!all && f->evq[i].id != id)
			f->evq[n++] = f->evq[i];
	if (f->nev > 0 && n == 0)
		(void)recv(fd, &c, 1, MSG_OOB | MSG_DONTWAIT);
	f->nev = n;
}

/* VIDIOC_UNSUBSCRIBE_EVENT. */
static int
unsubscribe(struct fakecam_file *f, int fd, struct v4l2_event_subscription *s)
{
	int	 i;

	if (s->type == V4L2_EVENT_ALL) {
		f->nsubs = 0;
		unqueue(f, fd, 0, 1);
		return 0;
	}
	if ((i = sub_find(f, s->id)) == -1 || s->type != V4L2_EVENT_CTRL)
		return 0;
	f->nsubs--;
	f->sub_id[i] = f->sub_id[f->nsubs];
	f->sub_flags[i] = f->sub_flags[f->nsubs];
	unqueue(f, fd, s->id, 0);
	return 0;
}

/* VIDIOC_DQEVENT. */
static int
dqevent(struct fakecam_file *f, int fd, struct v4l2_event *ev)
{
	char	 c;

	if (f->nev == 0)
		return ENOENT;
	*ev = f->evq[0];
	memmove(f->evq, f->evq + 1, sizeof(f->evq[0]) * (f->nev - 1));
	f->nev--;
	ev->pending = f->nev;
	if (f->nev == 0)
		(void)recv(fd, &c, 1, MSG_OOB | MSG_DONTWAIT);
	return 0;
}

/* Answers the event ioctls. */
int
fakecam_event_ioctl(struct fakecam_dev *dev, struct fakecam_file *f, int fd,
    unsigned int req, void *arg)
{
	switch (req) {
	case VIDIOC_SUBSCRIBE_EVENT:
		return subscribe(dev, f, arg);
	case VIDIOC_UNSUBSCRIBE_EVENT:
		return unsubscribe(f, fd, arg);
	case VIDIOC_DQEVENT:
		return dqevent(f, fd, arg);
	}
	return ENOTTY;
}
