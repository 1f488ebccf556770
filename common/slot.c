/* SPDX-License-Identifier: ISC */
/* slot.c: one frame in flight, one pending, latest wins, fps cap. */
#include <stddef.h>

#include "frame.h"
#include "slot.h"

/* Sets up an empty slot. */
void
slot_init(struct slot *s, unsigned fps, slot_send_cb send, void *arg)
{
	s->inflight = s->pending = NULL;
	s->interval_ns = fps > 0 ? 1000000000ULL / fps : 0;
	s->last_ns = 0;
	s->started = s->failed = 0;
	s->sent = s->skipped = 0;
	s->send = send;
	s->arg = arg;
}

/* Drops both frames. */
void
slot_clear(struct slot *s)
{
	frame_unref(s->inflight);
	frame_unref(s->pending);
	s->inflight = s->pending = NULL;
}

/* Sends the pending frame if nothing is in flight and the cap allows. */
int64_t
slot_pump(struct slot *s, uint64_t now_ns)
{
	struct frame	*f;
	uint64_t	 due;
	int		 rc;

	if (s->failed)
		return (-1);
	if (s->inflight != NULL || s->pending == NULL)
		return (0);
	if (s->interval_ns > 0 && s->started) {
		due = s->last_ns + s->interval_ns;
		if (now_ns < due)
			return ((int64_t)(due - now_ns));
	}
	f = s->pending;
	s->pending = NULL;
	s->started = 1;
	s->last_ns = now_ns;
	s->sent++;
	s->inflight = f;
	if ((rc = s->send(f, s->arg)) == 0)
		return (0);
	s->inflight = NULL;
	frame_unref(f);
	if (rc == -1) {
		s->failed = 1;
		return (-1);
	}
	return (0);
}

/* Offers a new frame: it becomes the pending one. */
int64_t
slot_offer(struct slot *s, struct frame *f, uint64_t now_ns)
{
	if (s->failed)
		return (-1);
	if (s->pending != NULL) {
		frame_unref(s->pending);
		s->skipped++;
	}
	s->pending = frame_ref(f);
	return (slot_pump(s, now_ns));
}

/* The frame in flight is gone: the pending one may follow. */
int64_t
slot_drained(struct slot *s, uint64_t now_ns)
{
	frame_unref(s->inflight);
	s->inflight = NULL;
	return (slot_pump(s, now_ns));
}
