/* SPDX-License-Identifier: ISC */
/* peer.c: one WebRTC viewer, from the WHEP answer to its end. */
#include <sys/queue.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_answer.h"
#include "cs_offer.h"
#include "dtls_srtp.h"
#include "ice_lite.h"
#include "log.h"
#include "media.h"
#include "mono.h"
#include "net.h"
#include "peer.h"
#include "sdp_answer.h"
#include "srtp_session.h"
#include "state.h"
#include "stun.h"

/*
 * A session's lines (made, answered, keyed; ended): at most a burst per
 * 10 s each, whoever makes and ends sessions however fast.
 */
static struct log_rate	 peer_lr_start = LOG_RATE_INIT_BURST("session lines",
			    60);
static struct log_rate	 peer_lr_end = LOG_RATE_INIT_BURST("session ends",
			    30);

/* The phase's name. */
const char *
peer_phase_name(enum peer_phase ph)
{
	switch (ph) {
	case PEER_ICE:
		return ("ice");
	case PEER_DTLS:
		return ("dtls");
	case PEER_OFFERED:
		return ("offered");
	default:
		return ("media");
	}
}

/* n random characters of ALPHA / DIGIT (ice-chars) and a NUL. */
static void
peer_rand_chars(char *out, size_t n)
{
	static const char	 set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	size_t			 i;

	for (i = 0; i < n; i++)
		out[i] = set[arc4random_uniform(sizeof(set) - 1)];
	out[n] = '\0';
}

/* A session id: 16 random bytes as 32 lowercase hex digits. */
static void
peer_rand_id(char *out)
{
	unsigned char	 b[PEER_ID_LEN / 2];
	size_t		 i;

	arc4random_buf(b, sizeof(b));
	for (i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* The HTTP client's address in text, for logs. */
static void
peer_client_text(const struct peer *p, char *buf, size_t len)
{
	const struct sockaddr_storage	*ss = &p->client;

	snprintf(buf, len, "unknown");
	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr,
		    buf, (socklen_t)len);
	else if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)ss)->sin6_addr, buf,
		    (socklen_t)len);
}

/* Sends what DTLS queued, to the nominated address. */
static void
peer_dtls_flush(struct peer *p, uint64_t now)
{
	unsigned char	 buf[DTLS_SRTP_MTU];
	int		 n;

	if (!p->has_to)
		return;
	while ((n = dtls_srtp_next(p->dtls, buf, sizeof(buf))) > 0)
		peer_send(p, buf, (size_t)n, now);
}

/* A new session's common part, not yet listed: ids, owner, credentials. */
static struct peer *
peer_alloc(struct state *st, struct media_cam *mc,
    const struct handoff_rec *rec, char *cause, size_t causelen)
{
	struct peer	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	p->st = st;
	p->mc = mc;
	p->created_ms = mono_ms();
	snprintf(p->user, sizeof(p->user), "%s", rec->user);
	if (rec->salen != 0)
		memcpy(&p->client, &rec->sa, rec->salen);
	do
		peer_rand_id(p->id);
	while (peer_by_id(st, p->id) != NULL);
	do
		peer_rand_chars(p->ufrag, PEER_UFRAG_LEN);
	while (peer_by_ufrag(st, p->ufrag) != NULL);
	peer_rand_chars(p->pwd, PEER_PWD_LEN);
	return (p);
}

/* What our SDP (answer or offer) says of us. */
static void
peer_local(const struct peer *p, struct sdp_answer *a)
{
	const struct state	*st = p->st;

	memset(a, 0, sizeof(*a));
	a->session_id = ((uint64_t)arc4random() << 31) ^ arc4random();
	a->version = 2;
	a->ice_ufrag = p->ufrag;
	a->ice_pwd = p->pwd;
	a->fingerprint = dtls_srtp_cert_fp(st->cert);
	a->ssrc = media_ssrc(p->mc);
	a->cname = MEDIA_CNAME;
	a->msid_stream = MEDIA_CNAME;
	a->msid_track = "video";
	a->cands = st->cands;
	a->ncands = st->ncands;
}

/* Starts ICE and DTLS with the viewer's ufrag and fingerprint.  0 or -1. */
static int
peer_start(struct peer *p, const char *remote_ufrag, const uint8_t *fp,
    enum dtls_srtp_role role, uint64_t now, char *cause, size_t causelen)
{
	const char	*why;

