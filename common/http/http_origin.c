/* SPDX-License-Identifier: ISC */
/* http_origin.c: the Origin rule of both daemons, no I/O. */
#include <string.h>
#include <strings.h>

#include "http_origin.h"

/* Says whether origin is the allow-list entry (any case, its '/' cut). */
static int
http_origin_listed(const char *origin, const char *entry)
{
	size_t	 n = strlen(entry);

	if (strcmp(entry, "*") == 0)
		return (1);
	while (n > 0 && entry[n - 1] == '/')
		n--;
	return (strlen(origin) == n && strncasecmp(origin, entry, n) == 0);
}

/* The length of the host in an authority ("h:port", "[v6]:port"); 0: bad. */
static size_t
http_origin_hostname(const char *auth, size_t len)
{
	const char	*e;

	if (len > 0 && auth[0] == '[') {
		e = memchr(auth, ']', len);
		return (e != NULL ? (size_t)(e - auth) + 1 : 0);
	}
	e = memchr(auth, ':', len);
	return (e != NULL ? (size_t)(e - auth) : len);
}

/* Says whether an http(s) origin names host (and its port, with flags). */
static int
http_origin_own(const char *origin, const char *host, int flags)
{
	const char	*auth;
	size_t		 alen, olen, hlen;

	if (strncasecmp(origin, "http://", 7) == 0)
		auth = origin + 7;
	else if (strncasecmp(origin, "https://", 8) == 0)
		auth = origin + 8;
	else
		return (0);
	alen = strcspn(auth, "/?#");
	if (flags & HTTP_ORIGIN_PORT)
		return (alen > 0 && alen == strlen(host) &&
		    strncasecmp(auth, host, alen) == 0);
	olen = http_origin_hostname(auth, alen);
	hlen = http_origin_hostname(host, strlen(host));
	return (olen > 0 && olen == hlen && strncasecmp(auth, host, olen) == 0);
}

/* Judges an Origin by the allow-list, or by the own host without one. */
int
http_origin_allowed(const char *origin, const char *host,
    const char *const *allow, size_t nallow, int flags)
{
	size_t	 i;

	if (origin == NULL)
		return (1);
	for (i = 0; i < nallow; i++)
		if (http_origin_listed(origin, allow[i]))
			return (1);
	if (nallow > 0 || host == NULL)
		return (0);
	return (http_origin_own(origin, host, flags));
}
