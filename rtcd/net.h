/* SPDX-License-Identifier: ISC */
/*
 * net.h: rtcd's UDP sockets, one per --webrtc-listen, shared by every
 * session: datagrams read in batches (recvmmsg), told apart by RFC 7983
 * and routed: STUN by the USERNAME's local ufrag, DTLS and SRTCP only
 * from an address ICE has proven for a session.  The host candidates of
 * the answers are worked out here too.
 */
#ifndef RTCD_NET_H
#define RTCD_NET_H

#include <sys/socket.h>
#include <sys/uio.h>
#include <stddef.h>
#include <stdint.h>

#include "state.h"

struct event;

#define NET_BATCH		32	/* datagrams per recvmmsg */
#define NET_DGRAM_MAX		1500
#define NET_BUFSIZE		(1024 * 1024)	/* SO_RCVBUF, SO_SNDBUF */

struct net_sock {
	struct net		*net;
	int			 fd;
	int			 family;
	uint16_t		 port;
	struct event		*ev;
};

struct net {
	struct state		*st;
	struct net_sock		 socks[STATE_LISTEN_MAX];
	size_t			 nsocks;
	uint64_t		 received, dropped;
};

/*
 * Opens every --webrtc-listen socket and fills st's candidates.  0, or
 * -1 with cause.
 */
int	net_open(struct state *st, char *cause, size_t causelen);
/* Closes the sockets. */
void	net_free(struct net *n);
/* Sends one datagram: 0, or -1 (counted). */
int	net_send(struct net_sock *s, const struct sockaddr_storage *to,
	    const void *p, size_t len);
/* Sends n datagrams (iov[i] each) to one address: how many went. */
size_t	net_send_batch(struct net_sock *s, const struct sockaddr_storage *to,
	    struct iovec *iov, size_t n);
/* The length of an address of its family. */
socklen_t net_addrlen(const struct sockaddr_storage *ss);
/* 1 if a and b are the same address and port. */
int	net_same_addr(const struct sockaddr_storage *a,
	    const struct sockaddr_storage *b);

#endif
