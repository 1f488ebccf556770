/* SPDX-License-Identifier: ISC */
/*
 * rtcp.c: a sender's RTCP (RFC 3550 section 6): the compound sender report
 * with its CNAME, BYE, and the report blocks of what receivers send.
 */
#include <stdio.h>
#include <string.h>

#include "rtcp.h"

#define RTCP_SR			200
#define RTCP_RR			201
#define RTCP_SDES		202
#define RTCP_BYE		203
#define RTCP_SDES_CNAME		1
#define RTCP_SR_LEN		28	/* header, SSRC, sender info */
#define RTCP_BLOCK_LEN		24
#define RTCP_NTP_OFFSET		2208988800ULL	/* 1900 to 1970, seconds */

/* Writes a 32-bit value, network order. */
static void
rtcp_put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

/* Reads a 32-bit value, network order. */
static uint32_t
rtcp_get32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/* Writes a packet's common header: count, type, length in words - 1. */
static void
rtcp_header(unsigned char *p, unsigned count, unsigned type, size_t len)
{
	p[0] = 0x80 | count;
	p[1] = type;
	p[2] = ((len / 4 - 1) >> 8) & 0xff;
	p[3] = (len / 4 - 1) & 0xff;
}

/* The NTP time of a Unix time in microseconds. */
uint64_t
rtcp_ntp(uint64_t unix_us)
{
	uint64_t	 sec = unix_us / 1000000, us = unix_us % 1000000;

	return ((sec + RTCP_NTP_OFFSET) << 32 | (us << 32) / 1000000);
}

/* Writes SR + SDES CNAME, and a BYE after them when bye is set. */
static int
rtcp_compound(const struct rtcp_sender *s, int bye, unsigned char *buf,
    size_t len)
{
	size_t	 cl, sdes, n;

	if (s->cname == NULL || (cl = strlen(s->cname)) == 0 ||
	    cl > RTCP_CNAME_MAX)
		return (-1);
	/* Header, SSRC, CNAME item, its end, padded to 32 bits. */
	sdes = (8 + 2 + cl + 1 + 3) & ~(size_t)3;
	n = RTCP_SR_LEN + sdes + (bye ? 8 : 0);
	if (len < n)
		return (-1);
	memset(buf, 0, n);
	rtcp_header(buf, 0, RTCP_SR, RTCP_SR_LEN);
	rtcp_put32(buf + 4, s->ssrc);
	rtcp_put32(buf + 8, s->ntp >> 32);
	rtcp_put32(buf + 12, s->ntp & 0xffffffff);
	rtcp_put32(buf + 16, s->rtp_ts);
	rtcp_put32(buf + 20, s->packets);
	rtcp_put32(buf + 24, s->octets);
	rtcp_header(buf + RTCP_SR_LEN, 1, RTCP_SDES, sdes);
	rtcp_put32(buf + RTCP_SR_LEN + 4, s->ssrc);
	buf[RTCP_SR_LEN + 8] = RTCP_SDES_CNAME;
	buf[RTCP_SR_LEN + 9] = cl;
	memcpy(buf + RTCP_SR_LEN + 10, s->cname, cl);
	if (bye) {
		rtcp_header(buf + RTCP_SR_LEN + sdes, 1, RTCP_BYE, 8);
		rtcp_put32(buf + RTCP_SR_LEN + sdes + 4, s->ssrc);
	}
	return ((int)n);
}

/* Writes the compound sender report. */
int
rtcp_sender_report(const struct rtcp_sender *s, unsigned char *buf,
    size_t len)
{
	return (rtcp_compound(s, 0, buf, len));
}

/* Writes the compound sender report ending in a BYE. */
int
rtcp_bye(const struct rtcp_sender *s, unsigned char *buf, size_t len)
{
	return (rtcp_compound(s, 1, buf, len));
}

/* Fails a parse with a reason. */
static int
rtcp_fail(const char *why, char *cause, size_t causelen)
{
	snprintf(cause, causelen, "rtcp: %s", why);
	return (-1);
}

/*
 * Walks a compound packet (RFC 3550 section 6.4 and A.2): version 2
 * throughout, lengths that add up to len, padding only in the last
 * packet, the first an SR or RR without padding unless rsize (RFC 5506).
 * Calls back per packet.
 */
