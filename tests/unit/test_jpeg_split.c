/* SPDX-License-Identifier: ISC */
/* test_jpeg_split.c: the MJPEG stream splitter, with exact bytes. */
#include <stdlib.h>
#include <string.h>

#include "capd/jpeg_split.h"
#include "jpeg_test.h"
#include "test.h"

#define MAXFRAMES	16

/* Frames collected by the callback, copied. */
struct got {
	int		 n;
	unsigned char	*data[MAXFRAMES];
	size_t		 len[MAXFRAMES];
	const unsigned char *ptr[MAXFRAMES];	/* where cb saw them */
};

/* A frame expected out of a stream. */
struct want {
	int			 n;
	const unsigned char	*data[MAXFRAMES];
	size_t			 len[MAXFRAMES];
};

/* A stream built piece by piece. */
struct stream {
	unsigned char	*buf;
	size_t		 len;
};

/* Collects a delivered frame. */
static void
collect(const unsigned char *data, size_t len, void *arg)
{
	struct got	*g = arg;

	if (g->n >= MAXFRAMES)
		return;
	g->data[g->n] = malloc(len);
	memcpy(g->data[g->n], data, len);
	g->len[g->n] = len;
	g->ptr[g->n] = data;
	g->n++;
}

/* Frees collected frames. */
static void
got_clear(struct got *g)
{
	int	 i;

	for (i = 0; i < g->n; i++)
		free(g->data[i]);
	memset(g, 0, sizeof(*g));
}

/* Tells whether the collected frames are exactly the wanted ones. */
static int
got_is(const struct got *g, const struct want *w)
{
	int	 i;

	if (g->n != w->n)
		return (0);
	for (i = 0; i < w->n; i++)
		if (g->len[i] != w->len[i] ||
		    memcmp(g->data[i], w->data[i], w->len[i]) != 0)
			return (0);
	return (1);
}

/* Appends bytes to a stream; returns where they landed (offset). */
static size_t
put(struct stream *s, const void *p, size_t n)
{
	size_t	 at = s->len;

	s->buf = realloc(s->buf, s->len + n);
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	return (at);
}

/* Feeds a whole buffer in one call into a fresh splitter. */
static int
split_once(const unsigned char *p, size_t n, size_t max, struct got *g,
    struct jpeg_split_stats *st)
{
	struct jpeg_split	*js = jpeg_split_new(max);
	int			 rc;

	rc = jpeg_split_feed(js, p, n, collect, g);
	jpeg_split_stats(js, st);
	jpeg_split_free(js);
	return (rc);
}

/* A tiny hand-made frame: DQT-like segment, SOS, entropy data, EOI. */
static const unsigned char tiny[] = {
	0xff, 0xd8,
	0xff, 0xdb, 0x00, 0x04, 0xaa, 0xbb,
	0xff, 0xc0, 0x00, 0x03, 0x08,
	0xff, 0xda, 0x00, 0x03, 0x01,
	0x12, 0x34, 0xff, 0x00, 0x56,
	0xff, 0xd9
};

/* RST markers, FF00 stuffing (also FF 00 D9) and fill bytes. */
static const unsigned char tricky[] = {
	0xff, 0xd8,
	0xff, 0xff, 0xff, 0xe0, 0x00, 0x06, 0xff, 0xd9, 0xff, 0xd8,
	0xff, 0x01,				/* TEM, no length */
	0xff, 0xda, 0x00, 0x02,
	0x11, 0xff, 0xd0, 0x22, 0xff, 0x00, 0xd9, 0xff, 0xd1,
	0x33, 0xff, 0x00, 0xff, 0x00, 0xff, 0xd7, 0x44,
	0xff, 0xff, 0xff, 0xc4, 0x00, 0x03, 0x00,	/* DHT after scan */
	0xff, 0xda, 0x00, 0x02, 0x55, 0x66,
	0xff, 0xff, 0xd9
};

