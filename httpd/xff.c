/* SPDX-License-Identifier: ISC */
/*
 * xff.c: X-Forwarded-For from trusted proxies: parsed without I/O, and the
 * client address of a request read from it.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include <event2/http.h>

#include "xff.h"

/* Parses a bare IPv4 or IPv6 address of len bytes into ss. */
static int
xff_addr(const char *s, size_t len, struct sockaddr_storage *ss,
    socklen_t *sslen)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	char			 buf[INET6_ADDRSTRLEN];

	if (len == 0 || len >= sizeof(buf))
		return (-1);
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, buf, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		*sslen = sizeof(*sin);
		return (0);
	}
	if (inet_pton(AF_INET6, buf, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		*sslen = sizeof(*sin6);
		return (0);
	}
	return (-1);
}

/* Parses the last element of X-Forwarded-For. */
int
xff_parse_last(const char *value, struct sockaddr_storage *ss,
    socklen_t *sslen)
{
	const char	*start, *end;
	size_t		 len = strnlen(value, XFF_VALUE_MAX + 1);

	if (len > XFF_VALUE_MAX)
		return (-1);
	end = value + len;
	while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	start = end;
	while (start > value && start[-1] != ',')
		start--;
	while (start < end && (*start == ' ' || *start == '\t'))
		start++;
	return (xff_addr(start, end - start, ss, sslen));
}

/* Parses a --trusted-proxy address. */
int
xff_parse_proxy(const char *s, struct sockaddr_storage *ss, char *cause,
    size_t causelen)
{
	socklen_t	 len;

	if (xff_addr(s, strlen(s), ss, &len) == -1) {
		snprintf(cause, causelen, "--trusted-proxy: \"%s\" is not an "
		    "IPv4 or IPv6 address", s);
		return (-1);
	}
	return (0);
}

/* Whether peer is one of the proxies (IPv4-mapped IPv6 as IPv4). */
int
xff_trusted(const struct sockaddr *peer,
    const struct sockaddr_storage *proxies, size_t n)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;
	const void			*a;
	struct in_addr			 v4;
	size_t				 i;
	int				 fam;

	if (peer == NULL)
		return (0);
	if (peer->sa_family == AF_INET) {
		fam = AF_INET;
		a = &((const struct sockaddr_in *)peer)->sin_addr;
	} else if (peer->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)peer;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			fam = AF_INET;
			memcpy(&v4, sin6->sin6_addr.s6_addr + 12, 4);
			a = &v4;
		} else {
			fam = AF_INET6;
			a = &sin6->sin6_addr;
		}
	} else
		return (0);
	for (i = 0; i < n; i++) {
		if (proxies[i].ss_family != fam)
			continue;
		if (fam == AF_INET) {
			sin = (const struct sockaddr_in *)&proxies[i];
			if (memcmp(&sin->sin_addr, a, 4) == 0)
				return (1);
		} else if (memcmp(&((const struct sockaddr_in6 *)
		    &proxies[i])->sin6_addr, a, 16) == 0)
			return (1);
	}
	return (0);
}

/* The client's address, believing X-Forwarded-For from trusted proxies. */
const struct sockaddr *
xff_client(struct evhttp_request *req,
    const struct sockaddr_storage *proxies, size_t nproxies,
    struct sockaddr_storage *buf)
{
	struct evhttp_connection	*evcon;
	const struct sockaddr		*peer;
	const char			*xff;
	socklen_t			 len;

	if ((evcon = evhttp_request_get_connection(req)) == NULL)
		return (NULL);
	peer = evhttp_connection_get_addr(evcon);
	if (nproxies == 0 ||
	    !xff_trusted(peer, proxies, nproxies) ||
	    (xff = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "X-Forwarded-For")) == NULL ||
	    xff_parse_last(xff, buf, &len) == -1)
		return (peer);
	return ((const struct sockaddr *)buf);
}