	if (ice_lite_init(&p->ice, p->ufrag, p->pwd, remote_ufrag, now,
	    &why) == -1) {
		snprintf(cause, causelen, "%s", why);
		return (-1);
	}
	memcpy(p->remote_fp, fp, sizeof(p->remote_fp));
	p->role = role;
	if (dtls_srtp_init(&p->dtls, p->st->cert, p->role, p->remote_fp, now,
	    &why) == -1) {
		snprintf(cause, causelen, "%s", why);
		ice_lite_free(&p->ice);
		return (-1);
	}
	explicit_bzero(p->pwd, sizeof(p->pwd));
	return (0);
}

/* Lists a new session and asks its camera for H.264; 0, or -1 (freed). */
static int
peer_insert(struct peer *p, const char *how, char *cause, size_t causelen)
{
	struct state	*st = p->st;
	char		 who[INET6_ADDRSTRLEN];

	if (media_want(p->mc, cause, causelen) == -1) {
		dtls_srtp_free(p->dtls);
		ice_lite_free(&p->ice);
		explicit_bzero(p->pwd, sizeof(p->pwd));
		free(p);
		return (-1);
	}
	TAILQ_INSERT_TAIL(&st->peers, p, entry);
	st->npeers++;
	peer_client_text(p, who, sizeof(who));
	log_rate_info(&peer_lr_start, "session %.8s: camera %s for %s%s%s, %s",
	    p->id, p->mc->name,
	    who, p->user[0] != '\0' ? " user " : "", p->user, how);
	return (0);
}

/* The DTLS role's name for logs. */
static const char *
peer_role_name(enum dtls_srtp_role role)
{
	return (role == DTLS_SRTP_SERVER ? "server" : "client");
}

/* Makes the session and its answer. */
struct peer *
peer_new(struct state *st, struct media_cam *mc, const struct sdp_offer *o,
    const struct sdp_offer_choice *c, const struct handoff_rec *rec,
    char *answer, int *answerlen, char *cause, size_t causelen)
{
	const struct sdp_offer_media	*m = &o->media[c->media];
	struct sdp_answer		 a;
	struct peer			*p;
	const char			*why;
	char				 how[64];

	if ((p = peer_alloc(st, mc, rec, cause, causelen)) == NULL)
		return (NULL);
	p->pt = c->pt;
	p->fb = c->fb;
	p->ext_abs = (uint8_t)m->ext[SDP_EXT_ABS_CAPTURE_TIME];
	peer_local(p, &a);
	if ((*answerlen = sdp_answer_write(&a, o, c, answer, PEER_ANSWER_MAX,
	    &why)) == -1) {
		snprintf(cause, causelen, "%s", why);
		free(p);
		return (NULL);
	}
	if (peer_start(p, m->ice_ufrag, m->fp, sdp_answer_setup(m->setup) ==
	    SDP_SETUP_PASSIVE ? DTLS_SRTP_SERVER : DTLS_SRTP_CLIENT,
	    p->created_ms, cause, causelen) == -1) {
		free(p);
		return (NULL);
	}
	snprintf(how, sizeof(how), "H.264 payload type %u, DTLS %s", p->pt,
	    peer_role_name(p->role));
	if (peer_insert(p, how, cause, causelen) == -1)
		return (NULL);
	return (p);
}

/* Makes the session and our offer. */
struct peer *
peer_offer_new(struct state *st, struct media_cam *mc,
    const struct handoff_rec *rec, char *offer, int *offerlen, char *cause,
    size_t causelen)
{
	struct sdp_answer	 a;
	struct peer		*p;
	uint8_t			 plid[3];
	const char		*why;

	if ((p = peer_alloc(st, mc, rec, cause, causelen)) == NULL)
		return (NULL);
	p->phase = PEER_OFFERED;
	media_profile(mc, plid);
	peer_local(p, &a);
	if ((*offerlen = cs_offer_write(&a, plid, offer, PEER_ANSWER_MAX,
	    &why)) == -1) {
		snprintf(cause, causelen, "%s", why);
		explicit_bzero(p->pwd, sizeof(p->pwd));
		free(p);
		return (NULL);
	}
	if (peer_insert(p, "offered", cause, causelen) == -1)
		return (NULL);
	return (p);
}

/* The viewer's answer. */
int
peer_answered(struct peer *p, const struct cs_answer *r, char *cause,
    size_t causelen)
{
	uint64_t	 now = mono_ms();

	if (p->phase != PEER_OFFERED) {
		snprintf(cause, causelen, "the session has its answer already");
		return (-1);
	}
	if (peer_start(p, r->ice_ufrag, r->fp, r->role == SDP_SETUP_PASSIVE ?
	    DTLS_SRTP_SERVER : DTLS_SRTP_CLIENT, now, cause, causelen) == -1)
		return (-1);
	p->pt = r->pt;
	p->fb = r->fb;
	p->phase = PEER_ICE;
	p->created_ms = now;
	log_rate_info(&peer_lr_start,
	    "session %.8s: answered, H.264 payload type %u, DTLS %s",
	    p->id, p->pt, peer_role_name(p->role));
	return (0);
}