/* A minimal hand-made frame is delivered whole, straight from the input. */
static void
test_tiny(void)
{
	struct got		 g = { 0 };
	struct jpeg_split_stats	 st;

	CHECK_EQ(split_once(tiny, sizeof(tiny), 1024, &g, &st), 1);
	CHECK_EQ(g.n, 1);
	CHECK_EQ(g.len[0], sizeof(tiny));
	CHECK_MEM(g.data[0], tiny, sizeof(tiny));
	CHECK(g.ptr[0] == tiny);
	CHECK_EQ(st.frames, 1);
	CHECK_EQ(st.garbage_bytes, 0);
	got_clear(&g);
}

/* RSTn, stuffing, fill bytes and a segment holding FF D9 do not end it. */
static void
test_tricky(void)
{
	struct got		 g = { 0 };
	struct jpeg_split_stats	 st;

	CHECK_EQ(split_once(tricky, sizeof(tricky), 1024, &g, &st), 1);
	CHECK_EQ(g.n, 1);
	CHECK_EQ(g.len[0], sizeof(tricky));
	CHECK_EQ(st.dropped_corrupt + st.dropped_truncated, 0);
	got_clear(&g);
}

/* Builds a real JPEG with a whole JPEG thumbnail inside an APP1 segment. */
static unsigned char *
make_exif(unsigned seed, size_t *len)
{
	unsigned char	*main, *thumb, *out;
	size_t		 mlen, tlen, seg;

	main = jpeg_test_make(48, 32, TJSAMP_420, 0, seed, &mlen);
	thumb = jpeg_test_make(16, 16, TJSAMP_444, 0, seed + 1, &tlen);
	seg = 2 + 6 + tlen;
	*len = mlen + 2 + seg;
	out = malloc(*len);
	memcpy(out, main, 2);
	out[2] = 0xff;
	out[3] = 0xe1;
	out[4] = seg >> 8;
	out[5] = seg & 0xff;
	memcpy(out + 6, "Exif\0\0", 6);
	memcpy(out + 12, thumb, tlen);
	memcpy(out + 12 + tlen, main + 2, mlen - 2);
	free(main);
	free(thumb);
	return (out);
}

/* An EXIF thumbnail (a whole JPEG in APP1) does not end the frame early. */
static void
test_exif(void)
{
	struct got		 g = { 0 };
	struct jpeg_split_stats	 st;
	unsigned char		*j;
	size_t			 n;

	j = make_exif(3, &n);
	CHECK_EQ(split_once(j, n, 1 << 20, &g, &st), 1);
	CHECK_EQ(g.n, 1);
	CHECK_EQ(g.len[0], n);
	CHECK(g.n == 1 && memcmp(g.data[0], j, n) == 0);
	CHECK(jpeg_test_same_pixels(j, n, g.data[0], g.len[0]));
	got_clear(&g);
	free(j);
}

/* Real baseline and progressive JPEGs (DHT and SOS after a scan). */
static void
test_real(void)
{
	struct got		 g = { 0 };
	struct jpeg_split_stats	 st;
	unsigned char		*j;
	size_t			 n;
	int			 flags[] = { 0, TJFLAG_PROGRESSIVE }, i;

	for (i = 0; i < 2; i++) {
		j = jpeg_test_make(64, 48, TJSAMP_420, flags[i], 9, &n);
		CHECK_EQ(split_once(j, n, 1 << 20, &g, &st), 1);
		CHECK(g.n == 1 && g.len[0] == n &&
		    memcmp(g.data[0], j, n) == 0);
		got_clear(&g);
		free(j);
	}
}

