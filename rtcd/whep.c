/* SPDX-License-Identifier: ISC */
/*
 * whep.c: WHEP offers, PATCH and DELETE of a session, the status; the
 * JSON signalling route is signal.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/util.h>

#include "camname.h"
#include "handoff_rec.h"
#include "log.h"
#include "media.h"
#include "peer.h"
#include "whep_reply.h"
#include "sdp_offer.h"
#include "signal.h"
#include "state.h"
#include "status.h"
#include "whep.h"
#include "whep_request.h"
#include "whep_wait.h"

/* Refuses a request. */
void
whep_refuse(struct state *st, int fd, int status, const char *what,
    const char *msg)
{
	static struct log_rate	 lr = LOG_RATE_INIT("WHEP refusals");

	st->stats.refused++;
	log_rate_info(&lr, "%s: %d %s", what, status, msg);
	whep_reply_text(st, fd, status, msg);
}

/* Refuses a method: 405 with what is allowed ("GET", ...). */
static void
whep_not_allowed(struct state *st, int fd, const char *allow)
{
	char	 hdr[64];

	st->stats.refused++;
	snprintf(hdr, sizeof(hdr), "Allow: %s\r\n", allow);
	whep_reply_send(st, fd, 405, hdr, "text/plain; charset=utf-8",
	    "method not allowed\n", 19);
}

/* The camera a request names. */
struct media_cam *
whep_camera(struct state *st, const char *name)
{
	const struct camname_list	*cams = &st->conf->cams;
	int				 i;

	i = name[0] == '\0' ? cams->deflt : camname_find(cams, name);
	return (i < 0 ? NULL : st->cams[i]);
}

/* Whether a new session would be beyond the limits. */
int
whep_full(struct state *st, const struct handoff_rec *rec)
{
	return (st->npeers + st->nwaits >= st->conf->max_sessions ||
	    peer_count_addr(st, &rec->sa) >= st->conf->max_per_addr);
}

/* Answers a parsed offer with a session. */
struct peer *
whep_answer_make(struct state *st, struct media_cam *mc, struct sdp_offer *o,
    const struct handoff_rec *rec, char *answer, int *n, int *status,
    char *cause, size_t causelen)
{
	struct sdp_offer_choice	 c;
	struct peer		*p;
	uint8_t			 plid[3];
	const char		*why;

	media_profile(mc, plid);
	*status = 503;
	if (sdp_offer_choose(o, plid, &c, &why) == -1) {
		*status = 406;
		snprintf(cause, causelen, "%s", why);
		p = NULL;
	} else if (whep_full(st, rec)) {
		snprintf(cause, causelen, "too many sessions");
		p = NULL;
	} else
		p = peer_new(st, mc, o, &c, rec, answer, n, cause, causelen);
	free(o);
	return (p);
}

/* Answers a parsed offer for camera mc with a session (o is freed). */
static void
whep_answer(struct state *st, int fd, struct media_cam *mc,
    struct sdp_offer *o, const struct handoff_rec *rec)
{
	static char		 answer[PEER_ANSWER_MAX];
	struct peer		*p;
	char			 cause[512], hdrs[512];
	int			 n, status;

	if ((p = whep_answer_make(st, mc, o, rec, answer, &n, &status, cause,
	    sizeof(cause))) == NULL) {
		whep_refuse(st, fd, status, "WHEP offer", cause);
		return;
	}
	st->stats.answered++;
	snprintf(hdrs, sizeof(hdrs), "Location: /whep/%s\r\n"
	    "ETag: \"%s\"\r\n", p->id, p->ice.local_ufrag);
	whep_reply_send(st, fd, 201, hdrs, "application/sdp", answer,
	    (size_t)n);
}

/*
 * POST /whep, /cam/NAME/whep: an offer, answered now, or once the
 * camera's SPS is known (whep_wait.h).
 */
