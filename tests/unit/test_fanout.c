/* SPDX-License-Identifier: ISC */
/*
 * test_fanout.c: both policies of one viewer, fed exact offer/drain/pump
 * sequences: which frame goes out when, what is skipped, how long the fps
 * cap waits; for H.264, joining at an IDR after the head, order kept, and
 * skipping to the IDR of a viewer two GOPs behind or over its bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "fanout.h"
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
offer(struct fanout *s, uint64_t seq, uint64_t now)
{
	struct frame	*f = mkframe(seq);
	int64_t		 rc;

	rc = fanout_offer(s, f, now);
	frame_unref(f);
	return (rc);
}

/* Whole writes and no cap: every frame goes out at once, none skipped. */
static void
test_whole_writes(void)
{
	struct sink	 k = { .answer = 1 };
	struct fanout	 s;
	uint64_t	 i;

	fanout_init(&s, FANOUT_LATEST, 0, sink_send, &k);
	for (i = 1; i <= 5; i++)
		CHECK_EQ(offer(&s, i, i * MS), 0);
	CHECK_EQ(k.n, 5);
	for (i = 0; i < 5; i++)
		CHECK_EQ(k.seqs[i], i + 1);
	CHECK_EQ(s.sent, 5);
	CHECK_EQ(s.skipped, 0);
	CHECK(s.inflight == NULL && s.pending == NULL);
	CHECK_EQ(frame_count_alive(), 0);
	fanout_clear(&s);
}

/* In flight: 1 goes, 2 pends, 3 replaces 2 (skip), drain sends 3. */
static void
test_latest_wins(void)
{
	struct sink	 k = { .answer = 0 };
	struct fanout	 s;

	fanout_init(&s, FANOUT_LATEST, 0, sink_send, &k);
	CHECK_EQ(offer(&s, 1, 0), 0);
	CHECK_EQ(k.n, 1);
	CHECK_EQ(s.inflight->seq, 1);
	CHECK_EQ(offer(&s, 2, 1 * MS), 0);
	CHECK_EQ(offer(&s, 3, 2 * MS), 0);
	CHECK_EQ(k.n, 1);
	CHECK_EQ(s.pending->seq, 3);
	CHECK_EQ(s.skipped, 1);
	CHECK_EQ(frame_count_alive(), 2);	/* 1 in flight, 3 pending */
	CHECK_EQ(fanout_drained(&s, 3 * MS), 0);
	CHECK_EQ(k.n, 2);
	CHECK_EQ(k.seqs[1], 3);
	CHECK_EQ(s.inflight->seq, 3);
	CHECK(s.pending == NULL);
	CHECK_EQ(frame_count_alive(), 1);
	/* Nothing pending: draining leaves the viewer empty. */
	CHECK_EQ(fanout_drained(&s, 4 * MS), 0);
	CHECK_EQ(k.n, 2);
	CHECK(s.inflight == NULL);
	CHECK_EQ(s.sent, 2);
	CHECK_EQ(s.skipped, 1);
	CHECK_EQ(frame_count_alive(), 0);
	/* A drain with nothing in flight (other bytes left) is harmless. */
	CHECK_EQ(fanout_drained(&s, 5 * MS), 0);
	CHECK_EQ(offer(&s, 4, 6 * MS), 0);
	CHECK_EQ(k.seqs[2], 4);
	fanout_clear(&s);
	CHECK_EQ(frame_count_alive(), 0);
}

/* 10 fps cap, frames every 30 ms, whole writes: 100 ms apart, waits told. */
static void
test_fps_cap(void)
{
	struct sink	 k = { .answer = 1 };
	struct fanout	 s;

	fanout_init(&s, FANOUT_LATEST, 10, sink_send, &k);
	CHECK_EQ(s.interval_ns, 100 * MS);
	CHECK_EQ(offer(&s, 1, 1000 * MS), 0);		/* first: at once */
	CHECK_EQ(k.n, 1);
	CHECK_EQ(offer(&s, 2, 1030 * MS), 70 * MS);	/* due at 1100 */
	CHECK_EQ(offer(&s, 3, 1060 * MS), 40 * MS);	/* 2 skipped */
	CHECK_EQ(offer(&s, 4, 1090 * MS), 10 * MS);	/* 3 skipped */
	CHECK_EQ(k.n, 1);
	CHECK_EQ(fanout_pump(&s, 1099 * MS), 1 * MS);	/* early timer */
	CHECK_EQ(k.n, 1);
	CHECK_EQ(fanout_pump(&s, 1100 * MS), 0);
	CHECK_EQ(k.n, 2);
	CHECK_EQ(k.seqs[1], 4);
	CHECK_EQ(s.skipped, 2);
	CHECK_EQ(s.sent, 2);
	/* Late frame after a long gap goes at once. */
	CHECK_EQ(offer(&s, 5, 1500 * MS), 0);
	CHECK_EQ(k.seqs[2], 5);
	/* A pump with nothing pending does nothing. */
	CHECK_EQ(fanout_pump(&s, 1700 * MS), 0);
	CHECK_EQ(k.n, 3);
	fanout_clear(&s);
	CHECK_EQ(frame_count_alive(), 0);
}

