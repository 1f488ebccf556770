/* SPDX-License-Identifier: ISC */
/* net.c: the UDP sockets, the datagrams' demultiplexing and routing. */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "demux.h"
#include "ice_lite.h"
#include "log.h"
#include "mono.h"
#include "net.h"
#include "peer.h"
#include "state.h"

/* The length of an address of its family. */
socklen_t
net_addrlen(const struct sockaddr_storage *ss)
{
	return (ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in));
}

/* 1 if a and b are the same address and port. */
int
net_same_addr(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;

	if (a->ss_family != b->ss_family)
		return (0);
	if (a->ss_family == AF_INET) {
		a4 = (const struct sockaddr_in *)a;
		b4 = (const struct sockaddr_in *)b;
		return (a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr);
	}
	if (a->ss_family == AF_INET6) {
		a6 = (const struct sockaddr_in6 *)a;
		b6 = (const struct sockaddr_in6 *)b;
		return (a6->sin6_port == b6->sin6_port &&
		    memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0);
	}
	return (0);
}

/* Sends one datagram. */
int
net_send(struct net_sock *s, const struct sockaddr_storage *to,
    const void *p, size_t len)
{
	if (sendto(s->fd, p, len, 0, (const struct sockaddr *)to,
	    net_addrlen(to)) == -1) {
		s->net->st->stats.send_errors++;
		return (-1);
	}
	return (0);
}

/* Sends a batch to one address; a full buffer loses the rest. */
size_t
net_send_batch(struct net_sock *s, const struct sockaddr_storage *to,
    struct iovec *iov, size_t n)
{
	struct mmsghdr	 msg[NET_BATCH];
	size_t		 i, k, sent = 0;
	int		 rc;

	while (sent < n) {
		k = n - sent > NET_BATCH ? NET_BATCH : n - sent;
		memset(msg, 0, k * sizeof(msg[0]));
		for (i = 0; i < k; i++) {
			msg[i].msg_hdr.msg_name = (void *)to;
			msg[i].msg_hdr.msg_namelen = net_addrlen(to);
			msg[i].msg_hdr.msg_iov = &iov[sent + i];
			msg[i].msg_hdr.msg_iovlen = 1;
		}
		if ((rc = sendmmsg(s->fd, msg, (unsigned)k, 0)) <= 0) {
			s->net->st->stats.send_errors += n - sent;
			break;
		}
		sent += (size_t)rc;
	}
	return (sent);
}

/* A STUN datagram: to the session its USERNAME names. */
static void
net_on_stun(struct net_sock *s, const struct sockaddr_storage *from,
    const unsigned char *p, size_t len, uint64_t now)
{
	static struct log_rate	 lr = LOG_RATE_INIT("STUN for no session");
	struct state		*st = s->net->st;
	char			 ufrag[ICE_LITE_UFRAG_MAX + 1];
	const char		*cause = "malformed";
	struct peer		*pe = NULL;

	ufrag[0] = '\0';
	if (ice_lite_ufrag(p, len, ufrag, sizeof(ufrag), &cause) == -1 ||
	    (pe = peer_by_ufrag(st, ufrag)) == NULL) {
		st->stats.stun_unknown++;
		log_rate_info(&lr, "STUN dropped: %s", pe == NULL &&
		    ufrag[0] != '\0' ? "no session has its ufrag" : cause);
		return;
	}
	peer_on_stun(pe, s, from, p, len, now);
}