int
rtcp_walk(const unsigned char *p, size_t len, int rsize, rtcp_walk_fn fn,
    void *arg, char *cause, size_t causelen)
{
	const char	*why;
	size_t		 off, plen, body;
	int		 r;

	if (len < 4 || len % 4 != 0)
		return (rtcp_fail("length not a multiple of 4", cause,
		    causelen));
	if (!rsize && ((p[0] & 0x20) || (p[1] != RTCP_SR && p[1] != RTCP_RR)))
		return (rtcp_fail("first packet not SR or RR", cause,
		    causelen));
	for (off = 0; off < len; off += plen) {
		if (len - off < 4)
			return (rtcp_fail("truncated header", cause,
			    causelen));
		if ((p[off] & 0xc0) != 0x80)
			return (rtcp_fail("not version 2", cause, causelen));
		if (p[off + 1] < 192 || p[off + 1] > 223)
			return (rtcp_fail("not an RTCP packet type", cause,
			    causelen));
		plen = ((size_t)p[off + 2] << 8 | p[off + 3]) * 4 + 4;
		if (plen > len - off)
			return (rtcp_fail("packet longer than the datagram",
			    cause, causelen));
		body = plen;
		if (p[off] & 0x20) {
			if (off + plen != len)
				return (rtcp_fail("padding not in the last "
				    "packet", cause, causelen));
			if (p[off + plen - 1] == 0 ||
			    p[off + plen - 1] > plen - 4)
				return (rtcp_fail("bad padding", cause,
				    causelen));
			body = plen - p[off + plen - 1];
		}
		why = "report blocks overrun the packet";
		if ((r = fn(p + off, body, arg, &why)) != 0)
			return (r == -1 ? rtcp_fail(why, cause, causelen) : r);
	}
	return (0);
}

/* Reads the report blocks of one SR or RR packet. */
int
rtcp_blocks(const unsigned char *p, size_t len, struct rtcp_report *out,
    int max, int *n)
{
	struct rtcp_report	*r;
	size_t			 off, count = p[0] & 0x1f, i;
	uint32_t		 lost;
	int			 left = 0;

	if (p[1] == RTCP_SR)
		off = RTCP_SR_LEN;
	else if (p[1] == RTCP_RR)
		off = 8;
	else
		return (0);
	if (len < off || (len - off) / RTCP_BLOCK_LEN < count)
		return (-1);
	for (i = 0; i < count; i++, off += RTCP_BLOCK_LEN) {
		if (*n >= max) {
			left++;
			continue;
		}
		r = &out[(*n)++];
		r->reporter = rtcp_get32(p + 4);
		r->source = rtcp_get32(p + off);
		r->fraction = p[off + 4];
		lost = (uint32_t)p[off + 5] << 16 | (uint32_t)p[off + 6] << 8 |
		    p[off + 7];
		r->lost = lost & 0x800000 ? (int32_t)lost - 0x1000000 :
		    (int32_t)lost;
		r->highest = rtcp_get32(p + off + 8);
		r->jitter = rtcp_get32(p + off + 12);
		r->lsr = rtcp_get32(p + off + 16);
		r->dlsr = rtcp_get32(p + off + 20);
	}
	return (left);
}

/* What rtcp_parse's callback fills. */
struct rtcp_fill {
	struct rtcp_report	*out;
	int			 max, n;
};

/* rtcp_parse's callback: the blocks of an SR or RR. */
static int
rtcp_fill_blocks(const unsigned char *p, size_t len, void *arg,
    const char **why)
{
	struct rtcp_fill	*f = arg;

	return (rtcp_blocks(p, len, f->out, f->max, &f->n) == -1 ? -1 : 0);
}

/* Reads the report blocks of a compound packet. */
int
rtcp_parse(const unsigned char *p, size_t len, struct rtcp_report *out,
    int max, char *cause, size_t causelen)
{
	struct rtcp_fill	 f = { out, max < 0 ? 0 : max, 0 };

	if (rtcp_walk(p, len, 0, rtcp_fill_blocks, &f, cause, causelen) == -1)
		return (-1);
	return (f.n);
}

/* Stops the walk at a BYE. */
static int
rtcp_is_bye(const unsigned char *p, size_t len, void *arg, const char **why)
{
	return (p[1] == RTCP_BYE ? 1 : 0);
}

/* Says whether a valid compound packet holds a BYE. */
int
rtcp_has_bye(const unsigned char *p, size_t len)
{
	char	 cause[64];

	return (rtcp_walk(p, len, 0, rtcp_is_bye, NULL, cause,
	    sizeof(cause)) == 1);
}
