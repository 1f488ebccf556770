/* SPDX-License-Identifier: ISC */
/*
 * test_h264_feed_cut.c: the H.264 socket's stream cut into shared units,
 * fed the seven access units of tests/unit/data/h264sock-64x48.bin (IDRs
 * at the first, fourth and seventh) whole and split at every byte: the
 * same units, raw bytes that put back together are the stream as capd
 * wrote it, one init segment, fragments identical at every split; and
 * resumed after a break, with tests/unit/data/h264sock-96x64.bin (the same
 * from a 96x64 camera) as a camera come back with other parameters.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annexb.h"
#include "frame.h"
#include "h264_feed_cut.h"
#include "test.h"

#define VECTOR		"tests/unit/data/h264sock-64x48.bin"
#define VECTOR96	"tests/unit/data/h264sock-96x64.bin"
#define MAXU		16

static unsigned char	*vec, *vec96;
static size_t		 veclen, vec96len;

/* What the callback saw. */
struct got {
	int		 n;
	int		 idr[MAXU];
	int		 newinit[MAXU];
	uint64_t	 seq[MAXU];
	unsigned char	 raw[1 << 16];
	size_t		 rawlen;
	unsigned char	*frag[MAXU];
	size_t		 fraglen[MAXU];
};

static void
got_unit(const struct h264_unit *u, void *arg)
{
	struct got	*g = arg;

	if (g->n >= MAXU || g->rawlen + u->raw->len > sizeof(g->raw))
		return;
	g->idr[g->n] = u->idr;
	g->newinit[g->n] = u->newinit;
	g->seq[g->n] = u->seq;
	memcpy(g->raw + g->rawlen, u->raw->buf, u->raw->len);
	g->rawlen += u->raw->len;
	g->frag[g->n] = malloc(u->frag->len);
	memcpy(g->frag[g->n], u->frag->buf, u->frag->len);
	g->fraglen[g->n] = u->frag->len;
	g->n++;
}

static void
got_free(struct got *g)
{
	int	 i;

	for (i = 0; i < g->n; i++)
		free(g->frag[i]);
	free(g);
}

/* Reads a vector. */
static unsigned char *
load(const char *path, size_t *lenp)
{
	FILE		*f;
	long		 n;
	unsigned char	*p = NULL;

	if ((f = fopen(path, "rb")) == NULL ||
	    fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (p = malloc(n)) == NULL ||
	    fread(p, 1, n, f) != (size_t)n) {
		fprintf(stderr, "test_h264_feed_cut: cannot read %s (run "
		    "from the source tree)\n", path);
		if (f != NULL)
			fclose(f);
		free(p);
		return (NULL);
	}
	fclose(f);
	*lenp = n;
	return (p);
}

/*
 * Feeds p as a reader would: pieces of step bytes (0: all at once), what
 * is not used kept for the next piece.  Returns the bytes left unused.
 */
