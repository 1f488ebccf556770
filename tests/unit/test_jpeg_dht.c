/* SPDX-License-Identifier: ISC */
/* test_jpeg_dht.c: standard Huffman table insertion, with exact bytes. */
#include <stdlib.h>
#include <string.h>

#include "capd/jpeg_dht.h"
#include "jpeg_seg.h"
#include "jpeg_test.h"
#include "test.h"

/*
 * Copies jpeg without its DHT segments before SOS into out (room for len);
 * the DHT payloads, concatenated, go to tables if not NULL.  Returns the
 * bytes written to out.
 */
static size_t
strip_dht(unsigned char *out, const unsigned char *jpeg, size_t len,
    unsigned char *tables, size_t *tlen)
{
	struct jpeg_seg	 seg;
	size_t		 off = 2, o = 2, from = 2;

	memcpy(out, jpeg, 2);
	*tlen = 0;
	while (jpeg_seg_next(jpeg, len, &off, &seg) == 0 &&
	    seg.marker != JPEG_SEG_SOS) {
		if (seg.marker == JPEG_SEG_DHT) {
			memcpy(out + o, jpeg + from, seg.pos - from);
			o += seg.pos - from;
			from = seg.end;
			memcpy(tables + *tlen, seg.data, seg.len);
			*tlen += seg.len;
		}
	}
	memcpy(out + o, jpeg + from, len - from);
	return (o + len - from);
}

/* The built-in segment is the one libjpeg-turbo writes, table by table. */
static void
test_tables(void)
{
	unsigned char	*j, *stripped, tables[1024];
	size_t		 n, tl;

	CHECK_MEM(jpeg_dht_standard, "\xff\xc4\x01\xa2", 4);
	j = jpeg_test_make(32, 32, TJSAMP_420, 0, 4, &n);
	stripped = malloc(n);
	strip_dht(stripped, j, n, tables, &tl);
	CHECK_EQ(tl, JPEG_DHT_SIZE - 4);
	CHECK_MEM(tables, jpeg_dht_standard + 4, JPEG_DHT_SIZE - 4);
	free(j);
	free(stripped);
}

/* Strip, detect, insert: decodes to the very pixels of the original. */
static void
test_roundtrip(void)
{
	int		 samp[] = { TJSAMP_420, TJSAMP_422, TJSAMP_GRAY }, i;
	unsigned char	*j, *s, *out, tables[1024];
	size_t		 n, sn, tl;
	long		 r;

	for (i = 0; i < 3; i++) {
		j = jpeg_test_make(64, 40, samp[i], 0, 11 + i, &n);
		s = malloc(n);
		out = malloc(n + JPEG_DHT_SIZE);
		sn = strip_dht(s, j, n, tables, &tl);
		CHECK(tl > 0);
		CHECK_EQ(sn, n - tl - 4 * (samp[i] == TJSAMP_GRAY ? 2 : 4));
		CHECK_EQ(jpeg_dht_needed(j, n), 0);
		CHECK_EQ(jpeg_dht_needed(s, sn), 1);
		r = jpeg_dht_insert(out, n + JPEG_DHT_SIZE, s, sn);
		CHECK_EQ(r, (long)(sn + JPEG_DHT_SIZE));
		CHECK_EQ(jpeg_dht_needed(out, r), 0);
		CHECK(jpeg_test_same_pixels(j, n, out, r));
		free(j);
		free(s);
		free(out);
	}
}

/* Exact bytes: the segment lands right before SOS, nothing else moves. */
static void
test_exact(void)
{
	static const unsigned char j[] = {
		0xff, 0xd8,
		0xff, 0xe0, 0x00, 0x04, 0x41, 0x56,		/* APP0 */
		0xff, 0xfe, 0x00, 0x03, 0x78,			/* COM */
		0xff, 0xdb, 0x00, 0x03, 0x00,			/* DQT */
		0xff, 0xc0, 0x00, 0x03, 0x08,			/* SOF0 */
		0xff, 0xda, 0x00, 0x03, 0x01, 0x12, 0xff, 0xd9
	};
	unsigned char	 out[sizeof(j) + JPEG_DHT_SIZE];

	CHECK_EQ(jpeg_dht_needed(j, sizeof(j)), 1);
	CHECK_EQ(jpeg_dht_insert(out, sizeof(out), j, sizeof(j)),
	    (long)sizeof(out));
	CHECK_MEM(out, j, 23);
	CHECK_MEM(out + 23, jpeg_dht_standard, JPEG_DHT_SIZE);
	CHECK_MEM(out + 23 + JPEG_DHT_SIZE, j + 23, sizeof(j) - 23);
	CHECK_EQ(jpeg_dht_insert(out, sizeof(out) - 1, j, sizeof(j)), -1);
}

/* What needs no tables, or cannot take them, is left alone. */
static void
test_not_needed(void)
{
	static const unsigned char sof2[] = {
		0xff, 0xd8, 0xff, 0xc2, 0x00, 0x03, 0x08,
		0xff, 0xda, 0x00, 0x02, 0xff, 0xd9
	};
	static const unsigned char nosos[] = {
		0xff, 0xd8, 0xff, 0xc0, 0x00, 0x03, 0x08, 0xff, 0xd9
	};
	static const unsigned char badlen[] = {
		0xff, 0xd8, 0xff, 0xc0, 0x00, 0x09, 0x08, 0xff, 0xda
	};
	unsigned char	 out[1024], *j;
	size_t		 n;

	CHECK_EQ(jpeg_dht_needed(sof2, sizeof(sof2)), 0);
	CHECK_EQ(jpeg_dht_needed(nosos, sizeof(nosos)), 0);
	CHECK_EQ(jpeg_dht_needed(badlen, sizeof(badlen)), 0);
	CHECK_EQ(jpeg_dht_needed((const unsigned char *)"hello", 5), 0);
	CHECK_EQ(jpeg_dht_needed(sof2, 1), 0);
	CHECK_EQ(jpeg_dht_insert(out, sizeof(out), nosos, sizeof(nosos)), -1);
	CHECK_EQ(jpeg_dht_insert(out, sizeof(out), badlen, sizeof(badlen)),
	    -1);
	CHECK_EQ(jpeg_dht_insert(out, sizeof(out),
	    (const unsigned char *)"hello", 5), -1);
	j = jpeg_test_make(32, 32, TJSAMP_420, TJFLAG_PROGRESSIVE, 2, &n);
	CHECK_EQ(jpeg_dht_needed(j, n), 0);
	free(j);
}

int
main(void)
{
	RUN(test_tables);
	RUN(test_roundtrip);
	RUN(test_exact);
	RUN(test_not_needed);
	return (TEST_DONE("jpeg_dht"));
}
