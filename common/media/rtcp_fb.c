/* SPDX-License-Identifier: ISC */
/*
 * rtcp_fb.c: a viewer's RTCP read (receiver reports, RFC 4585's generic
 * NACK and PLI, RFC 5104's FIR, REMB), and the per-camera limit on the
 * keyframe requests that reach capd.
 */
#include <string.h>

#include "rtcp_fb.h"

#define RTCP_FB_SR		200
#define RTCP_FB_RR		201
#define RTCP_FB_BYE		203
#define RTCP_FB_RTPFB		205	/* transport layer feedback */
#define RTCP_FB_PSFB		206	/* payload-specific feedback */
#define RTCP_FB_FMT_NACK	1	/* RTPFB */
#define RTCP_FB_FMT_PLI		1	/* PSFB */
#define RTCP_FB_FMT_FIR		4	/* PSFB */
#define RTCP_FB_FMT_AFB		15	/* PSFB: application layer (REMB) */
#define RTCP_FB_HDR		12	/* header, sender, media source */

/* Reads a 32-bit value, network order. */
static uint32_t
rtcp_fb_get32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/* Keeps one lost sequence number. */
static void
rtcp_fb_lost(struct rtcp_fb *fb, uint32_t ssrc, uint16_t seq)
{
	if (fb->nnack >= RTCP_FB_NACKS) {
		fb->dropped++;
		return;
	}
	fb->nack[fb->nnack].ssrc = ssrc;
	fb->nack[fb->nnack++].seq = seq;
}

/* Keeps one keyframe request. */
static void
rtcp_fb_keyreq(struct rtcp_fb *fb, uint32_t ssrc, int fir, uint8_t seq)
{
	if (fb->nkey >= RTCP_FB_KEYS) {
		fb->dropped++;
		return;
	}
	fb->key[fb->nkey].ssrc = ssrc;
	fb->key[fb->nkey].fir = fir;
	fb->key[fb->nkey++].seq = seq;
}

/* Generic NACK (RFC 4585 section 6.2.1): PID and BLP per FCI word. */
static int
rtcp_fb_nack(struct rtcp_fb *fb, const unsigned char *p, size_t len,
    const char **why)
{
	uint32_t	 ssrc = rtcp_fb_get32(p + 8);
	size_t		 off;
	uint16_t	 pid, blp;
	int		 i;

	if (len < RTCP_FB_HDR + 4) {
		*why = "a NACK without its FCI";
		return (-1);
	}
	for (off = RTCP_FB_HDR; off + 4 <= len; off += 4) {
		pid = (uint16_t)(p[off] << 8 | p[off + 1]);
		blp = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
		rtcp_fb_lost(fb, ssrc, pid);
		for (i = 0; i < 16; i++)
			if (blp & (1u << i))
				rtcp_fb_lost(fb, ssrc, (uint16_t)(pid + i + 1));
	}
	return (0);
}

/* PLI (RFC 4585 6.3.1), FIR (RFC 5104 4.3.1), REMB (an AFB). */
static int
rtcp_fb_ps(struct rtcp_fb *fb, const unsigned char *p, size_t len,
    const char **why)
{
	size_t	 off, n;

	switch (p[0] & 0x1f) {
	case RTCP_FB_FMT_PLI:
		if (len != RTCP_FB_HDR) {
			*why = "a PLI not 12 bytes long";
			return (-1);
		}
		rtcp_fb_keyreq(fb, rtcp_fb_get32(p + 8), 0, 0);
		return (0);
	case RTCP_FB_FMT_FIR:
		/* The media source word is 0; each FCI names its SSRC. */
		if (len < RTCP_FB_HDR + 8) {
			*why = "a FIR without its FCI";
			return (-1);
		}
		for (off = RTCP_FB_HDR; off + 8 <= len; off += 8)
			rtcp_fb_keyreq(fb, rtcp_fb_get32(p + off), 1, p[off + 4]);
		return (0);
	case RTCP_FB_FMT_AFB:
		if (len < RTCP_FB_HDR + 8 || memcmp(p + RTCP_FB_HDR, "REMB", 4))
			return (0);	/* another application's */
		n = p[RTCP_FB_HDR + 4];
		if (len < RTCP_FB_HDR + 8 + 4 * n) {
			*why = "a REMB's SSRCs overrun the packet";
			return (-1);
		}
		fb->remb = 1;
		return (0);
	default:
		return (0);
	}
}

