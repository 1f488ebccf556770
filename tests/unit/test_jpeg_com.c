/* SPDX-License-Identifier: ISC */
/* test_jpeg_com.c: the campipe COM segment, with exact bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jpeg_com.h"
#include "jpeg_test.h"
#include "test.h"

/* Counts occurrences of s in a buffer. */
static int
count(const unsigned char *p, size_t n, const char *s)
{
	const unsigned char	*q, *end = p + n;
	int			 c = 0;

	while ((q = memmem(p, end - p, s, strlen(s))) != NULL) {
		c++;
		p = q + 1;
	}
	return (c);
}

/* Insertion into a real JPEG: exact segment, still decodes, parses back. */
static void
test_insert_real(void)
{
	static const char	 text[] = "campipe seq=42 t=1764057600.123456";
	struct timeval		 ts = { 1764057600, 123456 }, got;
	unsigned char		*j, *out;
	size_t			 n, tl = sizeof(text) - 1;
	uint64_t		 seq;
	long			 r;

	j = jpeg_test_make(40, 30, TJSAMP_420, 0, 7, &n);
	out = malloc(n + JPEG_COM_MAX);
	r = jpeg_com_insert(out, n + JPEG_COM_MAX, j, n, 42, &ts);
	CHECK_EQ(r, (long)(n + 4 + tl));
	CHECK_MEM(out, "\xff\xd8\xff\xfe", 4);
	CHECK_EQ(out[4], 0);
	CHECK_EQ(out[5], tl + 2);
	CHECK_MEM(out + 6, text, tl);
	CHECK_MEM(out + 6 + tl, j + 2, n - 2);
	CHECK(jpeg_test_same_pixels(j, n, out, r));
	CHECK_EQ(jpeg_com_parse(out, r, &seq, &got), 0);
	CHECK_EQ(seq, 42);
	CHECK_EQ(got.tv_sec, 1764057600);
	CHECK_EQ(got.tv_usec, 123456);
	CHECK_EQ(jpeg_com_parse(j, n, &seq, &got), -1);
	free(j);
	free(out);
}

/* Inserting again replaces the segment instead of adding another. */
static void
test_replace(void)
{
	struct timeval	 ts = { 5, 7 }, got;
	unsigned char	*j, *a, *b, *c;
	size_t		 n, size;
	uint64_t	 seq;
	long		 ra, rb;

	j = jpeg_test_make(16, 16, TJSAMP_444, 0, 1, &n);
	size = n + 2 * JPEG_COM_MAX;
	a = malloc(size);
	b = malloc(size);
	ra = jpeg_com_insert(a, size, j, n, 1, &ts);
	CHECK(ra > 0);
	CHECK_MEM(a + 6, "campipe seq=1 t=5.000007", 24);
	ts.tv_sec = 1764057600;
	rb = jpeg_com_insert(b, size, a, ra, UINT64_MAX, &ts);
	CHECK_EQ(rb, ra + 19 + 9);
	CHECK_EQ(count(b, rb, "campipe"), 1);
	CHECK_MEM(b + 6, "campipe seq=18446744073709551615 t=1764057600.000007",
	    52);
	CHECK_EQ(jpeg_com_parse(b, rb, &seq, &got), 0);
	CHECK(seq == UINT64_MAX);
	CHECK_EQ(got.tv_sec, 1764057600);
	CHECK_EQ(got.tv_usec, 7);
	CHECK(jpeg_test_same_pixels(j, n, b, rb));
	/* Back to the first values: byte for byte the first output. */
	ts.tv_sec = 5;
	c = malloc(size);
	CHECK_EQ(jpeg_com_insert(c, size, b, rb, 1, &ts), ra);
	CHECK_MEM(c, a, ra);
	free(j);
	free(a);
	free(b);
	free(c);
}

