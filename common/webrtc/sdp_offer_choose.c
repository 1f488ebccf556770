/* SPDX-License-Identifier: ISC */
/*
 * sdp_offer_choose.c: which section of an offer and which of its H.264
 * payload types carry our stream.  The rule is in docs/webrtc.md, "SDP
 * offer and answer".  No I/O.
 */
#include <string.h>
#include <strings.h>

#include "sdp_offer.h"

/* The profile of profile_idc and the constraint flags (RFC 6184 8.1). */
enum sdp_offer_profile
sdp_offer_profile(const uint8_t plid[3])
{
	uint8_t	 c = plid[1];

	switch (plid[0]) {
	case 0x42:		/* baseline: set1 makes it constrained */
		if ((c & 0x0f) != 0)
			return (SDP_H264_UNKNOWN);
		return ((c & 0x40) ? SDP_H264_CB : SDP_H264_BASELINE);
	case 0x4d:		/* main: set0 makes it constrained */
		if ((c & 0x0f) != 0)
			return (SDP_H264_UNKNOWN);
		if (c & 0x80)
			return (SDP_H264_CB);
		return ((c & 0x20) ? SDP_H264_UNKNOWN : SDP_H264_MAIN);
	case 0x58:		/* extended: set0 and set1 constrain it */
		if ((c & 0x0f) != 0 || (c & 0x80) == 0)
			return (SDP_H264_UNKNOWN);
		return ((c & 0x40) ? SDP_H264_CB : SDP_H264_BASELINE);
	case 0x64:		/* high: set4 and set5 constrain it */
		if (c == 0x00)
			return (SDP_H264_HIGH);
		return (c == 0x0c ? SDP_H264_CHP : SDP_H264_UNKNOWN);
	case 0xf4:
		return (c == 0x00 ? SDP_H264_HIGH444 : SDP_H264_UNKNOWN);
	}
	return (SDP_H264_UNKNOWN);
}

/*
 * Says whether a stream of profile ours is decodable by a receiver of
 * profile offered: a profile's streams fit the profiles that contain it.
 */
static int
sdp_offer_fits(enum sdp_offer_profile ours, enum sdp_offer_profile offered)
{
	switch (ours) {
	case SDP_H264_CB:
		return (offered != SDP_H264_UNKNOWN &&
		    offered != SDP_H264_HIGH444);
	case SDP_H264_BASELINE:
		return (offered == SDP_H264_BASELINE);
	case SDP_H264_MAIN:
		return (offered == SDP_H264_MAIN || offered == SDP_H264_HIGH);
	case SDP_H264_CHP:
		return (offered == SDP_H264_CHP || offered == SDP_H264_HIGH);
	case SDP_H264_HIGH:
		return (offered == SDP_H264_HIGH);
	default:
		return (0);
	}
}

/*
 * Ranks payload type p of a section for our stream: -1 when it cannot
 * carry it, else 2 for the same profile plus 1 for a level that fits.
 * *h264 is set when p is H.264 with packetization-mode=1.
 */
static int
sdp_offer_rank(const struct sdp_offer_pt *p, const uint8_t ours[3],
    int *h264)
{
	static const uint8_t	 dflt[3] = { 0x42, 0x00, 0x0a };
	const uint8_t		*plid = p->has_plid ? p->plid : dflt;
	enum sdp_offer_profile	 o, prof;
	int			 rank = 0;

	if (!p->rtpmap || p->bad || strcasecmp(p->enc, "H264") != 0 ||
	    p->clock != 90000 || p->pmode != 1)
		return (-1);
	*h264 = 1;
	o = sdp_offer_profile(ours);
	prof = sdp_offer_profile(plid);
	if (!sdp_offer_fits(o, prof))
		return (-1);
	if (o == prof)
		rank += 2;
	if (p->level_asym || ours[2] <= plid[2])
		rank += 1;
	return (rank);
}

