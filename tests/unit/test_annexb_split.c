/* SPDX-License-Identifier: ISC */
/* test_annexb_split.c: an outside Annex-B stream cut into access units. */
#include <stdlib.h>
#include <string.h>

#include "capd/annexb_split.h"
#include "test.h"

/*
 * Four access units as rpicam-vid --inline and libx264 write them, each
 * starting with a four-byte start code: an IDR with SPS and PPS; a P
 * picture in two slices (the second's first_mb_in_slice is not 0); a P
 * picture after a SEI; an AUD then an IDR without parameter sets.
 */
static const unsigned char stream[] = {
	0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1f,		/* 0: SPS */
	0, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80,		/* PPS */
	0, 0, 0, 1, 0x65, 0x88, 0x84, 0x21,		/* IDR, mb 0 */
	0, 0, 0, 1, 0x41, 0x9a, 0x02, 0x03,		/* 24: P, mb 0 */
	0, 0, 1, 0x41, 0x24, 0x05,			/* P, mb 8 */
	0, 0, 0, 1, 0x06, 0x05, 0x01, 0xff, 0x80,	/* 38: SEI */
	0, 0, 1, 0x41, 0x9a, 0x11,			/* P, mb 0 */
	0, 0, 0, 1, 0x09, 0xf0,				/* 53: AUD */
	0, 0, 0, 1, 0x65, 0xb8, 0x22			/* IDR, mb 0 */
};
static const size_t au_off[] = { 0, 24, 38, 53, sizeof(stream) };
static const int au_idr[] = { 1, 0, 0, 1 };

#define MAX_UNITS	16

struct got {
	int		 n;
	size_t		 off[MAX_UNITS], len[MAX_UNITS];
	int		 idr[MAX_UNITS];
	unsigned char	 bytes[4096];
	size_t		 used;
};

/* Keeps a copy of each unit. */
static void
collect(const unsigned char *au, size_t len, int idr, void *arg)
{
	struct got	*g = arg;

	if (g->n == MAX_UNITS || g->used + len > sizeof(g->bytes))
		return;
	memcpy(g->bytes + g->used, au, len);
	g->off[g->n] = g->used;
	g->len[g->n] = len;
	g->idr[g->n++] = idr;
	g->used += len;
}

/* Unit i of got is stream's unit j, its leading zero byte left out. */
static void
check_unit(const struct got *g, int i, int j)
{
	size_t	 len = au_off[j + 1] - au_off[j] - 1;

	CHECK_EQ(g->len[i], len);
	CHECK_EQ(g->idr[i], au_idr[j]);
	if (g->len[i] == len)
		CHECK_MEM(g->bytes + g->off[i], stream + au_off[j] + 1, len);
}

/* The stream in two pieces, at every split point: the same four units. */
static void
test_every_split(void)
{
	struct annexb_split	*s;
	struct got		 g;
	size_t			 k;
	int			 i;

	for (k = 0; k <= sizeof(stream); k++) {
		memset(&g, 0, sizeof(g));
		s = annexb_split_new(1024);
		CHECK_EQ(annexb_split_feed(s, stream, k, collect, &g), 0);
		CHECK_EQ(annexb_split_feed(s, stream + k, sizeof(stream) - k,
		    collect, &g), 0);
		/* The last unit ends only with the stream. */
		CHECK_EQ(g.n, 3);
		annexb_split_flush(s, collect, &g);
		CHECK_EQ(g.n, 4);
		for (i = 0; i < g.n && i < 4; i++)
			check_unit(&g, i, i);
		annexb_split_free(s);
	}
}

/* One byte at a time; each unit comes out as soon as the next begins. */
static void
test_bytewise(void)
{
	struct annexb_split	*s = annexb_split_new(1024);
	struct annexb_split_stats st;
	struct got		 g;
	size_t			 k;

	memset(&g, 0, sizeof(g));
	for (k = 0; k < sizeof(stream); k++) {
		annexb_split_feed(s, stream + k, 1, collect, &g);
		/* Unit 0 is out once the P slice's header byte came. */
		if (k + 1 == au_off[1] + 5)
			CHECK_EQ(g.n, 0);
		if (k + 1 == au_off[1] + 6)
			CHECK_EQ(g.n, 1);
	}
	CHECK_EQ(g.n, 3);
	check_unit(&g, 2, 2);
	annexb_split_stats(s, &st);
	CHECK_EQ(st.units, 3);
	CHECK_EQ(st.garbage_bytes, 0);
	CHECK_EQ(st.dropped_oversize, 0);
	CHECK_EQ(st.dropped_unsynced, 0);
	CHECK_EQ(st.jpeg, 0);
	annexb_split_free(s);
}

