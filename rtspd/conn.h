/* SPDX-License-Identifier: ISC */
/*
 * conn.h: one RTSP connection: its requests read (rtsp_request.h) and
 * answered in order, authentication held per address as in httpd, its
 * sessions (rtp_session.h), interleaved RTCP from the client, and its limits:
 * the head timeout, the input bound, an idle timeout without sessions.
 */
#ifndef RTSPD_CONN_H
#define RTSPD_CONN_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <stddef.h>

#include "auth_access.h"
#include "connpool.h"
#include "rtsp_request.h"
#include "rtp_stream.h"
#include "tcp_out.h"

struct evbuffer;
struct event;
struct rtp_session;
struct state;

struct conn {
	TAILQ_ENTRY(conn)	 entry;
	struct state		*st;
	int			 fd;
	struct sockaddr_storage	 peer, local;
	socklen_t		 peerlen;
	char			 addr[64];	/* the peer, for the log */
	char			 user[AUTH_ACCESS_NAME_MAX + 1]; /* signed in as */
	struct connpool_entry	 pool;
	int			 admitted;	/* past its first request */
	struct evbuffer		*in;
	struct tcp_out		 out;
	struct event		*ev_read, *ev_head, *ev_idle, *ev_hold;
	struct event		*ev_close;
	int			 closing;	/* after what waits is written */
	int			 stopped;	/* not reading for now */
	TAILQ_HEAD(, rtp_session)	 sessions;
	size_t			 nsessions;
	/* A request held: auth delayed, or DESCRIBE awaiting the SPS. */
	struct rtsp_request	 held;
	int			 holding;
	struct rtp_stream		*waiting_on;
	struct rtp_stream_waiter	 waiter;
};

/*
 * A connection on fd from sa, in st's lists and pending in its pool (the
 * caller made room).  NULL (fd closed) when out of memory.
 */
struct conn	*conn_new(struct state *st, int fd, const struct sockaddr *sa,
		    socklen_t salen);
/* Closes it, with its sessions. */
void		 conn_free(struct conn *c);
/* The connection of a pool entry. */
struct conn	*conn_of_pool(struct connpool_entry *e);
/* RTCP on the UDP port from from: to the session sending there. */
void		 conn_udp_rtcp(const struct sockaddr *from, socklen_t fromlen,
		    const unsigned char *p, size_t len, void *arg);

#endif
