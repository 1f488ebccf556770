/* SPDX-License-Identifier: ISC */
/*
 * sdp_test.h: the fixed answer inputs of the WebRTC SDP tests, the
 * answer tool (tests/tools/sdp_answer.c) and docs/webrtc.md's example,
 * and a helper that answers an offer with them.
 */
#ifndef CAMPIPE_SDP_TEST_H
#define CAMPIPE_SDP_TEST_H

#include <stdint.h>
#include <stdlib.h>

#include "sdp_answer.h"
#include "sdp_offer.h"

/* Our stream: constrained baseline, level 3.1, as libx264 writes it. */
static const uint8_t sdp_test_ours[3] = { 0x42, 0xc0, 0x1f };

static const uint8_t sdp_test_fp[SDP_OFFER_FPLEN] = {
	0x6c, 0x1f, 0x3a, 0x90, 0x5e, 0x27, 0xb4, 0x08, 0xd1, 0x4c, 0x63,
	0xf2, 0x9a, 0x15, 0x7e, 0xc8, 0x02, 0xbb, 0x46, 0xe9, 0x70, 0x3d,
	0xa5, 0x18, 0xcf, 0x84, 0x5b, 0x21, 0xf6, 0x0e, 0x97, 0xd3
};

static const struct sdp_answer_cand sdp_test_cands[] = {
	{ "192.0.2.10", 8555 },
	{ "2001:db8::10", 8555 },
};

/* The answer's inputs. */
static inline struct sdp_answer
sdp_test_answer(void)
{
	struct sdp_answer	 a = {
		.session_id = 4611686018427387905ULL,
		.version = 2,
		.ice_ufrag = "cAmP",
		.ice_pwd = "x7Gm2Qp9Vt4Lw8Rk3Nz6Bs",
		.fingerprint = sdp_test_fp,
		.ssrc = 0x3F7C7B30u,
		.cname = "campipe",
		.msid_stream = "campipe",
		.msid_track = "video",
		.cands = sdp_test_cands,
		.ncands = 2,
	};

	return (a);
}

/*
 * Parses offer, chooses and answers into buf.  The answer's length, or -1
 * with cause.  The offer is malloc'd (it is large) and freed here.
 */
static inline int
sdp_test_run(const char *offer, size_t len, char *buf, size_t size,
    const char **cause)
{
	struct sdp_offer	*o;
	struct sdp_offer_choice	 c;
	struct sdp_answer	 a = sdp_test_answer();
	int			 n = -1;

	if ((o = malloc(sizeof(*o))) == NULL) {
		*cause = "out of memory";
		return (-1);
	}
	if (sdp_offer_parse(o, offer, len, cause) == 0 &&
	    sdp_offer_choose(o, sdp_test_ours, &c, cause) == 0)
		n = sdp_answer_write(&a, o, &c, buf, size, cause);
	free(o);
	return (n);
}

#endif
