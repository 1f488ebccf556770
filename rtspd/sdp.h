/* SPDX-License-Identifier: ISC */
/*
 * sdp.h: the session description DESCRIBE answers (RFC 4566) for one
 * H.264 video track (RFC 6184): packetization-mode=1, profile-level-id
 * and sprop-parameter-sets from the stream's SPS and PPS, the track's
 * control URL and a live range.  No I/O.
 */
#ifndef CAMPIPE_SDP_H
#define CAMPIPE_SDP_H

#include <stddef.h>
#include <stdint.h>

struct sdp_h264 {
	const char	*name;		/* s=: the camera's name */
	const char	*addr;		/* o=: the server's address */
	int		 ipv6;		/* addr is IPv6 */
	uint64_t	 session_id;	/* o=: sess-id and sess-version */
	uint64_t	 version;
	uint8_t		 pt;		/* 96 to 127 */
	const char	*control;	/* the track's a=control, relative */
	const unsigned char *sps;	/* without start code, at least 4 */
	size_t		 spslen;
	const unsigned char *pps;
	size_t		 ppslen;
};

/*
 * Writes the description, CRLF line ends, into buf (NUL-terminated).
 * Its length, or -1 with cause (an SPS under 4 bytes, an empty PPS, a
 * name or address with a byte outside printable ASCII, or buf too small).
 */
int	sdp_write(const struct sdp_h264 *s, char *buf, size_t len,
	    char *cause, size_t causelen);

#endif
