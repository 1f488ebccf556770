/* SPDX-License-Identifier: ISC */
/*
 * xff.h: the client's address behind a trusted reverse proxy: the last
 * address of X-Forwarded-For, believed only from a --trusted-proxy.
 */
#ifndef HTTPD_XFF_H
#define HTTPD_XFF_H

#include <sys/socket.h>
#include <stddef.h>

#define XFF_VALUE_MAX	1024	/* longer header values are ignored */

/*
 * Parses the last element of an X-Forwarded-For value (the address the
 * nearest proxy saw), IPv4 or IPv6, port 0.  Returns 0, or -1 when it is
 * not a bare address.
 */
int	xff_parse_last(const char *value, struct sockaddr_storage *ss,
	    socklen_t *sslen);
/* Parses a --trusted-proxy address.  0, or -1 with cause. */
int	xff_parse_proxy(const char *s, struct sockaddr_storage *ss,
	    char *cause, size_t causelen);
/* Whether peer has the address (not the port) of one of the n proxies. */
int	xff_trusted(const struct sockaddr *peer,
	    const struct sockaddr_storage *proxies, size_t n);
/*
 * The client's address: the peer's, or X-Forwarded-For's last one when
 * the peer is one of the n proxies (kept in buf then); NULL without a
 * connection.
 */
struct evhttp_request;
const struct sockaddr *xff_client(struct evhttp_request *req,
	    const struct sockaddr_storage *proxies, size_t nproxies,
	    struct sockaddr_storage *buf);

#endif
