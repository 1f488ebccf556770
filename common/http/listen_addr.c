/* SPDX-License-Identifier: ISC */
/* listen_addr.c: --listen addresses: parsing and listening sockets. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "listen_addr.h"

/* Says whether [s, s + n) is a host name: dot-separated labels of 1 to 63
 * letters, digits and '-', not starting or ending with '-'. */
static int
listen_addr_hostname(const char *s, size_t n)
{
	size_t	 i, label = 0;

	if (n == 0 || n > LISTEN_ADDR_HOST_MAX)
		return (0);
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return (0);
			label = 0;
			continue;
		}
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    (s[i] == '-' && label > 0)))
			return (0);
		if (++label > 63)
			return (0);
	}
	return (s[n - 1] != '-' && s[n - 1] != '.');
}

/* Parses "HOST:PORT" into la. */
int
listen_addr_parse(const char *spec, struct listen_addr *la, char *cause,
    size_t causelen)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;
	const char	*host = spec, *colon, *p;
	size_t		 n;
	unsigned	 port = 0;

	memset(la, 0, sizeof(*la));
	if (*spec == '[') {
		host = spec + 1;
		if ((p = strchr(host, ']')) == NULL) {
			snprintf(cause, causelen, "\"%.80s\": no ']' after "
			    "the IPv6 address", spec);
			return (-1);
		}
		n = p - host;
		colon = p + 1;
		if (*colon != ':') {
			snprintf(cause, causelen, "\"%.80s\": no :PORT after "
			    "[ADDRESS]", spec);
			return (-1);
		}
	} else {
		if ((colon = strrchr(spec, ':')) == NULL) {
			snprintf(cause, causelen, "\"%.80s\" is not "
			    "ADDRESS:PORT", spec);
			return (-1);
		}
		n = colon - spec;
		if (memchr(spec, ':', n) != NULL) {
			snprintf(cause, causelen, "\"%.80s\": an IPv6 address "
			    "goes in brackets, [ADDRESS]:PORT", spec);
			return (-1);
		}
	}
	for (p = colon + 1; *p >= '0' && *p <= '9' && port <= 65535; p++)
		port = port * 10 + (*p - '0');
	if (p == colon + 1 || *p != '\0' || port == 0 || port > 65535) {
		snprintf(cause, causelen, "\"%.80s\": the port must be a number "
		    "from 1 to 65535", spec);
		return (-1);
	}
	snprintf(la->port, sizeof(la->port), "%u", port);

	if (n < sizeof(la->host)) {
		memcpy(la->host, host, n);
		la->host[n] = '\0';
	}
	if (host != spec) {
		if (n >= INET6_ADDRSTRLEN ||
		    inet_pton(AF_INET6, la->host, &a6) != 1) {
			snprintf(cause, causelen, "\"%.80s\": not an IPv6 "
			    "address in the brackets", spec);
			return (-1);
		}
		la->family = AF_INET6;
	} else if (n == 0 || (n == 1 && *host == '*')) {
		la->host[0] = '\0';
		la->family = AF_UNSPEC;
	} else if (strspn(la->host, "0123456789.") == n) {
		if (inet_pton(AF_INET, la->host, &a4) != 1) {
			snprintf(cause, causelen, "\"%.80s\": not an IPv4 "
			    "address", spec);
			return (-1);
		}
		la->family = AF_INET;
	} else if (listen_addr_hostname(host, n)) {
		la->family = AF_UNSPEC;
	} else {
		snprintf(cause, causelen, "\"%.80s\": not an address or a host "
		    "name", spec);
		return (-1);
	}
	return (0);
}

/* Resolves la and listens on each of its addresses. */
int
listen_addr_open(const struct listen_addr *la, int backlog, int *fds,
    int maxfds, char *cause, size_t causelen)
{
	struct addrinfo		 hints, *res = NULL, *ai;
	char			 name[LISTEN_ADDR_HOST_MAX + 16];
	int			 fd, on = 1, e, n = 0;

	snprintf(name, sizeof(name), la->family == AF_INET6 ? "[%s]:%s" :
	    "%s:%s", *la->host ? la->host : "*", la->port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = la->family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (la->family != AF_UNSPEC)
		hints.ai_flags |= AI_NUMERICHOST;
	if ((e = getaddrinfo(*la->host ? la->host : NULL, la->port, &hints,
	    &res)) != 0) {
		snprintf(cause, causelen, "%s: %s", name, gai_strerror(e));
		return (-1);
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (n == maxfds) {
			snprintf(cause, causelen, "%s: more than %d addresses",
			    name, maxfds);
			goto fail;
		}
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (fd == -1) {
			snprintf(cause, causelen, "%s: socket: %s", name,
			    strerror(errno));
			goto fail;
		}
		fds[n++] = fd;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (ai->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
			    sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
		    listen(fd, backlog) == -1) {
			snprintf(cause, causelen, "%s: %s", name,
			    strerror(errno));
			goto fail;
		}
	}
	freeaddrinfo(res);
	return (n);
fail:
	while (n > 0)
		close(fds[--n]);
	freeaddrinfo(res);
	return (-1);
}
