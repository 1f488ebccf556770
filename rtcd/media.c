/* SPDX-License-Identifier: ISC */
/* media.c: H.264 as RTP once per camera, SRTP and RTCP per session. */
#include <sys/queue.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "h264_feed.h"
#include "log.h"
#include "media.h"
#include "mono.h"
#include "net.h"
#include "peer.h"
#include "rtcp.h"
#include "rtcp_fb.h"
#include "rtp_ext.h"
#include "rtp_h264.h"
#include "srtp_session.h"
#include "state.h"

#define MEDIA_PKT_MAX	(SRTP_SESSION_IN_MAX + SRTP_SESSION_TRAILER)

/* The batch being protected and sent: one session at a time. */
static unsigned char	 media_batch[MEDIA_BATCH][MEDIA_PKT_MAX];

/* Unix time now in microseconds. */
static uint64_t
media_now_us(void)
{
	struct timeval	 tv;

	gettimeofday(&tv, NULL);
	return ((uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec);
}

/*
 * Asks capd for an IDR on the camera's H.264 socket (docs/frames.md,
 * "Asking for an IDR"); capd holds its own limit too.
 */
static void
media_ask_idr(struct media_cam *mc)
{
	static struct log_rate	 lr = LOG_RATE_INIT("IDR requests");
	char			 cause[128];

	mc->idr_requests++;
	mc->st->stats.idr_requests++;
	/* Not connected: the first unit of the next connection is an IDR. */
	if (mc->rs == NULL || mc->rs->feed == NULL ||
	    !h264_feed_connected(mc->rs->feed))
		return;
	if (h264_feed_want_idr(mc->rs->feed, cause, sizeof(cause)) == -1)
		log_rate_warnx(&lr, "camera %s: IDR request: %s", mc->name,
		    cause);
	else
		log_debug("camera %s: IDR asked of capd", mc->name);
}

/* A viewer asks for a keyframe: through the camera's limiter. */
static void
media_keyframe_request(struct media_cam *mc, uint64_t now)
{
	if (rtcp_fb_limit_request(&mc->limit, now))
		media_ask_idr(mc);
}

/*
 * Protects one plaintext packet with p's PT into slot k, with the capture
 * time when capture_us is not 0 and p takes it: its length.
 */
static int
media_protect(struct peer *p, const unsigned char *pkt, size_t len,
    size_t k, uint64_t capture_us)
{
	static struct log_rate	 lr = LOG_RATE_INIT("SRTP protect");
	const unsigned char	*out;
	const char		*cause;
	size_t			 m = 0;
	int			 n;

	if (len < RTP_HDR_LEN ||
	    len + RTP_EXT_CAPTURE_LEN > SRTP_SESSION_IN_MAX)
		return (-1);
	if (capture_us != 0 && p->ext_abs != 0)
		m = rtp_ext_capture(media_batch[k], pkt, len, p->ext_abs,
		    capture_us);
	if (m == 0) {
		memcpy(media_batch[k], pkt, len);
		m = len;
	}
	media_batch[k][1] = (unsigned char)((pkt[1] & 0x80) | p->pt);
	if ((n = srtp_session_protect(&p->srtp, media_batch[k], m, &out,
	    &cause)) == -1) {
		log_rate_warnx(&lr, "session %.8s: %s", p->id, cause);
		return (-1);
	}
	memcpy(media_batch[k], out, (size_t)n);
	return (n);
}

/* Sends a unit's packets to one session, in batches. */
static void
media_send_unit(struct peer *p, const struct rtp_stream_unit *u,
    uint64_t now)
{
	struct iovec	 iov[MEDIA_BATCH];
	size_t		 i, k = 0, sent;
	int		 n;

	if (!p->has_to || !ice_lite_consent(&p->ice, &p->to, now))
		return;
	for (i = 0; i < u->npkts; i++) {
		/* The capture time on each unit's first packet. */
		if ((n = media_protect(p, u->f->buf + u->pkts[i].off,
		    u->pkts[i].len, k, i == 0 ? u->capture_us : 0)) == -1)
			continue;
		iov[k].iov_base = media_batch[k];
		iov[k].iov_len = (size_t)n;
		p->packets++;
		p->octets += (uint32_t)(u->pkts[i].len - RTP_HDR_LEN);
		if (++k == MEDIA_BATCH || i + 1 == u->npkts) {
			sent = net_send_batch(p->sock, &p->to, iov, k);
			p->send_errors += k - sent;
			k = 0;
		}
	}
	if (k > 0) {
		sent = net_send_batch(p->sock, &p->to, iov, k);
		p->send_errors += k - sent;
	}
}

/* A unit of the camera: into the history, to every joined session. */
static void
media_on_unit(const struct rtp_stream_unit *u, void *arg)
{
	static struct log_rate	 lr = LOG_RATE_INIT("RTP history");
	struct media_cam	*mc = arg;
	struct peer		*p, *next;
	const char		*cause;
	uint64_t		 now = mono_ms();
	size_t			 i;

	for (i = 0; i < u->npkts; i++)
		if (rtp_history_add(&mc->history, u->f->buf + u->pkts[i].off,
		    u->pkts[i].len, now, &cause) == -1)
			log_rate_warnx(&lr, "camera %s: %s", mc->name, cause);
	if (u->idr)
		rtcp_fb_limit_keyframe(&mc->limit, now);
	for (p = TAILQ_FIRST(&mc->peers); p != NULL; p = next) {
		next = TAILQ_NEXT(p, cam_entry);
		if (!p->started && !u->idr)
			continue;
		p->started = 1;
		media_send_unit(p, u, now);
	}
}

/* Every camera's media. */
int
media_init(struct state *st, char *cause, size_t causelen)
{
	const struct camname_list	*cams = &st->conf->cams;
	struct media_cam		*mc;
	const char			*why;
	int				 i;

	for (i = 0; i < cams->n; i++) {
		if (cams->cams[i].h264[0] == '\0') {
			snprintf(cause, causelen, "camera %s has no H.264 "
			    "socket", cams->cams[i].name);
			return (-1);
		}
		if ((mc = calloc(1, sizeof(*mc))) == NULL) {
			snprintf(cause, causelen, "out of memory");
			return (-1);
		}
		st->cams[i] = mc;
		mc->st = st;
		snprintf(mc->name, sizeof(mc->name), "%s", cams->cams[i].name);
		TAILQ_INIT(&mc->peers);
		rtcp_fb_limit_init(&mc->limit, 0);
		mc->viewer.on_unit = media_on_unit;
		mc->viewer.arg = mc;
		if (rtp_history_init(&mc->history, 0, 0, 0, &why) == -1) {
			snprintf(cause, causelen, "%s", why);
			return (-1);
		}
		if ((mc->rs = rtp_stream_new(st->base, mc->name,
		    cams->cams[i].h264, "rtcd", 0, st->conf->mtu, cause,
		    causelen)) == NULL)
			return (-1);
	}
	return (0);
}

/* Frees every camera's media. */
void
media_free(struct state *st)
{
	int	 i;

	for (i = 0; i < CAMNAME_CAMERAS; i++) {
		if (st->cams[i] == NULL)
			continue;
		rtp_stream_free(st->cams[i]->rs);
		rtp_history_free(&st->cams[i]->history);
		free(st->cams[i]);
		st->cams[i] = NULL;
	}
}

/* A session holds the camera. */
int
media_want(struct media_cam *mc, char *cause, size_t causelen)
{
	if (rtp_stream_want(mc->rs, cause, causelen) == -1)
		return (-1);
	if (mc->nwant++ == 0)
		rtp_stream_join(mc->rs, &mc->viewer);
	return (0);
}

/* A session holds it no more. */
void
media_unwant(struct media_cam *mc)
{
	if (--mc->nwant == 0) {
		rtp_stream_leave(mc->rs, &mc->viewer);
		rtp_history_clear(&mc->history);
	}
	rtp_stream_unwant(mc->rs);
}

/* The profile-level-id to answer with. */
int
media_profile(const struct media_cam *mc, uint8_t plid[3])
{
	static const uint8_t	 deflt[3] = MEDIA_DEFAULT_PLID;
	const unsigned char	*sps, *pps;
	size_t			 spslen, ppslen;

	if (rtp_stream_params(mc->rs, &sps, &spslen, &pps, &ppslen) &&
	    spslen >= 4) {
		memcpy(plid, sps + 1, 3);
		return (1);
	}
	memcpy(plid, deflt, 3);
	return (0);
}

/* The camera's SSRC. */
uint32_t
media_ssrc(const struct media_cam *mc)
{
	return (mc->rs->rtp.ssrc);
}

/* A keyed session joins. */
void
media_join(struct peer *p, uint64_t now)
{
	TAILQ_INSERT_TAIL(&p->mc->peers, p, cam_entry);
	p->mc->npeers++;
	p->joined = 1;
	p->next_sr_ms = now;
	media_keyframe_request(p->mc, now);
}

/* Sends a compound RTCP packet (SR, or SR and BYE) through SRTCP. */
static void
media_send_rtcp(struct peer *p, int bye, uint64_t now)
{
	struct rtcp_sender	 s;
	unsigned char		 buf[RTCP_COMPOUND_MAX];
	const unsigned char	*out;
	const char		*cause;
	int			 n;

	rtp_stream_sender(p->mc->rs, media_now_us(), &s);
	s.packets = p->packets;
	s.octets = p->octets;
	s.cname = MEDIA_CNAME;
	n = bye ? rtcp_bye(&s, buf, sizeof(buf)) :
	    rtcp_sender_report(&s, buf, sizeof(buf));
	if (n <= 0 || (n = srtp_session_protect_rtcp(&p->srtp, buf,
	    (size_t)n, &out, &cause)) == -1)
		return;
	peer_send(p, out, (size_t)n, now);
}

/* A session leaves: a BYE, when it can still be sent. */
void
media_leave(struct peer *p)
{
	if (!p->joined)
		return;
	if (p->started)
		media_send_rtcp(p, 1, mono_ms());
	TAILQ_REMOVE(&p->mc->peers, p, cam_entry);
	p->mc->npeers--;
	p->joined = 0;
}

/* A sender report when due. */
void
media_sender_report(struct peer *p, uint64_t now)
{
	if (!p->started || now < p->next_sr_ms)
		return;
	media_send_rtcp(p, 0, now);
	p->nsr++;
	p->next_sr_ms = now + (p->nsr < MEDIA_SR_FIRST ? MEDIA_SR_FIRST_MS :
	    MEDIA_SR_MS);
}

/* Answers a NACK's lost packets from the history. */
static void
media_nack(struct peer *p, const struct rtcp_fb *fb, uint64_t now)
{
	struct state		*st = p->st;
	struct iovec		 iov[MEDIA_BATCH];
	const unsigned char	*pkt;
	size_t			 len, k = 0;
	int			 i, n;

	for (i = 0; i < fb->nnack; i++) {
		p->nacks++;
		st->stats.nack_packets++;
		if (fb->nack[i].ssrc != media_ssrc(p->mc) ||
		    (pkt = rtp_history_find(&p->mc->history, fb->nack[i].seq,
		    now, &len)) == NULL) {
			p->missed++;
			st->stats.retransmit_missed++;
			continue;
		}
		if ((n = media_protect(p, pkt, len, k, 0)) == -1)
			continue;
		iov[k].iov_base = media_batch[k];
		iov[k].iov_len = (size_t)n;
		p->retransmitted++;
		st->stats.retransmitted++;
		if (++k == MEDIA_BATCH) {
			net_send_batch(p->sock, &p->to, iov, k);
			k = 0;
		}
	}
	if (k > 0 && p->has_to && ice_lite_consent(&p->ice, &p->to, now))
		net_send_batch(p->sock, &p->to, iov, k);
}

/* A viewer's RTCP. */
void
media_rtcp(struct peer *p, const unsigned char *rtcp, size_t len,
    uint64_t now)
{
	static struct log_rate	 lr = LOG_RATE_INIT("viewer RTCP");
	static struct rtcp_fb	 fb;
	const char		*cause;
	int			 i, key = 0;

	if (rtcp_fb_parse(&fb, rtcp, len, &cause) == -1) {
		log_rate_info(&lr, "session %.8s: RTCP dropped: %s", p->id,
		    cause);
		return;
	}
	for (i = 0; i < fb.nreport; i++)
		if (fb.report[i].source == media_ssrc(p->mc)) {
			p->rr = fb.report[i];
			p->has_rr = 1;
		}
	if (fb.nnack > 0 && p->joined)
		media_nack(p, &fb, now);
	for (i = 0; i < fb.nkey; i++) {
		if (fb.key[i].fir) {
			if (!rtcp_fb_fir_new(&p->fir, fb.key[i].seq))
				continue;
			p->firs++;
			p->st->stats.fir++;
		} else {
			p->pli++;
			p->st->stats.pli++;
		}
		key = 1;
	}
	if (key)
		media_keyframe_request(p->mc, now);
}

/* Held keyframe requests that are due. */
void
media_tick(struct state *st, uint64_t now)
{
	long	 wait;
	int	 i;

	for (i = 0; i < CAMNAME_CAMERAS; i++)
		if (st->cams[i] != NULL &&
		    rtcp_fb_limit_poll(&st->cams[i]->limit, now, &wait))
			media_ask_idr(st->cams[i]);
}
