/* SPDX-License-Identifier: ISC */
/* http_strict.c: strict checks on an HTTP/1.x request head, no I/O. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http_strict.h"

#define HTTP_STRICT_CL_DIGITS	15	/* 10^15 bytes: more is refused */

/* Says whether c may appear in a token (RFC 9110 tchar). */
static int
http_strict_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return (1);
	return (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Refuses the head with a status and a reason. */
static int
http_strict_fail(struct http_strict *hs, int status, const char *why,
    char *cause, size_t causelen)
{
	hs->status = status;
	snprintf(cause, causelen, "%s", why);
	return (-1);
}

/* Finds the end of the head (after its blank line) from start; 0: none. */
static size_t
http_strict_end(const char *buf, size_t start, size_t len)
{
	const char	*nl;
	size_t		 i = start;

	while (i < len && (nl = memchr(buf + i, '\n', len - i)) != NULL) {
		i = nl - buf + 1;
		if (i < len && buf[i] == '\n')
			return (i + 1);
		if (i + 1 < len && buf[i] == '\r' && buf[i + 1] == '\n')
			return (i + 2);
	}
	return (0);
}

/* Says whether the n bytes at s equal the lowercase word w, any case. */
static int
http_strict_is(const char *s, size_t n, const char *w)
{
	return (strlen(w) == n && strncasecmp(s, w, n) == 0);
}

/* Checks "METHOD SP target SP HTTP/1.x"; sets hs->minor. */
static const char *
http_strict_first(const char *s, size_t n, struct http_strict *hs)
{
	size_t		 i = 0, m, t0, t;
	const char	*v;

	while (i < n && http_strict_tchar(s[i]))
		i++;
	if (i == 0 || i == n || s[i] != ' ')
		return ("malformed request line");
	m = i++;
	t0 = i;
	while (i < n && (unsigned char)s[i] > 0x20 &&
	    (unsigned char)s[i] < 0x7f)
		i++;
	if (i == t0 || i == n || s[i] != ' ')
		return ("malformed request target");
	t = i - t0;
	v = s + i + 1;
	if (n - i - 1 != 8 || memcmp(v, "HTTP/1.", 7) != 0 ||
	    (v[7] != '0' && v[7] != '1'))
		return ("unsupported HTTP version");
	hs->minor = v[7] - '0';
	if (s[t0] == '/' || (m == 7 && memcmp(s, "CONNECT", 7) == 0) ||
	    (t == 1 && s[t0] == '*' && m == 7 && memcmp(s, "OPTIONS", 7) == 0))
		return (NULL);
	if ((t > 7 && strncasecmp(s + t0, "http://", 7) == 0) ||
	    (t > 8 && strncasecmp(s + t0, "https://", 8) == 0))
		return (NULL);
	return ("malformed request target");
}

/* The tally of the fields that decide how a request is framed. */
struct http_strict_tally {
	int		 hosts;
	int		 origins;
	int		 sites;
	int		 lengths;
	uint64_t	 length;
};

/* Checks a Content-Length value (OWS trimmed): plain digits, bounded. */
static const char *
http_strict_length(const char *v, size_t n, uint64_t *out)
{
	size_t	 i;

	if (n == 0)
		return ("empty Content-Length");
	if (n > HTTP_STRICT_CL_DIGITS)
		return ("Content-Length too large");
	*out = 0;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return ("Content-Length is not plain digits");
		*out = *out * 10 + (uint64_t)(v[i] - '0');
	}
	return (NULL);
}

/* Checks one field line (CR and LF cut off) and counts what matters. */
static const char *
http_strict_field(const char *s, size_t n, struct http_strict_tally *t)
{
	size_t	 i = 0, v, e, name;

	if (n > 0 && (s[0] == ' ' || s[0] == '\t'))
		return ("obs-fold continuation line");
	while (i < n && http_strict_tchar(s[i]))
		i++;
	if (i < n && (s[i] == ' ' || s[i] == '\t'))
		return ("whitespace between field name and colon");
	if (i == n || s[i] != ':')
		return ("malformed header field");
	if (i == 0)
		return ("empty header field name");
	name = i;
	for (v = i + 1; v < n && (s[v] == ' ' || s[v] == '\t'); v++)
		;
	for (e = n; e > v && (s[e - 1] == ' ' || s[e - 1] == '\t'); e--)
		;
	for (i = v; i < e; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
		    s[i] == 0x7f)
			return ("control character in header value");
	if (http_strict_is(s, name, "host"))
		t->hosts++;
	else if (http_strict_is(s, name, "origin")) {
		if (++t->origins > 1)
			return ("more than one Origin");
	} else if (http_strict_is(s, name, "sec-fetch-site")) {
		if (++t->sites > 1)
			return ("more than one Sec-Fetch-Site");
	} else if (http_strict_is(s, name,
	    "transfer-encoding"))
		return ("Transfer-Encoding in a request is not accepted");
	else if (http_strict_is(s, name,
	    "content-length")) {
		if (++t->lengths > 1)
			return ("more than one Content-Length");
		return (http_strict_length(s + v, e - v, &t->length));
	}
	return (NULL);
}

/* Judges a request head. */
int
http_strict_head(const char *buf, size_t len, size_t max,
    struct http_strict *hs, char *cause, size_t causelen)
{
	struct http_strict_tally	 t;
	const char			*why, *line, *nl;
	size_t				 start = 0, end, n;
	int				 first = 1;

	memset(hs, 0, sizeof(*hs));
	memset(&t, 0, sizeof(t));
	while (start < len && start < max &&
	    (buf[start] == '\r' || buf[start] == '\n'))
		start++;
	end = http_strict_end(buf, start, len);
	if (end == 0 && len < max)
		return (0);
	if (end == 0 || end > max)
		return (http_strict_fail(hs, 431, "request head too large",
		    cause, causelen));
	if (memchr(buf, '\0', end) != NULL)
		return (http_strict_fail(hs, 400, "NUL byte in request head",
		    cause, causelen));
	for (line = buf + start; line < buf + end; line = nl + 1) {
		nl = memchr(line, '\n', buf + end - line);
		n = nl - line;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (memchr(line, '\r', n) != NULL)
			return (http_strict_fail(hs, 400,
			    "bare CR in request head", cause, causelen));
		if (n == 0)
			break;
		why = first ? http_strict_first(line, n, hs) :
		    http_strict_field(line, n, &t);
		if (why != NULL)
			return (http_strict_fail(hs, 400, why, cause,
			    causelen));
		first = 0;
	}
	if (t.hosts > 1 || (hs->minor == 1 && t.hosts != 1))
		return (http_strict_fail(hs, 400, hs->minor == 1 ?
		    "HTTP/1.1 needs exactly one Host" : "more than one Host",
		    cause, causelen));
	hs->head_len = end;
	hs->body_len = t.length;
	return (1);
}
