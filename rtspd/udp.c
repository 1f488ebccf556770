/* SPDX-License-Identifier: ISC */
/*
 * udp.c: RTP and RTCP over UDP, one socket pair per listening address.
 * A unit's packets go out with sendmmsg, each run of packets of one size
 * (an FU-A's fragments) as one message with UDP_SEGMENT (generic
 * segmentation offload), so the stack is crossed once per run rather than
 * once per packet; where the kernel or the device refuses that, the pair
 * sends a packet per message from then on.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "frame.h"
#include "rtp_stream.h"
#include "udp.h"

#define UDP_BATCH	64		/* packets per sendmmsg */
#define UDP_GSO_SEGS	64		/* packets per message, at most */
#define UDP_GSO_BYTES	60000		/* and bytes */
#ifndef UDP_SEGMENT
#define UDP_SEGMENT	103		/* linux/udp.h, since Linux 4.18 */
#endif
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

/*
 * How many of the n packets at pkts go in one segmented message: the
 * first, those after it of its length, then one shorter (the kernel cuts
 * a message into segments of the first's length, the last may be short),
 * at most UDP_GSO_SEGS packets and UDP_GSO_BYTES bytes.  At least 1.
 */
size_t
udp_gso_run(const struct rtp_pkt *pkts, size_t n)
{
	size_t	 k, len, bytes;

	if (n == 0)
		return (0);
	len = pkts[0].len;
	bytes = len;
	for (k = 1; k < n && k < UDP_GSO_SEGS; k++) {
		if (pkts[k].len > len || bytes + pkts[k].len > UDP_GSO_BYTES)
			break;
		bytes += pkts[k].len;
		if (pkts[k].len < len)
			return (k + 1);
	}
	return (k);
}

/*
 * Sends packets one per message, from i on: the count sent.  A full
 * socket buffer loses the rest: that is UDP.
 */
static size_t
udp_send_each(struct udp_pair *u, const struct sockaddr *to, socklen_t tolen,
    const struct rtp_stream_unit *unit, size_t i)
{
	struct mmsghdr	 msg[UDP_BATCH];
	struct iovec	 iov[UDP_BATCH];
	size_t		 n, k, sent = 0;
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
			u->send_errors++;
			break;
		}
		sent += rc;
		i += rc;
	}
	return (sent);
}

/* Sends a unit's packets, runs of one size as segmented messages. */
size_t
udp_send_unit(struct udp_pair *u, const struct sockaddr *to, socklen_t tolen,
    const struct rtp_stream_unit *unit)
{
	struct mmsghdr	 msg[UDP_BATCH];
	struct iovec	 iov[UDP_BATCH];
	union {
		struct cmsghdr	 h;
		char		 b[CMSG_SPACE(sizeof(uint16_t))];
	}		 ctl[UDP_BATCH];
	size_t		 runs[UDP_BATCH];
	size_t		 i = 0, p, n, k, m, r, sent = 0;
	uint16_t	 seg;
	int		 rc;

	while (i < unit->npkts && !u->no_gso) {
		/* Up to UDP_BATCH messages, each a run; the iovecs in order. */
		memset(msg, 0, sizeof(msg));
		for (n = 0, p = i, k = 0; n < UDP_BATCH && p < unit->npkts;
		    n++) {
			r = udp_gso_run(unit->pkts + p, unit->npkts - p);
			if (r > UDP_BATCH - k)
				break;
			runs[n] = r;
			msg[n].msg_hdr.msg_name = (void *)to;
			msg[n].msg_hdr.msg_namelen = tolen;
			msg[n].msg_hdr.msg_iov = &iov[k];
			msg[n].msg_hdr.msg_iovlen = r;
			if (r > 1) {
				memset(&ctl[n], 0, sizeof(ctl[n]));
				msg[n].msg_hdr.msg_control = ctl[n].b;
				msg[n].msg_hdr.msg_controllen = sizeof(ctl[n].b);
				ctl[n].h.cmsg_level = SOL_UDP;
				ctl[n].h.cmsg_type = UDP_SEGMENT;
				ctl[n].h.cmsg_len = CMSG_LEN(sizeof(seg));
				seg = (uint16_t)unit->pkts[p].len;
				memcpy(CMSG_DATA(&ctl[n].h), &seg, sizeof(seg));
			}
			for (m = 0; m < r; m++, p++, k++) {
				iov[k].iov_base = unit->f->buf + unit->pkts[p].off;
				iov[k].iov_len = unit->pkts[p].len;
			}
		}
		if ((rc = sendmmsg(u->fd[0], msg, n, 0)) <= 0) {
			/* Segmentation refused here: one packet a message. */
			if (rc == -1 && (errno == EIO || errno == EINVAL ||
			    errno == ENOPROTOOPT || errno == EOPNOTSUPP)) {
				u->no_gso = 1;
				break;
			}
			u->send_errors++;
			u->sent += sent;
			return (sent);
		}
		for (k = 0; k < (size_t)rc; k++) {
			sent += runs[k];
			i += runs[k];
		}
		if ((size_t)rc < n) {
			/* A full socket buffer loses the rest: that is UDP. */
			u->send_errors++;
			u->sent += sent;
			return (sent);
		}
	}
	sent += udp_send_each(u, to, tolen, unit, i);
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
