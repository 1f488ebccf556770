/* SPDX-License-Identifier: ISC */
/* status.c: GET /api/webrtc's document and systemd's status line. */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "h264_feed.h"
#include "media.h"
#include "mono.h"
#include "peer.h"
#include "state.h"
#include "status.h"

/* One camera's object. */
static json_t *
status_camera(const struct media_cam *mc)
{
	return (json_pack("{s:s, s:b, s:I, s:I, s:I, s:I}",
	    "name", mc->name,
	    "connected", h264_feed_connected(mc->rs->feed),
	    "sessions", (json_int_t)mc->nwant,
	    "playing", (json_int_t)mc->npeers,
	    "units", (json_int_t)mc->rs->units,
	    "idr_requests", (json_int_t)mc->idr_requests));
}

/* One session's object (not its id: that is its owner's to know). */
static json_t *
status_peer(const struct peer *p, uint64_t now)
{
	return (json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:I}",
	    "camera", p->mc->name,
	    "state", peer_phase_name(p->phase),
	    "age_ms", (json_int_t)(now - p->created_ms),
	    "packets", (json_int_t)p->packets,
	    "octets", (json_int_t)p->octets,
	    "nacks", (json_int_t)p->nacks,
	    "retransmitted", (json_int_t)p->retransmitted,
	    "missed", (json_int_t)p->missed,
	    "pli", (json_int_t)p->pli,
	    "fir", (json_int_t)p->firs,
	    "fraction_lost", (json_int_t)(p->has_rr ? p->rr.fraction : 0),
	    "lost", (json_int_t)(p->has_rr ? p->rr.lost : 0),
	    "jitter", (json_int_t)(p->has_rr ? p->rr.jitter : 0)));
}

/* The counters' object. */
static json_t *
status_counters(const struct state_stats *s)
{
	return (json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "requests", (json_int_t)s->requests,
	    "offers", (json_int_t)s->offers,
	    "answered", (json_int_t)s->answered,
	    "refused", (json_int_t)s->refused,
	    "ended", (json_int_t)s->sessions_ended,
	    "stun_answered", (json_int_t)s->stun_answered,
	    "stun_dropped", (json_int_t)s->stun_dropped,
	    "stun_unknown", (json_int_t)s->stun_unknown,
	    "dtls_dropped", (json_int_t)s->dtls_dropped,
	    "dtls_failed", (json_int_t)s->dtls_failed,
	    "srtcp_bad", (json_int_t)s->srtcp_bad,
	    "nack_packets", (json_int_t)s->nack_packets,
	    "retransmitted", (json_int_t)s->retransmitted,
	    "retransmit_missed", (json_int_t)s->retransmit_missed,
	    "pli", (json_int_t)s->pli,
	    "fir", (json_int_t)s->fir,
	    "idr_requests", (json_int_t)s->idr_requests,
	    "send_errors", (json_int_t)s->send_errors));
}

/* The status document. */
char *
status_json(const struct state *st)
{
	json_t			*doc, *cams, *peers;
	const struct peer	*p;
	uint64_t		 now = mono_ms();
	char			*s;
	int			 i;

	cams = json_array();
	peers = json_array();
	for (i = 0; i < CAMNAME_CAMERAS; i++)
		if (st->cams[i] != NULL)
			json_array_append_new(cams, status_camera(st->cams[i]));
	TAILQ_FOREACH(p, &st->peers, entry)
		json_array_append_new(peers, status_peer(p, now));
	doc = json_pack("{s:I, s:I, s:I, s:o, s:o, s:o}",
	    "sessions", (json_int_t)st->npeers,
	    "max_sessions", (json_int_t)st->conf->max_sessions,
	    "max_sessions_per_addr", (json_int_t)st->conf->max_per_addr,
	    "cameras", cams, "peers", peers,
	    "counters", status_counters(&st->stats));
	if (doc == NULL)
		return (NULL);
	s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return (s);
}

/* One line for systemd's status. */
void
status_line(char *buf, size_t len, void *arg)
{
	const struct state	*st = arg;

	snprintf(buf, len, "%zu WebRTC sessions, %llu answered, %llu refused",
	    st->npeers, (unsigned long long)st->stats.answered,
	    (unsigned long long)st->stats.refused);
}
