/* SPDX-License-Identifier: ISC */
/* rtp_ext.c: the abs-capture-time header extension, no I/O. */
#include <string.h>

#include "rtp_ext.h"
#include "rtp_h264.h"

#define RTP_EXT_NTP_UNIX	2208988800ULL	/* 1900 to 1970, seconds */

/* Unix time as NTP 32.32. */
uint64_t
rtp_ext_ntp(uint64_t unix_us)
{
	return ((unix_us / 1000000 + RTP_EXT_NTP_UNIX) << 32 |
	    ((unix_us % 1000000) << 32) / 1000000);
}

/* The packet with abs-capture-time after its fixed header. */
size_t
rtp_ext_capture(unsigned char *out, const unsigned char *pkt, size_t len,
    unsigned id, uint64_t capture_us)
{
	uint64_t	 ntp = rtp_ext_ntp(capture_us);
	int		 i;

	if (len < RTP_HDR_LEN || (pkt[0] & 0x1f) != 0 || id < 1 || id > 14)
		return (0);
	memcpy(out, pkt, RTP_HDR_LEN);
	out[0] |= 0x10;				/* X */
	out[12] = 0xbe;				/* the one-byte form */
	out[13] = 0xde;
	out[14] = 0;
	out[15] = 3;				/* 32-bit words after */
	out[16] = (unsigned char)(id << 4 | (8 - 1));
	for (i = 0; i < 8; i++)
		out[17 + i] = (unsigned char)(ntp >> (56 - 8 * i));
	memset(out + 25, 0, 3);			/* padding */
	memmove(out + RTP_HDR_LEN + RTP_EXT_CAPTURE_LEN, pkt + RTP_HDR_LEN,
	    len - RTP_HDR_LEN);
	return (len + RTP_EXT_CAPTURE_LEN);
}
