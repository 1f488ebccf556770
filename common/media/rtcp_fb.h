/* SPDX-License-Identifier: ISC */
/*
 * rtcp_fb.h: what a viewer's RTCP says (RFC 3550, RFC 4585, RFC 5104):
 * receiver report blocks, generic NACKs as the sequence numbers lost, PLI
 * and FIR (keyframe requests), REMB recognised and ignored; and the
 * per-camera limit on keyframe requests.  No I/O, no clock: time is
 * passed in.
 */
#ifndef CAMPIPE_RTCP_FB_H
#define CAMPIPE_RTCP_FB_H

#include <stddef.h>
#include <stdint.h>

#include "rtcp.h"

#define RTCP_FB_REPORTS		8	/* report blocks kept */
#define RTCP_FB_NACKS		256	/* lost sequence numbers kept */
#define RTCP_FB_KEYS		4	/* PLI and FIR entries kept */
#define RTCP_FB_LIMIT_MS	500	/* keyframe requests per camera */

/* One lost packet a NACK names. */
struct rtcp_fb_nack {
	uint32_t	 ssrc;		/* media source */
	uint16_t	 seq;
};

/* One keyframe request: a PLI, or an entry of a FIR. */
struct rtcp_fb_key {
	uint32_t	 ssrc;		/* media source */
	int		 fir;		/* 1: FIR, with seq; 0: PLI */
	uint8_t		 seq;		/* FIR's command sequence number */
};

/* What one compound packet says; more than fits is counted as dropped. */
struct rtcp_fb {
	uint32_t	 sender;	/* SSRC of the first packet's sender */
	struct rtcp_report report[RTCP_FB_REPORTS];
	int		 nreport;
	struct rtcp_fb_nack nack[RTCP_FB_NACKS];
	int		 nnack;
	struct rtcp_fb_key key[RTCP_FB_KEYS];
	int		 nkey;
	int		 dropped;	/* entries over the limits above */
	int		 remb;		/* a REMB was seen (not used) */
	int		 bye;
	char		 cause[80];	/* what *cause points to */
};

/*
 * The keyframe requests that reach capd: at most one per interval_ms per
 * camera.  A request inside the interval is held and goes out when the
 * interval ends, unless a keyframe went out meanwhile.
 */
struct rtcp_fb_limit {
	uint64_t	 interval_ms;
	uint64_t	 last_ms;	/* the last request let through */
	int		 any;		/* one was let through */
	int		 held;		/* a request waits */
};

/* The last FIR command sequence number of one viewer, for dedupe. */
struct rtcp_fb_fir {
	int		 any;
	uint8_t		 seq;
};

/*
 * Reads a compound RTCP packet (decrypted SRTCP; reduced-size packets,
 * RFC 5506, are taken too) into fb.  0, or -1 with cause when a packet's
 * version, length, count or padding is wrong: every packet must be whole
 * and the lengths must add up to len.  Unknown types are skipped.
 */
int	rtcp_fb_parse(struct rtcp_fb *fb, const unsigned char *p, size_t len,
	    const char **cause);
/* 1 if FIR seq is a new command from this viewer (and remembers it). */
int	rtcp_fb_fir_new(struct rtcp_fb_fir *f, uint8_t seq);

/* A limiter of one request per interval_ms (0: RTCP_FB_LIMIT_MS). */
void	rtcp_fb_limit_init(struct rtcp_fb_limit *l, uint64_t interval_ms);
/* A viewer asks for a keyframe at now_ms: 1 to ask capd now, 0 held. */
int	rtcp_fb_limit_request(struct rtcp_fb_limit *l, uint64_t now_ms);
/*
 * The timer of a held request: 1 to ask capd now; otherwise 0, and
 * *wait_ms the milliseconds until it is due (-1: nothing is held).
 */
int	rtcp_fb_limit_poll(struct rtcp_fb_limit *l, uint64_t now_ms,
	    long *wait_ms);
/* A keyframe went out at now_ms anyway: what is held is answered. */
void	rtcp_fb_limit_keyframe(struct rtcp_fb_limit *l, uint64_t now_ms);

#endif
