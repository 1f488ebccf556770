/* SPDX-License-Identifier: ISC */
/*
 * demux.h: what a datagram on WebRTC's one UDP port is, by its first byte
 * (RFC 7983 section 7): STUN, DTLS, or RTP and RTCP (told apart by the
 * second byte, RFC 5761 section 4).  Anything else is dropped.
 */
#ifndef CAMPIPE_DEMUX_H
#define CAMPIPE_DEMUX_H

#include <stddef.h>

enum demux_kind {
	DEMUX_DROP = 0,
	DEMUX_STUN,		/* first byte 0..3 */
	DEMUX_DTLS,		/* 20..63 */
	DEMUX_RTP,		/* 128..191, payload type not 64..95 */
	DEMUX_RTCP,		/* 128..191, packet type 192..223 */
};

/* The kind of a datagram of len bytes. */
enum demux_kind demux_kind(const unsigned char *p, size_t len);
/* The kind's name, for logs: "STUN", "DTLS", "RTP", "RTCP", "drop". */
const char *demux_name(enum demux_kind k);

#endif
