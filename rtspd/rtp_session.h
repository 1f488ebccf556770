/* SPDX-License-Identifier: ISC */
/*
 * rtp_session.h: one RTSP session (RFC 2326 section 3): its camera's stream,
 * its transport (interleaved on its connection, or UDP to the client's
 * ports), PLAY and PAUSE, sender reports every few seconds, a BYE at the
 * end, and its timeout, renewed by any request naming it and by RTCP.
 * A session lives on its connection: closing that ends it.
 *
 * A TCP viewer's units go through a fan-out (common/frame/fanout.h,
 * ORDERED): a slow one skips to the next IDR.  PLAY is answered as the
 * first unit goes out, so RTP-Info names that unit's sequence number
 * and timestamp exactly.
 */
#ifndef RTSPD_RTP_SESSION_H
#define RTSPD_RTP_SESSION_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#include "fanout.h"
#include "rtsp_request.h"
#include "rtp_stream.h"

struct event;
struct rtp_session;
struct state;
struct tcp_out;
struct udp_pair;

#define SESSION_ID_LEN		16
#define SESSION_SR_SEC		5	/* between sender reports */

/* The session ended by itself (timeout, failed write): reason. */
typedef void	(*rtp_session_gone_cb)(struct rtp_session *se, const char *reason,
		    void *arg);

struct rtp_session {
	TAILQ_ENTRY(rtp_session)	 entry;		/* its connection's */
	TAILQ_ENTRY(rtp_session)	 uentry;	/* state's UDP sessions */
	struct state		*st;
	struct tcp_out		*out;		/* its connection's */
	char			 id[SESSION_ID_LEN + 1];
	struct rtp_stream		*stream;
	struct rtsp_transport	 tr;
	struct udp_pair		*udp;		/* UDP: its socket pair */
	struct sockaddr_storage	 to[2];		/* UDP: RTP, RTCP */
	socklen_t		 tolen;
	int			 playing;
	int			 play_pending;	/* PLAY not answered yet */
	int64_t			 play_cseq;
	char			 play_url[RTSP_URI_MAX];
	int			 synced;	/* UDP: from an IDR on */
	struct fanout		 fan;		/* TCP */
	struct rtp_stream_viewer	 viewer;
	struct event		*ev_sr, *ev_timeout, *ev_gone;
	const char		*gone_reason;
	rtp_session_gone_cb		 gone;
	void			*arg;
	uint64_t		 reports;	/* RTCP from the receiver */
	uint8_t			 fraction;	/* its last loss fraction */
	int32_t			 lost;
};

/*
 * A session on stream (held from now on) with transport tr; UDP goes to
 * peer's address at the client ports, from the pair of local's address.
 * NULL with *status (461, 503) and cause.
 */
struct rtp_session	*rtp_session_new(struct state *st, struct tcp_out *out,
		    struct rtp_stream *stream, const struct rtsp_transport *tr,
		    const struct sockaddr *peer, const struct sockaddr *local,
		    rtp_session_gone_cb gone, void *arg, int *status, char *cause,
		    size_t causelen);
/* Ends the session: a BYE if it played, and the stream let go. */
void		 rtp_session_free(struct rtp_session *se);
/* A request or RTCP named it: its timeout starts again. */
void		 rtp_session_touch(struct rtp_session *se);
/*
 * PLAY: joins the stream; the answer (200 with RTP-Info for url) goes
 * out with the first unit.  Playing already: answered now.  0, or -1.
 */
int		 rtp_session_play(struct rtp_session *se, int64_t cseq,
		    const char *url);
/* PAUSE: leaves the stream, keeping the session. */
void		 rtp_session_pause(struct rtp_session *se);
/* The connection's output drained: the unit in flight has left. */
void		 rtp_session_drained(struct rtp_session *se);
/* RTCP from the receiver. */
void		 rtp_session_rtcp(struct rtp_session *se, const unsigned char *p,
		    size_t len);
/* The transport line a SETUP answers. */
int		 rtp_session_transport(const struct rtp_session *se, char *buf,
		    size_t len);

#endif
