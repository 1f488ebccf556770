/* SPDX-License-Identifier: ISC */
/*
 * state.h: rtspd's running state, shared by its connections: the options
 * (apart from it), the cameras' streams, the UDP sockets, the pools and
 * the counters.  Data only; each module acts on its own part.
 */
#ifndef RTSPD_STATE_H
#define RTSPD_STATE_H

#include <sys/queue.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "camname.h"
#include "connpool.h"

struct conn;
struct rtp_session;
struct rtp_stream;
struct udp_pair;

#define STATE_LISTEN_MAX	16

/* What the options set. */
struct state_conf {
	struct camname_list	 cams;
	size_t			 max_clients;	/* connections at most */
	struct connpool_conf	 pool;		/* heads pending, shares */
	size_t			 max_sessions;	/* per connection */
	double			 head_timeout;	/* seconds */
	double			 session_timeout;
	double			 write_timeout;
	unsigned		 udp_port;	/* RTP; RTCP +1; 0: no UDP */
	size_t			 mtu;
	struct auth_conf	 auth;
};

struct state_stats {
	uint64_t		 accepted, refused, evicted, requests;
	uint64_t		 bad_requests;
	uint64_t		 auth_failures, sessions, plays, expired;
	uint64_t		 rtcp_reports;
};

struct state {
	struct event_base	*base;
	const struct state_conf	*conf;
	struct auth		*auth;
	struct connpool		*pool;
	struct rtp_stream		*streams[CAMNAME_CAMERAS];
	struct rtp_stream		*sub_streams[CAMNAME_CAMERAS]; /* or NULL */
	struct udp_pair		*udp[STATE_LISTEN_MAX];	/* per listener */
	TAILQ_HEAD(, conn)	 conns;
	size_t			 nconns;		/* past their head */
	size_t			 nall;			/* all */
	TAILQ_HEAD(, rtp_session)	 udp_sessions;
	size_t			 nsessions, nplaying;
	struct state_stats	 stats;
};

#endif
