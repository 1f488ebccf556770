/* SPDX-License-Identifier: ISC */
/* wsdiscovery.c: WS-Discovery's Probe, ProbeMatch, Hello and Bye. */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include <openssl/rand.h>

#include "log.h"
#include "mono.h"
#include "onvif.h"
#include "onvif_request.h"
#include "wsdiscovery.h"

#define WSD_NS	"xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" " \
	"xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" " \
	"xmlns:d=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\" " \
	"xmlns:dn=\"http://www.onvif.org/ver10/network/wsdl\" " \
	"xmlns:tds=\"" ONVIF_NS_DEVICE "\""
#define WSD_ACTION	"http://schemas.xmlsoap.org/ws/2005/04/discovery/"
#define WSD_TO_ALL	"urn:schemas-xmlsoap-org:ws:2005:04:discovery"
#define WSD_TYPES	"dn:NetworkVideoTransmitter tds:Device"
#define WSD_SCOPES	"onvif://www.onvif.org/Profile/Streaming " \
	"onvif://www.onvif.org/type/video_encoder " \
	"onvif://www.onvif.org/name/campipe"

/* One sender's answers in the current second. */
struct wsdiscovery_src {
	struct in_addr	 addr;
	uint64_t	 sec;
	unsigned	 n;
};

struct wsdiscovery {
	int		 fd;
	struct event	*ev;
	struct event	*rejoin;	/* interfaces that came up later */
	char		 uuid[40];
	int		 port;
	unsigned	 instance;	/* AppSequence InstanceId */
	unsigned	 seq;		/* its MessageNumber */
	struct wsdiscovery_src src[WSDISCOVERY_SOURCES];
};

/* A random urn:uuid for a MessageID. */
static void
wsdiscovery_msgid(char *buf, size_t len)
{
	unsigned char	 r[16];

	if (RAND_bytes(r, sizeof(r)) != 1)
		memset(r, 0, sizeof(r));
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	snprintf(buf, len, "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4],
	    r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14],
	    r[15]);
}

/*
 * Writes a message: action (Hello, Bye, ProbeMatches), to, the probe's
 * MessageID it relates to (or NULL), and the body for local address
 * addr (NULL: a Bye's, without XAddrs).
 */
static void
wsdiscovery_message(struct wsdiscovery *d, struct evbuffer *b,
    const char *action, const char *to, const char *relates,
    const char *addr)
{
	char	 mid[64];

	wsdiscovery_msgid(mid, sizeof(mid));
	evbuffer_add_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<s:Envelope " WSD_NS "><s:Header><a:MessageID>%s</a:MessageID>",
	    mid);
	if (relates != NULL) {
		evbuffer_add_printf(b, "<a:RelatesTo>");
		onvif_esc(b, relates);
		evbuffer_add_printf(b, "</a:RelatesTo>");
	}
	evbuffer_add_printf(b, "<a:To>%s</a:To><a:Action>" WSD_ACTION
	    "%s</a:Action><d:AppSequence InstanceId=\"%u\" "
	    "MessageNumber=\"%u\"/></s:Header><s:Body>", to, action,
	    d->instance, ++d->seq);
	if (strcmp(action, "ProbeMatches") == 0)
		evbuffer_add_printf(b, "<d:ProbeMatches><d:ProbeMatch>");
	else
		evbuffer_add_printf(b, "<d:%s>", action);
	evbuffer_add_printf(b, "<a:EndpointReference><a:Address>urn:uuid:%s"
	    "</a:Address></a:EndpointReference>", d->uuid);
	if (addr != NULL)
		evbuffer_add_printf(b, "<d:Types>" WSD_TYPES "</d:Types>"
		    "<d:Scopes>" WSD_SCOPES "</d:Scopes><d:XAddrs>http://%s:%d"
		    "/onvif/device_service</d:XAddrs>", addr, d->port);
	evbuffer_add_printf(b, "<d:MetadataVersion>1</d:MetadataVersion>");
	if (strcmp(action, "ProbeMatches") == 0)
		evbuffer_add_printf(b, "</d:ProbeMatch></d:ProbeMatches>");
	else
		evbuffer_add_printf(b, "</d:%s>", action);
	evbuffer_add_printf(b, "</s:Body></s:Envelope>\n");
}

/* Sends b to sin from the socket. */
static void
wsdiscovery_send(struct wsdiscovery *d, struct evbuffer *b,
    const struct sockaddr_in *sin)
{
	static struct log_rate	 lr = LOG_RATE_INIT("WS-Discovery sends");
	size_t			 len = evbuffer_get_length(b);

	if (sendto(d->fd, evbuffer_pullup(b, -1), len, 0,
	    (const struct sockaddr *)sin, sizeof(*sin)) == -1)
		log_rate_warn(&lr, "WS-Discovery: sendto %s",
		    inet_ntoa(sin->sin_addr));
}

