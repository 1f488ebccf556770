/* SPDX-License-Identifier: ISC */
/*
 * cs_answer.c: a browser's answer to the camera's offer, checked.  The
 * rules are in docs/webrtc.md, "camera-streamer's signalling".  No I/O.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cs_answer.h"
#include "cs_offer.h"

/* Checks the answer's payload types: our one, H.264, mode 1.  NULL or why. */
static const char *
cs_answer_pt(const struct sdp_offer_media *m)
{
	const struct sdp_offer_pt	*p = &m->pt[CS_OFFER_PT];

	if (!m->rtp || m->npt != 1 || m->order[0] != CS_OFFER_PT)
		return ("the answer's video payload type is not our 96 alone");
	if (p->bad || (p->rtpmap && (strcasecmp(p->enc, "H264") != 0 ||
	    p->clock != 90000)))
		return ("the answer's payload type 96 is not H264/90000");
	if (p->pmode != 1)
		return ("the answer's H.264 is not packetization-mode=1");
	return (NULL);
}

/* Checks the answer. */
int
cs_answer_check(const struct sdp_offer *ans, struct cs_answer *r,
    const char **cause)
{
	const struct sdp_offer_media	*m = &ans->media[0];
	const struct sdp_offer_pt	*p = &m->pt[CS_OFFER_PT];

	memset(r, 0, sizeof(*r));
	*cause = NULL;
	if (ans->nmedia != 1)
		*cause = "the answer has not the one m= section of our offer";
	else if (m->kind != SDP_KIND_VIDEO)
		*cause = "the answer's m= section is not video";
	else if (m->port == 0)
		*cause = "the answer rejects the video";
	else if (strcmp(m->proto, "UDP/TLS/RTP/SAVPF") != 0)
		*cause = "the answer's video is not UDP/TLS/RTP/SAVPF";
	else if (m->mid[0] != '\0' && strcmp(m->mid, CS_OFFER_MID) != 0)
		*cause = "the answer's a=mid is not our 0";
	else if (m->dir != SDP_DIR_RECVONLY)
		*cause = "the answer's video is not recvonly";
	else if (!m->rtcp_mux)
		*cause = "the answer's video has no a=rtcp-mux";
	else if (m->setup != SDP_SETUP_ACTIVE && m->setup != SDP_SETUP_PASSIVE)
		*cause = "the answer's a=setup is not active or passive";
	else if (ans->ice_lite)
		*cause = "the answer is ICE-lite too: nobody would send checks";
	else
		*cause = cs_answer_pt(m);
	if (*cause != NULL)
		return (-1);
	/* sdp_offer_parse saw ufrag, pwd and a SHA-256 fingerprint. */
	memcpy(r->ice_ufrag, m->ice_ufrag, sizeof(r->ice_ufrag));
	memcpy(r->ice_pwd, m->ice_pwd, sizeof(r->ice_pwd));
	memcpy(r->fp, m->fp, sizeof(r->fp));
	r->role = m->setup == SDP_SETUP_ACTIVE ? SDP_SETUP_PASSIVE :
	    SDP_SETUP_ACTIVE;
	r->pt = CS_OFFER_PT;
	r->fb = (p->fb | m->fb_all) & CS_OFFER_FB;
	r->rtcp_rsize = m->rtcp_rsize;
	r->has_plid = p->has_plid;
	memcpy(r->plid, p->plid, sizeof(r->plid));
	return (0);
}

/* Reads and checks the answer. */
int
cs_answer_read(struct sdp_offer *ans, const char *buf, size_t len,
    struct cs_answer *r, const char **cause)
{
	memset(r, 0, sizeof(*r));
	if (sdp_offer_parse(ans, buf, len, cause) == -1) {
		if (strncmp(*cause, "the offer", 9) == 0) {
			snprintf(r->why, sizeof(r->why), "the answer%s",
			    *cause + 9);
			*cause = r->why;
		}
		return (-1);
	}
	return (cs_answer_check(ans, r, cause));
}
