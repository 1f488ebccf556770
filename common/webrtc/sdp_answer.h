/* SPDX-License-Identifier: ISC */
/*
 * sdp_answer.h: the answer of an ICE-lite, send-only H.264 camera to a
 * WebRTC offer (JSEP RFC 8829 section 5.3): the chosen video section with
 * our ICE credentials, DTLS fingerprint and role, SSRC and complete host
 * candidates, every other section rejected.  No I/O.
 */
#ifndef CAMPIPE_SDP_ANSWER_H
#define CAMPIPE_SDP_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "sdp_offer.h"

#define SDP_ANSWER_CANDS	8	/* host candidates at most */

/* One host candidate: an IPv4 or IPv6 address in text, a UDP port. */
struct sdp_answer_cand {
	const char	*addr;
	uint16_t	 port;
};

/* What the answer says beside what the offer and the choice give. */
struct sdp_answer {
	uint64_t	 session_id;	/* o=: below 2^63 (RFC 8829 5.2.1) */
	uint64_t	 version;
	const char	*ice_ufrag;	/* 4 to 256 ice-chars */
	const char	*ice_pwd;	/* 22 to 256 ice-chars */
	const uint8_t	*fingerprint;	/* SHA-256 of our certificate */
	uint32_t	 ssrc;
	const char	*cname;		/* token-chars, up to 64 */
	const char	*msid_stream;	/* token-chars, up to 64 */
	const char	*msid_track;
	const struct sdp_answer_cand *cands;
	size_t		 ncands;	/* 1 to SDP_ANSWER_CANDS */
};

/* Our DTLS role for the offer's a=setup: actpass, active: passive. */
enum sdp_offer_setup sdp_answer_setup(enum sdp_offer_setup offered);

/* A host candidate's priority (RFC 8445 5.1.2.1), the i-th of ours. */
uint32_t	sdp_answer_priority(size_t i);

/*
 * Writes the answer to offer o for choice c (sdp_offer_choose), CRLF line
 * ends, into buf (NUL-terminated).  Its length, or -1 with cause (an
 * input out of its bounds, or buf too small).
 */
int	sdp_answer_write(const struct sdp_answer *a, const struct sdp_offer *o,
	    const struct sdp_offer_choice *c, char *buf, size_t len,
	    const char **cause);

#endif