/* Why no payload type of any section fits a stream of profile ours. */
static const char *
sdp_offer_noprofile(const uint8_t ours[3])
{
	switch (sdp_offer_profile(ours)) {
	case SDP_H264_CB:
		return ("the offer has no H.264 profile for our constrained "
		    "baseline stream");
	case SDP_H264_BASELINE:
		return ("the offer has no H.264 profile for our baseline "
		    "stream");
	case SDP_H264_MAIN:
		return ("the offer has no H.264 profile for our main stream");
	case SDP_H264_CHP:
	case SDP_H264_HIGH:
		return ("the offer has no H.264 profile for our high stream");
	default:
		return ("our stream's H.264 profile is unknown");
	}
}

/*
 * Tries section i: 1 with c filled, 0 with *cause set to why not (kept
 * when a later check would say less).
 */
static int
sdp_offer_try(const struct sdp_offer *o, size_t i, const uint8_t ours[3],
    struct sdp_offer_choice *c, const char **cause, int *level)
{
	const struct sdp_offer_media	*m = &o->media[i];
	const struct sdp_offer_pt	*p;
	size_t				 k;
	int				 best = -1, rank, h264 = 0;

#define SDP_OFFER_NOT(n, why) do { if (*level < (n)) {			\
	*level = (n); *cause = (why); } return (0); } while (0)
	if (m->kind != SDP_KIND_VIDEO || m->port == 0)
		return (0);
	if (strcmp(m->proto, "UDP/TLS/RTP/SAVPF") != 0)
		SDP_OFFER_NOT(1, "the offer's video is not UDP/TLS/RTP/SAVPF");
	if (m->dir != SDP_DIR_RECVONLY && m->dir != SDP_DIR_SENDRECV)
		SDP_OFFER_NOT(2, "the offer's video is not recvonly or "
		    "sendrecv");
	if (!m->rtcp_mux)
		SDP_OFFER_NOT(3, "the offer's video has no a=rtcp-mux");
	if (m->setup == SDP_SETUP_HOLDCONN)
		SDP_OFFER_NOT(4, "the offer's a=setup is holdconn");
	for (k = 0; k < m->npt; k++) {
		p = &m->pt[m->order[k]];
		if ((rank = sdp_offer_rank(p, ours, &h264)) > best) {
			best = rank;
			c->pt = m->order[k];
		}
	}
	if (!h264)
		SDP_OFFER_NOT(5, "the offer has no H.264 with "
		    "packetization-mode=1");
	if (best < 0)
		SDP_OFFER_NOT(6, sdp_offer_noprofile(ours));
#undef SDP_OFFER_NOT
	p = &m->pt[c->pt];
	c->media = i;
	c->fb = p->fb | m->fb_all;
	c->level_asym = p->level_asym;
	c->exact = best >= 2;
	if (c->exact)
		memcpy(c->plid, ours, 2);
	else
		memcpy(c->plid, p->has_plid ? p->plid : (uint8_t[]){ 0x42,
		    0x00 }, 2);
	c->plid[2] = ours[2];
	if (!p->level_asym && p->has_plid && p->plid[2] < ours[2])
		c->plid[2] = p->plid[2];
	c->rtx = -1;
	for (k = 0; k < m->npt; k++)
		if (m->pt[m->order[k]].rtpmap &&
		    strcasecmp(m->pt[m->order[k]].enc, "rtx") == 0 &&
		    m->pt[m->order[k]].apt == c->pt) {
			c->rtx = m->order[k];
			break;
		}
	return (1);
}

/* Chooses the first video section that takes our stream. */
int
sdp_offer_choose(const struct sdp_offer *o, const uint8_t ours[3],
    struct sdp_offer_choice *c, const char **cause)
{
	size_t	 i;
	int	 level = 0;

	memset(c, 0, sizeof(*c));
	*cause = "the offer has no video m= section";
	if (sdp_offer_profile(ours) == SDP_H264_UNKNOWN ||
	    sdp_offer_profile(ours) == SDP_H264_HIGH444) {
		*cause = "our stream's H.264 profile is unknown";
		return (-1);
	}
	for (i = 0; i < o->nmedia; i++)
		if (sdp_offer_try(o, i, ours, c, cause, &level))
			return (0);
	return (-1);
}
