/* SPDX-License-Identifier: ISC */
/*
 * test_slot.c: latest frame wins, fed exact offer/drain/pump sequences: which
 * frame goes out when, what is skipped, how long the fps cap waits.
 */
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "slot.h"
#include "test.h"

#define MS	1000000ULL

/* What the send callback saw and what it answers. */
struct sink {
	uint64_t	 seqs[32];
	int		 n;
	int		 answer;	/* 1 whole, 0 in flight, -1 failed */
};

static int
sink_send(struct frame *f, void *arg)
{
	struct sink	*k = arg;

	if (k->n < 32)
		k->seqs[k->n] = f->seq;
	k->n++;
	return (k->answer);
}

/* A frame numbered seq with a tiny buffer. */
static struct frame *
mkframe(uint64_t seq)
{
	struct timeval	 tv = { 0, 0 };
	unsigned char	*buf = malloc(4);

	memcpy(buf, "abcd", 4);
	return (frame_adopt(buf, 4, 0, 4, seq, &tv));
}

/* Offers frame seq and drops the caller's reference. */
static int64_t
offer(struct slot *s, uint64_t seq, uint64_t now)
{
	struct frame	*f = mkframe(seq);
	int64_t		 rc;

	rc = slot_offer(s, f, now);
	frame_unref(f);
	return (rc);
}

/* Whole writes and no cap: every frame goes out at once, none skipped. */
static void
test_whole_writes(void)
{
	struct sink	 k = { .answer = 1 };
	struct slot	 s;
	uint64_t	 i;

	slot_init(&s, 0, sink_send, &k);
	for (i = 1; i <= 5; i++)
		CHECK_EQ(offer(&s, i, i * MS), 0);
	CHECK_EQ(k.n, 5);
	for (i = 0; i < 5; i++)
		CHECK_EQ(k.seqs[i], i + 1);
	CHECK_EQ(s.sent, 5);
	CHECK_EQ(s.skipped, 0);
	CHECK(s.inflight == NULL && s.pending == NULL);
	CHECK_EQ(frame_count_alive(), 0);
	slot_clear(&s);
}

/* In flight: 1 goes, 2 pends, 3 replaces 2 (skip), drain sends 3. */
static void
test_latest_wins(void)
{
	struct sink	 k = { .answer = 0 };
	struct slot	 s;

	slot_init(&s, 0, sink_send, &k);
	CHECK_EQ(offer(&s, 1, 0), 0);
	CHECK_EQ(k.n, 1);
	CHECK_EQ(s.inflight->seq, 1);
	CHECK_EQ(offer(&s, 2, 1 * MS), 0);
	CHECK_EQ(offer(&s, 3, 2 * MS), 0);
	CHECK_EQ(k.n, 1);
	CHECK_EQ(s.pending->seq, 3);
	CHECK_EQ(s.skipped, 1);
	CHECK_EQ(frame_count_alive(), 2);	/* 1 in flight, 3 pending */
	CHECK_EQ(slot_drained(&s, 3 * MS), 0);
	CHECK_EQ(k.n, 2);
	CHECK_EQ(k.seqs[1], 3);
	CHECK_EQ(s.inflight->seq, 3);
	CHECK(s.pending == NULL);
	CHECK_EQ(frame_count_alive(), 1);
	/* Nothing pending: draining leaves the slot empty. */
	CHECK_EQ(slot_drained(&s, 4 * MS), 0);
	CHECK_EQ(k.n, 2);
	CHECK(s.inflight == NULL);
	CHECK_EQ(s.sent, 2);
	CHECK_EQ(s.skipped, 1);
	CHECK_EQ(frame_count_alive(), 0);
	/* A drain with nothing in flight (other bytes left) is harmless. */
	CHECK_EQ(slot_drained(&s, 5 * MS), 0);
	CHECK_EQ(offer(&s, 4, 6 * MS), 0);
	CHECK_EQ(k.seqs[2], 4);
	slot_clear(&s);
	CHECK_EQ(frame_count_alive(), 0);
}

