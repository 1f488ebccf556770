/* SPDX-License-Identifier: ISC */
/*
 * rtcp.h: the RTCP a sender needs (RFC 3550 section 6): a compound sender
 * report with its CNAME, a compound BYE, and what receiver reports say.
 * No I/O: writes to and reads from caller's buffers.
 */
#ifndef CAMPIPE_RTCP_H
#define CAMPIPE_RTCP_H

#include <stddef.h>
#include <stdint.h>

#define RTCP_CNAME_MAX		255
/* SR, SDES CNAME padded, BYE: what rtcp_bye writes at most. */
#define RTCP_COMPOUND_MAX	(28 + 8 + 2 + RTCP_CNAME_MAX + 4 + 8)

/* What a sender reports. */
struct rtcp_sender {
	uint32_t	 ssrc;
	uint64_t	 ntp;		/* NTP time, 32.32 fixed point */
	uint32_t	 rtp_ts;	/* the same instant in RTP units */
	uint32_t	 packets;
	uint32_t	 octets;
	const char	*cname;		/* 1 to RTCP_CNAME_MAX bytes */
};

/* What a receiver said about one source. */
struct rtcp_report {
	uint32_t	 reporter;	/* SSRC of the packet's sender */
	uint32_t	 source;	/* SSRC reported on */
	uint8_t		 fraction;	/* lost since the last, /256 */
	int32_t		 lost;		/* cumulative, 24 bits signed */
	uint32_t	 highest;	/* extended highest sequence */
	uint32_t	 jitter;
	uint32_t	 lsr;		/* middle of the last SR's NTP time */
	uint32_t	 dlsr;		/* since then, 1/65536 s */
};

/*
 * A packet of a compound packet (its length less padding); returns 0 to go
 * on, -1 (with *why) for a malformed packet, anything else to stop.
 */
typedef int (*rtcp_walk_fn)(const unsigned char *p, size_t len, void *arg,
    const char **why);

/* NTP time (32.32) of a Unix time in microseconds. */
uint64_t rtcp_ntp(uint64_t unix_us);
/*
 * Writes SR (no report blocks) + SDES CNAME into buf.  Bytes written, or
 * -1 when len is too small or the CNAME is empty or too long.
 */
int	rtcp_sender_report(const struct rtcp_sender *s, unsigned char *buf,
	    size_t len);
/* Writes SR + SDES CNAME + BYE for s->ssrc; likewise. */
int	rtcp_bye(const struct rtcp_sender *s, unsigned char *buf, size_t len);
/*
 * Reads a compound RTCP packet: fills up to max report blocks about any
 * source from its SR and RR packets.  Number of blocks filled (0 for a
 * valid packet without any), or -1 with cause when the packet is not
 * valid RTCP (version, lengths, the first packet not SR or RR).
 */
int	rtcp_parse(const unsigned char *p, size_t len,
	    struct rtcp_report *out, int max, char *cause, size_t causelen);
/*
 * Calls fn for each packet of a compound packet: version 2 throughout, a
 * type 192 to 223, lengths that add up to len, padding only last; the
 * first packet an SR or RR unless rsize (reduced-size RTCP, RFC 5506).
 * 0, what fn stopped with, or -1 with cause.
 */
int	rtcp_walk(const unsigned char *p, size_t len, int rsize,
	    rtcp_walk_fn fn, void *arg, char *cause, size_t causelen);
/*
 * Reads the report blocks of one SR or RR packet p (len bytes) into
 * out[*n] up to out[max - 1], advancing *n.  How many did not fit, or -1
 * when they overrun the packet; 0 for a packet of another type.
 */
int	rtcp_blocks(const unsigned char *p, size_t len, struct rtcp_report *out,
	    int max, int *n);
/* 1 if the compound packet p holds a BYE. */
int	rtcp_has_bye(const unsigned char *p, size_t len);

#endif
