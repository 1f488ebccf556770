/* SPDX-License-Identifier: ISC */
/*
 * signal.c: camera-streamer's JSON signalling, answered on the socket;
 * a request or an offer for a camera with no SPS yet waits for it as a
 * WHEP offer does (whep_wait.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_answer.h"
#include "cs_signal.h"
#include "handoff_rec.h"
#include "media.h"
#include "peer.h"
#include "signal.h"
#include "state.h"
#include "whep.h"
#include "whep_reply.h"
#include "whep_request.h"
#include "whep_wait.h"

#define SIGNAL_JSON	"application/json"

/* The session an answer or remote_candidate names, or NULL (refused). */
static struct peer *
signal_session(struct state *st, int fd, struct media_cam *mc,
    const struct cs_signal_msg *m, const struct handoff_rec *rec)
{
	struct peer	*p;

	/* Another camera's or user's session is no session of this one. */
	if ((p = peer_by_id(st, m->id)) == NULL || p->mc != mc ||
	    strcmp(p->user, rec->user) != 0) {
		whep_refuse(st, fd, 404, cs_signal_type_name(m->type),
		    "no such session");
		return (NULL);
	}
	return (p);
}

/*
 * Replies 200 with the session's SDP as JSON: our offer with the
 * session's id, or our answer; the session ends if it cannot be written.
 */
static void
signal_reply_sdp(struct state *st, int fd, struct peer *p, const char *sdp,
    int offer)
{
	static char	 json[2 * PEER_ANSWER_MAX];
	const char	*why;
	int		 n;

	if (offer)
		n = cs_signal_offer(p->id, sdp, json, sizeof(json), &why);
	else
		n = cs_signal_answer(sdp, json, sizeof(json), &why);
	if (n == -1) {
		peer_end(p, why);
		whep_refuse(st, fd, 503, offer ? "request" : "offer", why);
		return;
	}
	whep_reply_send(st, fd, 200, NULL, SIGNAL_JSON, json, (size_t)n);
}

/* "request", the camera's profile known: a session and its offer. */
static void
signal_request_now(struct state *st, int fd, struct media_cam *mc,
    struct sdp_offer *unused, const struct handoff_rec *rec)
{
	static char	 offer[PEER_ANSWER_MAX];
	struct peer	*p;
	char		 cause[256];
	int		 n;

	if (whep_full(st, rec)) {
		whep_refuse(st, fd, 503, "request", "too many sessions");
		return;
	}
	if ((p = peer_offer_new(st, mc, rec, offer, &n, cause,
	    sizeof(cause))) == NULL) {
		whep_refuse(st, fd, 503, "request", cause);
		return;
	}
	signal_reply_sdp(st, fd, p, offer, 1);
}

/* "request": offered now, or once the camera's SPS is known. */
static void
signal_request(struct state *st, int fd, struct media_cam *mc,
    const struct handoff_rec *rec)
{
	uint8_t	 plid[3];

	st->stats.offers++;
	if (whep_full(st, rec)) {
		whep_refuse(st, fd, 503, "request", "too many sessions");
		return;
	}
	if (media_profile(mc, plid) == 0 && whep_wait_start(st, fd, mc, NULL,
	    rec, signal_request_now) == 0)
		return;
	signal_request_now(st, fd, mc, NULL, rec);
}

