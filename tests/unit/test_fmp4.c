/* SPDX-License-Identifier: ISC */
/*
 * test_fmp4.c: fragmented MP4 from exact access units.  The vector
 * tests/unit/data/h264sock-64x48.bin is seven access units as capd wrote
 * them on its H.264 socket (64x48, libx264, --h264-gop 0.1: IDRs at the
 * first, fourth and seventh), read with tests/integration/h264sock.py.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "annexb.h"
#include "fmp4.h"
#include "test.h"

#define VECTOR		"tests/unit/data/h264sock-64x48.bin"
#define NAU		7
#define NONSYNC		0x10000		/* sample_is_non_sync_sample */

static unsigned char	*vec;
static size_t		 veclen;
static size_t		 au_off[NAU + 1];	/* where each unit starts */

/* Reads the vector and splits it at its AUDs. */
static int
load(void)
{
	FILE	*f;
	long	 n;
	size_t	 end;
	int	 i;

	if ((f = fopen(VECTOR, "rb")) == NULL ||
	    fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (vec = malloc(n)) == NULL ||
	    fread(vec, 1, n, f) != (size_t)n) {
		fprintf(stderr, "test_fmp4: cannot read %s (run from the "
		    "source tree)\n", VECTOR);
		return (-1);
	}
	fclose(f);
	veclen = n;
	for (i = 0; i < NAU - 1; i++) {
		end = annexb_au_end(vec + au_off[i], veclen - au_off[i]);
		if (end == 0)
			return (-1);
		au_off[i + 1] = au_off[i] + end;
	}
	au_off[NAU] = veclen;
	return (0);
}

static const unsigned char *
au(int i)
{
	return (vec + au_off[i]);
}

static size_t
aulen(int i)
{
	return (au_off[i + 1] - au_off[i]);
}

static uint32_t
be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