/* The local address of the interface that reaches to: 0, or -1. */
static int
wsdiscovery_local(const struct sockaddr_in *to, char *buf, size_t len)
{
	struct sockaddr_in	 me;
	socklen_t		 sl = sizeof(me);
	int			 s, rc = -1;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	if (connect(s, (const struct sockaddr *)to, sizeof(*to)) == 0 &&
	    getsockname(s, (struct sockaddr *)&me, &sl) == 0 &&
	    inet_ntop(AF_INET, &me.sin_addr, buf, (socklen_t)len) != NULL)
		rc = 0;
	close(s);
	return (rc);
}

/* True when from may have another answer this second. */
static int
wsdiscovery_allow(struct wsdiscovery *d, struct in_addr from)
{
	struct wsdiscovery_src	*s, *old = &d->src[0];
	uint64_t		 now = (uint64_t)mono_sec();
	size_t			 i;

	for (i = 0; i < WSDISCOVERY_SOURCES; i++) {
		s = &d->src[i];
		if (s->n > 0 && s->addr.s_addr == from.s_addr)
			break;
		if (s->sec < old->sec)	/* the empty or the stalest */
			old = s;
	}
	if (i == WSDISCOVERY_SOURCES) {
		s = old;
		s->addr = from;
		s->n = 0;
		s->sec = now;
	}
	if (s->sec != now) {
		s->sec = now;
		s->n = 0;
	}
	return (++s->n <= WSDISCOVERY_PER_SEC);
}

/* A datagram: a wanted Probe gets a ProbeMatch. */
static void
wsdiscovery_on_read(evutil_socket_t fd, short ev, void *arg)
{
	static struct log_rate	 lr = LOG_RATE_INIT("WS-Discovery probes");
	struct wsdiscovery	*d = arg;
	struct sockaddr_in	 from;
	socklen_t		 sl = sizeof(from);
	struct onvif_probe	 p;
	struct evbuffer		*b;
	char			 buf[8192], cause[128], addr[INET_ADDRSTRLEN];
	ssize_t			 n;

	if ((n = recvfrom(fd, buf, sizeof(buf), MSG_TRUNC, (struct sockaddr *)
	    &from, &sl)) <= 0 || (size_t)n > sizeof(buf) ||
	    from.sin_family != AF_INET)
		return;
	if (onvif_probe_parse(buf, (size_t)n, &p, cause, sizeof(cause)) == -1)
		return;		/* Hello, Bye, others' ProbeMatches */
	if (!p.wanted || p.message_id[0] == '\0')
		return;
	if (!wsdiscovery_allow(d, from.sin_addr)) {
		log_rate_info(&lr, "WS-Discovery: probes from %s beyond %d a "
		    "second ignored", inet_ntoa(from.sin_addr),
		    WSDISCOVERY_PER_SEC);
		return;
	}
	if (wsdiscovery_local(&from, addr, sizeof(addr)) == -1 ||
	    (b = evbuffer_new()) == NULL)
		return;
	wsdiscovery_message(d, b, "ProbeMatches", "http://schemas.xmlsoap."
	    "org/ws/2004/08/addressing/role/anonymous", p.message_id, addr);
	wsdiscovery_send(d, b, &from);
	evbuffer_free(b);
}

/*
 * The IPv4 interfaces that are up, by SIOCGIFCONF: an AF_INET socket is
 * all it takes (getifaddrs needs netlink, which the unit does not allow).
 * Fills ifr (at most n) and returns how many.
 */
static int
wsdiscovery_ifaces(struct ifreq *ifr, int n)
{
	struct ifconf	 ifc;
	struct ifreq	 fl;
	int		 s, i, up = 0;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return (0);
	ifc.ifc_len = n * (int)sizeof(*ifr);
	ifc.ifc_req = ifr;
	if (ioctl(s, SIOCGIFCONF, &ifc) == -1) {
		close(s);
		return (0);
	}
	for (i = 0; i < ifc.ifc_len / (int)sizeof(*ifr); i++) {
		fl = ifr[i];
		if (ifr[i].ifr_addr.sa_family != AF_INET ||
		    ioctl(s, SIOCGIFFLAGS, &fl) == -1 ||
		    !(fl.ifr_flags & IFF_UP))
			continue;
		ifr[up++] = ifr[i];
	}
	close(s);
	return (up);
}

