/* SPDX-License-Identifier: ISC */
/*
 * udp.h: the UDP sockets of RTP over UDP, one pair per listening address
 * (RTP on --udp-port, RTCP on the next port), shared by every session
 * that came through that address: a unit's packets go to a receiver in
 * sendmmsg batches, the same bytes for all; what receivers send to the
 * RTCP port is handed to a callback with its source.
 */
#ifndef RTSPD_UDP_H
#define RTSPD_UDP_H

#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

struct event;
struct event_base;
struct rtp_stream_unit;

typedef void	(*udp_rtcp_cb)(const struct sockaddr *from, socklen_t fromlen,
		    const unsigned char *p, size_t len, void *arg);

struct udp_pair {
	int			 fd[2];		/* RTP, RTCP */
	uint16_t		 port;		/* RTP's */
	struct sockaddr_storage	 local;
	socklen_t		 locallen;
	struct event		*ev[2];
	udp_rtcp_cb		 cb;
	void			*arg;
	uint64_t		 sent, send_errors;
	int			 no_gso;	/* UDP_SEGMENT refused here */
};

/*
 * Opens the pair on local's address (its port replaced by port and
 * port + 1).  NULL with cause.
 */
struct udp_pair	*udp_pair_open(struct event_base *base,
		    const struct sockaddr *local, socklen_t locallen,
		    uint16_t port, udp_rtcp_cb cb, void *arg, char *cause,
		    size_t causelen);
void		 udp_pair_close(struct udp_pair *u);
/* True when local is the pair's address (port aside). */
int		 udp_pair_is(const struct udp_pair *u,
		    const struct sockaddr *local);
/* Sends the unit's RTP packets to to.  Packets sent; errors are counted. */
size_t		 udp_send_unit(struct udp_pair *u, const struct sockaddr *to,
		    socklen_t tolen, const struct rtp_stream_unit *unit);
/* The packets at pkts (n of them) that go in one segmented message. */
size_t		 udp_gso_run(const struct rtp_pkt *pkts, size_t n);
/* Sends one RTCP packet from the RTCP socket.  0, or -1. */
int		 udp_send_rtcp(struct udp_pair *u, const struct sockaddr *to,
		    socklen_t tolen, const unsigned char *p, size_t len);
/* Compares two addresses, ports included: 1 when the same. */
int		 udp_same_addr(const struct sockaddr *a, const struct sockaddr *b);

#endif