/* Cap and in-flight together: the drain waits for the interval too. */
static void
test_fps_cap_inflight(void)
{
	struct sink	 k = { .answer = 0 };
	struct fanout	 s;

	fanout_init(&s, FANOUT_LATEST, 20, sink_send, &k);		/* 50 ms */
	CHECK_EQ(offer(&s, 1, 0), 0);
	CHECK_EQ(offer(&s, 2, 10 * MS), 0);		/* in flight: no wait */
	CHECK_EQ(fanout_drained(&s, 20 * MS), 30 * MS);	/* cap: due at 50 */
	CHECK_EQ(k.n, 1);
	CHECK(s.inflight == NULL);
	CHECK_EQ(fanout_pump(&s, 50 * MS), 0);
	CHECK_EQ(k.n, 2);
	CHECK_EQ(k.seqs[1], 2);
	/* Drain after the interval: the pending one goes at once. */
	CHECK_EQ(offer(&s, 3, 60 * MS), 0);
	CHECK_EQ(fanout_drained(&s, 120 * MS), 0);
	CHECK_EQ(k.seqs[2], 3);
	CHECK_EQ(s.skipped, 0);
	fanout_clear(&s);
	CHECK_EQ(frame_count_alive(), 0);
}

/* A failed send sticks: -1 from then on, frames released. */
static void
test_failure(void)
{
	struct sink	 k = { .answer = -1 };
	struct fanout	 s;

	fanout_init(&s, FANOUT_LATEST, 0, sink_send, &k);
	CHECK_EQ(offer(&s, 1, 0), -1);
	CHECK_EQ(k.n, 1);
	CHECK(s.inflight == NULL);
	CHECK_EQ(offer(&s, 2, 1 * MS), -1);
	CHECK_EQ(k.n, 1);
	fanout_clear(&s);
	CHECK_EQ(frame_count_alive(), 0);
}

/* Offers access unit seq (an IDR if idr) to an ORDERED viewer. */
static int64_t
unit(struct fanout *s, uint64_t seq, int idr)
{
	struct frame	*f = mkframe(seq);
	int64_t		 rc;

	rc = fanout_offer_unit(s, f, idr, 0);
	frame_unref(f);
	return (rc);
}

/* Joining: units before the first IDR are not sent; the head goes first. */
static void
test_ordered_join_at_idr(void)
{
	struct sink	 k = { .answer = 1 };
	struct fanout	 s;
	struct frame	*head = mkframe(100);

	fanout_init(&s, FANOUT_ORDERED, 30, sink_send, &k);
	fanout_set_head(&s, head);
	frame_unref(head);
	CHECK_EQ(unit(&s, 1, 0), 0);
	CHECK_EQ(unit(&s, 2, 0), 0);
	CHECK_EQ(k.n, 0);
	CHECK_EQ(s.skipped, 0);		/* joining is not skipping */
	CHECK_EQ(unit(&s, 3, 1), 0);
	CHECK_EQ(unit(&s, 4, 0), 0);
	CHECK_EQ(k.n, 3);
	CHECK_EQ(k.seqs[0], 100);
	CHECK_EQ(k.seqs[1], 3);
	CHECK_EQ(k.seqs[2], 4);
	/* The head goes once; no fps cap for H.264. */
	CHECK_EQ(unit(&s, 5, 1), 0);
	CHECK_EQ(k.n, 4);
	CHECK_EQ(k.seqs[3], 5);
	fanout_clear(&s);
	CHECK_EQ(frame_count_alive(), 0);
}