/* One datagram read. */
static void
net_on_datagram(struct net_sock *s, const struct sockaddr_storage *from,
    unsigned char *p, size_t len, uint64_t now)
{
	static struct log_rate	 lr = LOG_RATE_INIT("datagrams from strangers");
	struct state		*st = s->net->st;
	enum demux_kind		 k;
	struct peer		*pe;

	k = demux_kind(p, len);
	if (k == DEMUX_STUN) {
		net_on_stun(s, from, p, len, now);
		return;
	}
	if (k == DEMUX_DROP || k == DEMUX_RTP ||
	    (pe = peer_by_addr(st, from, now)) == NULL) {
		s->net->dropped++;
		if (k == DEMUX_DTLS)
			st->stats.dtls_dropped++;
		log_rate_info(&lr, "%s datagram dropped: %s", demux_name(k),
		    k == DEMUX_DROP || k == DEMUX_RTP ? "not taken here" :
		    "from an address no session proved");
		return;
	}
	if (k == DEMUX_DTLS)
		peer_on_dtls(pe, p, len, now);
	else
		peer_on_srtcp(pe, p, len, now);
}

/* The socket is readable: a batch at a time, a few batches at most. */
static void
net_on_read(evutil_socket_t fd, short what, void *arg)
{
	static unsigned char	 buf[NET_BATCH][NET_DGRAM_MAX];
	struct net_sock		*s = arg;
	struct mmsghdr		 msg[NET_BATCH];
	struct iovec		 iov[NET_BATCH];
	struct sockaddr_storage	 from[NET_BATCH];
	uint64_t		 now;
	int			 n, i, rounds;

	for (rounds = 0; rounds < 8; rounds++) {
		memset(msg, 0, sizeof(msg));
		for (i = 0; i < NET_BATCH; i++) {
			iov[i].iov_base = buf[i];
			iov[i].iov_len = sizeof(buf[i]);
			msg[i].msg_hdr.msg_name = &from[i];
			msg[i].msg_hdr.msg_namelen = sizeof(from[i]);
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
		}
		if ((n = recvmmsg(fd, msg, NET_BATCH, MSG_DONTWAIT,
		    NULL)) <= 0)
			return;
		now = mono_ms();
		for (i = 0; i < n; i++) {
			s->net->received++;
			if (msg[i].msg_hdr.msg_flags & MSG_TRUNC) {
				s->net->dropped++;
				continue;
			}
			net_on_datagram(s, &from[i], buf[i], msg[i].msg_len,
			    now);
		}
		if (n < NET_BATCH)
			return;
	}
}

/* Adds a host candidate (addr in text, port) unless it is there. */
static void
net_add_cand(struct state *st, const char *addr, uint16_t port)
{
	size_t	 i;

	for (i = 0; i < st->ncands; i++)
		if (strcmp(st->cand_addr[i], addr) == 0 &&
		    st->cands[i].port == port)
			return;
	if (st->ncands == STATE_ADDR_MAX)
		return;
	snprintf(st->cand_addr[st->ncands], sizeof(st->cand_addr[0]), "%s",
	    addr);
	st->cands[st->ncands].addr = st->cand_addr[st->ncands];
	st->cands[st->ncands].port = port;
	st->ncands++;
}

/* The addresses of the interfaces that are up, of family, as candidates. */
static void
net_interface_cands(struct state *st, int family, uint16_t port)
{
	struct ifaddrs	*ifa, *i;
	char		 text[INET6_ADDRSTRLEN];
	const void	*a;
	int		 pass;

	if (getifaddrs(&ifa) == -1)
		return;
	/* Loopback only when there is nothing else. */
	for (pass = 0; pass < 2 && st->ncands == 0; pass++)
		for (i = ifa; i != NULL; i = i->ifa_next) {
			if (i->ifa_addr == NULL ||
			    i->ifa_addr->sa_family != family ||
			    !(i->ifa_flags & IFF_UP) ||
			    ((i->ifa_flags & IFF_LOOPBACK) != 0) != pass)
				continue;
			if (family == AF_INET)
				a = &((struct sockaddr_in *)i->ifa_addr)->
				    sin_addr;
			else {
				a = &((struct sockaddr_in6 *)i->ifa_addr)->
				    sin6_addr;
				if (IN6_IS_ADDR_LINKLOCAL((const struct
				    in6_addr *)a))
					continue;
			}
			if (inet_ntop(family, a, text, sizeof(text)) != NULL)
				net_add_cand(st, text, port);
		}
	freeifaddrs(ifa);
}

