/* SPDX-License-Identifier: ISC */
/* annexb.c: H.264 Annex-B NAL units, the campipe SEI and access units. */
#include <string.h>

#include "annexb.h"
#include "jpeg_com.h"

#define ANNEXB_SEI_UNREG	5	/* payloadType user_data_unregistered */
#define ANNEXB_TEXT_MAX		64	/* longest text read back */

/* Fixed: 0f1c8ce5-85c8-4dce-97a2-55055c95d2a8 (docs/frames.md). */
const unsigned char annexb_uuid[16] = {
	0x0f, 0x1c, 0x8c, 0xe5, 0x85, 0xc8, 0x4d, 0xce,
	0x97, 0xa2, 0x55, 0x05, 0x5c, 0x95, 0xd2, 0xa8
};

/* Reads RBSP bytes out of a NAL unit, dropping emulation prevention. */
struct annexb_rbsp {
	const unsigned char	*p, *end;
	int			 zeros;
};

/* The next RBSP byte, or -1 at the end. */
static int
annexb_rbsp_byte(struct annexb_rbsp *r)
{
	int	 c;

	if (r->p >= r->end)
		return (-1);
	c = *r->p++;
	if (r->zeros >= 2 && c == 3) {
		r->zeros = 0;
		if (r->p >= r->end)
			return (-1);
		c = *r->p++;
	}
	r->zeros = c == 0 ? r->zeros + 1 : 0;
	return (c);
}

/* Reads an SEI payloadType or payloadSize (ff ff ... last byte). */
static long
annexb_rbsp_ff(struct annexb_rbsp *r)
{
	long	 v = 0;
	int	 c;

	while ((c = annexb_rbsp_byte(r)) == 0xff)
		v += 255;
	return (c == -1 ? -1 : v + c);
}

/* Finds the next NAL unit from *pos. */
int
annexb_next(const unsigned char *buf, size_t len, size_t *pos,
    struct annexb_nal *nal)
{
	size_t	 i = *pos, start, end;

	for (;;) {
		/* The start code. */
		while (i + 3 <= len && !(buf[i] == 0 && buf[i + 1] == 0 &&
		    buf[i + 2] == 1))
			i++;
		if (i + 3 > len) {
			*pos = len;
			return (-1);
		}
		start = i + 3;
		/* Up to the next 00 00 00 or 00 00 01, or the end. */
		for (i = start; i + 3 <= len; i++)
			if (buf[i] == 0 && buf[i + 1] == 0 && buf[i + 2] <= 1)
				break;
		if (i + 3 > len)
			i = len;
		end = i;
		while (end > start && buf[end - 1] == 0)
			end--;
		if (end > start)
			break;
	}
	nal->off = start;
	nal->len = end - start;
	nal->type = buf[start] & 0x1f;
	*pos = i;
	return (0);
}

/* Builds the campipe SEI NAL unit. */
long
annexb_sei_build(unsigned char *out, size_t outsize, uint64_t seq,
    const struct timeval *ts)
{
	unsigned char	 raw[ANNEXB_SEI_MAX];
	char		 text[ANNEXB_TEXT_MAX + 1];
	size_t		 n = 0, i, o;
	int		 tl, zeros = 0;

	if ((tl = jpeg_com_format(text, sizeof(text), seq, ts)) == -1)
		return (-1);
	raw[n++] = ANNEXB_SEI;		/* forbidden 0, nal_ref_idc 0 */
	raw[n++] = ANNEXB_SEI_UNREG;
	raw[n++] = 16 + tl;		/* at most 80: one byte */
	memcpy(raw + n, annexb_uuid, 16);
	n += 16;
	memcpy(raw + n, text, tl);
	n += tl;
	raw[n++] = 0x80;		/* rbsp_trailing_bits */

	if (outsize < 4)
		return (-1);
	memcpy(out, "\0\0\0\1", 4);
	for (i = 0, o = 4; i < n; i++) {
		if (zeros >= 2 && raw[i] <= 3) {
			if (o >= outsize)
				return (-1);
			out[o++] = 3;
			zeros = 0;
		}
		if (o >= outsize)
			return (-1);
		out[o++] = raw[i];
		zeros = raw[i] == 0 ? zeros + 1 : 0;
	}
	return ((long)o);
}

/* Looks for the campipe message in a SEI NAL unit. */
int
annexb_sei_parse(const unsigned char *nal, size_t len, uint64_t *seq,
    struct timeval *ts)
{
	struct annexb_rbsp	 r = { nal, nal + len, 0 };
	unsigned char		 uuid[16], text[ANNEXB_TEXT_MAX];
	long			 type, size, i;
	int			 c;