/* Ends a session. */
void
peer_end(struct peer *p, const char *why)
{
	struct state	*st = p->st;
	char		 who[INET6_ADDRSTRLEN];

	peer_client_text(p, who, sizeof(who));
	log_rate_info(&peer_lr_end,
	    "session %.8s: camera %s for %s: ended (%s) after %.1f s, "
	    "%u packets", p->id, p->mc->name, who, why,
	    (double)(mono_ms() - p->created_ms) / 1000, p->packets);
	if (p->keyed)
		media_leave(p);
	if (p->has_to && ice_lite_consent(&p->ice, &p->to, mono_ms())) {
		dtls_srtp_close(p->dtls);
		peer_dtls_flush(p, mono_ms());
	}
	media_unwant(p->mc);
	dtls_srtp_free(p->dtls);
	srtp_session_free(&p->srtp);
	ice_lite_free(&p->ice);
	TAILQ_REMOVE(&st->peers, p, entry);
	st->npeers--;
	st->stats.sessions_ended++;
	free(p);
}

/* Ends every session. */
void
peer_end_all(struct state *st, const char *why)
{
	struct peer	*p;

	while ((p = TAILQ_FIRST(&st->peers)) != NULL)
		peer_end(p, why);
}

/* The session of an id. */
struct peer *
peer_by_id(struct state *st, const char *id)
{
	struct peer	*p;

	TAILQ_FOREACH(p, &st->peers, entry)
		if (strcmp(p->id, id) == 0)
			return (p);
	return (NULL);
}

/* The session of a local ufrag. */
struct peer *
peer_by_ufrag(struct state *st, const char *ufrag)
{
	struct peer	*p;

	TAILQ_FOREACH(p, &st->peers, entry)
		if (strcmp(p->ufrag, ufrag) == 0)
			return (p);
	return (NULL);
}

/* The session for which ICE proved addr. */
struct peer *
peer_by_addr(struct state *st, const struct sockaddr_storage *addr,
    uint64_t now)
{
	struct peer	*p;

	TAILQ_FOREACH(p, &st->peers, entry)
		if (p->checked_ms != 0 && ice_lite_consent(&p->ice, addr, now))
			return (p);
	return (NULL);
}

