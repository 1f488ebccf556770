/* SPDX-License-Identifier: ISC */
/* urlpath.c: request paths made safe for the file tree. */
#include <stddef.h>

#include "urlpath.h"

/* Value of one hex digit, -1 if c is not one. */
static int
urlpath_hex(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* Decodes raw into out, refusing anything that could leave the root. */
int
urlpath_decode(const char *raw, char *out, size_t outsize)
{
	const unsigned char	*p = (const unsigned char *)raw;
	size_t			 n = 0;
	int			 c, hi, lo, seg_start = 0;

	if (raw == NULL || *p != '/' || outsize < 2)
		return (-1);
	while (*p != '\0') {
		c = *p++;
		if (c == '%') {
			if ((hi = urlpath_hex(p[0])) == -1 ||
			    (lo = urlpath_hex(p[1])) == -1)
				return (-1);
			c = hi << 4 | lo;
			p += 2;
			if (c == '/')
				return (-1);	/* encoded slash */
		}
		if (c < 0x20 || c == 0x7f || c == '\\')
			return (-1);
		if (seg_start && (c == '/' || c == '.'))
			return (-1);	/* "//" or a dot segment */
		seg_start = c == '/';
		if (n + 1 >= outsize)
			return (-1);
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return (0);
}
