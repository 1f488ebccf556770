/* SPDX-License-Identifier: ISC */
/*
 * sdp_answer.c: a send-only H.264 answer to a WebRTC offer, written into
 * a caller's buffer with sdp_write.c.  The rules are in docs/webrtc.md,
 * "SDP offer and answer".  No I/O.
 */
#include <string.h>

#include "sdp_answer.h"
#include "sdp_write.h"

/* Our DTLS role. */
enum sdp_offer_setup
sdp_answer_setup(enum sdp_offer_setup offered)
{
	if (offered == SDP_SETUP_PASSIVE)
		return (SDP_SETUP_ACTIVE);
	if (offered == SDP_SETUP_HOLDCONN)
		return (SDP_SETUP_HOLDCONN);
	return (SDP_SETUP_PASSIVE);	/* actpass, active, none */
}

/* The priority of our i-th host candidate, one component. */
uint32_t
sdp_answer_priority(size_t i)
{
	return (sdp_write_priority(i));
}

/* Checks the inputs; NULL, or why they cannot make an answer. */
static const char *
sdp_answer_check(const struct sdp_answer *a, const struct sdp_offer *o,
    const struct sdp_offer_choice *c)
{
	const struct sdp_offer_media	*m;

	if (c->media >= o->nmedia)
		return ("sdp answer: the choice is not of this offer");
	m = &o->media[c->media];
	if (m->kind != SDP_KIND_VIDEO || !m->pt[c->pt & 0x7f].listed ||
	    c->pt > 127)
		return ("sdp answer: the choice is not of this offer");
	if (sdp_answer_setup(m->setup) == SDP_SETUP_HOLDCONN)
		return ("sdp answer: the offer's a=setup is holdconn");
	return (sdp_write_check(a, 0));
}

/* Writes a rejected section: port 0, its media, proto, format and mid. */
static void
sdp_answer_reject(struct sdp_write *w, const struct sdp_offer_media *m)
{
	sdp_write_put(w, "m=%s 0 %s %s\r\nc=IN IP4 0.0.0.0\r\n", m->media,
	    m->proto, m->fmt0);
	if (m->mid[0] != '\0')
		sdp_write_put(w, "a=mid:%s\r\n", m->mid);
	sdp_write_put(w, "a=inactive\r\n");
}

/* Writes the accepted video section. */
static void
sdp_answer_video(struct sdp_write *w, const struct sdp_answer *a,
    const struct sdp_offer_media *m, const struct sdp_offer_choice *c)
{
	static const char *const setup[] = {
		[SDP_SETUP_ACTIVE] = "active", [SDP_SETUP_PASSIVE] = "passive"
	};
	struct sdp_write_video	 v = {
		.proto = m->proto,
		.pt = c->pt,
		.setup = setup[sdp_answer_setup(m->setup)],
		.mid = m->mid,
		.ext_abs_capture = m->ext[SDP_EXT_ABS_CAPTURE_TIME],
		.rtcp_rsize = m->rtcp_rsize,
		.fb = c->fb,
		.level_asym = c->level_asym,
		.plid = c->plid,
	};

	sdp_write_video(w, a, &v);
}

/* Writes the answer. */
int
sdp_answer_write(const struct sdp_answer *a, const struct sdp_offer *o,
    const struct sdp_offer_choice *c, char *buf, size_t len,
    const char **cause)
{
	struct sdp_write		 w;
	const struct sdp_offer_media	*m;
	size_t				 i;

	sdp_write_init(&w, buf, len);
	if ((*cause = sdp_answer_check(a, o, c)) != NULL)
		return (-1);
	m = &o->media[c->media];
	sdp_write_session(&w, a, m->bundled ? m->mid : NULL);
	for (i = 0; i < o->nmedia; i++) {
		if (i == c->media)
			sdp_answer_video(&w, a, m, c);
		else
			sdp_answer_reject(&w, &o->media[i]);
	}
	return (sdp_write_end(&w, "sdp answer: the buffer is too small",
	    cause));
}
