/* SPDX-License-Identifier: ISC */
/*
 * fuzz_annexb_split.c: an outside Annex-B stream cut into access units, fed
 * whole and in two pieces at a point the input chooses.  Both give the same
 * units; each fits the bound, starts with a start code and holds a slice;
 * the first holds an IDR slice.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "annexb.h"
#include "capd/annexb_split.h"

struct out {
	unsigned char	 buf[65536];
	size_t		 used;
	int		 n, idr0;
	size_t		 max;
};

/* Checks a unit and keeps it for the comparison. */
static void
unit(const unsigned char *au, size_t len, int idr, void *arg)
{
	struct out		*o = arg;
	struct annexb_info	 info;

	if (len == 0 || len > o->max || len < 4 || au[0] != 0 || au[1] != 0)
		abort();
	annexb_scan(au, len, &info);
	if (!info.vcl || info.idr != idr || (o->n == 0 && !idr))
		abort();
	if (o->used + len + 1 <= sizeof(o->buf)) {
		memcpy(o->buf + o->used, au, len);
		o->used += len;
		o->buf[o->used++] = idr;
	}
	o->n++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct out	 a, b;
	struct annexb_split	*s;
	size_t			 cut, max;

	if (size < 2 || size > 32768)
		return (0);
	max = 8 + data[0] * 8;
	cut = data[1] % (size - 1);
	data += 2;
	size -= 2;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.max = b.max = max;
	if ((s = annexb_split_new(max)) == NULL)
		return (0);
	annexb_split_feed(s, data, size, unit, &a);
	annexb_split_flush(s, unit, &a);
	annexb_split_free(s);
	if ((s = annexb_split_new(max)) == NULL)
		return (0);
	annexb_split_feed(s, data, cut, unit, &b);
	annexb_split_feed(s, data + cut, size - cut, unit, &b);
	annexb_split_flush(s, unit, &b);
	annexb_split_free(s);
	if (a.n != b.n || a.used != b.used || memcmp(a.buf, b.buf, a.used))
		abort();
	return (0);
}