static void
whep_offer(struct state *st, int fd, const struct whep_request *r,
    const struct handoff_rec *rec)
{
	struct sdp_offer	*o;
	struct media_cam	*mc;
	uint8_t			 plid[3];
	char			 cause[512];
	const char		*why;

	st->stats.offers++;
	if ((mc = whep_camera(st, r->camera)) == NULL) {
		snprintf(cause, sizeof(cause), "no camera %s", r->camera);
		whep_refuse(st, fd, 404, "WHEP offer", cause);
		return;
	}
	if (strcmp(r->ctype, "application/sdp") != 0) {
		whep_refuse(st, fd, 415, "WHEP offer",
		    "the offer must be application/sdp");
		return;
	}
	if (whep_full(st, rec)) {
		whep_refuse(st, fd, 503, "WHEP offer", "too many sessions");
		return;
	}
	if ((o = malloc(sizeof(*o))) == NULL) {
		whep_refuse(st, fd, 503, "WHEP offer", "out of memory");
		return;
	}
	if (sdp_offer_parse(o, (const char *)rec->body, rec->bodylen,
	    &why) == -1) {
		whep_refuse(st, fd, 400, "WHEP offer", why);
		free(o);
		return;
	}
	if (media_profile(mc, plid) == 0 &&
	    whep_wait_start(st, fd, mc, o, rec, whep_answer) == 0)
		return;
	whep_answer(st, fd, mc, o, rec);
}

/* PATCH, DELETE or OPTIONS of /whep/ID. */
static void
whep_session(struct state *st, int fd, const struct whep_request *r,
    const struct handoff_rec *rec)
{
	struct peer	*p;

	if (strcmp(r->method, "OPTIONS") == 0) {
		whep_reply_send(st, fd, 204, "Allow: PATCH, DELETE, OPTIONS\r\n",
		    NULL, NULL, 0);
		return;
	}
	if (strcmp(r->method, "PATCH") != 0 &&
	    strcmp(r->method, "DELETE") != 0) {
		whep_not_allowed(st, fd, "PATCH, DELETE, OPTIONS");
		return;
	}
	/* Another user's session is not told apart from none. */
	if ((p = peer_by_id(st, r->id)) == NULL ||
	    strcmp(p->user, rec->user) != 0) {
		whep_refuse(st, fd, 404, r->method, "no such session");
		return;
	}
	if (strcmp(r->method, "DELETE") == 0) {
		peer_end(p, "DELETE");
		whep_reply_send(st, fd, 200, NULL, NULL, NULL, 0);
		return;
	}
	/* ICE-lite learns the viewer's candidates from its checks. */
	if (strcmp(r->ctype, "application/trickle-ice-sdpfrag") != 0) {
		whep_refuse(st, fd, 415, "PATCH",
		    "a PATCH must be application/trickle-ice-sdpfrag");
		return;
	}
	whep_reply_send(st, fd, 204, NULL, NULL, NULL, 0);
}

/* GET /api/webrtc. */
static void
whep_status(struct state *st, int fd, const struct whep_request *r)
{
	char	*json;

	if (strcmp(r->method, "GET") != 0) {
		whep_not_allowed(st, fd, "GET");
		return;
	}
	if ((json = status_json(st)) == NULL) {
		whep_reply_text(st, fd, 503, "out of memory");
		return;
	}
	whep_reply_send(st, fd, 200, NULL, "application/json", json, strlen(json));
	free(json);
}

/* A connection handed over. */
void
whep_take(int fd, const struct handoff_rec *rec, void *arg)
{
	struct state		*st = arg;
	struct whep_request	 r;
	char			 cause[256];
	int			 status;

	st->stats.requests++;
	evutil_make_socket_nonblocking(fd);
	if (whep_request_parse(&r, rec->head, rec->headlen, &status, cause,
	    sizeof(cause)) == -1) {
		whep_refuse(st, fd, status, "request", cause);
		return;
	}
	if (r.length != rec->bodylen) {
		whep_refuse(st, fd, 400, r.method,
		    "the body is not Content-Length bytes");
		return;
	}
	switch (r.route) {
	case WHEP_ROUTE_OFFER:
		if (strcmp(r.method, "OPTIONS") == 0)
			whep_reply_send(st, fd, 204, "Allow: POST, OPTIONS\r\n",
			    NULL, NULL, 0);
		else if (strcmp(r.method, "POST") != 0)
			whep_not_allowed(st, fd, "POST, OPTIONS");
		else
			whep_offer(st, fd, &r, rec);
		break;
	case WHEP_ROUTE_SESSION:
		whep_session(st, fd, &r, rec);
		break;
	case WHEP_ROUTE_STATUS:
		whep_status(st, fd, &r);
		break;
	case WHEP_ROUTE_SIGNAL:
		if (strcmp(r.method, "POST") != 0)
			whep_not_allowed(st, fd, "POST");
		else
			signal_take(st, fd, &r, rec);
		break;
	default:
		whep_refuse(st, fd, 404, r.method, "not found");
		break;
	}
}