/* In flight: units wait in order, and every one goes once drained. */
static void
test_ordered_keeps_order(void)
{
	struct sink	 k = { .answer = 0 };
	struct fanout	 s;
	uint64_t	 i;

	fanout_init(&s, FANOUT_ORDERED, 0, sink_send, &k);
	CHECK_EQ(unit(&s, 1, 1), 0);
	for (i = 2; i <= 20; i++)
		CHECK_EQ(unit(&s, i, 0), 0);
	CHECK_EQ(k.n, 1);
	CHECK_EQ(fanout_waiting(&s), 19);
	k.answer = 1;
	CHECK_EQ(fanout_drained(&s, 0), 0);
	CHECK_EQ(k.n, 20);
	for (i = 0; i < 20; i++)
		CHECK_EQ(k.seqs[i], i + 1);
	CHECK_EQ(s.skipped, 0);
	CHECK_EQ(fanout_waiting(&s), 0);
	fanout_clear(&s);
	CHECK_EQ(frame_count_alive(), 0);
}

/*
 * Two GOPs behind: with two IDRs waiting, a third drops what waits and
 * the viewer goes on from it; what was in flight still completes.
 */
static void
test_ordered_skips_to_idr(void)
{
	struct sink	 k = { .answer = 0 };
	struct fanout	 s;

	fanout_init(&s, FANOUT_ORDERED, 0, sink_send, &k);
	CHECK_EQ(unit(&s, 1, 1), 0);	/* in flight */
	CHECK_EQ(unit(&s, 2, 0), 0);
	CHECK_EQ(unit(&s, 3, 1), 0);	/* GOP 2 */
	CHECK_EQ(unit(&s, 4, 0), 0);
	CHECK_EQ(unit(&s, 5, 1), 0);	/* GOP 3 */
	CHECK_EQ(unit(&s, 6, 0), 0);
	CHECK_EQ(s.resyncs, 0);
	CHECK_EQ(fanout_waiting(&s), 5);
	CHECK_EQ(unit(&s, 7, 1), 0);	/* GOP 4: 2..6 go */
	CHECK_EQ(s.resyncs, 1);
	CHECK_EQ(s.skipped, 5);
	CHECK_EQ(fanout_waiting(&s), 1);
	CHECK_EQ(unit(&s, 8, 0), 0);
	k.answer = 1;
	CHECK_EQ(fanout_drained(&s, 0), 0);
	CHECK_EQ(k.n, 3);
	CHECK_EQ(k.seqs[0], 1);
	CHECK_EQ(k.seqs[1], 7);
	CHECK_EQ(k.seqs[2], 8);
	fanout_clear(&s);
	CHECK_EQ(frame_count_alive(), 0);
}

/* Over max_bytes waiting: all of it goes, then nothing up to an IDR. */
static void
test_ordered_byte_bound(void)
{
	struct sink	 k = { .answer = 0 };
	struct fanout	 s;

	fanout_init(&s, FANOUT_ORDERED, 0, sink_send, &k);
	fanout_set_max_bytes(&s, 12);	/* three 4-byte units */
	CHECK_EQ(unit(&s, 1, 1), 0);	/* in flight, not counted */
	CHECK_EQ(unit(&s, 2, 0), 0);
	CHECK_EQ(unit(&s, 3, 0), 0);
	CHECK_EQ(unit(&s, 4, 0), 0);
	CHECK_EQ(s.qbytes, 12);
	CHECK_EQ(unit(&s, 5, 0), 0);	/* 16 > 12: 2..5 dropped */
	CHECK_EQ(s.resyncs, 1);
	CHECK_EQ(s.skipped, 4);
	CHECK_EQ(fanout_waiting(&s), 0);
	CHECK_EQ(unit(&s, 6, 0), 0);	/* still waiting for an IDR */
	CHECK_EQ(s.skipped, 5);
	CHECK_EQ(unit(&s, 7, 1), 0);
	k.answer = 1;
	CHECK_EQ(fanout_drained(&s, 0), 0);
	CHECK_EQ(k.n, 2);
	CHECK_EQ(k.seqs[1], 7);
	fanout_clear(&s);
	CHECK_EQ(frame_count_alive(), 0);
}