/* A stream joined mid-GOP: P units are dropped until the IDR. */
static void
test_unsynced(void)
{
	struct annexb_split	*s = annexb_split_new(1024);
	struct annexb_split_stats st;
	struct got		 g;

	memset(&g, 0, sizeof(g));
	annexb_split_feed(s, stream + au_off[1], sizeof(stream) - au_off[1],
	    collect, &g);
	annexb_split_flush(s, collect, &g);
	CHECK_EQ(g.n, 1);
	check_unit(&g, 0, 3);
	annexb_split_stats(s, &st);
	CHECK_EQ(st.dropped_unsynced, 2);
	/* After a reset, the same again. */
	annexb_split_reset(s);
	memset(&g, 0, sizeof(g));
	annexb_split_feed(s, stream + au_off[1], sizeof(stream) - au_off[1],
	    collect, &g);
	CHECK_EQ(g.n, 0);
	annexb_split_free(s);
}

/* A unit over the bound is dropped, and what follows until an IDR. */
static void
test_oversize(void)
{
	struct annexb_split	*s = annexb_split_new(40);
	struct annexb_split_stats st;
	struct got		 g;
	unsigned char		 big[100000];
	size_t			 i;

	memset(&g, 0, sizeof(g));
	annexb_split_feed(s, stream, au_off[1], collect, &g);
	/* A P slice of 100004 bytes, fed in pieces, never all kept. */
	annexb_split_feed(s, (const unsigned char *)"\0\0\0\1\x41\x9a", 6,
	    collect, &g);
	for (i = 0; i < sizeof(big); i++)
		big[i] = 0x11 + i % 200;
	for (i = 0; i < 10; i++)
		annexb_split_feed(s, big, sizeof(big), collect, &g);
	CHECK_EQ(g.n, 1);
	/* Then a P unit (dropped: no IDR since) and the IDR unit. */
	annexb_split_feed(s, stream + au_off[2], sizeof(stream) - au_off[2],
	    collect, &g);
	annexb_split_flush(s, collect, &g);
	CHECK_EQ(g.n, 2);
	check_unit(&g, 0, 0);
	check_unit(&g, 1, 3);
	annexb_split_stats(s, &st);
	CHECK_EQ(st.dropped_oversize, 1);
	CHECK_EQ(st.dropped_unsynced, 1);
	CHECK_EQ(st.units, 2);
	annexb_split_free(s);
}

/* Bytes before any start code are garbage; a JPEG is recognised. */
static void
test_garbage(void)
{
	struct annexb_split	*s = annexb_split_new(1024);
	struct annexb_split_stats st;
	struct got		 g;
	unsigned char		 ff[70000];

	memset(&g, 0, sizeof(g));
	annexb_split_feed(s, (const unsigned char *)"hello", 5, collect, &g);
	annexb_split_feed(s, stream, sizeof(stream), collect, &g);
	CHECK_EQ(g.n, 3);
	check_unit(&g, 0, 0);
	annexb_split_stats(s, &st);
	CHECK_EQ(st.garbage_bytes, 5);
	CHECK_EQ(st.jpeg, 0);
	annexb_split_free(s);

	s = annexb_split_new(1024);
	memset(&g, 0, sizeof(g));
	memset(ff, 0xff, sizeof(ff));
	ff[1] = 0xd8;
	annexb_split_feed(s, ff, sizeof(ff), collect, &g);
	annexb_split_feed(s, ff, sizeof(ff), collect, &g);
	annexb_split_stats(s, &st);
	CHECK_EQ(g.n, 0);
	CHECK_EQ(st.jpeg, 1);
	/* The last two bytes are kept: they may begin a start code. */
	CHECK_EQ(st.garbage_bytes, 2 * sizeof(ff) - 2);
	annexb_split_free(s);
}

int
main(void)
{
	RUN(test_every_split);
	RUN(test_bytewise);
	RUN(test_unsynced);
	RUN(test_oversize);
	RUN(test_garbage);
	return (TEST_DONE("annexb_split"));
}
