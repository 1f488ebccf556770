/* SPDX-License-Identifier: ISC */
/*
 * fanout.c: one viewer of a shared stream: latest frame wins (JPEG), or
 * whole access units in order with skip to the next IDR (H.264).
 */
#include <stddef.h>
#include <stdlib.h>

#include "fanout.h"
#include "frame.h"

/* Sets up an idle viewer. */
void
fanout_init(struct fanout *v, enum fanout_policy policy, unsigned fps,
    fanout_send_cb send, void *arg)
{
	v->policy = policy;
	v->inflight = v->pending = v->head = NULL;
	v->q = NULL;
	v->qcap = v->qhead = v->qlen = v->qidrs = 0;
	v->qbytes = 0;
	v->max_bytes = FANOUT_BYTES_MAX;
	v->synced = 0;
	v->interval_ns = fps > 0 && policy == FANOUT_LATEST ?
	    1000000000ULL / fps : 0;
	v->last_ns = 0;
	v->started = v->failed = 0;
	v->sent = v->skipped = v->resyncs = 0;
	v->send = send;
	v->arg = arg;
}

/* Sets the head sent before the first unit. */
void
fanout_set_head(struct fanout *v, struct frame *f)
{
	frame_unref(v->head);
	v->head = f != NULL ? frame_ref(f) : NULL;
}

/* Sets the bytes an ORDERED viewer holds waiting. */
void
fanout_set_max_bytes(struct fanout *v, size_t max)
{
	v->max_bytes = max > 0 ? max : FANOUT_BYTES_MAX;
}

/* Drops the units waiting, counting them as skipped. */
static void
fanout_drop_queue(struct fanout *v)
{
	struct fanout_item	*it;

	while (v->qlen > 0) {
		it = &v->q[v->qhead];
		frame_unref(it->f);
		it->f = NULL;
		v->qhead = (v->qhead + 1) % v->qcap;
		v->qlen--;
		v->skipped++;
	}
	v->qidrs = 0;
	v->qbytes = 0;
}

/* Drops every frame the viewer holds. */
void
fanout_clear(struct fanout *v)
{
	uint64_t	 skipped = v->skipped;

	fanout_drop_queue(v);
	v->skipped = skipped;
	frame_unref(v->inflight);
	frame_unref(v->pending);
	frame_unref(v->head);
	v->inflight = v->pending = v->head = NULL;
	free(v->q);
	v->q = NULL;
	v->qcap = v->qhead = 0;
}

/* Room for one more waiting unit: the ring grown in order.  0 or -1. */
static int
fanout_grow(struct fanout *v)
{
	struct fanout_item	*q;
	unsigned		 cap, i;

	if (v->qlen < v->qcap)
		return (0);
	if (v->qcap >= FANOUT_QUEUE_MAX)
		return (-1);
	cap = v->qcap == 0 ? 8 : v->qcap * 2;
	if ((q = calloc(cap, sizeof(*q))) == NULL)
		return (-1);
	for (i = 0; i < v->qlen; i++)
		q[i] = v->q[(v->qhead + i) % v->qcap];
	free(v->q);
	v->q = q;
	v->qcap = cap;
	v->qhead = 0;
	return (0);
}

/* A unit was lost upstream: what waits still goes, then the next IDR. */
void
fanout_lost(struct fanout *v)
{
	v->synced = 0;
}

/* The stream starts anew: what waits goes, and head comes first. */
void
fanout_restart(struct fanout *v, struct frame *head)
{
	fanout_drop_queue(v);
	fanout_set_head(v, head);
	v->synced = 0;
}

/* Frames waiting to be sent. */
unsigned
fanout_waiting(const struct fanout *v)
{
	if (v->policy == FANOUT_LATEST)
		return (v->pending != NULL);
	return (v->qlen + (v->head != NULL && v->qlen > 0));
}

/* Takes the next frame to send, or NULL. */
static struct frame *
fanout_next(struct fanout *v)
{
	struct fanout_item	*it;
	struct frame		*f;

	if (v->policy == FANOUT_LATEST) {
		f = v->pending;
		v->pending = NULL;
		return (f);
	}
	if (v->qlen == 0)
		return (NULL);
	if (v->head != NULL) {
		f = v->head;
		v->head = NULL;
		return (f);
	}
	it = &v->q[v->qhead];
	f = it->f;
	it->f = NULL;
	v->qidrs -= it->idr != 0;
	v->qbytes -= f->len;
	v->qhead = (v->qhead + 1) % v->qcap;
	v->qlen--;
	return (f);
}

/* Sends what is due, if nothing is in flight. */
int64_t
fanout_pump(struct fanout *v, uint64_t now_ns)
{
	struct frame	*f;
	uint64_t	 due;
	int		 rc;

	for (;;) {
		if (v->failed)
			return (-1);
		if (v->inflight != NULL || fanout_waiting(v) == 0)
			return (0);
		if (v->interval_ns > 0 && v->started) {
			due = v->last_ns + v->interval_ns;
			if (now_ns < due)
				return ((int64_t)(due - now_ns));
		}
		if ((f = fanout_next(v)) == NULL)
			return (0);
		v->started = 1;
		v->last_ns = now_ns;
		v->sent++;
		v->inflight = f;
		if ((rc = v->send(f, v->arg)) == 0)
			return (0);
		v->inflight = NULL;
		frame_unref(f);
		if (rc == -1) {
			v->failed = 1;
			return (-1);
		}
		/* LATEST sends one per offer; ORDERED goes on. */
		if (v->policy == FANOUT_LATEST)
			return (0);
	}
}

/* A new frame for a LATEST viewer. */
int64_t
fanout_offer(struct fanout *v, struct frame *f, uint64_t now_ns)
{
	if (v->failed)
		return (-1);
	if (v->pending != NULL) {
		frame_unref(v->pending);
		v->skipped++;
	}
	v->pending = frame_ref(f);
	return (fanout_pump(v, now_ns));
}

/* The next access unit for an ORDERED viewer. */
int64_t
fanout_offer_unit(struct fanout *v, struct frame *f, int idr,
    uint64_t now_ns)
{
	struct fanout_item	*it;

	if (v->failed)
		return (-1);
	if (idr && v->qidrs >= 2) {
		/* Two GOPs behind: go on from this IDR. */
		fanout_drop_queue(v);
		v->resyncs++;
	}
	if (v->synced && v->qbytes + f->len > v->max_bytes) {
		/* Too much waiting: all of it goes, up to the next IDR. */
		fanout_drop_queue(v);
		v->resyncs++;
		v->synced = 0;
	}
	if (!v->synced && !idr) {
		v->skipped += v->started != 0;
		return (fanout_pump(v, now_ns));
	}
	if (fanout_grow(v) == -1) {
		fanout_drop_queue(v);
		v->resyncs++;
		v->synced = 0;
		v->skipped++;
		return (fanout_pump(v, now_ns));
	}
	v->synced = 1;
	it = &v->q[(v->qhead + v->qlen) % v->qcap];
	it->f = frame_ref(f);
	it->idr = idr != 0;
	v->qlen++;
	v->qidrs += it->idr;
	v->qbytes += f->len;
	return (fanout_pump(v, now_ns));
}

/* The frame in flight has left. */
int64_t
fanout_drained(struct fanout *v, uint64_t now_ns)
{
	frame_unref(v->inflight);
	v->inflight = NULL;
	return (fanout_pump(v, now_ns));
}
