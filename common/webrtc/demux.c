/* SPDX-License-Identifier: ISC */
/* demux.c: RFC 7983's first-byte rule for WebRTC's one UDP port. */
#include "demux.h"

/* The kind of a datagram of len bytes. */
enum demux_kind
demux_kind(const unsigned char *p, size_t len)
{
	if (len == 0)
		return (DEMUX_DROP);
	if (p[0] <= 3)
		return (DEMUX_STUN);
	if (p[0] >= 20 && p[0] <= 63)
		return (DEMUX_DTLS);
	if (p[0] >= 128 && p[0] <= 191) {
		if (len < 2)
			return (DEMUX_DROP);
		/* RTCP's packet types 192..223 are RTP's 64..95 with M set. */
		return (p[1] >= 192 && p[1] <= 223 ? DEMUX_RTCP : DEMUX_RTP);
	}
	return (DEMUX_DROP);
}

/* The kind's name, for logs. */
const char *
demux_name(enum demux_kind k)
{
	switch (k) {
	case DEMUX_STUN:
		return ("STUN");
	case DEMUX_DTLS:
		return ("DTLS");
	case DEMUX_RTP:
		return ("RTP");
	case DEMUX_RTCP:
		return ("RTCP");
	case DEMUX_DROP:
		break;
	}
	return ("drop");
}