/* "answer": the viewer's answer to our offer. */
static void
signal_answer(struct state *st, int fd, struct media_cam *mc,
    const struct cs_signal_msg *m, const struct handoff_rec *rec)
{
	struct sdp_offer	*o;
	struct cs_answer	 r;
	struct peer		*p;
	const char		*why;
	char			 cause[256];

	if ((p = signal_session(st, fd, mc, m, rec)) == NULL)
		return;
	if (p->phase != PEER_OFFERED) {
		whep_refuse(st, fd, 400, "answer",
		    "the session has its answer already");
		return;
	}
	if ((o = malloc(sizeof(*o))) == NULL) {
		whep_refuse(st, fd, 503, "answer", "out of memory");
		return;
	}
	if (cs_answer_read(o, m->sdp, m->sdplen, &r, &why) == -1) {
		free(o);
		snprintf(cause, sizeof(cause), "%s", why);
		peer_end(p, cause);
		whep_refuse(st, fd, 400, "answer", cause);
		return;
	}
	free(o);
	if (peer_answered(p, &r, cause, sizeof(cause)) == -1) {
		peer_end(p, cause);
		whep_refuse(st, fd, 503, "answer", cause);
		return;
	}
	explicit_bzero(&r, sizeof(r));
	st->stats.answered++;
	whep_reply_send(st, fd, 200, NULL, SIGNAL_JSON, CS_SIGNAL_DONE,
	    sizeof(CS_SIGNAL_DONE) - 1);
}

/* "offer", the camera's profile known: answered as WHEP's, in JSON. */
static void
signal_offer_now(struct state *st, int fd, struct media_cam *mc,
    struct sdp_offer *o, const struct handoff_rec *rec)
{
	static char	 answer[PEER_ANSWER_MAX];
	struct peer	*p;
	char		 cause[512];
	int		 n, status;

	if ((p = whep_answer_make(st, mc, o, rec, answer, &n, &status, cause,
	    sizeof(cause))) == NULL) {
		whep_refuse(st, fd, status, "offer", cause);
		return;
	}
	st->stats.answered++;
	signal_reply_sdp(st, fd, p, answer, 0);
}

/* "offer": the viewer offers; answered now or once the SPS is known. */
static void
signal_offer(struct state *st, int fd, struct media_cam *mc,
    const struct cs_signal_msg *m, const struct handoff_rec *rec)
{
	struct sdp_offer	*o;
	uint8_t			 plid[3];
	const char		*why;

	st->stats.offers++;
	if (whep_full(st, rec)) {
		whep_refuse(st, fd, 503, "offer", "too many sessions");
		return;
	}
	if ((o = malloc(sizeof(*o))) == NULL) {
		whep_refuse(st, fd, 503, "offer", "out of memory");
		return;
	}
	if (sdp_offer_parse(o, m->sdp, m->sdplen, &why) == -1) {
		whep_refuse(st, fd, 400, "offer", why);
		free(o);
		return;
	}
	if (media_profile(mc, plid) == 0 && whep_wait_start(st, fd, mc, o,
	    rec, signal_offer_now) == 0)
		return;
	signal_offer_now(st, fd, mc, o, rec);
}

/* A signalling message. */
void
signal_take(struct state *st, int fd, const struct whep_request *r,
    const struct handoff_rec *rec)
{
	static struct cs_signal_msg	 m;
	struct media_cam		*mc;
	const char			*why;
	char				 cause[128];

	if ((mc = whep_camera(st, r->camera)) == NULL) {
		snprintf(cause, sizeof(cause), "no camera %s", r->camera);
		whep_refuse(st, fd, 404, "signalling", cause);
		return;
	}
	if (cs_signal_parse(&m, (const char *)rec->body, rec->bodylen,
	    &why) == -1) {
		whep_refuse(st, fd, 400, "signalling", why);
		return;
	}
	switch (m.type) {
	case CS_SIGNAL_REQUEST:
		signal_request(st, fd, mc, rec);
		break;
	case CS_SIGNAL_ANSWER:
		signal_answer(st, fd, mc, &m, rec);
		break;
	case CS_SIGNAL_REMOTE_CANDIDATE:
		/* ICE-lite: the viewer's checks tell us its addresses. */
		if (signal_session(st, fd, mc, &m, rec) != NULL)
			whep_reply_send(st, fd, 200, NULL, SIGNAL_JSON,
			    CS_SIGNAL_DONE, sizeof(CS_SIGNAL_DONE) - 1);
		break;
	case CS_SIGNAL_OFFER:
		signal_offer(st, fd, mc, &m, rec);
		break;
	}
}