/* Sends a Hello (hello) or a Bye to the group on every interface. */
static void
wsdiscovery_announce(struct wsdiscovery *d, int hello)
{
	struct ifreq		 ifr[WSDISCOVERY_IFACES];
	struct sockaddr_in	 group;
	struct in_addr		 a;
	struct evbuffer		*b;
	char			 addr[INET_ADDRSTRLEN];
	int			 i, n = wsdiscovery_ifaces(ifr, WSDISCOVERY_IFACES);

	memset(&group, 0, sizeof(group));
	group.sin_family = AF_INET;
	group.sin_port = htons(WSDISCOVERY_PORT);
	inet_pton(AF_INET, WSDISCOVERY_GROUP, &group.sin_addr);
	for (i = 0; i < n; i++) {
		if ((b = evbuffer_new()) == NULL)
			continue;
		a = ((struct sockaddr_in *)&ifr[i].ifr_addr)->sin_addr;
		inet_ntop(AF_INET, &a, addr, sizeof(addr));
		wsdiscovery_message(d, b, hello ? "Hello" : "Bye", WSD_TO_ALL,
		    NULL, hello ? addr : NULL);
		if (setsockopt(d->fd, IPPROTO_IP, IP_MULTICAST_IF, &a,
		    sizeof(a)) == 0)
			wsdiscovery_send(d, b, &group);
		evbuffer_free(b);
	}
}

/* Joins the group on every IPv4 interface: how many joined. */
static int
wsdiscovery_join(int fd)
{
	struct ifreq	 ifr[WSDISCOVERY_IFACES];
	struct ip_mreqn	 m;
	int		 i, n = wsdiscovery_ifaces(ifr, WSDISCOVERY_IFACES), joined = 0;

	for (i = 0; i < n; i++) {
		memset(&m, 0, sizeof(m));
		inet_pton(AF_INET, WSDISCOVERY_GROUP, &m.imr_multiaddr);
		m.imr_address = ((struct sockaddr_in *)&ifr[i].ifr_addr)->sin_addr;
		if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m,
		    sizeof(m)) == 0 || errno == EADDRINUSE)
			joined++;
	}
	return (joined);
}

/* Joins the group on interfaces that came up since (a Wi-Fi at boot). */
static void
wsdiscovery_on_rejoin(evutil_socket_t fd, short ev, void *arg)
{
	struct wsdiscovery	*d = arg;

	wsdiscovery_join(d->fd);
}

/* Opens the socket, joins the group, says Hello. */
struct wsdiscovery *
wsdiscovery_new(struct event_base *base, const char *uuid, int http_port,
    char *cause, size_t causelen)
{
	struct wsdiscovery	*d;
	struct sockaddr_in	 sin;
	struct timeval		 rejoin = { WSDISCOVERY_REJOIN, 0 };
	int			 one = 1;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	snprintf(d->uuid, sizeof(d->uuid), "%s", uuid);
	d->port = http_port;
	d->instance = (unsigned)time(NULL);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(WSDISCOVERY_PORT);
	if ((d->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1 || setsockopt(d->fd, SOL_SOCKET,
	    SO_REUSEADDR, &one, sizeof(one)) == -1 || bind(d->fd,
	    (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		snprintf(cause, causelen, "WS-Discovery: UDP port %d: %s",
		    WSDISCOVERY_PORT, strerror(errno));
		goto fail;
	}
	if (wsdiscovery_join(d->fd) == 0) {
		snprintf(cause, causelen, "WS-Discovery: cannot join %s on "
		    "any interface", WSDISCOVERY_GROUP);
		goto fail;
	}
	if ((d->ev = event_new(base, d->fd, EV_READ | EV_PERSIST,
	    wsdiscovery_on_read, d)) == NULL || event_add(d->ev, NULL) == -1 ||
	    (d->rejoin = event_new(base, -1, EV_PERSIST, wsdiscovery_on_rejoin,
	    d)) == NULL || event_add(d->rejoin, &rejoin) == -1) {
		snprintf(cause, causelen, "out of memory");
		goto fail;
	}
	wsdiscovery_announce(d, 1);
	return (d);
fail:
	if (d->ev != NULL)
		event_free(d->ev);
	if (d->fd != -1)
		close(d->fd);
	free(d);
	return (NULL);
}

/* Says Bye, closes. */
void
wsdiscovery_free(struct wsdiscovery *d)
{
	if (d == NULL)
		return;
	wsdiscovery_announce(d, 0);
	if (d->ev != NULL)
		event_free(d->ev);
	if (d->rejoin != NULL)
		event_free(d->rejoin);
	close(d->fd);
	free(d);
}
