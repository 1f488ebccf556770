/* SPDX-License-Identifier: ISC */
/*
 * fuzz_annexb.c: NAL unit splitting, SEI parsing and access unit building
 * on arbitrary bytes.  Every NAL unit found lies inside the input; a built
 * access unit starts with an AUD, fits its bound and reads back with the
 * campipe SEI and the input's slices.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "annexb.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char ps[] = {
		0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1f, 0, 0, 1, 0x68, 0xce
	};
	static unsigned char	 out[2 * (16384 + sizeof(ps)) +
				    ANNEXB_AU_EXTRA];
	struct timeval		 ts = { 1764057600, 123456 }, got;
	struct annexb_info	 in, o;
	struct annexb_nal	 nal;
	size_t			 pos = 0, last = 0;
	uint64_t		 seq;
	long			 n;

	if (size > 16384)
		return (0);
	while (annexb_next(data, size, &pos, &nal) == 0) {
		if (nal.off < last || nal.len == 0 ||
		    nal.off + nal.len > size || pos > size ||
		    data[nal.off + nal.len - 1] == 0)
			abort();
		last = nal.off + nal.len;
		(void)annexb_sei_parse(data + nal.off, nal.len, &seq, &got);
	}
	if ((pos = annexb_au_end(data, size)) != 0 &&
	    (pos < 5 || pos + 5 > size || data[pos + 3] != 1 ||
	    data[pos + 4] != ANNEXB_AUD))
		abort();
	annexb_scan(data, size, &in);
	n = annexb_au_build(out, sizeof(out), data, size, ps, sizeof(ps),
	    size, &ts);
	if (n < 0) {
		if (in.vcl)
			abort();
		return (0);
	}
	if (!in.vcl || memcmp(out, "\0\0\0\1\x09\xf0", 6) != 0 ||
	    memcmp(out + n - 6, "\0\0\0\1\x09\xf0", 6) != 0 ||
	    annexb_au_end(out, n) != (size_t)n - 6)
		abort();
	annexb_scan(out, n, &o);
	if (!o.sei || (!in.sei && (o.seq != size || o.ts.tv_usec != 123456)) ||
	    o.idr != in.idr || !o.aud || (in.idr && !o.sps))
		abort();
	return (0);
}
