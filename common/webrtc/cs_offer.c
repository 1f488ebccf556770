/* SPDX-License-Identifier: ISC */
/*
 * cs_offer.c: the camera's offer in camera-streamer's signalling, written
 * with sdp_write.c.  The rules are in docs/webrtc.md, "camera-streamer's
 * signalling".  No I/O.
 */
#include "cs_offer.h"
#include "sdp_write.h"

/* Writes the offer. */
int
cs_offer_write(const struct sdp_answer *a, const uint8_t plid[3], char *buf,
    size_t len, const char **cause)
{
	struct sdp_write	 w;
	struct sdp_write_video	 v = {
		.proto = "UDP/TLS/RTP/SAVPF",
		.pt = CS_OFFER_PT,
		.setup = "actpass",
		.mid = CS_OFFER_MID,
		.ext_abs_capture = 0,
		.rtcp_rsize = 1,
		.fb = CS_OFFER_FB,
		.level_asym = 1,
		.plid = plid,
	};

	sdp_write_init(&w, buf, len);
	if (plid == NULL) {
		*cause = "cs offer: no profile-level-id";
		return (-1);
	}
	if ((*cause = sdp_write_check(a, 1)) != NULL)
		return (-1);
	sdp_write_session(&w, a, CS_OFFER_MID);
	sdp_write_video(&w, a, &v);
	return (sdp_write_end(&w, "cs offer: the buffer is too small", cause));
}
