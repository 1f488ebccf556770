/* SPDX-License-Identifier: ISC */
/*
 * fuzz_jpeg_com.c: COM segment insertion and parsing on arbitrary bytes.
 * The first 16 bytes give seq and time; the rest is the "JPEG".  Whatever
 * insert accepts must parse back to the same values, keep the rest of the
 * input intact, and be replaced (not repeated) by a second insert.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jpeg_com.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char	 a[16384 + 2 * JPEG_COM_MAX];
	static unsigned char	 b[sizeof(a)];
	struct timeval		 ts, got;
	uint64_t		 seq, gseq, t;
	const unsigned char	*j = data + 16;
	size_t			 n = size - 16, la, lb;
	long			 ra, rb;

	if (size < 16 || size > 16384)
		return (0);
	memcpy(&seq, data, 8);
	memcpy(&t, data + 8, 8);
	ts.tv_sec = (t >> 20) % 100000000000ULL;
	ts.tv_usec = (t & 0xfffff) % 1000000;
	if (data[8] == 0xff)
		ts.tv_usec = 1000000;		/* must be refused */

	(void)jpeg_com_parse(j, n, &gseq, &got);
	ra = jpeg_com_insert(a, sizeof(a), j, n, seq, &ts);
	if (ra < 0) {
		if (n >= 2 && j[0] == 0xff && j[1] == 0xd8 &&
		    ts.tv_usec < 1000000)
			abort();
		return (0);
	}
	if (ts.tv_usec >= 1000000 || (size_t)ra > n + JPEG_COM_MAX ||
	    memcmp(a, "\xff\xd8\xff\xfe", 4) != 0)
		abort();
	if (jpeg_com_parse(a, ra, &gseq, &got) != 0 || gseq != seq ||
	    got.tv_sec != ts.tv_sec || got.tv_usec != ts.tv_usec)
		abort();
	/* The input after SOI follows the segment, unless it was replaced. */
	if (memcmp(a + ra - (n - 2), j + 2, n - 2) != 0 &&
	    !(n >= 6 && j[2] == 0xff && j[3] == 0xfe))
		abort();

	/* Inserting into the output replaces the segment. */
	ts.tv_sec /= 7;
	rb = jpeg_com_insert(b, sizeof(b), a, ra, ~seq, &ts);
	if (rb < 0 || jpeg_com_parse(b, rb, &gseq, &got) != 0 ||
	    gseq != ~seq || got.tv_sec != ts.tv_sec)
		abort();
	la = (size_t)a[4] << 8 | a[5];
	lb = (size_t)b[4] << 8 | b[5];
	if ((size_t)rb != 4 + lb + (ra - 4 - la) ||
	    memcmp(b + 4 + lb, a + 4 + la, ra - 4 - la) != 0)
		abort();
	return (0);
}