/* 1 if a and b are one address for the limits (an IPv6 /64 as one). */
static int
peer_same_client(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return (0);
	if (a->ss_family == AF_INET)
		return (((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		    ((const struct sockaddr_in *)b)->sin_addr.s_addr);
	if (a->ss_family == AF_INET6)
		return (memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		    &((const struct sockaddr_in6 *)b)->sin6_addr, 8) == 0);
	return (1);	/* unknown: one pool */
}

/* Sessions of one HTTP client address. */
size_t
peer_count_addr(struct state *st, const struct sockaddr_storage *addr)
{
	struct peer	*p;
	size_t		 n = 0;

	TAILQ_FOREACH(p, &st->peers, entry)
		if (peer_same_client(&p->client, addr))
			n++;
	return (n);
}

/* A STUN datagram. */
void
peer_on_stun(struct peer *p, struct net_sock *sock,
    const struct sockaddr_storage *from, const unsigned char *pkt,
    size_t len, uint64_t now)
{
	static struct log_rate		 lr = LOG_RATE_INIT("STUN refused");
	unsigned char			 out[STUN_ANSWER_MAX];
	const struct sockaddr_storage	*sel;
	const char			*cause;
	int				 n;

	if (p->phase == PEER_OFFERED) {		/* no answer yet: no ICE */
		p->st->stats.stun_dropped++;
		return;
	}
	n = ice_lite_handle(&p->ice, pkt, len, from, now, out, sizeof(out),
	    &cause);
	if (n > 0)
		net_send(sock, from, out, (size_t)n);
	if (cause != NULL) {
		p->st->stats.stun_dropped++;
		log_rate_info(&lr, "session %.8s: STUN %s: %s", p->id,
		    n > 0 ? "refused" : "dropped", cause);
		return;
	}
	p->st->stats.stun_answered++;
	if (p->checked_ms == 0)
		p->checked_ms = now;
	if ((sel = ice_lite_selected(&p->ice)) == NULL)
		return;
	if (!p->has_to || !net_same_addr(sel, &p->to) || p->sock != sock) {
		p->to = *sel;
		p->sock = sock;
		p->has_to = 1;
		log_debug("session %.8s: nominated", p->id);
	}
	if (p->phase == PEER_ICE) {
		p->phase = PEER_DTLS;
		peer_dtls_flush(p, now);	/* a client's ClientHello */
	}
}

/* The handshake is done: SRTP keyed, media joined. */
static int
peer_keyed(struct peer *p, uint64_t now)
{
	struct dtls_srtp_keys	 k;
	const char		*cause, *profile;

	if (dtls_srtp_keys(p->dtls, &k, &cause) == -1 ||
	    srtp_session_init(&p->srtp, &k, &cause) == -1) {
		explicit_bzero(&k, sizeof(k));
		peer_end(p, cause);
		return (-1);
	}
	profile = dtls_srtp_profile_name(k.profile);
	explicit_bzero(&k, sizeof(k));
	p->keyed = 1;
	p->keyed_ms = now;
	p->phase = PEER_MEDIA;
	log_rate_info(&peer_lr_start,
	    "session %.8s: DTLS done (%s) in %llu ms: media starts at "
	    "the next IDR", p->id, profile,
	    (unsigned long long)(now - p->created_ms));
	media_join(p, now);
	return (0);
}

/* A DTLS datagram. */
void
peer_on_dtls(struct peer *p, const unsigned char *pkt, size_t len,
    uint64_t now)
{
	const char	*cause;
	int		 rc;

	if (p->phase == PEER_ICE)
		p->phase = PEER_DTLS;
	rc = dtls_srtp_handle(p->dtls, pkt, len, now, &cause);
	peer_dtls_flush(p, now);
	if (rc == -1) {
		p->st->stats.dtls_failed++;
		peer_end(p, cause);
	} else if (rc == DTLS_SRTP_CLOSED)
		peer_end(p, "the viewer closed DTLS");
	else if (rc == DTLS_SRTP_DONE && !p->keyed)
		peer_keyed(p, now);
}

/* An SRTCP datagram. */
void
peer_on_srtcp(struct peer *p, unsigned char *pkt, size_t len, uint64_t now)
{
	static struct log_rate	 lr = LOG_RATE_INIT("SRTCP refused");
	const char		*cause;
	int			 n;

	if (!p->keyed)
		return;
	if ((n = srtp_session_unprotect_rtcp(&p->srtp, pkt, len,
	    &cause)) == -1) {
		p->st->stats.srtcp_bad++;
		log_rate_info(&lr, "session %.8s: SRTCP dropped: %s", p->id,
		    cause);
		return;
	}
	p->rtcp_in++;
	media_rtcp(p, pkt, (size_t)n, now);
}

/* Sends one datagram to the nominated address while it has consent. */
int
peer_send(struct peer *p, const void *pkt, size_t len, uint64_t now)
{
	if (!p->has_to || !ice_lite_consent(&p->ice, &p->to, now))
		return (-1);
	if (net_send(p->sock, &p->to, pkt, len) == -1) {
		p->send_errors++;
		return (-1);
	}
	return (0);
}

/* One session's timers: 1 if it ended. */
static int
peer_tick_one(struct peer *p, uint64_t now)
{
	const struct state_conf	*c = p->st->conf;
	const char		*cause;
	char			 msg[256];
	long			 t;

	if (p->phase == PEER_OFFERED) {
		if (now - p->created_ms <= (uint64_t)(c->ice_timeout * 1000))
			return (0);
		snprintf(msg, sizeof(msg), "no answer in %g s", c->ice_timeout);
		peer_end(p, msg);
		return (1);
	}
	if (p->checked_ms == 0 &&
	    now - p->created_ms > (uint64_t)(c->ice_timeout * 1000)) {
		snprintf(msg, sizeof(msg), "no valid STUN check in %g s",
		    c->ice_timeout);
		peer_end(p, msg);
		return (1);
	}
	if (p->checked_ms != 0 && ice_lite_expired(&p->ice, now)) {
		peer_end(p, "consent lost: no valid STUN check in 30 s");
		return (1);
	}
	if (p->keyed) {
		media_sender_report(p, now);
		return (0);
	}
	if (p->checked_ms != 0 && now - p->checked_ms >
	    DTLS_SRTP_HANDSHAKE_MS) {
		p->st->stats.dtls_failed++;
		peer_end(p, "DTLS not done in time");
		return (1);
	}
	if ((t = dtls_srtp_timeout(p->dtls)) == 0) {
		if (dtls_srtp_on_timeout(p->dtls, now, &cause) == -1) {
			p->st->stats.dtls_failed++;
			peer_end(p, cause);
			return (1);
		}
		peer_dtls_flush(p, now);
	}
	return (0);
}

/* Every session's timers. */
void
peer_tick(struct state *st, uint64_t now)
{
	struct peer	*p, *next;

	for (p = TAILQ_FIRST(&st->peers); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		peer_tick_one(p, now);
	}
}