/* Fills st's candidates from the options and the sockets. */
static void
net_candidates(struct net *n)
{
	struct state		*st = n->st;
	const struct state_conf	*c = st->conf;
	char			 text[INET6_ADDRSTRLEN];
	const void		*a;
	size_t			 i;

	for (i = 0; i < c->naddrs; i++)
		net_add_cand(st, c->addrs[i], n->socks[0].port);
	for (i = 0; c->naddrs == 0 && i < n->nsocks; i++) {
		if (c->listen[i].any) {
			net_interface_cands(st, n->socks[i].family,
			    n->socks[i].port);
			continue;
		}
		if (n->socks[i].family == AF_INET)
			a = &((const struct sockaddr_in *)&c->listen[i].ss)->
			    sin_addr;
		else
			a = &((const struct sockaddr_in6 *)&c->listen[i].ss)->
			    sin6_addr;
		if (inet_ntop(n->socks[i].family, a, text,
		    sizeof(text)) != NULL)
			net_add_cand(st, text, n->socks[i].port);
	}
	if (c->public_addr != NULL)
		net_add_cand(st, c->public_addr, c->public_port != 0 ?
		    c->public_port : n->socks[0].port);
}

/* Opens one socket. */
static int
net_open_one(struct net *n, const struct state_listen *l, char *cause,
    size_t causelen)
{
	struct net_sock		*s = &n->socks[n->nsocks];
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	int			 one = 1, size = NET_BUFSIZE;
	char			 text[INET6_ADDRSTRLEN + 8];

	s->net = n;
	s->family = l->ss.ss_family;
	if ((s->fd = socket(s->family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		snprintf(cause, causelen, "socket: %s", strerror(errno));
		return (-1);
	}
	if (s->family == AF_INET6)
		setsockopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one));
	setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (bind(s->fd, (const struct sockaddr *)&l->ss, l->sslen) == -1 ||
	    getsockname(s->fd, (struct sockaddr *)&ss, &sslen) == -1) {
		snprintf(cause, causelen, "--webrtc-listen: bind: %s",
		    strerror(errno));
		close(s->fd);
		return (-1);
	}
	s->port = ntohs(s->family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	if ((s->ev = event_new(n->st->base, s->fd, EV_READ | EV_PERSIST,
	    net_on_read, s)) == NULL || event_add(s->ev, NULL) == -1) {
		snprintf(cause, causelen, "out of memory");
		close(s->fd);
		return (-1);
	}
	inet_ntop(s->family, s->family == AF_INET ?
	    (void *)&((struct sockaddr_in *)&ss)->sin_addr :
	    (void *)&((struct sockaddr_in6 *)&ss)->sin6_addr, text,
	    sizeof(text));
	log_info("WebRTC media on UDP %s%s%s:%u", s->family == AF_INET6 ?
	    "[" : "", text, s->family == AF_INET6 ? "]" : "", s->port);
	n->nsocks++;
	return (0);
}

/* Opens the sockets. */
int
net_open(struct state *st, char *cause, size_t causelen)
{
	struct net	*n;
	size_t		 i;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (-1);
	}
	n->st = st;
	st->net = n;
	for (i = 0; i < st->conf->nlisten; i++)
		if (net_open_one(n, &st->conf->listen[i], cause,
		    causelen) == -1)
			return (-1);
	net_candidates(n);
	if (st->ncands == 0) {
		snprintf(cause, causelen, "no address to name as a candidate: "
		    "give --webrtc-address");
		return (-1);
	}
	for (i = 0; i < st->ncands; i++)
		log_info("host candidate %s port %u", st->cands[i].addr,
		    st->cands[i].port);
	return (0);
}

/* Closes the sockets. */
void
net_free(struct net *n)
{
	size_t	 i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nsocks; i++) {
		event_free(n->socks[i].ev);
		close(n->socks[i].fd);
	}
	free(n);
}
