/* SPDX-License-Identifier: ISC */
/* http_reply.c: a whole HTTP/1.1 response from the control socket. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http_reply.h"

/* The end of the line starting at p (its CR or LF), or NULL. */
static const char *
http_reply_eol(const char *p, const char *end)
{
	const char	*lf = memchr(p, '\n', end - p);

	if (lf == NULL)
		return (NULL);
	return (lf > p && lf[-1] == '\r' ? lf - 1 : lf);
}

/* Reads a Content-Length value; -1 unless all digits and sane. */
static long long
http_reply_length(const char *p, const char *e)
{
	long long	 v = 0;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (p == e || e - p > 12)
		return (-1);
	for (; p < e; p++) {
		if (*p < '0' || *p > '9')
			return (-1);
		v = v * 10 + (*p - '0');
	}
	return (v);
}

/* Parses a whole response. */
int
http_reply_parse(const char *buf, size_t len, struct http_reply *r,
    char *cause, size_t causelen)
{
	const char	*p = buf, *end = buf + len, *e, *colon;
	long long	 clen = -1, v;
	size_t		 nl;

	memset(r, 0, sizeof(*r));
	if ((e = http_reply_eol(p, end)) == NULL || e - p < 12 ||
	    e - p > 200 || memcmp(p, "HTTP/1.", 7) != 0 ||
	    (p[7] != '0' && p[7] != '1') || p[8] != ' ' ||
	    p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' ||
	    p[11] < '0' || p[11] > '9' || (e - p > 12 && p[12] != ' ')) {
		snprintf(cause, causelen, "not an HTTP/1.x status line");
		return (-1);
	}
	r->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	for (;;) {
		p = e + (*e == '\r' ? 2 : 1);
		if (p > end || (e = http_reply_eol(p, end)) == NULL) {
			snprintf(cause, causelen, "headers not ended");
			return (-1);
		}
		if ((size_t)(e - buf) > HTTP_REPLY_MAX_HEAD) {
			snprintf(cause, causelen, "headers over %d bytes",
			    HTTP_REPLY_MAX_HEAD);
			return (-1);
		}
		if (e == p)
			break;
		if ((colon = memchr(p, ':', e - p)) == NULL || colon == p) {
			snprintf(cause, causelen, "malformed header line");
			return (-1);
		}
		nl = colon - p;
		if (nl == 17 && strncasecmp(p, "Transfer-Encoding", 17) == 0) {
			snprintf(cause, causelen, "chunked bodies are not "
			    "expected");
			return (-1);
		}
		if (nl == 14 && strncasecmp(p, "Content-Length", 14) == 0) {
			if ((v = http_reply_length(colon + 1, e)) == -1 ||
			    (clen != -1 && v != clen)) {
				snprintf(cause, causelen, "bad Content-Length");
				return (-1);
			}
			clen = v;
		}
	}
	r->body_off = e + (*e == '\r' ? 2 : 1) - buf;
	if (r->body_off > len) {
		snprintf(cause, causelen, "headers not ended");
		return (-1);
	}
	r->body_len = len - r->body_off;
	if (clen != -1) {
		if ((unsigned long long)clen > r->body_len) {
			snprintf(cause, causelen, "body cut short (%zu of %lld "
			    "bytes)", r->body_len, clen);
			return (-1);
		}
		r->body_len = clen;
	}
	return (0);
}