static uint64_t
be64(const unsigned char *p)
{
	return ((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct box {
	const unsigned char	*start;		/* the header */
	const unsigned char	*p;		/* the payload */
	size_t			 len;
};

/*
 * Finds the box of a type among the boxes that fill buf, checking that
 * their sizes tile it exactly.  0, or -1.
 */
static int
box_find(const unsigned char *buf, size_t len, const char *type,
    struct box *b)
{
	size_t		 i = 0, size;
	int		 found = 0;

	while (i < len) {
		if (len - i < 8 || (size = be32(buf + i)) < 8 || size > len - i)
			return (-1);
		if (!found && memcmp(buf + i + 4, type, 4) == 0) {
			b->start = buf + i;
			b->p = buf + i + 8;
			b->len = size - 8;
			found = 1;
		}
		i += size;
	}
	return (found ? 0 : -1);
}

/* Follows a path "a/b/c" of boxes, skipping skip[k] bytes into each. */
static int
box_path(const unsigned char *buf, size_t len, const char *path,
    struct box *b)
{
	char		 type[5];
	const char	*s = path;

	while (*s != '\0') {
		memcpy(type, s, 4);
		type[4] = '\0';
		if (box_find(buf, len, type, b) == -1)
			return (-1);
		s += 4;
		if (*s == '/')
			s++;
		buf = b->p;
		len = b->len;
		/* Full boxes and sample entries with children after a head. */
		if (strcmp(type, "stsd") == 0 && *s != '\0') {
			buf += 8;
			len -= 8;
		} else if (strcmp(type, "avc1") == 0 && *s != '\0') {
			buf += 78;
			len -= 78;
		}
	}
	return (0);
}

/* The top-level box types of buf, as "ftyp moov". */
static void
box_list(const unsigned char *buf, size_t len, char *out, size_t outlen)
{
	size_t	 i = 0, size;

	*out = '\0';
	while (i + 8 <= len && (size = be32(buf + i)) >= 8 &&
	    size <= len - i) {
		if (*out != '\0')
			strncat(out, " ", outlen - strlen(out) - 1);
		strncat(out, (const char *)buf + i + 4, 4 < outlen -
		    strlen(out) - 1 ? 4 : outlen - strlen(out) - 1);
		i += size;
	}
	if (i != len)
		strncat(out, " ?", outlen - strlen(out) - 1);
}

/* What one fragment says of its sample. */
struct frag {
	uint32_t	 seq;		/* mfhd */
	uint64_t	 dts;		/* tfdt */
	uint32_t	 flags;		/* the sample's */
	const unsigned char *data;	/* in mdat */
	size_t		 size;
	int		 ok;
};

/* Reads a moof + mdat holding one sample; trex_flags is the default. */
static void
frag_read(const unsigned char *buf, size_t len, uint32_t trex_flags,
    struct frag *fr)
{
	struct box	 moof, mdat, b;
	const unsigned char *p;
	uint32_t	 tf, rf, size = 0, flags = trex_flags;
	uint64_t	 off = 0;

	memset(fr, 0, sizeof(*fr));
	if (box_find(buf, len, "moof", &moof) == -1 ||
	    box_find(buf, len, "mdat", &mdat) == -1 ||
	    box_path(moof.p, moof.len, "mfhd", &b) == -1)
		return;
	fr->seq = be32(b.p + 4);
	if (box_path(moof.p, moof.len, "traf/tfhd", &b) == -1)
		return;
	tf = be32(b.p) & 0xffffff;
	p = b.p + 8;
	if (tf & 0x1)
		p += 8;
	if (tf & 0x2)
		p += 4;
	if (tf & 0x8)
		p += 4;
	if (tf & 0x10) {
		size = be32(p);
		p += 4;
	}
	if (tf & 0x20)
		flags = be32(p);
	if (box_path(moof.p, moof.len, "traf/tfdt", &b) == -1)
		return;
	fr->dts = b.p[0] == 1 ? be64(b.p + 4) : be32(b.p + 4);
	if (box_path(moof.p, moof.len, "traf/trun", &b) == -1 ||
	    be32(b.p + 4) != 1)
		return;
	rf = be32(b.p) & 0xffffff;
	p = b.p + 8;
	if (rf & 0x1) {
		off = be32(p);
		p += 4;
	}
	if (rf & 0x4) {
		flags = be32(p);
		p += 4;
	}
	if (rf & 0x100)
		p += 4;
	if (rf & 0x200) {
		size = be32(p);
		p += 4;
	}
	if (rf & 0x400)
		flags = be32(p);
	fr->flags = flags;
	/* default_base_moof: the data offset counts from the moof. */
	if (!(rf & 0x1) || moof.start + off != mdat.p || size != mdat.len)
		return;
	fr->data = mdat.p;
	fr->size = size;
	fr->ok = 1;
}

/* The access unit as an MP4 sample: each NAL unit behind its length. */
static size_t
sample_of(const unsigned char *a, size_t len, unsigned char *out)
{
	struct annexb_nal	 nal;
	size_t			 pos = 0, n = 0;

	while (annexb_next(a, len, &pos, &nal) == 0) {
		out[n] = nal.len >> 24;
		out[n + 1] = nal.len >> 16;
		out[n + 2] = nal.len >> 8;
		out[n + 3] = nal.len;
		memcpy(out + n + 4, a + nal.off, nal.len);
		n += 4 + nal.len;
	}
	return (n);
}

/* The default sample flags of the init segment's trex. */
static uint32_t
trex_flags(const unsigned char *init, size_t len)
{
	struct box	 b;

	if (box_path(init, len, "moov/mvex/trex", &b) == -1)
		return (0xffffffff);
	return (be32(b.p + 20));
}

/* The init segment: ftyp, moov, and avcC holding the unit's SPS and PPS. */
static void
test_init_segment(void)
{
	struct fmp4		*m;
	const unsigned char	*p;
	struct annexb_nal	 nal, sps = { 0, 0, 0 }, pps = { 0, 0, 0 };
	struct box		 b;
	char			 cause[256], list[64];
	size_t			 len, pos = 0;

	while (annexb_next(au(0), aulen(0), &pos, &nal) == 0) {
		if (nal.type == ANNEXB_SPS)
			sps = nal;
		else if (nal.type == ANNEXB_PPS)
			pps = nal;
	}
	CHECK_EQ(aulen(0), 803);
	CHECK(sps.len > 4 && pps.len > 1);
	m = fmp4_new(au(0), aulen(0), cause, sizeof(cause));
	CHECK(m != NULL);
	if (m == NULL)
		return;
	fmp4_take(m, &p, &len);
	box_list(p, len, list, sizeof(list));
	CHECK(strcmp(list, "ftyp moov") == 0);
	CHECK(box_path(p, len, "moov/mvex/trex", &b) == 0);
	CHECK(box_path(p, len, "moov/trak/mdia/minf/stbl/stsd/avc1", &b) == 0);
	CHECK_EQ(b.len > 28 ? (b.p[24] << 8 | b.p[25]) : 0, 64);
	CHECK_EQ(b.len > 28 ? (b.p[26] << 8 | b.p[27]) : 0, 48);
	CHECK(box_path(p, len, "moov/trak/mdia/minf/stbl/stsd/avc1/avcC",
	    &b) == 0);
	/* ISO 14496-15: version, profile, compatibility, level, 4-byte
	 * lengths, one SPS, one PPS. */
	CHECK_EQ(b.len, 5 + 1 + 2 + sps.len + 1 + 2 + pps.len);
	if (b.len == 5 + 1 + 2 + sps.len + 1 + 2 + pps.len) {
		CHECK_EQ(b.p[0], 1);
		CHECK_MEM(b.p + 1, au(0) + sps.off + 1, 3);
		CHECK_EQ(b.p[4], 0xff);
		CHECK_EQ(b.p[5], 0xe1);
		CHECK_EQ(b.p[6] << 8 | b.p[7], sps.len);
		CHECK_MEM(b.p + 8, au(0) + sps.off, sps.len);
		CHECK_EQ(b.p[8 + sps.len], 1);
		CHECK_EQ(b.p[9 + sps.len] << 8 | b.p[10 + sps.len], pps.len);
		CHECK_MEM(b.p + 11 + sps.len, au(0) + pps.off, pps.len);
	}
	/* Taken: nothing is left. */
	fmp4_take(m, &p, &len);
	CHECK_EQ(len, 0);
	fmp4_free(m);
}

/* One moof + mdat per unit: its bytes, rising decode times, keyframes. */
static void
test_fragments(void)
{
	struct fmp4		*m;
	const unsigned char	*p;
	struct annexb_info	 info;
	struct frag		 fr;
	unsigned char		 want[4096];
	char			 cause[256], list[64];
	uint64_t		 ts, t0 = 0, last = 0;
	int64_t			 cap, prev = 0, gap = 3000;
	uint32_t		 dflt;
	size_t			 len, n;
	int			 i;

	if ((m = fmp4_new(au(0), aulen(0), cause, sizeof(cause))) == NULL) {
		CHECK(m != NULL);
		return;
	}
	fmp4_take(m, &p, &len);
	dflt = trex_flags(p, len);
	for (i = 0; i < NAU; i++) {
		annexb_scan(au(i), aulen(i), &info);
		CHECK(info.sei);
		ts = (uint64_t)info.ts.tv_sec * 1000000 + info.ts.tv_usec;
		if (i == 0)
			t0 = ts;
		CHECK_EQ(fmp4_add(m, au(i), aulen(i), info.idr, ts, cause,
		    sizeof(cause)), 0);
		fmp4_take(m, &p, &len);
		box_list(p, len, list, sizeof(list));
		CHECK(strcmp(list, "moof mdat") == 0);
		frag_read(p, len, dflt, &fr);
		CHECK(fr.ok);
		if (!fr.ok)
			continue;
		CHECK_EQ(fr.seq, i + 1);
		/*
		 * Rising, and within a frame interval of the capture time
		 * on the 90 kHz clock (the muxer times a fragment by the
		 * durations before it, each the interval before that).
		 */
		cap = (int64_t)((ts - t0) * 9 / 100);
		if (i > 0 && cap - prev > gap)
			gap = cap - prev;
		CHECK(i == 0 || fr.dts > last);
		CHECK((int64_t)fr.dts <= cap + gap && (int64_t)fr.dts >= cap - gap);
		last = fr.dts;
		prev = cap;
		CHECK_EQ(!(fr.flags & NONSYNC), info.idr);
		CHECK_EQ(info.idr, i == 0 || i == 3 || i == 6);
		n = sample_of(au(i), aulen(i), want);
		CHECK_EQ(fr.size, n);
		if (fr.size == n)
			CHECK_MEM(fr.data, want, n);
	}
	fmp4_free(m);
}

/* Collects fmp4_feed's output. */
struct sink {
	unsigned char	*buf;
	size_t		 len, size;
	int		 calls;
	int		 fail_at;	/* refuse this call (1-based), or 0 */
};

static int
sink_add(const unsigned char *p, size_t len, void *arg)
{
	struct sink	*s = arg;

	if (++s->calls == s->fail_at)
		return (-1);
	if (s->len + len > s->size) {
		s->size = (s->len + len) * 2;
		if ((s->buf = realloc(s->buf, s->size)) == NULL)
			abort();
	}
	memcpy(s->buf + s->len, p, len);
	s->len += len;
	return (0);
}

/* Feeds buf in the pieces of cuts (ascending offsets); 0 or -1. */
static int
feed_cut(const unsigned char *buf, size_t len, const size_t *cuts,
    int ncuts, size_t max_au, struct sink *s, char *cause, size_t causelen)
{
	struct evbuffer	*in = evbuffer_new();
	struct fmp4	*m = NULL;
	size_t		 from = 0, to;
	int		 i, r = 0;

	for (i = 0; i <= ncuts && r == 0; i++) {
		to = i < ncuts ? cuts[i] : len;
		evbuffer_add(in, buf + from, to - from);
		from = to;
		r = fmp4_feed(&m, in, max_au, sink_add, s, cause, causelen);
	}
	fmp4_free(m);
	evbuffer_free(in);
	return (r);
}

/*
 * fmp4_feed at every split point of the stream gives the same bytes as
 * fmp4_new and fmp4_add unit by unit (the last unit waits for the next
 * AUD), and so does feeding one byte at a time.
 */
static void
test_feed_every_split(void)
{
	struct sink		 ref = { 0 }, s;
	struct fmp4		*m;
	struct annexb_info	 info;
	const unsigned char	*p;
	char			 cause[256];
	size_t			 len, cut, *cuts;
	int			 i, bad = 0;

	if ((m = fmp4_new(au(0), aulen(0), cause, sizeof(cause))) == NULL) {
		CHECK(m != NULL);
		return;
	}
	fmp4_take(m, &p, &len);
	sink_add(p, len, &ref);
	for (i = 0; i < NAU - 1; i++) {
		annexb_scan(au(i), aulen(i), &info);
		CHECK_EQ(fmp4_add(m, au(i), aulen(i), info.idr,
		    (uint64_t)info.ts.tv_sec * 1000000 + info.ts.tv_usec, cause,
		    sizeof(cause)), 0);
		fmp4_take(m, &p, &len);
		sink_add(p, len, &ref);
	}
	fmp4_free(m);
	CHECK_EQ(ref.calls, NAU);

	for (cut = 0; cut <= veclen; cut++) {
		memset(&s, 0, sizeof(s));
		if (feed_cut(vec, veclen, &cut, 1, 1 << 20, &s, cause,
		    sizeof(cause)) != 0 || s.len != ref.len ||
		    memcmp(s.buf, ref.buf, ref.len) != 0) {
			if (bad++ == 0)
				fprintf(stderr, "split at %zu differs\n", cut);
		}
		free(s.buf);
	}
	CHECK_EQ(bad, 0);

	if ((cuts = calloc(veclen, sizeof(*cuts))) == NULL)
		abort();
	for (cut = 0; cut < veclen; cut++)
		cuts[cut] = cut;
	memset(&s, 0, sizeof(s));
	CHECK_EQ(feed_cut(vec, veclen, cuts, (int)veclen, 1 << 20, &s, cause,
	    sizeof(cause)), 0);
	CHECK(s.len == ref.len && memcmp(s.buf, ref.buf, ref.len) == 0);
	free(s.buf);
	free(cuts);
	free(ref.buf);
}

/* No IDR first, garbage, a unit over the limit, a refusing sink. */
/*
 * The capture clock jumps hours forward, then back (NTP setting a Pi's
 * clock, a camera started again): every unit is muxed (libavformat
 * aborts on a sample longer than 32 bits of ticks), the decode times
 * rising by no more than a few frames at each step, never by the jump.
 */
static void
test_clock_jumps(void)
{
	static const int64_t	 step_us[NAU] = { 0, 33333, 10 * 3600000000LL,
	    33333, -20 * 3600000000LL, 33333, 50000 };
	struct fmp4		*m;
	const unsigned char	*p;
	struct annexb_info	 info;
	struct frag		 fr;
	char			 cause[256];
	uint64_t		 ts = 1764057600000000ULL, prev = 0;
	uint32_t		 dflt;
	size_t			 len;
	int			 i;

	if ((m = fmp4_new(au(0), aulen(0), cause, sizeof(cause))) == NULL) {
		CHECK(m != NULL);
		return;
	}
	fmp4_take(m, &p, &len);
	dflt = trex_flags(p, len);
	for (i = 0; i < NAU; i++) {
		ts += step_us[i];
		annexb_scan(au(i), aulen(i), &info);
		CHECK_EQ(fmp4_add(m, au(i), aulen(i), info.idr, ts, cause,
		    sizeof(cause)), 0);
		fmp4_take(m, &p, &len);
		frag_read(p, len, dflt, &fr);
		CHECK(fr.ok);
		if (i == 0)
			CHECK_EQ(fr.dts, 0);
		else
			CHECK(fr.dts > prev && fr.dts - prev <= 3 * 4500);
		prev = fr.dts;
	}
	fmp4_free(m);
}

static void
test_errors(void)
{
	static const unsigned char garbage[] = {
		0x00, 0x00, 0x00, 0x01, 0x09, 0xf0,		/* AUD */
		0x00, 0x00, 0x00, 0x01, 0x67, 0xff, 0xff, 0xff,	/* bad SPS */
		0x00, 0x00, 0x00, 0x01, 0x65, 0x88,		/* IDR */
		0x00, 0x00, 0x00, 0x01, 0x09, 0xf0		/* next AUD */
	};
	struct sink	 s;
	char		 cause[256];
	size_t		 cut;

	/* A unit without SPS and PPS cannot start the muxer. */
	cause[0] = '\0';
	CHECK(fmp4_new(au(1), aulen(1), cause, sizeof(cause)) == NULL);
	CHECK(strcmp(cause, "no SPS with a picture size") == 0);
	memset(&s, 0, sizeof(s));
	CHECK_EQ(feed_cut(vec + au_off[1], veclen - au_off[1], NULL, 0,
	    1 << 20, &s, cause, sizeof(cause)), -1);
	CHECK(strcmp(cause, "no SPS with a picture size") == 0);
	CHECK_EQ(s.calls, 0);

	cause[0] = '\0';
	CHECK(fmp4_new(garbage, sizeof(garbage) - 6, cause,
	    sizeof(cause)) == NULL);
	CHECK(cause[0] != '\0');
	memset(&s, 0, sizeof(s));
	CHECK_EQ(feed_cut(garbage, sizeof(garbage), NULL, 0, 1 << 20, &s,
	    cause, sizeof(cause)), -1);
	CHECK(cause[0] != '\0' && s.calls == 0);

	/* Bytes with no AUD to end them: refused once past the limit. */
	memset(&s, 0, sizeof(s));
	CHECK_EQ(feed_cut(vec + 6, 100, NULL, 0, 100, &s, cause,
	    sizeof(cause)), 0);
	CHECK_EQ(feed_cut(vec + 6, 101, NULL, 0, 100, &s, cause,
	    sizeof(cause)), -1);
	CHECK(strcmp(cause, "access unit over 100 bytes") == 0);

	/* The first unit is over the limit, whole or still coming. */
	for (cut = 0; cut <= veclen; cut += 97) {
		memset(&s, 0, sizeof(s));
		cause[0] = '\0';
		CHECK_EQ(feed_cut(vec, veclen, &cut, 1, aulen(0) - 1, &s, cause,
		    sizeof(cause)), -1);
		CHECK(s.calls == 0 && strcmp(cause, "access unit over "
		    "802 bytes") == 0);
	}
	memset(&s, 0, sizeof(s));
	CHECK_EQ(feed_cut(vec, veclen, NULL, 0, aulen(0), &s, cause,
	    sizeof(cause)), 0);
	CHECK_EQ(s.calls, NAU);
	free(s.buf);

	/* The sink refuses the second fragment. */
	memset(&s, 0, sizeof(s));
	s.fail_at = 3;
	CHECK_EQ(feed_cut(vec, veclen, NULL, 0, 1 << 20, &s, cause,
	    sizeof(cause)), -1);
	CHECK(strcmp(cause, "cannot send") == 0 && s.calls == 3);
	free(s.buf);
}

int
main(void)
{
	if (load() == -1)
		return (1);
	RUN(test_init_segment);
	RUN(test_fragments);
	RUN(test_feed_every_split);
	RUN(test_errors);
	RUN(test_clock_jumps);
	free(vec);
	return (TEST_DONE("fmp4"));
}
