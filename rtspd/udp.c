/* SPDX-License-Identifier: ISC */
/*
 * udp.c: RTP and RTCP over UDP, one socket pair per listening address.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "frame.h"
#include "stream.h"
#include "udp.h"

#define UDP_BATCH	64		/* packets per sendmmsg */
#define UDP_READ_MAX	1500		/* an RTCP packet from a receiver */
#define UDP_SNDBUF	(1 << 20)

/* Sets the port of an IPv4 or IPv6 address. */
static void
udp_set_port(struct sockaddr *sa, uint16_t port)
{
	if (sa->sa_family == AF_INET)
		((struct sockaddr_in *)sa)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
}

/* Reads what arrived on either socket: RTCP to the callback, RTP dropped. */
static void
udp_on_read(evutil_socket_t fd, short what, void *arg)
{
	struct udp_pair		*u = arg;
	struct sockaddr_storage	 from;
	unsigned char		 buf[UDP_READ_MAX];
	socklen_t		 fromlen;
	ssize_t			 n;
	int			 i;

	/* A bounded number per wakeup: a flood cannot hold the loop. */
	for (i = 0; i < 64; i++) {
		fromlen = sizeof(from);
		if ((n = recvfrom(fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &fromlen)) == -1)
			return;
		if (fd == u->fd[1])
			u->cb((struct sockaddr *)&from, fromlen, buf, n,
			    u->arg);
	}
}

/* Opens one socket of the pair. */
static int
udp_open_one(const struct sockaddr *sa, socklen_t len, char *cause,
    size_t causelen)
{
	int	 fd, on = 1, sz = UDP_SNDBUF;

	if ((fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		snprintf(cause, causelen, "socket: %s", strerror(errno));
		return (-1);
	}
	if (sa->sa_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (bind(fd, sa, len) == -1) {
		snprintf(cause, causelen, "bind UDP port %u: %s",
		    ntohs(sa->sa_family == AF_INET ?
		    ((const struct sockaddr_in *)sa)->sin_port :
		    ((const struct sockaddr_in6 *)sa)->sin6_port),
		    strerror(errno));
		close(fd);
		return (-1);
	}
	return (fd);
}

/* Opens a pair on local's address. */
struct udp_pair *
udp_pair_open(struct event_base *base, const struct sockaddr *local,
    socklen_t locallen, uint16_t port, udp_rtcp_cb cb, void *arg,
    char *cause, size_t causelen)
{
	struct udp_pair		*u;
	struct sockaddr_storage	 ss;
	int			 i;

	if ((u = calloc(1, sizeof(*u))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	u->fd[0] = u->fd[1] = -1;
	u->port = port;
	u->cb = cb;
	u->arg = arg;
	memcpy(&u->local, local, locallen);
	u->locallen = locallen;
	for (i = 0; i < 2; i++) {
		memcpy(&ss, local, locallen);
		udp_set_port((struct sockaddr *)&ss, port + i);
		if ((u->fd[i] = udp_open_one((struct sockaddr *)&ss, locallen,
		    cause, causelen)) == -1) {
			udp_pair_close(u);
			return (NULL);
		}
		if ((u->ev[i] = event_new(base, u->fd[i], EV_READ | EV_PERSIST,
		    udp_on_read, u)) == NULL || event_add(u->ev[i],
		    NULL) == -1) {
			snprintf(cause, causelen, "out of memory");
			udp_pair_close(u);
			return (NULL);
		}
	}
	return (u);
}

/* Closes a pair. */
void
udp_pair_close(struct udp_pair *u)
{
	int	 i;

	if (u == NULL)
		return;
	for (i = 0; i < 2; i++) {
		if (u->ev[i] != NULL)
			event_free(u->ev[i]);
		if (u->fd[i] != -1)
			close(u->fd[i]);
	}
	free(u);
}

/* Compares the addresses of a and b, or also their ports. */
static int
udp_cmp(const struct sockaddr *a, const struct sockaddr *b, int ports)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;

	if (a->sa_family != b->sa_family)
		return (0);
	if (a->sa_family == AF_INET) {
		a4 = (const struct sockaddr_in *)a;
		b4 = (const struct sockaddr_in *)b;
		return (a4->sin_addr.s_addr == b4->sin_addr.s_addr &&
		    (!ports || a4->sin_port == b4->sin_port));
	}
	if (a->sa_family == AF_INET6) {
		a6 = (const struct sockaddr_in6 *)a;
		b6 = (const struct sockaddr_in6 *)b;
		return (memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0 &&
		    (!ports || a6->sin6_port == b6->sin6_port));
	}
	return (0);
}

/* True when local is the pair's address. */
int
udp_pair_is(const struct udp_pair *u, const struct sockaddr *local)
{
	return (udp_cmp((const struct sockaddr *)&u->local, local, 0));
}

/* Same address and port. */
int
udp_same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	return (udp_cmp(a, b, 1));
}

/* Sends a unit's packets in batches. */
size_t
udp_send_unit(struct udp_pair *u, const struct sockaddr *to, socklen_t tolen,
    const struct stream_unit *unit)
{
	struct mmsghdr	 msg[UDP_BATCH];
	struct iovec	 iov[UDP_BATCH];
	size_t		 i = 0, n, k, sent = 0;
	int		 rc;

	while (i < unit->npkts) {
		n = unit->npkts - i;
		if (n > UDP_BATCH)
			n = UDP_BATCH;
		memset(msg, 0, n * sizeof(msg[0]));
		for (k = 0; k < n; k++) {
			iov[k].iov_base = unit->f->buf + unit->pkts[i + k].off;
			iov[k].iov_len = unit->pkts[i + k].len;
			msg[k].msg_hdr.msg_name = (void *)to;
			msg[k].msg_hdr.msg_namelen = tolen;
			msg[k].msg_hdr.msg_iov = &iov[k];
			msg[k].msg_hdr.msg_iovlen = 1;
		}
		if ((rc = sendmmsg(u->fd[0], msg, n, 0)) <= 0) {
			/* A full socket buffer loses the rest: that is UDP. */
			u->send_errors++;
			break;
		}
		sent += rc;
		i += rc;
	}
	u->sent += sent;
	return (sent);
}

/* Sends one RTCP packet. */
int
udp_send_rtcp(struct udp_pair *u, const struct sockaddr *to, socklen_t tolen,
    const unsigned char *p, size_t len)
{
	if (sendto(u->fd[1], p, len, 0, to, tolen) == -1) {
		u->send_errors++;
		return (-1);
	}
	return (0);
}