static size_t
feed(struct h264_feed_cut *c, const unsigned char *p, size_t len,
    size_t first, struct got *g, int *rc)
{
	unsigned char	*buf = malloc(len + 1);
	size_t		 have = 0, off = 0, used, n;
	char		 cause[128];

	*rc = 0;
	while (off < len) {
		n = off == 0 && first > 0 ? first : len - off;
		memcpy(buf + have, p + off, n);
		have += n;
		off += n;
		if (h264_feed_cut_input(c, buf, have, &used, got_unit, g,
		    cause, sizeof(cause)) == -1) {
			*rc = -1;
			break;
		}
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	free(buf);
	return (have);
}

/* The whole vector at once: six whole units (the seventh has no next). */
static void
test_whole(void)
{
	struct h264_feed_cut	 c;
	struct got		*g = calloc(1, sizeof(*g));
	size_t			 left;
	int			 rc, i;

	CHECK_EQ(h264_feed_cut_init(&c, 1 << 20), 0);
	left = feed(&c, vec, veclen, 0, g, &rc);
	CHECK_EQ(rc, 0);
	CHECK_EQ(g->n, 6);
	CHECK_EQ(c.units, 6);
	CHECK(c.init != NULL);
	for (i = 0; i < g->n; i++)
		CHECK_EQ(g->idr[i], i == 0 || i == 3);
	for (i = 1; i < g->n; i++)
		CHECK_EQ(g->seq[i], g->seq[i - 1] + 1);
	/* A delimiter, then the raw units: the stream up to the seventh. */
	CHECK_EQ(c.aud->len, ANNEXB_AUD_LEN);
	CHECK_EQ(ANNEXB_AUD_LEN + g->rawlen, veclen - left + ANNEXB_AUD_LEN);
	CHECK_MEM(c.aud->buf, vec, ANNEXB_AUD_LEN);
	CHECK_MEM(g->raw, vec + ANNEXB_AUD_LEN, g->rawlen);
	/* Fragments are moof boxes. */
	for (i = 0; i < g->n; i++)
		CHECK_MEM(g->frag[i] + 4, "moof", 4);
	CHECK_MEM(c.init->buf + 4, "ftyp", 4);
	got_free(g);
	h264_feed_cut_destroy(&c);
	CHECK_EQ(frame_count_alive(), 0);
}

/* Split at every byte: the same units and the same fragments. */
static void
test_every_split(void)
{
	struct h264_feed_cut	 c;
	struct got		*ref = calloc(1, sizeof(*ref)), *g;
	size_t			 k;
	int			 rc, i, bad = 0;

	CHECK_EQ(h264_feed_cut_init(&c, 1 << 20), 0);
	feed(&c, vec, veclen, 0, ref, &rc);
	h264_feed_cut_destroy(&c);
	for (k = 1; k < veclen; k++) {
		g = calloc(1, sizeof(*g));
		if (h264_feed_cut_init(&c, 1 << 20) == -1)
			bad++;
		feed(&c, vec, veclen, k, g, &rc);
		if (rc != 0 || g->n != ref->n || g->rawlen != ref->rawlen ||
		    memcmp(g->raw, ref->raw, g->rawlen) != 0)
			bad++;
		for (i = 0; i < g->n && i < ref->n; i++)
			if (g->fraglen[i] != ref->fraglen[i] ||
			    memcmp(g->frag[i], ref->frag[i],
			    g->fraglen[i]) != 0)
				bad++;
		got_free(g);
		h264_feed_cut_destroy(&c);
	}
	CHECK_EQ(bad, 0);
	got_free(ref);
	CHECK_EQ(frame_count_alive(), 0);
}

/* Starting inside a GOP: units up to the next IDR are dropped. */
static void
test_starts_at_idr(void)
{
	struct h264_feed_cut	 c;
	struct got		*g = calloc(1, sizeof(*g));
	size_t			 off;
	int			 rc;

	off = annexb_au_end(vec, veclen);	/* the second unit */
	CHECK_EQ(h264_feed_cut_init(&c, 1 << 20), 0);
	feed(&c, vec + off, veclen - off, 0, g, &rc);
	CHECK_EQ(rc, 0);
	CHECK_EQ(c.skipped, 2);
	CHECK_EQ(g->n, 3);
	CHECK_EQ(g->idr[0], 1);
	/* A new stream: the init segment is made again at its IDR. */
	h264_feed_cut_reset(&c);
	CHECK(c.init == NULL);
	feed(&c, vec, veclen, 0, g, &rc);
	CHECK(c.init != NULL);
	got_free(g);
	h264_feed_cut_destroy(&c);
	CHECK_EQ(frame_count_alive(), 0);
}

/*
 * Resumed after a break, mid-GOP, with the same parameters: units up to
 * the next IDR are dropped, the same muxer goes on (no new init segment,
 * fragments numbered on); with other parameters, a new init segment.
 */
static void
test_resume(void)
{
	struct h264_feed_cut	 c;
	struct got		*g = calloc(1, sizeof(*g));
	struct frame		*init;
	size_t			 off;
	int			 rc, i;

	CHECK_EQ(h264_feed_cut_init(&c, 1 << 20), 0);
	/* Resuming a cutter that has no stream yet changes nothing. */
	h264_feed_cut_resume(&c);
	CHECK_EQ(c.resuming, 0);
	feed(&c, vec, veclen, 0, g, &rc);
	CHECK_EQ(g->n, 6);
	init = frame_ref(c.init);
	h264_feed_cut_resume(&c);
	off = annexb_au_end(vec, veclen);	/* the second unit */
	feed(&c, vec + off, veclen - off, 0, g, &rc);
	CHECK_EQ(rc, 0);
	CHECK_EQ(c.skipped, 2);
	CHECK_EQ(g->n, 9);
	CHECK_EQ(g->idr[6], 1);
	for (i = 0; i < g->n; i++)
		CHECK_EQ(g->newinit[i], 0);
	CHECK(c.init == init);
	CHECK_EQ(c.newinits, 0);
	/* mfhd's sequence_number goes on: 7 after the first six. */
	CHECK_EQ(g->frag[6][20], 0);
	CHECK_EQ(g->frag[6][23], 7);
	/* A camera back at 96x64: a new init segment, said on its IDR. */
	h264_feed_cut_resume(&c);
	feed(&c, vec96, vec96len, 0, g, &rc);
	CHECK_EQ(rc, 0);
	CHECK_EQ(g->n, 16);
	CHECK_EQ(g->idr[9], 1);
	CHECK_EQ(g->newinit[9], 1);
	for (i = 10; i < g->n; i++)
		CHECK_EQ(g->newinit[i], 0);
	CHECK(c.init != init);
	CHECK_EQ(c.newinits, 1);
	CHECK(c.init->len != init->len ||
	    memcmp(c.init->buf, init->buf, init->len) != 0);
	CHECK_MEM(c.init->buf + 4, "ftyp", 4);
	frame_unref(init);
	got_free(g);
	h264_feed_cut_destroy(&c);
	CHECK_EQ(frame_count_alive(), 0);
}

/* The picture from each stream's SPS: none before its IDR. */
static void
test_picture(void)
{
	struct h264_feed_cut	 c;
	struct got		*g = calloc(1, sizeof(*g));
	int			 rc, w = -1, h = -1, fps = -1;

	CHECK_EQ(h264_feed_cut_init(&c, 1 << 20), 0);
	CHECK_EQ(h264_feed_cut_picture(&c, &w, &h, &fps), -1);
	CHECK_EQ(w, -1);
	feed(&c, vec, veclen, 0, g, &rc);
	CHECK_EQ(h264_feed_cut_picture(&c, &w, &h, &fps), 0);
	CHECK_EQ(w, 64);
	CHECK_EQ(h, 48);
	CHECK_EQ(fps, 30);
	/* Back with other parameters: the new stream's. */
	h264_feed_cut_resume(&c);
	feed(&c, vec96, vec96len, 0, g, &rc);
	CHECK_EQ(h264_feed_cut_picture(&c, &w, &h, &fps), 0);
	CHECK_EQ(w, 96);
	CHECK_EQ(h, 64);
	h264_feed_cut_reset(&c);
	CHECK_EQ(h264_feed_cut_picture(&c, &w, &h, &fps), -1);
	got_free(g);
	h264_feed_cut_destroy(&c);
	CHECK_EQ(frame_count_alive(), 0);
}

/* A unit over the bound fails with a cause, whole or still coming. */
static void
test_oversize(void)
{
	struct h264_feed_cut	 c;
	struct got		*g = calloc(1, sizeof(*g));
	char			 cause[128] = "";
	size_t			 used;

	CHECK_EQ(h264_feed_cut_init(&c, 64), 0);
	CHECK_EQ(h264_feed_cut_input(&c, vec, veclen, &used, got_unit, g,
	    cause, sizeof(cause)), -1);
	CHECK(strcmp(cause, "access unit over 64 bytes") == 0);
	CHECK_EQ(h264_feed_cut_input(&c, vec, 65, &used, got_unit, g,
	    cause, sizeof(cause)), -1);
	CHECK_EQ(h264_feed_cut_input(&c, vec, 60, &used, got_unit, g,
	    cause, sizeof(cause)), 0);
	CHECK_EQ(used, 0);
	CHECK_EQ(g->n, 0);
	got_free(g);
	h264_feed_cut_destroy(&c);
	CHECK_EQ(frame_count_alive(), 0);
}

int
main(void)
{
	if ((vec = load(VECTOR, &veclen)) == NULL ||
	    (vec96 = load(VECTOR96, &vec96len)) == NULL)
		return (1);
	RUN(test_whole);
	RUN(test_every_split);
	RUN(test_starts_at_idr);
	RUN(test_oversize);
	RUN(test_resume);
	RUN(test_picture);
	free(vec);
	free(vec96);
	return (TEST_DONE("h264_feed_cut"));
}
