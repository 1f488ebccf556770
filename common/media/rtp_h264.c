/* SPDX-License-Identifier: ISC */
/*
 * rtp_h264.c: H.264 access units as RTP packets, single NAL unit packets
 * and FU-A fragments (RFC 6184), into one buffer, no I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annexb.h"
#include "rtp_h264.h"

#define RTP_H264_STAP_A		24
#define RTP_H264_FU_A		28
#define RTP_H264_FU_LEN		2	/* FU indicator and FU header */

/* Sets up a stream's sender state. */
void
rtp_h264_init(struct rtp_h264 *r, uint32_t ssrc, uint16_t seq, uint8_t pt,
    size_t mtu)
{
	memset(r, 0, sizeof(*r));
	r->ssrc = ssrc;
	r->seq = seq;
	r->pt = pt < 96 ? 96 : pt > 127 ? 127 : pt;
	if (mtu < RTP_H264_MTU_MIN)
		mtu = RTP_H264_MTU_MIN;
	if (mtu > RTP_H264_MTU_MAX)
		mtu = RTP_H264_MTU_MAX;
	r->mtu = mtu;
}

/* Sets up an empty packet list. */
void
rtp_out_init(struct rtp_out *o)
{
	memset(o, 0, sizeof(*o));
}

/* Frees a packet list's buffers. */
void
rtp_out_free(struct rtp_out *o)
{
	free(o->buf);
	free(o->pkts);
	rtp_out_init(o);
}

/* Makes room for n more bytes and one more packet. */
static int
rtp_out_grow(struct rtp_out *o, size_t n)
{
	unsigned char	*b;
	struct rtp_pkt	*p;
	size_t		 cap;

	if (o->cap - o->len < n) {
		if (n > SIZE_MAX / 2 - o->len)
			return (-1);
		cap = o->cap ? o->cap : 2048;
		while (cap - o->len < n)
			cap *= 2;
		if ((b = realloc(o->buf, cap)) == NULL)
			return (-1);
		o->buf = b;
		o->cap = cap;
	}
	if (o->npkts == o->pktcap) {
		cap = o->pktcap ? o->pktcap * 2 : 16;
		if (cap > SIZE_MAX / sizeof(*p) ||
		    (p = realloc(o->pkts, cap * sizeof(*p))) == NULL)
			return (-1);
		o->pkts = p;
		o->pktcap = cap;
	}
	return (0);
}

/*
 * Appends one packet: prefix zeroed bytes, the RTP header, then hdr
 * (hdrlen bytes, the FU bytes) and payload.  The marker is set later.
 */
static int
rtp_h264_pkt(struct rtp_h264 *r, struct rtp_out *o, uint32_t ts,
    size_t prefix, const unsigned char *hdr, size_t hdrlen,
    const unsigned char *payload, size_t plen)
{
	unsigned char	*h;
	size_t		 n = prefix + RTP_HDR_LEN + hdrlen + plen;

	if (rtp_out_grow(o, n) == -1)
		return (-1);
	h = o->buf + o->len;
	memset(h, 0, prefix);
	h += prefix;
	h[0] = 0x80;			/* version 2, no P, X, CC */
	h[1] = r->pt;
	h[2] = r->seq >> 8;
	h[3] = r->seq & 0xff;
	h[4] = ts >> 24;
	h[5] = (ts >> 16) & 0xff;
	h[6] = (ts >> 8) & 0xff;
	h[7] = ts & 0xff;
	h[8] = r->ssrc >> 24;
	h[9] = (r->ssrc >> 16) & 0xff;
	h[10] = (r->ssrc >> 8) & 0xff;
	h[11] = r->ssrc & 0xff;
	if (hdrlen > 0)
		memcpy(h + RTP_HDR_LEN, hdr, hdrlen);
	memcpy(h + RTP_HDR_LEN + hdrlen, payload, plen);
	o->pkts[o->npkts].off = o->len + prefix;
	o->pkts[o->npkts].len = RTP_HDR_LEN + hdrlen + plen;
	o->npkts++;
	o->len += n;
	r->seq++;
	r->packets++;
	r->octets += hdrlen + plen;
	return (0);
}

/* Appends one NAL unit: whole, or as FU-A fragments. */
static int
rtp_h264_nal(struct rtp_h264 *r, struct rtp_out *o, uint32_t ts,
    size_t prefix, const unsigned char *nal, size_t len)
{
	unsigned char	 fu[RTP_H264_FU_LEN];
	size_t		 room = r->mtu - RTP_HDR_LEN, chunk, pos;

	if (len <= room)
		return (rtp_h264_pkt(r, o, ts, prefix, NULL, 0, nal, len));
	room -= RTP_H264_FU_LEN;
	fu[0] = (nal[0] & 0xe0) | RTP_H264_FU_A;	/* F, NRI */
	for (pos = 1; pos < len; pos += chunk) {
		chunk = len - pos < room ? len - pos : room;
		fu[1] = nal[0] & 0x1f;
		if (pos == 1)
			fu[1] |= 0x80;			/* S */
		if (pos + chunk == len)
			fu[1] |= 0x40;			/* E */
		if (rtp_h264_pkt(r, o, ts, prefix, fu, sizeof(fu), nal + pos,
		    chunk) == -1)
			return (-1);
	}
	return (0);
}

/* Packetizes one access unit. */
int
rtp_h264_unit(struct rtp_h264 *r, const unsigned char *au, size_t len,
    uint32_t ts, size_t prefix, struct rtp_out *o, char *cause,
    size_t causelen)
{
	struct annexb_nal	 nal;
	size_t			 pos = 0;

	o->len = 0;
	o->npkts = 0;
	while (annexb_next(au, len, &pos, &nal) == 0) {
		/* Types 24 to 31 would read as RFC 6184's own packets. */
		if (nal.type == ANNEXB_AUD || nal.type >= RTP_H264_STAP_A)
			continue;
		if (rtp_h264_nal(r, o, ts, prefix, au + nal.off,
		    nal.len) == -1) {
			snprintf(cause, causelen, "rtp: out of memory");
			return (-1);
		}
	}
	if (o->npkts > 0)
		o->buf[o->pkts[o->npkts - 1].off + 1] |= 0x80;	/* marker */
	return (0);
}

/* Finds the last SPS and PPS of an access unit. */
int
rtp_h264_params(const unsigned char *au, size_t len,
    const unsigned char **sps, size_t *spslen,
    const unsigned char **pps, size_t *ppslen)
{
	struct annexb_nal	 nal, s = { 0, 0, 0 }, p = { 0, 0, 0 };
	size_t			 pos = 0;

	while (annexb_next(au, len, &pos, &nal) == 0) {
		if (nal.type == ANNEXB_SPS)
			s = nal;
		else if (nal.type == ANNEXB_PPS)
			p = nal;
	}
	if (s.len == 0 || p.len == 0)
		return (0);
	*sps = au + s.off;
	*spslen = s.len;
	*pps = au + p.off;
	*ppslen = p.len;
	return (1);
}