	if (len < 1 || (nal[0] & 0x9f) != ANNEXB_SEI)
		return (-1);
	r.p++;
	/* Each message takes two bytes at least: the loop ends. */
	while ((type = annexb_rbsp_ff(&r)) != -1) {
		if ((size = annexb_rbsp_ff(&r)) == -1)
			return (-1);
		if (type != ANNEXB_SEI_UNREG || size < 16 ||
		    size > 16 + ANNEXB_TEXT_MAX) {
			for (i = 0; i < size; i++)
				if (annexb_rbsp_byte(&r) == -1)
					return (-1);
			continue;
		}
		for (i = 0; i < size; i++) {
			if ((c = annexb_rbsp_byte(&r)) == -1)
				return (-1);
			if (i < 16)
				uuid[i] = c;
			else
				text[i - 16] = c;
		}
		if (memcmp(uuid, annexb_uuid, 16) == 0)
			return (jpeg_com_text(text, size - 16, seq, ts));
	}
	return (-1);
}

/* Says what a buffer of NAL units holds. */
void
annexb_scan(const unsigned char *buf, size_t len, struct annexb_info *info)
{
	struct annexb_nal	 nal;
	size_t			 pos = 0;

	memset(info, 0, sizeof(*info));
	while (annexb_next(buf, len, &pos, &nal) == 0) {
		info->nals++;
		switch (nal.type) {
		case ANNEXB_IDR:
			info->idr = 1;
			/* FALLTHROUGH */
		case ANNEXB_SLICE:
		case 2: case 3: case 4:
			info->vcl = 1;
			break;
		case ANNEXB_SPS:
			info->sps = 1;
			break;
		case ANNEXB_PPS:
			info->pps = 1;
			break;
		case ANNEXB_AUD:
			info->aud = 1;
			break;
		case ANNEXB_SEI:
			if (!info->sei && annexb_sei_parse(buf + nal.off,
			    nal.len, &info->seq, &info->ts) == 0)
				info->sei = 1;
			break;
		}
	}
}

/* Appends len bytes at *o if they fit. */
static int
annexb_put(unsigned char *out, size_t outsize, size_t *o,
    const unsigned char *p, size_t len)
{
	if (outsize - *o < len)
		return (-1);
	memcpy(out + *o, p, len);
	*o += len;
	return (0);
}

/* Writes one access unit: AUD, parameter sets, SEI, the NALs, next AUD. */
long
annexb_au_build(unsigned char *out, size_t outsize, const unsigned char *in,
    size_t len, const unsigned char *ps, size_t pslen, uint64_t seq,
    const struct timeval *ts)
{
	static const unsigned char aud[ANNEXB_AUD_LEN] = {
		0, 0, 0, 1, ANNEXB_AUD, 0xf0
	};
	unsigned char		 sei[ANNEXB_SEI_MAX];
	struct annexb_info	 info;
	struct annexb_nal	 nal;
	size_t			 pos = 0, o = 0;
	long			 seilen;
	int			 first = 1;

	annexb_scan(in, len, &info);
	if (!info.vcl)
		return (-1);
	if ((seilen = annexb_sei_build(sei, sizeof(sei), seq, ts)) == -1)
		return (-1);
	if (annexb_put(out, outsize, &o, aud, sizeof(aud)) == -1)
		return (-1);
	while (annexb_next(in, len, &pos, &nal) == 0) {
		if (nal.type == ANNEXB_AUD)
			continue;
		if (first && nal.type >= ANNEXB_SLICE &&
		    nal.type <= ANNEXB_IDR) {
			first = 0;
			if (info.idr && !info.sps && annexb_put(out, outsize,
			    &o, ps, pslen) == -1)
				return (-1);
			if (annexb_put(out, outsize, &o, sei, seilen) == -1)
				return (-1);
		}
		if (annexb_put(out, outsize, &o, aud, 4) == -1 ||
		    annexb_put(out, outsize, &o, in + nal.off, nal.len) == -1)
			return (-1);
	}
	/* The next unit's delimiter: this one is whole. */
	if (annexb_put(out, outsize, &o, aud, sizeof(aud)) == -1)
		return (-1);
	return ((long)o);
}

/* Where the access unit at buf ends: the next AUD, or 0. */
size_t
annexb_au_end(const unsigned char *buf, size_t len)
{
	static const unsigned char aud[5] = { 0, 0, 0, 1, ANNEXB_AUD };
	const unsigned char	*p;

	if (len <= sizeof(aud))
		return (0);
	p = memmem(buf + sizeof(aud), len - sizeof(aud), aud, sizeof(aud));
	return (p != NULL ? (size_t)(p - buf) : 0);
}
