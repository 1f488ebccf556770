/* SPDX-License-Identifier: ISC */
#include <string.h>

#include "auth_cookie.h"

/* Finds the login cookie's value among a Cookie header's pairs. */
int
auth_cookie_find(const char *hdr, size_t len, const char **val,
    size_t *vallen)
{
	const size_t	 nlen = sizeof(AUTH_COOKIE_NAME) - 1;
	const char	*p = hdr, *end = hdr + len, *semi, *v;
	size_t		 n;

	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if ((semi = memchr(p, ';', end - p)) == NULL)
			semi = end;
		if ((size_t)(semi - p) > nlen && memcmp(p, AUTH_COOKIE_NAME,
		    nlen) == 0 && p[nlen] == '=') {
			v = p + nlen + 1;
			n = semi - v;
			while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
				n--;
			if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
				v++;
				n -= 2;
			}
			*val = v;
			*vallen = n;
			return (0);
		}
		p = semi + 1;
	}
	return (-1);
}
