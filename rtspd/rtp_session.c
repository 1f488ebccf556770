/* SPDX-License-Identifier: ISC */
/*
 * rtp_session.c: one RTSP session: units to its receiver over TCP or UDP,
 * sender reports, BYE, timeout.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "fanout.h"
#include "frame.h"
#include "log.h"
#include "mono.h"
#include "rtcp.h"
#include "reply.h"
#include "rtp_session.h"
#include "state.h"
#include "rtp_stream.h"
#include "tcp_out.h"
#include "udp.h"

#define SESSION_CNAME		"campipe-rtspd"
#define SESSION_TCP_MAX_BYTES	(4u << 20)	/* waiting per TCP viewer */

/* Ends the session from the loop (callbacks may be running now). */
static void
rtp_session_fail(struct rtp_session *se, const char *reason)
{
	if (se->gone_reason != NULL)
		return;
	se->gone_reason = reason;
	event_active(se->ev_gone, EV_TIMEOUT, 0);
}

/* The loop's turn: tells the connection. */
static void
rtp_session_on_gone(evutil_socket_t fd, short what, void *arg)
{
	struct rtp_session	*se = arg;

	se->gone(se, se->gone_reason, se->arg);
}

/* No request nor RTCP for the timeout. */
static void
rtp_session_on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct rtp_session	*se = arg;

	se->st->stats.expired++;
	rtp_session_fail(se, "timed out");
}