/* Garbage before, between and after frames is skipped and counted. */
static void
test_garbage(void)
{
	static const unsigned char junk1[] = { 0x00, 0xff, 0x12, 0xff, 0xff };
	static const unsigned char junk2[] = "garbage\xff";
	struct stream		 s = { 0 };
	struct got		 g = { 0 };
	struct want		 w = { 2, { tiny, tricky },
				    { sizeof(tiny), sizeof(tricky) } };
	struct jpeg_split_stats	 st;

	put(&s, junk1, sizeof(junk1));
	put(&s, tiny, sizeof(tiny));
	put(&s, junk2, sizeof(junk2));		/* NUL included */
	put(&s, tricky, sizeof(tricky));
	put(&s, junk1, 3);
	CHECK_EQ(split_once(s.buf, s.len, 1024, &g, &st), 2);
	CHECK(got_is(&g, &w));
	CHECK_EQ(st.garbage_bytes, sizeof(junk1) + sizeof(junk2) + 3);
	CHECK_EQ(st.frames, 2);
	got_clear(&g);
	free(s.buf);
}

/* A frame cut short by a new SOI (in entropy data or at a marker). */
static void
test_truncated(void)
{
	struct stream		 s = { 0 };
	struct got		 g = { 0 };
	struct want		 w = { 2, { tiny, tiny },
				    { sizeof(tiny), sizeof(tiny) } };
	struct jpeg_split_stats	 st;

	put(&s, tiny, sizeof(tiny) - 4);	/* cut inside entropy data */
	put(&s, tiny, sizeof(tiny));
	put(&s, tiny, 8);			/* cut after a segment */
	put(&s, tiny, sizeof(tiny));
	CHECK_EQ(split_once(s.buf, s.len, 1024, &g, &st), 2);
	CHECK(got_is(&g, &w));
	CHECK_EQ(st.dropped_truncated, 2);
	CHECK_EQ(st.garbage_bytes, 0);
	got_clear(&g);
	free(s.buf);
}

/* Bad structure drops the frame; the next one still comes out. */
static void
test_corrupt(void)
{
	static const unsigned char bad[] = {
		0xff, 0xd8, 0xff, 0xdb, 0x00, 0x04, 0xaa, 0xbb, 0x42,
		0xff, 0xd8, 0xff, 0xd9,			/* no SOS */
		0xff, 0xd8, 0xff, 0x00,			/* FF 00 as marker */
		0xff, 0xd8, 0xff, 0xdb, 0x00, 0x01	/* length 1 */
	};
	struct stream		 s = { 0 };
	struct got		 g = { 0 };
	struct want		 w = { 1, { tiny }, { sizeof(tiny) } };
	struct jpeg_split_stats	 st;

	put(&s, bad, sizeof(bad));
	put(&s, tiny, sizeof(tiny));
	CHECK_EQ(split_once(s.buf, s.len, 1024, &g, &st), 1);
	CHECK(got_is(&g, &w));
	CHECK_EQ(st.dropped_corrupt, 4);
	CHECK_EQ(st.garbage_bytes, 1);		/* the 0x42 */
	got_clear(&g);
	free(s.buf);
}

/* An oversize frame is dropped, in one feed and across feeds. */
static void
test_oversize(void)
{
	struct stream		 s = { 0 };
	struct got		 g = { 0 };
	struct want		 w = { 2, { tiny, tiny },
				    { sizeof(tiny), sizeof(tiny) } };
	struct jpeg_split_stats	 st;
	struct jpeg_split	*js;
	unsigned char		*big;
	size_t			 n, i, max = sizeof(tiny) + 100;

	big = make_exif(5, &n);
	CHECK(n > max);
	put(&s, big, n);
	put(&s, tiny, sizeof(tiny));
	put(&s, big, n);
	put(&s, tiny, sizeof(tiny));
	CHECK_EQ(split_once(s.buf, s.len, max, &g, &st), 2);
	CHECK(got_is(&g, &w));
	CHECK_EQ(st.dropped_oversize, 2);
	got_clear(&g);

	/* In 7-byte chunks: the big frame is discarded while it streams. */
	js = jpeg_split_new(max);
	for (i = 0; i < s.len; i += 7)
		jpeg_split_feed(js, s.buf + i, s.len - i < 7 ? s.len - i : 7,
		    collect, &g);
	jpeg_split_stats(js, &st);
	CHECK(got_is(&g, &w));
	CHECK_EQ(st.dropped_oversize, 2);
	CHECK_EQ(st.dropped_truncated + st.dropped_corrupt, 0);
	CHECK_EQ(st.garbage_bytes, 0);
	jpeg_split_free(js);
	got_clear(&g);
	free(big);
	free(s.buf);
}

