/* SPDX-License-Identifier: ISC */
/*
 * http_host.h: whether a request's Host names this server, against DNS
 * rebinding: an IP literal (v4, or v6 in brackets) with an optional port,
 * or one of the names the server answers to (localhost, the host name,
 * NAME.local, --server-name), any case, one trailing dot allowed.
 */
#ifndef CAMPIPE_HTTP_HOST_H
#define CAMPIPE_HTTP_HOST_H

#include <stddef.h>

#define HTTP_HOST_NAMES_MAX	40

struct http_host_names {
	char		*names[HTTP_HOST_NAMES_MAX];
	size_t		 n;
};

/*
 * Splits a Host value into its host (brackets kept for IPv6) and port (-1
 * when absent).  Returns 0, or -1 when it is not host[:port] or does not
 * fit in namelen.
 */
int	http_host_split(const char *host, char *name, size_t namelen,
	    int *port);

/* Says (1 or 0) whether a Host value is an IP literal or one of names. */
int	http_host_allowed(const char *host, const struct http_host_names *hn);

/*
 * Fills hn with localhost, this machine's host name and NAME.local, then
 * extra (--server-name values).  Returns 0, or -1 with a cause.
 */
int	http_host_names_init(struct http_host_names *hn,
	    char *const *extra, size_t nextra, char *cause, size_t causelen);

/* Frees the names. */
void	http_host_names_clear(struct http_host_names *hn);

#endif
