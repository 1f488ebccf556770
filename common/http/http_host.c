/* SPDX-License-Identifier: ISC */
/* http_host.c: the Host names a daemon answers to. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "http_host.h"

/* Splits a Host value. */
int
http_host_split(const char *host, char *name, size_t namelen, int *port)
{
	const char	*end, *p;
	size_t		 n;
	long		 v = 0;

	if (*host == '[') {
		if ((end = strchr(host, ']')) == NULL)
			return (-1);
		end++;
	} else
		end = host + strcspn(host, ":");
	n = end - host;
	if (n == 0 || n >= namelen)
		return (-1);
	*port = -1;
	if (*end == ':') {
		for (p = end + 1; *p >= '0' && *p <= '9' && p - end <= 5; p++)
			v = v * 10 + (*p - '0');
		if (p == end + 1 || *p != '\0' || v > 65535)
			return (-1);
		*port = (int)v;
	} else if (*end != '\0')
		return (-1);
	memcpy(name, host, n);
	name[n] = '\0';
	return (0);
}

/* Says whether a Host value is an IP literal or one of the names. */
int
http_host_allowed(const char *host, const struct http_host_names *hn)
{
	char		 name[256];
	unsigned char	 addr[16];
	size_t		 i, n;
	int		 port;

	if (http_host_split(host, name, sizeof(name), &port) == -1)
		return (0);
	n = strlen(name);
	if (name[0] == '[') {
		name[n - 1] = '\0';
		return (inet_pton(AF_INET6, name + 1, addr) == 1);
	}
	if (inet_pton(AF_INET, name, addr) == 1)
		return (1);
	if (n > 1 && name[n - 1] == '.')
		name[--n] = '\0';
	for (i = 0; i < hn->n; i++)
		if (strcasecmp(name, hn->names[i]) == 0)
			return (1);
	return (0);
}

/* Adds a name (copied); -1 when the list is full or memory is out. */
static int
http_host_add(struct http_host_names *hn, const char *name, char *cause,
    size_t causelen)
{
	if (hn->n == HTTP_HOST_NAMES_MAX) {
		snprintf(cause, causelen, "at most %d server names",
		    HTTP_HOST_NAMES_MAX);
		return (-1);
	}
	if ((hn->names[hn->n] = strdup(name)) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (-1);
	}
	hn->n++;
	return (0);
}

/* Fills the list: localhost, the host name, NAME.local, then extra. */
int
http_host_names_init(struct http_host_names *hn, char *const *extra,
    size_t nextra, char *cause, size_t causelen)
{
	char	 host[256], local[300];
	size_t	 i, n;

	memset(hn, 0, sizeof(*hn));
	if (http_host_add(hn, "localhost", cause, causelen) == -1)
		return (-1);
	if (gethostname(host, sizeof(host)) == 0 && *host != '\0') {
		host[sizeof(host) - 1] = '\0';
		snprintf(local, sizeof(local), "%.*s.local",
		    (int)strcspn(host, "."), host);
		if (http_host_add(hn, host, cause, causelen) == -1 ||
		    http_host_add(hn, local, cause, causelen) == -1)
			goto fail;
	}
	for (i = 0; i < nextra; i++) {
		n = strlen(extra[i]);
		if (n == 0 || n > 253 || strspn(extra[i],
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789-.") != n) {
			snprintf(cause, causelen, "--server-name %s: not a "
			    "host name", extra[i]);
			goto fail;
		}
		if (http_host_add(hn, extra[i], cause, causelen) == -1)
			goto fail;
		if (n > 1 && extra[i][n - 1] == '.')	/* "name." is "name" */
			hn->names[hn->n - 1][n - 1] = '\0';
	}
	return (0);
fail:
	http_host_names_clear(hn);
	return (-1);
}

/* Frees the names. */
void
http_host_names_clear(struct http_host_names *hn)
{
	size_t	 i;

	for (i = 0; i < hn->n; i++)
		free(hn->names[i]);
	hn->n = 0;
}