/* One packet of the compound packet. */
static int
rtcp_fb_one(const unsigned char *p, size_t len, void *arg, const char **why)
{
	struct rtcp_fb	*fb = arg;
	int		 left;

	if (len < 8) {
		if (p[1] == RTCP_FB_RTPFB || p[1] == RTCP_FB_PSFB ||
		    p[1] == RTCP_FB_SR || p[1] == RTCP_FB_RR) {
			*why = "a packet too short for its type";
			return (-1);
		}
		return (0);	/* an empty BYE, SDES or APP */
	}
	switch (p[1]) {
	case RTCP_FB_SR:
	case RTCP_FB_RR:
		if ((left = rtcp_blocks(p, len, fb->report, RTCP_FB_REPORTS,
		    &fb->nreport)) == -1)
			return (-1);
		fb->dropped += left;
		return (0);
	case RTCP_FB_BYE:
		fb->bye = 1;
		return (0);
	case RTCP_FB_RTPFB:
	case RTCP_FB_PSFB:
		if (len < RTCP_FB_HDR) {
			*why = "a feedback packet without its media source";
			return (-1);
		}
		if (p[1] == RTCP_FB_PSFB)
			return (rtcp_fb_ps(fb, p, len, why));
		if ((p[0] & 0x1f) == RTCP_FB_FMT_NACK)
			return (rtcp_fb_nack(fb, p, len, why));
		return (0);	/* transport-cc and others: not used */
	default:
		return (0);
	}
}

/* Reads a compound RTCP packet into fb. */
int
rtcp_fb_parse(struct rtcp_fb *fb, const unsigned char *p, size_t len,
    const char **cause)
{
	memset(fb, 0, sizeof(*fb));
	if (len >= 8)
		fb->sender = rtcp_fb_get32(p + 4);
	if (rtcp_walk(p, len, 1, rtcp_fb_one, fb, fb->cause,
	    sizeof(fb->cause)) == -1) {
		*cause = fb->cause;
		return (-1);
	}
	return (0);
}

/* 1 if FIR seq is a new command from this viewer. */
int
rtcp_fb_fir_new(struct rtcp_fb_fir *f, uint8_t seq)
{
	if (f->any && f->seq == seq)
		return (0);
	f->any = 1;
	f->seq = seq;
	return (1);
}

/* A limiter of one request per interval_ms. */
void
rtcp_fb_limit_init(struct rtcp_fb_limit *l, uint64_t interval_ms)
{
	memset(l, 0, sizeof(*l));
	l->interval_ms = interval_ms ? interval_ms : RTCP_FB_LIMIT_MS;
}

/* 1 if a request at now_ms would be inside the interval. */
static int
rtcp_fb_limit_inside(const struct rtcp_fb_limit *l, uint64_t now_ms)
{
	return (l->any && now_ms - l->last_ms < l->interval_ms);
}

/* A viewer asks for a keyframe. */
int
rtcp_fb_limit_request(struct rtcp_fb_limit *l, uint64_t now_ms)
{
	if (rtcp_fb_limit_inside(l, now_ms)) {
		l->held = 1;
		return (0);
	}
	l->any = 1;
	l->last_ms = now_ms;
	l->held = 0;
	return (1);
}

/* The timer of a held request. */
int
rtcp_fb_limit_poll(struct rtcp_fb_limit *l, uint64_t now_ms, long *wait_ms)
{
	*wait_ms = -1;
	if (!l->held)
		return (0);
	if (rtcp_fb_limit_inside(l, now_ms)) {
		*wait_ms = (long)(l->last_ms + l->interval_ms - now_ms);
		return (0);
	}
	return (rtcp_fb_limit_request(l, now_ms));
}

/* A keyframe went out anyway. */
void
rtcp_fb_limit_keyframe(struct rtcp_fb_limit *l, uint64_t now_ms)
{
	l->any = 1;
	l->last_ms = now_ms;
	l->held = 0;
}
