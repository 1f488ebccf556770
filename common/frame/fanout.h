/* SPDX-License-Identifier: ISC */
/*
 * fanout.h: one viewer of a shared stream, the only place the rule "a
 * slow viewer never slows another" lives.  Frames are shared buffers held
 * by reference (frame.h); a viewer has at most one in flight and some
 * pending, by one of two policies:
 *
 *   FANOUT_LATEST   JPEG: one pending; a newer frame replaces it and
 *                   counts as skipped.  An optional fps cap holds the
 *                   pending frame until its interval has passed.
 *   FANOUT_ORDERED  H.264: whole access units in order.  A viewer starts
 *                   at an IDR (the units before it are skipped), after an
 *                   optional head sent once first (an fMP4 init segment).
 *                   A viewer that falls two GOPs behind drops what waits
 *                   and goes on from the IDR that arrives; one that holds
 *                   more than max_bytes waiting drops it all and waits
 *                   for the next IDR.  Each unit dropped counts as skipped.
 *
 * No I/O and no clock of its own: the caller passes the monotonic time,
 * sends through a callback, arms a timer for the wait returned, and says
 * when the frame in flight has left.
 */
#ifndef CAMPIPE_FANOUT_H
#define CAMPIPE_FANOUT_H

#include <stddef.h>
#include <stdint.h>

struct frame;

enum fanout_policy {
	FANOUT_LATEST,
	FANOUT_ORDERED
};

/* Waiting units an ORDERED viewer holds at most, whatever their size. */
#define FANOUT_QUEUE_MAX	256
/* Bytes an ORDERED viewer holds waiting by default. */
#define FANOUT_BYTES_MAX	(8u << 20)

/*
 * Starts sending f.  Returns 1 if it went out whole (nothing in flight),
 * 0 if part of it is still going (the caller calls fanout_drained later),
 * -1 if the viewer cannot take frames any more.  Must not free the viewer.
 */
typedef int	(*fanout_send_cb)(struct frame *f, void *arg);

struct fanout_item {
	struct frame	*f;
	int		 idr;
};

struct fanout {
	enum fanout_policy policy;
	struct frame	*inflight;	/* being written, or NULL */
	struct frame	*pending;	/* LATEST: newest not yet sent */
	struct fanout_item *q;		/* ORDERED: ring, oldest first */
	unsigned	 qcap, qhead, qlen;
	unsigned	 qidrs;		/* IDRs waiting */
	size_t		 qbytes;	/* bytes waiting */
	size_t		 max_bytes;
	struct frame	*head;		/* ORDERED: sent once before the first */
	int		 synced;	/* ORDERED: from an IDR on */
	uint64_t	 interval_ns;	/* 1/fps; 0: no cap */
	uint64_t	 last_ns;	/* when the last send started */
	int		 started;	/* anything sent yet */
	int		 failed;	/* the callback returned -1 */
	uint64_t	 sent;		/* frames handed to the callback */
	uint64_t	 skipped;	/* frames dropped for this viewer */
	uint64_t	 resyncs;	/* ORDERED: times it fell behind */
	fanout_send_cb	 send;
	void		*arg;
};

/*
 * Sets up an idle viewer.  fps caps LATEST viewers (0: no cap); ORDERED
 * viewers ignore it.
 */
void		fanout_init(struct fanout *v, enum fanout_policy policy,
		    unsigned fps, fanout_send_cb send, void *arg);
/* ORDERED: f (referenced) goes first, before the first unit sent. */
void		fanout_set_head(struct fanout *v, struct frame *f);
/* ORDERED: bytes waiting at most (0: FANOUT_BYTES_MAX). */
void		fanout_set_max_bytes(struct fanout *v, size_t max);
/* ORDERED: a unit was lost before the fan-out: wait for the next IDR. */
void		fanout_lost(struct fanout *v);
/*
 * ORDERED: the stream starts anew with a new head (an init segment for
 * other parameters): what waits is dropped, and head (referenced; NULL for
 * none) goes before the next IDR.  The unit in flight still finishes.
 */
void		fanout_restart(struct fanout *v, struct frame *head);
/* Drops every frame the viewer holds and frees its queue. */
void		fanout_clear(struct fanout *v);
/* Frames waiting to be sent (not counting the one in flight). */
unsigned	fanout_waiting(const struct fanout *v);

/*
 * Each of these returns -1 if the callback failed, 0 if there is nothing
 * to wait for, or the nanoseconds until the pending frame is due (the
 * caller calls fanout_pump then).
 */

/* LATEST: a new frame, sent now or pending (replacing the older). */
int64_t		fanout_offer(struct fanout *v, struct frame *f,
		    uint64_t now_ns);
/* ORDERED: the next access unit (idr: it holds an IDR picture). */
int64_t		fanout_offer_unit(struct fanout *v, struct frame *f, int idr,
		    uint64_t now_ns);
/* The frame in flight has been written whole. */
int64_t		fanout_drained(struct fanout *v, uint64_t now_ns);
/* The fps cap's wait has passed (or anything else may have changed). */
int64_t		fanout_pump(struct fanout *v, uint64_t now_ns);

#endif