/* A truncated frame already past max_frame counts as oversize either way. */
static void
test_oversize_truncated(void)
{
	struct stream		 s = { 0 };
	struct got		 g = { 0 };
	struct jpeg_split_stats	 st;
	struct jpeg_split	*js;
	unsigned char		*big;
	size_t			 n, i;

	big = jpeg_test_make(64, 64, TJSAMP_420, 0, 8, &n);
	put(&s, big, n - 10);
	put(&s, tiny, sizeof(tiny));
	CHECK_EQ(split_once(s.buf, s.len, 200, &g, &st), 1);
	CHECK_EQ(st.dropped_oversize, 1);
	CHECK_EQ(st.dropped_truncated, 0);
	js = jpeg_split_new(200);
	for (i = 0; i < s.len; i++)
		jpeg_split_feed(js, s.buf + i, 1, collect, &g);
	jpeg_split_stats(js, &st);
	CHECK_EQ(st.frames, 1);
	CHECK_EQ(st.dropped_oversize, 1);
	CHECK_EQ(st.dropped_truncated, 0);
	CHECK_EQ(g.n, 2);
	jpeg_split_free(js);
	got_clear(&g);
	free(big);
	free(s.buf);
}

/* A frame of exactly max_frame bytes passes; one byte more does not. */
static void
test_max_boundary(void)
{
	struct got		 g = { 0 };
	struct jpeg_split_stats	 st;
	struct jpeg_split	*js;
	size_t			 i;

	CHECK_EQ(split_once(tiny, sizeof(tiny), sizeof(tiny), &g, &st), 1);
	CHECK_EQ(split_once(tiny, sizeof(tiny), sizeof(tiny) - 1, &g, &st), 0);
	CHECK_EQ(st.dropped_oversize, 1);
	got_clear(&g);
	for (i = 0; i < 2; i++) {
		js = jpeg_split_new(sizeof(tiny) - i);
		jpeg_split_feed(js, tiny, 10, collect, &g);
		jpeg_split_feed(js, tiny + 10, sizeof(tiny) - 10, collect, &g);
		jpeg_split_stats(js, &st);
		CHECK_EQ(st.frames, 1 - i);
		CHECK_EQ(st.dropped_oversize, i);
		jpeg_split_free(js);
	}
	CHECK(g.n == 1 && memcmp(g.data[0], tiny, sizeof(tiny)) == 0);
	got_clear(&g);
}

/* A frame with no EOI is forgotten by reset; the next starts clean. */
static void
test_reset(void)
{
	struct got		 g = { 0 };
	struct want		 w = { 1, { tiny }, { sizeof(tiny) } };
	struct jpeg_split_stats	 st;
	struct jpeg_split	*js;

	js = jpeg_split_new(1024);
	CHECK_EQ(jpeg_split_feed(js, tiny, sizeof(tiny) - 2, collect, &g), 0);
	jpeg_split_reset(js);
	/* Without the reset these bytes would end the old frame. */
	CHECK_EQ(jpeg_split_feed(js, tiny + 20, 5, collect, &g), 0);
	CHECK_EQ(jpeg_split_feed(js, tiny, sizeof(tiny), collect, &g), 1);
	jpeg_split_reset(js);
	jpeg_split_stats(js, &st);
	CHECK(got_is(&g, &w));
	CHECK_EQ(st.dropped_truncated, 1);
	CHECK_EQ(st.garbage_bytes, 5);
	jpeg_split_free(js);
	got_clear(&g);
}