/* A unit lost upstream: what waits goes, then nothing up to an IDR. */
static void
test_ordered_lost_upstream(void)
{
	struct sink	 k = { .answer = 0 };
	struct fanout	 s;

	fanout_init(&s, FANOUT_ORDERED, 0, sink_send, &k);
	CHECK_EQ(unit(&s, 1, 1), 0);
	CHECK_EQ(unit(&s, 2, 0), 0);
	fanout_lost(&s);
	CHECK_EQ(unit(&s, 4, 0), 0);
	k.answer = 1;
	CHECK_EQ(fanout_drained(&s, 0), 0);
	CHECK_EQ(unit(&s, 5, 1), 0);
	CHECK_EQ(k.n, 3);
	CHECK_EQ(k.seqs[1], 2);
	CHECK_EQ(k.seqs[2], 5);
	CHECK_EQ(s.skipped, 1);
	fanout_clear(&s);
	CHECK_EQ(frame_count_alive(), 0);
}

/*
 * A restart (new parameters): what waits is dropped, the unit in flight
 * finishes, then the new head goes before the next IDR.
 */
static void
test_ordered_restart_with_a_new_head(void)
{
	struct sink	 k = { .answer = 0 };
	struct fanout	 s;
	struct frame	*h1 = mkframe(100), *h2 = mkframe(200);

	fanout_init(&s, FANOUT_ORDERED, 0, sink_send, &k);
	fanout_set_head(&s, h1);
	CHECK_EQ(unit(&s, 1, 1), 0);	/* head 100 in flight, 1 waits */
	CHECK_EQ(unit(&s, 2, 0), 0);
	CHECK_EQ(fanout_waiting(&s), 2);
	fanout_restart(&s, h2);
	CHECK_EQ(s.skipped, 2);
	CHECK_EQ(fanout_waiting(&s), 0);
	CHECK_EQ(unit(&s, 3, 0), 0);	/* not an IDR: not sent */
	CHECK_EQ(unit(&s, 4, 1), 0);
	k.answer = 1;
	CHECK_EQ(fanout_drained(&s, 0), 0);
	CHECK_EQ(unit(&s, 5, 0), 0);
	CHECK_EQ(k.n, 4);
	CHECK_EQ(k.seqs[0], 100);
	CHECK_EQ(k.seqs[1], 200);
	CHECK_EQ(k.seqs[2], 4);
	CHECK_EQ(k.seqs[3], 5);
	/* A restart with no head: the next IDR only. */
	fanout_restart(&s, NULL);
	CHECK_EQ(unit(&s, 6, 0), 0);
	CHECK_EQ(unit(&s, 7, 1), 0);
	CHECK_EQ(k.n, 5);
	CHECK_EQ(k.seqs[4], 7);
	frame_unref(h1);
	frame_unref(h2);
	fanout_clear(&s);
	CHECK_EQ(frame_count_alive(), 0);
}

/* A failed send ends the viewer; later offers are refused. */
static void
test_ordered_failure(void)
{
	struct sink	 k = { .answer = -1 };
	struct fanout	 s;

	fanout_init(&s, FANOUT_ORDERED, 0, sink_send, &k);
	CHECK_EQ(unit(&s, 1, 0), 0);	/* not synced: nothing sent */
	CHECK_EQ(unit(&s, 2, 1), -1);
	CHECK_EQ(unit(&s, 3, 1), -1);
	CHECK_EQ(k.n, 1);
	fanout_clear(&s);
	CHECK_EQ(frame_count_alive(), 0);
}

/* The ring grows past its first size and wraps in order. */
static void
test_ordered_ring_wraps(void)
{
	struct sink	 k = { .answer = 0 };
	struct fanout	 s;
	uint64_t	 i, next = 1;
	int		 ok = 1;

	fanout_init(&s, FANOUT_ORDERED, 0, sink_send, &k);
	CHECK_EQ(unit(&s, 1, 1), 0);
	for (i = 2; i <= 200; i++) {
		CHECK_EQ(unit(&s, i, 0), 0);
		if (i % 7 == 0)
			CHECK_EQ(fanout_drained(&s, 0), 0);
	}
	k.answer = 1;
	CHECK_EQ(fanout_drained(&s, 0), 0);
	CHECK_EQ(k.n, 200);
	for (i = 0; i < 32 && i < (uint64_t)k.n; i++)
		ok &= k.seqs[i] == next++;
	CHECK(ok);
	CHECK_EQ(s.skipped, 0);
	fanout_clear(&s);
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
	RUN(test_ordered_join_at_idr);
	RUN(test_ordered_keeps_order);
	RUN(test_ordered_skips_to_idr);
	RUN(test_ordered_byte_bound);
	RUN(test_ordered_lost_upstream);
	RUN(test_ordered_restart_with_a_new_head);
	RUN(test_ordered_failure);
	RUN(test_ordered_ring_wraps);
	return (TEST_DONE("fanout"));
}
