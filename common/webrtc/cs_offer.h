/* SPDX-License-Identifier: ISC */
/*
 * cs_offer.h: the camera's own SDP offer, for camera-streamer's signalling
 * (cs_signal.c) where the server offers and the browser answers: one
 * send-only H.264 video section, ICE-lite, a=setup:actpass, BUNDLE and
 * rtcp-mux, complete host candidates.  No I/O.
 */
#ifndef CAMPIPE_CS_OFFER_H
#define CAMPIPE_CS_OFFER_H

#include <stddef.h>
#include <stdint.h>

#include "sdp_answer.h"

#define CS_OFFER_PT	96	/* our one H.264 payload type */
#define CS_OFFER_MID	"0"	/* the video section's a=mid */
#define CS_OFFER_FB	0x07	/* SDP_FB_NACK | SDP_FB_PLI | SDP_FB_FIR */

/*
 * Writes our offer for a stream whose SPS says plid (profile_idc,
 * constraint flags, level_idc), with our inputs a (struct sdp_answer: the
 * same credentials, fingerprint, SSRC, names and candidates an answer
 * has), CRLF line ends, into buf (NUL-terminated).  Its length, or -1 with
 * cause (an input out of its bounds, or buf too small).
 */
int	cs_offer_write(const struct sdp_answer *a, const uint8_t plid[3],
	    char *buf, size_t len, const char **cause);

#endif