/* 10 fps cap, frames every 30 ms, whole writes: 100 ms apart, waits told. */
static void
test_fps_cap(void)
{
	struct sink	 k = { .answer = 1 };
	struct slot	 s;

	slot_init(&s, 10, sink_send, &k);
	CHECK_EQ(s.interval_ns, 100 * MS);
	CHECK_EQ(offer(&s, 1, 1000 * MS), 0);		/* first: at once */
	CHECK_EQ(k.n, 1);
	CHECK_EQ(offer(&s, 2, 1030 * MS), 70 * MS);	/* due at 1100 */
	CHECK_EQ(offer(&s, 3, 1060 * MS), 40 * MS);	/* 2 skipped */
	CHECK_EQ(offer(&s, 4, 1090 * MS), 10 * MS);	/* 3 skipped */
	CHECK_EQ(k.n, 1);
	CHECK_EQ(slot_pump(&s, 1099 * MS), 1 * MS);	/* early timer */
	CHECK_EQ(k.n, 1);
	CHECK_EQ(slot_pump(&s, 1100 * MS), 0);
	CHECK_EQ(k.n, 2);
	CHECK_EQ(k.seqs[1], 4);
	CHECK_EQ(s.skipped, 2);
	CHECK_EQ(s.sent, 2);
	/* Late frame after a long gap goes at once. */
	CHECK_EQ(offer(&s, 5, 1500 * MS), 0);
	CHECK_EQ(k.seqs[2], 5);
	/* A pump with nothing pending does nothing. */
	CHECK_EQ(slot_pump(&s, 1700 * MS), 0);
	CHECK_EQ(k.n, 3);
	slot_clear(&s);
	CHECK_EQ(frame_count_alive(), 0);
}

/* Cap and in-flight together: the drain waits for the interval too. */
static void
test_fps_cap_inflight(void)
{
	struct sink	 k = { .answer = 0 };
	struct slot	 s;

	slot_init(&s, 20, sink_send, &k);		/* 50 ms */
	CHECK_EQ(offer(&s, 1, 0), 0);
	CHECK_EQ(offer(&s, 2, 10 * MS), 0);		/* in flight: no wait */
	CHECK_EQ(slot_drained(&s, 20 * MS), 30 * MS);	/* cap: due at 50 */
	CHECK_EQ(k.n, 1);
	CHECK(s.inflight == NULL);
	CHECK_EQ(slot_pump(&s, 50 * MS), 0);
	CHECK_EQ(k.n, 2);
	CHECK_EQ(k.seqs[1], 2);
	/* Drain after the interval: the pending one goes at once. */
	CHECK_EQ(offer(&s, 3, 60 * MS), 0);
	CHECK_EQ(slot_drained(&s, 120 * MS), 0);
	CHECK_EQ(k.seqs[2], 3);
	CHECK_EQ(s.skipped, 0);
	slot_clear(&s);
	CHECK_EQ(frame_count_alive(), 0);
}

/* A failed send sticks: -1 from then on, frames released. */
static void
test_failure(void)
{
	struct sink	 k = { .answer = -1 };
	struct slot	 s;

	slot_init(&s, 0, sink_send, &k);
	CHECK_EQ(offer(&s, 1, 0), -1);
	CHECK_EQ(k.n, 1);
	CHECK(s.inflight == NULL);
	CHECK_EQ(offer(&s, 2, 1 * MS), -1);
	CHECK_EQ(k.n, 1);
	slot_clear(&s);
	CHECK_EQ(frame_count_alive(), 0);
}

int
main(void)
{
	RUN(test_whole_writes);
	RUN(test_latest_wins);
	RUN(test_fps_cap);
	RUN(test_fps_cap_inflight);
	RUN(test_failure);
	return (TEST_DONE("slot"));
}