/* Feeds s cut at the given offsets and checks frames and counters. */
static int
split_cuts(const struct stream *s, const size_t *cuts, int ncuts,
    const struct want *w, const struct jpeg_split_stats *want_st)
{
	struct jpeg_split	*js = jpeg_split_new(1 << 20);
	struct jpeg_split_stats	 st;
	struct got		 g = { 0 };
	size_t			 at = 0, to;
	int			 i, ok;

	for (i = 0; i <= ncuts; i++) {
		to = i < ncuts ? cuts[i] : s->len;
		jpeg_split_feed(js, s->buf + at, to - at, collect, &g);
		at = to;
	}
	jpeg_split_stats(js, &st);
	ok = got_is(&g, w) && memcmp(&st, want_st, sizeof(st)) == 0;
	jpeg_split_free(js);
	got_clear(&g);
	return (ok);
}

/*
 * The key property: a stream of frames cut into two reads at every byte
 * offset, or fed byte by byte, gives the same frames, byte for byte.
 */
static void
test_every_offset(void)
{
	static const unsigned char junk[] = { 0x01, 0xff, 0x00, 0xff, 0xff };
	struct stream		 s = { 0 };
	struct want		 w = { 0 };
	struct jpeg_split_stats	 st;
	unsigned char		*j[3];
	size_t			 n[3], k, *cuts;
	int			 i, bad = 0;

	j[0] = jpeg_test_make(32, 24, TJSAMP_420, 0, 1, &n[0]);
	j[1] = make_exif(2, &n[1]);
	j[2] = jpeg_test_make(24, 16, TJSAMP_422, TJFLAG_PROGRESSIVE, 3,
	    &n[2]);
	put(&s, junk, sizeof(junk));
	for (i = 0; i < 3; i++) {
		put(&s, j[i], n[i]);
		w.data[w.n] = j[i];
		w.len[w.n++] = n[i];
		put(&s, junk, sizeof(junk));
		if (i == 0)	/* truncated inside its entropy data */
			put(&s, j[0], n[0] - 20);
	}
	put(&s, tricky, sizeof(tricky));
	w.data[w.n] = tricky;
	w.len[w.n++] = sizeof(tricky);

	memset(&st, 0, sizeof(st));
	st.frames = 4;
	st.dropped_truncated = 1;
	st.garbage_bytes = 4 * sizeof(junk);
	CHECK(split_cuts(&s, NULL, 0, &w, &st));
	for (k = 0; k <= s.len; k++)
		if (!split_cuts(&s, &k, 1, &w, &st)) {
			if (bad++ == 0)
				fprintf(stderr, "cut at %zu differs\n", k);
		}
	CHECK_EQ(bad, 0);
	cuts = malloc(s.len * sizeof(*cuts));
	for (k = 0; k < s.len; k++)
		cuts[k] = k;
	CHECK(split_cuts(&s, cuts, (int)s.len, &w, &st));
	free(cuts);
	for (i = 0; i < 3; i++)
		free(j[i]);
	free(s.buf);
}

/* Non-JPEG bytes alone are skipped without a frame. */
static void
test_no_frame(void)
{
	struct got		 g = { 0 };
	struct jpeg_split_stats	 st;
	unsigned char		 junk[4096];

	memset(junk, 0xff, sizeof(junk));
	junk[100] = 0x00;
	CHECK_EQ(split_once(junk, sizeof(junk), 1024, &g, &st), 0);
	CHECK_EQ(st.garbage_bytes, sizeof(junk) - 1);	/* last FF pending */
	CHECK_EQ(split_once(junk, 0, 1024, &g, &st), 0);
	CHECK_EQ(g.n, 0);
}

int
main(void)
{
	RUN(test_tiny);
	RUN(test_tricky);
	RUN(test_exif);
	RUN(test_real);
	RUN(test_garbage);
	RUN(test_truncated);
	RUN(test_corrupt);
	RUN(test_oversize);
	RUN(test_oversize_truncated);
	RUN(test_max_boundary);
	RUN(test_reset);
	RUN(test_every_offset);
	RUN(test_no_frame);
	return (TEST_DONE("jpeg_split"));
}
