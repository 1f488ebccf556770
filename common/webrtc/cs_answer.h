/* SPDX-License-Identifier: ISC */
/*
 * cs_answer.h: the browser's SDP answer to our offer (cs_offer.c) in
 * camera-streamer's signalling, read with sdp_offer_parse (an answer has
 * an offer's grammar) and checked against what we offered; what the
 * session then needs.  No I/O.
 */
#ifndef CAMPIPE_CS_ANSWER_H
#define CAMPIPE_CS_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "sdp_offer.h"

/* What an accepted answer gives the session. */
struct cs_answer {
	char		 ice_ufrag[SDP_OFFER_ICE];	/* REMOTEUFRAG */
	char		 ice_pwd[SDP_OFFER_ICE];
	uint8_t		 fp[SDP_OFFER_FPLEN];	/* the browser's SHA-256 */
	enum sdp_offer_setup role;	/* ours: PASSIVE (DTLS server), ACTIVE */
	uint8_t		 pt;		/* the payload type to send */
	uint8_t		 fb;		/* SDP_FB_* of ours the browser took */
	int		 rtcp_rsize;	/* reduced-size RTCP agreed */
	int		 has_plid;
	uint8_t		 plid[3];	/* the answer's profile-level-id */
	char		 why[96];	/* a cause worded for the answer */
};

/*
 * Checks the parsed answer ans against our offer (cs_offer_write) and
 * fills r.  0, or -1 with a one-line cause.
 */
int	cs_answer_check(const struct sdp_offer *ans, struct cs_answer *r,
	    const char **cause);

/*
 * Reads len bytes of answer into ans (scratch, large) with
 * sdp_offer_parse, then cs_answer_check.  0, or -1 with a one-line cause
 * (the parser's says "the answer" where it said "the offer", in r->why).
 */
int	cs_answer_read(struct sdp_offer *ans, const char *buf, size_t len,
	    struct cs_answer *r, const char **cause);

#endif