/* Non-JPEG input, short output and bad times are refused. */
static void
test_reject(void)
{
	static const unsigned char soi[] = { 0xff, 0xd8 };
	struct timeval	 ts = { 1, 0 };
	unsigned char	 out[128];

	CHECK_EQ(jpeg_com_insert(out, sizeof(out),
	    (const unsigned char *)"hello", 5, 1, &ts), -1);
	CHECK_EQ(jpeg_com_insert(out, sizeof(out), soi, 0, 1, &ts), -1);
	CHECK_EQ(jpeg_com_insert(out, sizeof(out), soi, 1, 1, &ts), -1);
	CHECK_EQ(jpeg_com_insert(out, sizeof(out),
	    (const unsigned char *)"\xff\xd9", 2, 1, &ts), -1);
	/* Exactly enough room, then one byte less. */
	CHECK_EQ(jpeg_com_insert(out, 30, soi, 2, 1, &ts), 30);
	CHECK_MEM(out, "\xff\xd8\xff\xfe\x00\x1a" "campipe seq=1 t=1.000000",
	    30);
	CHECK_EQ(jpeg_com_insert(out, 29, soi, 2, 1, &ts), -1);
	ts.tv_usec = 1000000;
	CHECK_EQ(jpeg_com_insert(out, sizeof(out), soi, 2, 1, &ts), -1);
	ts.tv_usec = -1;
	CHECK_EQ(jpeg_com_insert(out, sizeof(out), soi, 2, 1, &ts), -1);
	ts.tv_usec = 0;
	ts.tv_sec = -1;
	CHECK_EQ(jpeg_com_insert(out, sizeof(out), soi, 2, 1, &ts), -1);
}

/* Parses a hand-made JPEG head with the COM payload text after APP0. */
static int
parse_text(const char *text, uint64_t *seq, struct timeval *ts)
{
	unsigned char	 j[128] = {
		0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 'J', 'F', 0xff, 0xfe
	};
	size_t		 n = strlen(text);

	j[10] = (n + 2) >> 8;
	j[11] = (n + 2) & 0xff;
	memcpy(j + 12, text, n);
	memcpy(j + 12 + n, "\xff\xda\x00\x02\xff\xd9", 6);
	return (jpeg_com_parse(j, 18 + n, seq, ts));
}

/* The parser finds the segment among others and is strict about it. */
static void
test_parse(void)
{
	static const unsigned char after_sos[] = {
		0xff, 0xd8, 0xff, 0xda, 0x00, 0x02,
		0xff, 0xfe, 0x00, 0x18, 'c', 'a', 'm', 'p', 'i', 'p', 'e', ' ',
		's', 'e', 'q', '=', '1', ' ', 't', '=', '1', '.',
		'0', '0', '0', '0', '0', '0', 0xff, 0xd9
	};
	struct timeval	 ts;
	uint64_t	 seq;

	CHECK_EQ(parse_text("campipe seq=9 t=12.345678", &seq, &ts), 0);
	CHECK_EQ(seq, 9);
	CHECK_EQ(ts.tv_sec, 12);
	CHECK_EQ(ts.tv_usec, 345678);
	CHECK_EQ(parse_text("campipe seq=18446744073709551616 t=1.000000",
	    &seq, &ts), -1);
	CHECK_EQ(parse_text("campipe seq=x t=1.000000", &seq, &ts), -1);
	CHECK_EQ(parse_text("campipe seq=1 t=1.00000", &seq, &ts), -1);
	CHECK_EQ(parse_text("campipe seq=1 t=1.0000000", &seq, &ts), -1);
	CHECK_EQ(parse_text("campipe seq=1 t=1.000000 ", &seq, &ts), -1);
	CHECK_EQ(parse_text("campipe seq=1 t=.000000", &seq, &ts), -1);
	CHECK_EQ(parse_text("campipe seq=1", &seq, &ts), -1);
	CHECK_EQ(parse_text("other comment", &seq, &ts), -1);
	CHECK_EQ(jpeg_com_parse(after_sos, sizeof(after_sos), &seq, &ts), -1);
	CHECK_EQ(jpeg_com_parse(after_sos, 1, &seq, &ts), -1);
}

int
main(void)
{
	RUN(test_insert_real);
	RUN(test_replace);
	RUN(test_reject);
	RUN(test_parse);
	return (TEST_DONE("jpeg_com"));
}