/* Unix time now, in microseconds. */
static uint64_t
rtp_session_now_us(void)
{
	struct timeval	 tv;

	gettimeofday(&tv, NULL);
	return ((uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec);
}

/* Sends an RTCP packet to the receiver, over its transport. */
static void
rtp_session_send_rtcp(struct rtp_session *se, unsigned char *p, int n)
{
	unsigned char	 hdr[4];

	if (n <= 0)
		return;
	if (se->tr.lower == RTSP_LOWER_UDP) {
		udp_send_rtcp(se->udp, (struct sockaddr *)&se->to[1],
		    se->tolen, p, n);
		return;
	}
	/* Not behind a backlog: a report late by seconds says nothing. */
	if (tcp_out_waiting(se->out) > 0)
		return;
	hdr[0] = '$';
	hdr[1] = (unsigned char)se->tr.channel[1];
	hdr[2] = (unsigned char)(n >> 8);
	hdr[3] = (unsigned char)n;
	if (tcp_out_text(se->out, (char *)hdr, 4) == -1 ||
	    tcp_out_text(se->out, (char *)p, n) == -1)
		rtp_session_fail(se, "write failed");
}

/* Fills what a report of this session's stream says now. */
static void
rtp_session_sender(const struct rtp_session *se, struct rtcp_sender *s)
{
	rtp_stream_sender(se->stream, rtp_session_now_us(), s);
	s->cname = SESSION_CNAME;
}

/* Every few seconds while playing: a sender report. */
static void
rtp_session_on_sr(evutil_socket_t fd, short what, void *arg)
{
	struct rtp_session		*se = arg;
	struct rtcp_sender	 s;
	unsigned char		 buf[RTCP_COMPOUND_MAX + 16];

	if (!se->playing || se->play_pending)
		return;
	rtp_session_sender(se, &s);
	rtp_session_send_rtcp(se, buf, rtcp_sender_report(&s, buf, sizeof(buf)));
}

/* The fan-out's send: interleaved packets on the connection. */
static int
rtp_session_send(struct frame *f, void *arg)
{
	struct rtp_session	*se = arg;

	return (tcp_out_frame(se->out, f));
}

/* Acts on what the fan-out says. */
static void
rtp_session_after(struct rtp_session *se, int64_t rc)
{
	if (rc == -1)
		rtp_session_fail(se, "write failed");
}

/* The PLAY answer, with RTP-Info for the first unit (seq, ts). */
static int
rtp_session_play_reply(struct rtp_session *se, uint16_t seq, uint32_t ts, char *buf,
    size_t len)
{
	char	 extra[RTSP_URI_MAX + 128];

	snprintf(extra, sizeof(extra), "Range: npt=now-\r\n"
	    "RTP-Info: url=%s;seq=%u;rtptime=%" PRIu32 "\r\n",
	    se->play_url, seq, ts);
	return (reply_head(buf, len, 200, se->play_cseq, se->id,
	    (unsigned)se->st->conf->session_timeout, extra));
}

/* A unit of the stream: to the receiver over TCP (fan-out) or UDP. */
static void
rtp_session_on_unit(const struct rtp_stream_unit *u, void *arg)
{
	struct rtp_session	*se = arg;
	struct frame	*f, *head;
	char		 buf[REPLY_MAX];
	unsigned char	*copy;
	int		 n;

	if (se->play_pending && !u->idr)
		return;
	if (se->play_pending) {
		se->play_pending = 0;
		if ((n = rtp_session_play_reply(se, u->seq, u->ts, buf,
		    sizeof(buf))) == -1) {
			rtp_session_fail(se, "answer too long");
			return;
		}
		if (se->tr.lower == RTSP_LOWER_UDP) {
			if (tcp_out_text(se->out, buf, n) == -1) {
				rtp_session_fail(se, "write failed");
				return;
			}
		} else {
			/* The answer goes as the fan-out's head. */
			if ((copy = malloc(n)) != NULL)
				memcpy(copy, buf, n);
			if (copy == NULL || (head = frame_adopt(copy, n, 0, n,
			    0, &u->f->ts)) == NULL) {
				free(copy);
				rtp_session_fail(se, "out of memory");
				return;
			}
			fanout_set_head(&se->fan, head);
			frame_unref(head);
		}
	}
	if (se->tr.lower == RTSP_LOWER_UDP) {
		udp_send_unit(se->udp, (struct sockaddr *)&se->to[0],
		    se->tolen, u);
		return;
	}
	if ((f = rtp_stream_channel(se->stream, u, se->tr.channel[0])) == NULL) {
		fanout_lost(&se->fan);
		return;
	}
	rtp_session_after(se, fanout_offer_unit(&se->fan, f, u->idr, mono_ns()));
	frame_unref(f);
}

/* Random session identifier: 16 hexadecimal digits. */
static void
rtp_session_make_id(char *id)
{
	uint64_t	 r = ((uint64_t)arc4random() << 32) | arc4random();

	snprintf(id, SESSION_ID_LEN + 1, "%016" PRIX64, r);
}

/* The UDP destination: the peer's address at port. */
static void
rtp_session_udp_to(struct rtp_session *se, int i, const struct sockaddr *peer,
    uint16_t port)
{
	struct sockaddr_storage	*to = &se->to[i];

	if (peer->sa_family == AF_INET) {
		memcpy(to, peer, sizeof(struct sockaddr_in));
		((struct sockaddr_in *)to)->sin_port = htons(port);
		se->tolen = sizeof(struct sockaddr_in);
	} else {
		memcpy(to, peer, sizeof(struct sockaddr_in6));
		((struct sockaddr_in6 *)to)->sin6_port = htons(port);
		se->tolen = sizeof(struct sockaddr_in6);
	}
}

/* A new session. */
struct rtp_session *
rtp_session_new(struct state *st, struct tcp_out *out, struct rtp_stream *stream,
    const struct rtsp_transport *tr, const struct sockaddr *peer,
    const struct sockaddr *local, rtp_session_gone_cb gone, void *arg,
    int *status, char *cause, size_t causelen)
{
	struct rtp_session	*se;
	struct udp_pair	*udp = NULL;
	int		 i;

	if (tr->lower == RTSP_LOWER_UDP) {
		for (i = 0; i < STATE_LISTEN_MAX && st->udp[i] != NULL; i++)
			if (udp_pair_is(st->udp[i], local))
				udp = st->udp[i];
		if (udp == NULL) {
			*status = 461;
			snprintf(cause, causelen, "RTP over UDP is off: use "
			    "RTP/AVP/TCP");
			return (NULL);
		}
	}
	if ((se = calloc(1, sizeof(*se))) == NULL) {
		*status = 503;
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	se->st = st;
	se->out = out;
	se->stream = stream;
	se->tr = *tr;
	se->udp = udp;
	se->gone = gone;
	se->arg = arg;
	rtp_session_make_id(se->id);
	if (udp != NULL) {
		rtp_session_udp_to(se, 0, peer, tr->client_port[0]);
		rtp_session_udp_to(se, 1, peer, tr->client_port[1]);
	}
	fanout_init(&se->fan, FANOUT_ORDERED, 0, rtp_session_send, se);
	fanout_set_max_bytes(&se->fan, SESSION_TCP_MAX_BYTES);
	se->viewer.on_unit = rtp_session_on_unit;
	se->viewer.arg = se;
	se->ev_sr = event_new(st->base, -1, EV_PERSIST, rtp_session_on_sr, se);
	se->ev_timeout = evtimer_new(st->base, rtp_session_on_timeout, se);
	se->ev_gone = evtimer_new(st->base, rtp_session_on_gone, se);
	if (se->ev_sr == NULL || se->ev_timeout == NULL ||
	    se->ev_gone == NULL || rtp_stream_want(stream, cause,
	    causelen) == -1) {
		se->stream = NULL;
		rtp_session_free(se);
		*status = 503;
		snprintf(cause, causelen, "camera not available");
		return (NULL);
	}
	if (udp != NULL)
		TAILQ_INSERT_TAIL(&st->udp_sessions, se, uentry);
	st->nsessions++;
	st->stats.sessions++;
	rtp_session_touch(se);
	return (se);
}

/* Leaves the stream's viewers. */
static void
rtp_session_stop(struct rtp_session *se)
{
	if (!se->playing)
		return;
	rtp_stream_leave(se->stream, &se->viewer);
	fanout_clear(&se->fan);
	fanout_init(&se->fan, FANOUT_ORDERED, 0, rtp_session_send, se);
	fanout_set_max_bytes(&se->fan, SESSION_TCP_MAX_BYTES);
	evtimer_del(se->ev_sr);
	se->playing = se->play_pending = se->synced = 0;
	se->st->nplaying--;
}

/* Ends a session. */
void
rtp_session_free(struct rtp_session *se)
{
	struct rtcp_sender	 s;
	unsigned char		 buf[RTCP_COMPOUND_MAX + 16];

	if (se == NULL)
		return;
	if (se->stream != NULL) {
		if (se->playing && se->gone_reason == NULL) {
			rtp_session_sender(se, &s);
			rtp_session_send_rtcp(se, buf, rtcp_bye(&s, buf,
			    sizeof(buf)));
		}
		rtp_session_stop(se);
		rtp_stream_unwant(se->stream);
		if (se->udp != NULL)
			TAILQ_REMOVE(&se->st->udp_sessions, se, uentry);
		se->st->nsessions--;
	}
	fanout_clear(&se->fan);
	if (se->ev_sr != NULL)
		event_free(se->ev_sr);
	if (se->ev_timeout != NULL)
		event_free(se->ev_timeout);
	if (se->ev_gone != NULL)
		event_free(se->ev_gone);
	free(se);
}

/* Starts the timeout again. */
void
rtp_session_touch(struct rtp_session *se)
{
	double		 t = se->st->conf->session_timeout;
	struct timeval	 tv;

	tv.tv_sec = (time_t)t;
	tv.tv_usec = (suseconds_t)((t - tv.tv_sec) * 1e6);
	evtimer_add(se->ev_timeout, &tv);
}

/* PLAY. */
int
rtp_session_play(struct rtp_session *se, int64_t cseq, const char *url)
{
	struct timeval	 tv = { SESSION_SR_SEC, 0 };
	char		 buf[REPLY_MAX];
	int		 n;

	if (url != se->play_url)
		snprintf(se->play_url, sizeof(se->play_url), "%s", url);
	se->play_cseq = cseq;
	if (se->playing && !se->play_pending) {
		/* Already playing: what comes next. */
		if ((n = rtp_session_play_reply(se, se->stream->rtp.seq,
		    se->stream->last_ts, buf, sizeof(buf))) == -1)
			return (-1);
		return (tcp_out_text(se->out, buf, n));
	}
	if (se->playing)
		return (0);
	se->playing = se->play_pending = 1;
	se->st->nplaying++;
	se->st->stats.plays++;
	rtp_stream_join(se->stream, &se->viewer);
	evtimer_add(se->ev_sr, &tv);
	return (0);
}

/* PAUSE. */
void
rtp_session_pause(struct rtp_session *se)
{
	rtp_session_stop(se);
}

/* The connection drained. */
void
rtp_session_drained(struct rtp_session *se)
{
	if (se->fan.inflight != NULL)
		rtp_session_after(se, fanout_drained(&se->fan, mono_ns()));
}

/* RTCP from the receiver: reports are kept, and it is alive. */
void
rtp_session_rtcp(struct rtp_session *se, const unsigned char *p, size_t len)
{
	struct rtcp_report	 r[4];
	char			 cause[128];
	int			 i, n;

	if ((n = rtcp_parse(p, len, r, 4, cause, sizeof(cause))) == -1) {
		log_debug("session %s: RTCP: %s", se->id, cause);
		return;
	}
	se->reports++;
	se->st->stats.rtcp_reports++;
	for (i = 0; i < n; i++)
		if (r[i].source == se->stream->rtp.ssrc) {
			se->fraction = r[i].fraction;
			se->lost = r[i].lost;
		}
	rtp_session_touch(se);
}

/* The Transport line of the SETUP answer. */
int
rtp_session_transport(const struct rtp_session *se, char *buf, size_t len)
{
	int	 n;

	if (se->tr.lower == RTSP_LOWER_TCP)
		n = snprintf(buf, len, "Transport: RTP/AVP/TCP;unicast;"
		    "interleaved=%u-%u;ssrc=%08" PRIX32 "\r\n",
		    se->tr.channel[0], se->tr.channel[1],
		    se->stream->rtp.ssrc);
	else
		n = snprintf(buf, len, "Transport: RTP/AVP;unicast;"
		    "client_port=%u-%u;server_port=%u-%u;ssrc=%08" PRIX32
		    "\r\n", se->tr.client_port[0], se->tr.client_port[1],
		    se->udp->port, se->udp->port + 1, se->stream->rtp.ssrc);
	return (n < 0 || (size_t)n >= len ? -1 : n);
}
