/* SPDX-License-Identifier: ISC */
/*
 * rtp_ext.h: RTP header extensions a sender adds to a packet of its own
 * (RFC 8285): abs-capture-time, the capture time of the frame the packet
 * belongs to, in the one-byte form.  No I/O.
 */
#ifndef CAMPIPE_RTP_EXT_H
#define CAMPIPE_RTP_EXT_H

#include <stddef.h>
#include <stdint.h>

#define RTP_EXT_CAPTURE_LEN	16	/* bytes the extension adds */

/*
 * Copies the RTP packet pkt (len bytes: a fixed header without CSRC or
 * extension, then the payload) into out with the abs-capture-time
 * extension under id (1 to 14): capture_us (Unix time, microseconds) as
 * NTP 32.32.  out has len + RTP_EXT_CAPTURE_LEN bytes.  The new length,
 * or 0 for a packet that has CSRCs or an extension, or a bad id.
 */
size_t	rtp_ext_capture(unsigned char *out, const unsigned char *pkt,
	    size_t len, unsigned id, uint64_t capture_us);
/* Unix time in microseconds as NTP 32.32 (RFC 5905). */
uint64_t rtp_ext_ntp(uint64_t unix_us);

#endif
