/* SPDX-License-Identifier: ISC */
/*
 * slot.h: latest frame wins, for one client.  One frame in flight, one
 * pending; a newer frame replaces the pending one and counts as skipped; an
 * optional fps cap holds the pending frame until its interval has passed
 * since the last send.  No I/O and no clock of its own: the caller passes
 * the monotonic time, sends through a callback, arms a timer for the wait
 * returned, and says when the frame in flight has left.
 */
#ifndef CAMPIPE_SLOT_H
#define CAMPIPE_SLOT_H

#include <stdint.h>

struct frame;

/*
 * Starts sending f.  Returns 1 if it went out whole (nothing in flight),
 * 0 if part of it is still going (the caller calls slot_drained later),
 * -1 if the client cannot take frames any more.  Must not free the slot.
 */
typedef int	(*slot_send_cb)(struct frame *f, void *arg);

struct slot {
	struct frame	*inflight;	/* being written, or NULL */
	struct frame	*pending;	/* newest not yet sent, or NULL */
	uint64_t	 interval_ns;	/* 1/fps; 0: no cap */
	uint64_t	 last_ns;	/* when the last send started */
	int		 started;	/* anything sent yet */
	int		 failed;	/* the callback returned -1 */
	uint64_t	 sent;		/* frames handed to the callback */
	uint64_t	 skipped;	/* pending frames replaced */
	slot_send_cb	 send;
	void		*arg;
};

/* Sets up an empty slot; fps 0 for no cap. */
void		slot_init(struct slot *s, unsigned fps, slot_send_cb send,
		    void *arg);
/* Drops the frames the slot holds. */
void		slot_clear(struct slot *s);

/*
 * Each of the three returns -1 if the callback failed, 0 if there is
 * nothing to wait for, or the nanoseconds until the pending frame is due
 * (the caller calls slot_pump then).
 */

/* A new frame: sent now, or pending (replacing and skipping the older). */
int64_t		slot_offer(struct slot *s, struct frame *f, uint64_t now_ns);
/* The frame in flight has been written whole. */
int64_t		slot_drained(struct slot *s, uint64_t now_ns);
/* The fps cap's wait has passed (or anything else may have changed). */
int64_t		slot_pump(struct slot *s, uint64_t now_ns);

#endif
