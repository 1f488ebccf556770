/* SPDX-License-Identifier: ISC */
/*
 * fuzz_rtp_h264.c: the packetizer on arbitrary bytes at an MTU and prefix
 * from the first two: every packet fits the MTU, its header is right, and
 * the packets reassembled (FU-A joined) give back the NAL units sent.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "annexb.h"
#include "rtp_h264.h"

/* Reassembles the packets of o and compares them with au's NAL units. */
static void
fuzz_check(const struct rtp_h264 *r, const struct rtp_out *o,
    size_t prefix, uint16_t seq0, const unsigned char *au, size_t len)
{
	struct annexb_nal	 nal;
	unsigned char		*nb = NULL;
	const unsigned char	*h, *pl;
	size_t			 i, j, pos = 0, nlen = 0, n, end = 0;
	int			 open = 0;

	for (i = 0; i < o->npkts; i++) {
		if (o->pkts[i].len > r->mtu || o->pkts[i].len <= RTP_HDR_LEN ||
		    o->pkts[i].off < end + prefix ||
		    o->pkts[i].off + o->pkts[i].len > o->len)
			__builtin_trap();
		for (j = 0; j < prefix; j++)
			if (o->buf[o->pkts[i].off - prefix + j] != 0)
				__builtin_trap();
		end = o->pkts[i].off + o->pkts[i].len;
		h = o->buf + o->pkts[i].off;
		if (h[0] != 0x80 || (h[1] & 0x7f) != r->pt ||
		    (uint16_t)(h[2] << 8 | h[3]) != (uint16_t)(seq0 + i) ||
		    (h[1] >> 7) != (i + 1 == o->npkts))
			__builtin_trap();
		pl = h + RTP_HDR_LEN;
		n = o->pkts[i].len - RTP_HDR_LEN;
		if ((pl[0] & 0x1f) == 28) {
			if (n < 3)
				__builtin_trap();
			if (pl[1] & 0x80) {
				if (open)
					__builtin_trap();
				open = 1;
				nb = realloc(nb, 1);
				nb[0] = (pl[0] & 0xe0) | (pl[1] & 0x1f);
				nlen = 1;
			} else if (!open)
				__builtin_trap();
			nb = realloc(nb, nlen + n - 2);
			memcpy(nb + nlen, pl + 2, n - 2);
			nlen += n - 2;
			if (!(pl[1] & 0x40))
				continue;
			open = 0;
		} else {
			if (open || (pl[0] & 0x1f) >= 24)
				__builtin_trap();
			nb = realloc(nb, n);
			memcpy(nb, pl, n);
			nlen = n;
		}
		/* A whole NAL unit: the next one of the input. */
		do {
			if (annexb_next(au, len, &pos, &nal) == -1)
				__builtin_trap();
		} while (nal.type == ANNEXB_AUD || nal.type >= 24);
		if (nal.len != nlen || memcmp(au + nal.off, nb, nlen) != 0)
			__builtin_trap();
	}
	if (open)
		__builtin_trap();
	while (annexb_next(au, len, &pos, &nal) == 0)
		if (nal.type != ANNEXB_AUD && nal.type < 24)
			__builtin_trap();
	free(nb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rtp_h264	 r;
	struct rtp_out	 o;
	char		 cause[64];
	size_t		 prefix;
	uint16_t	 seq0;

	if (size < 2)
		return (0);
	rtp_h264_init(&r, 0x01020304, 65530, 96, 50 + data[0] * 4);
	prefix = data[1] & 1 ? 4 : 0;
	rtp_out_init(&o);
	/* Twice: the second reuses the buffers. */
	seq0 = r.seq;
	if (rtp_h264_unit(&r, data + 2, size - 2, 90000, prefix, &o, cause,
	    sizeof(cause)) == -1)
		__builtin_trap();
	fuzz_check(&r, &o, prefix, seq0, data + 2, size - 2);
	seq0 = r.seq;
	if (rtp_h264_unit(&r, data + 2, size - 2, 90000, 4 - prefix, &o,
	    cause, sizeof(cause)) == -1)
		__builtin_trap();
	fuzz_check(&r, &o, 4 - prefix, seq0, data + 2, size - 2);
	rtp_out_free(&o);
	return (0);
}
