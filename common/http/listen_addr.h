/* SPDX-License-Identifier: ISC */
/*
 * listen_addr.h: the --listen address of httpd and wsd, parsed once and
 * opened as listening sockets:
 *
 *   127.0.0.1:8080    an IPv4 address
 *   [::1]:8080        an IPv6 address, in brackets
 *   cam.local:8080    a host name: every address it resolves to
 *   *:8080            every address, IPv4 and IPv6
 */
#ifndef CAMPIPE_LISTEN_ADDR_H
#define CAMPIPE_LISTEN_ADDR_H

#include <stddef.h>

#define LISTEN_ADDR_HOST_MAX	253	/* longest host name */

struct listen_addr {
	char		 host[LISTEN_ADDR_HOST_MAX + 1];	/* "" for * */
	char		 port[6];			/* 1 to 65535 */
	int		 family;	/* AF_INET, AF_INET6, or AF_UNSPEC
					   for a host name or * */
};

/*
 * Parses "HOST:PORT" without resolving anything.  Returns 0, or -1 with a
 * one-line cause (without the option's name).
 */
int	listen_addr_parse(const char *spec, struct listen_addr *la,
	    char *cause, size_t causelen);

/*
 * Resolves la and listens on every address it names (non-blocking,
 * close-on-exec, SO_REUSEADDR, IPv6 sockets v6-only so both families can
 * share a port).  Fills up to maxfds descriptors; returns their number, or
 * -1 with cause (nothing left open).
 */
int	listen_addr_open(const struct listen_addr *la, int backlog, int *fds,
	    int maxfds, char *cause, size_t causelen);

#endif
