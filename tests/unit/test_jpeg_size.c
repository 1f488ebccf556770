/* SPDX-License-Identifier: ISC */
/* test_jpeg_size.c: frame size from the SOF segment, with exact bytes. */
#include "jpeg_size.h"
#include "test.h"

/* SOI, APP0 (JFIF, 16 bytes), COM, SOF0 640x480, then SOS. */
static const unsigned char jfif[] = {
	0xff, 0xd8,
	0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1,
	0, 0,
	0xff, 0xfe, 0x00, 0x05, 'a', 'b', 'c',
	0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03,
	1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
	0xff, 0xda, 0x00, 0x0c, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0,
	0x12, 0x34, 0xff, 0xd9
};

/* Reads the size from a well-formed header, SOF2 too. */
static void
test_sizes(void)
{
	unsigned char	 p[sizeof(jfif)];
	int		 w = 0, h = 0;

	CHECK_EQ(jpeg_size_parse(jfif, sizeof(jfif), &w, &h), 0);
	CHECK_EQ(w, 640);
	CHECK_EQ(h, 480);
	memcpy(p, jfif, sizeof(p));
	p[28] = 0xc2;	/* progressive */
	p[32] = 0x00;
	p[33] = 0x78;	/* height 120 */
	CHECK_EQ(jpeg_size_parse(p, sizeof(p), &w, &h), 0);
	CHECK_EQ(h, 120);
}

/* Truncated anywhere before the end of SOF: -1, never a read past len. */
static void
test_truncated(void)
{
	size_t	 n;
	int	 w, h;

	for (n = 0; n < 46; n++)
		CHECK_EQ(jpeg_size_parse(jfif, n, &w, &h), -1);
	CHECK_EQ(jpeg_size_parse(jfif, 46, &w, &h), 0);
}

/* Not a JPEG, DHT mistaken for SOF, scan before any SOF, bad length. */
static void
test_bad(void)
{
	static const unsigned char notjpeg[] = { 0x89, 'P', 'N', 'G', 0, 0 };
	static const unsigned char dht_only[] = {
		0xff, 0xd8, 0xff, 0xc4, 0x00, 0x07, 1, 2, 3, 4, 5,
		0xff, 0xda, 0x00, 0x02 };
	static const unsigned char badlen[] = {
		0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01, 0xff, 0xc0 };
	int	 w, h;

	CHECK_EQ(jpeg_size_parse(notjpeg, sizeof(notjpeg), &w, &h), -1);
	CHECK_EQ(jpeg_size_parse(dht_only, sizeof(dht_only), &w, &h), -1);
	CHECK_EQ(jpeg_size_parse(badlen, sizeof(badlen), &w, &h), -1);
}

int
main(void)
{
	RUN(test_sizes);
	RUN(test_truncated);
	RUN(test_bad);
	return (TEST_DONE("jpeg_size"));
}
