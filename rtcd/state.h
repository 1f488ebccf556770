/* SPDX-License-Identifier: ISC */
/*
 * state.h: rtcd's running state, shared by its modules: the options
 * (apart from it), our DTLS certificate, the cameras' media, the UDP
 * sockets, the sessions and the counters.  Data only; each module acts on
 * its own part.
 */
#ifndef RTCD_STATE_H
#define RTCD_STATE_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "camname.h"
#include "sdp_answer.h"

struct dtls_srtp_cert;
struct event;
struct event_base;
struct media_cam;
struct net;
struct peer;
struct whep_reply;
struct whep_wait;

#define STATE_LISTEN_MAX	8	/* --webrtc-listen */
#define STATE_ADDR_MAX		SDP_ANSWER_CANDS /* candidates */
#define STATE_REPLIES_MAX	64	/* HTTP answers being written */
#define STATE_WAITS_MAX		16	/* offers waiting for an SPS */

/* One --webrtc-listen: an address and a port, or the wildcard. */
struct state_listen {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	int			 any;		/* * or 0.0.0.0 */
};

/* What the options set. */
struct state_conf {
	struct camname_list	 cams;
	struct state_listen	 listen[STATE_LISTEN_MAX];
	size_t			 nlisten;
	const char		*addrs[STATE_ADDR_MAX];	/* --webrtc-address */
	size_t			 naddrs;
	const char		*public_addr;	/* --webrtc-public-address */
	uint16_t		 public_port;	/* 0: the listening port */
	size_t			 max_sessions;
	size_t			 max_per_addr;
	size_t			 mtu;
	double			 ice_timeout;	/* seconds */
};

/* The counters of /api/webrtc. */
struct state_stats {
	uint64_t		 requests, offers, answered, refused;
	uint64_t		 sessions_ended;
	uint64_t		 stun_answered, stun_dropped, stun_unknown;
	uint64_t		 dtls_dropped, dtls_failed, srtcp_bad;
	uint64_t		 nack_packets, retransmitted, retransmit_missed;
	uint64_t		 pli, fir, idr_requests;
	uint64_t		 send_errors;
};

struct state {
	struct event_base	*base;
	const struct state_conf	*conf;
	struct dtls_srtp_cert	*cert;
	struct media_cam	*cams[CAMNAME_CAMERAS];
	struct net		*net;
	struct event		*tick;		/* the sessions' timers */
	TAILQ_HEAD(, peer)	 peers;
	size_t			 npeers;
	TAILQ_HEAD(, whep_reply) replies;	/* answers being written */
	size_t			 nreplies;
	TAILQ_HEAD(, whep_wait)	 waits;		/* offers waiting for an SPS */
	size_t			 nwaits;
	/* The host candidates of every answer. */
	char			 cand_addr[STATE_ADDR_MAX][INET6_ADDRSTRLEN];
	struct sdp_answer_cand	 cands[STATE_ADDR_MAX];
	size_t			 ncands;
	uint64_t		 start_ms;
	struct state_stats	 stats;
};

#endif
