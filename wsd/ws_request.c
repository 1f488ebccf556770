/* SPDX-License-Identifier: ISC */
/* ws_request.c: HTTP/1.x request head parser with strict limits, no I/O. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http_host.h"
#include "http_strict.h"

#include "ws_request.h"

/* Says whether c may appear in a token (RFC 9110 tchar). */
static int
ws_request_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return (1);
	return (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Says whether s is a non-empty token. */
static int
ws_request_token(const char *s)
{
	if (*s == '\0')
		return (0);
	for (; *s != '\0'; s++)
		if (!ws_request_tchar(*s))
			return (0);
	return (1);
}

/* Fails the parse with an HTTP status and a reason. */
static int
ws_request_fail(struct ws_request *req, int status, const char *why,
    char *cause, size_t causelen)
{
	req->error = status;
	snprintf(cause, causelen, "%s", why);
	return (-1);
}

/* Finds the end of the head (after its blank line); 0 if not there yet. */
static size_t
ws_request_end(const char *data, size_t start, size_t len)
{
	size_t	 i;

	for (i = start; i < len; i++) {
		if (data[i] != '\n')
			continue;
		if (i + 1 < len && data[i + 1] == '\n')
			return (i + 2);
		if (i + 2 < len && data[i + 1] == '\r' && data[i + 2] == '\n')
			return (i + 3);
	}
	return (0);
}

/* Cuts the next line out of *p, CR stripped; NULL on a bare CR. */
static char *
ws_request_line(char **p)
{
	char	*line = *p, *nl, *cr;

	nl = strchr(line, '\n');
	*nl = '\0';
	*p = nl + 1;
	if (nl > line && nl[-1] == '\r')
		nl[-1] = '\0';
	if ((cr = strchr(line, '\r')) != NULL)
		return (NULL);
	return (line);
}

/* Parses "METHOD /path?query HTTP/1.x". */
static int
ws_request_first(struct ws_request *req, char *line, char *cause,
    size_t causelen)
{
	char		*sp1, *sp2, *q;
	const char	*s;

	if ((sp1 = strchr(line, ' ')) == NULL ||
	    (sp2 = strchr(sp1 + 1, ' ')) == NULL)
		return (ws_request_fail(req, 400, "malformed request line",
		    cause, causelen));
	*sp1 = *sp2 = '\0';
	req->method = line;
	req->path = sp1 + 1;
	if (!ws_request_token(req->method))
		return (ws_request_fail(req, 400, "malformed method", cause,
		    causelen));
	if (req->path[0] != '/')
		return (ws_request_fail(req, 400,
		    "request target is not a path", cause, causelen));
	for (s = req->path; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return (ws_request_fail(req, 400,
			    "bad character in request target", cause,
			    causelen));
	if (strcmp(sp2 + 1, "HTTP/1.1") == 0)
		req->minor = 1;
	else if (strcmp(sp2 + 1, "HTTP/1.0") == 0)
		req->minor = 0;
	else
		return (ws_request_fail(req, 400, "unsupported HTTP version",
		    cause, causelen));
	if ((q = strchr(sp1 + 1, '?')) != NULL) {
		*q = '\0';
		req->query = q + 1;
	}
	return (0);
}

/* Parses one "Name: value" line. */
static int
ws_request_field(struct ws_request *req, char *line, char *cause,
    size_t causelen)
{
	char		*colon, *v, *e;
	const char	*s;

	if (*line == ' ' || *line == '\t')
		return (ws_request_fail(req, 400, "folded header line", cause,
		    causelen));
	if ((colon = strchr(line, ':')) == NULL)
		return (ws_request_fail(req, 400, "header line without colon",
		    cause, causelen));
	*colon = '\0';
	if (!ws_request_token(line))
		return (ws_request_fail(req, 400, "malformed header name",
		    cause, causelen));
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	for (s = v; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return (ws_request_fail(req, 400,
			    "control character in header value", cause,
			    causelen));
	if (req->nhdrs == WS_REQUEST_HEADERS_MAX)
		return (ws_request_fail(req, 431, "too many header fields",
		    cause, causelen));
	req->hdrs[req->nhdrs].name = line;
	req->hdrs[req->nhdrs].value = v;
	req->nhdrs++;
	return (0);
}

/* Parses a request head. */
int
ws_request_parse(struct ws_request *req, const char *data, size_t len,
    char *cause, size_t causelen)
{
	struct http_strict	 hs;
	size_t			 start = 0, end;
	char			*p, *line;
	int			 rc;

	req->method = req->path = req->query = NULL;
	req->nhdrs = 0;
	req->head_len = 0;
	req->error = 0;
	/* The rules both daemons share (framing, Host, version, folds). */
	if ((rc = http_strict_head(data, len, WS_REQUEST_HEAD_MAX, &hs, cause,
	    causelen)) != 1) {
		req->error = hs.status;
		return (rc);
	}
	while (start < len && start < WS_REQUEST_HEAD_MAX &&
	    (data[start] == '\r' || data[start] == '\n'))
		start++;
	end = ws_request_end(data, start, len);
	if (end == 0 && len < WS_REQUEST_HEAD_MAX)
		return (0);
	if (end == 0 || end > WS_REQUEST_HEAD_MAX)
		return (ws_request_fail(req, 431, "request head too large",
		    cause, causelen));
	if (memchr(data + start, '\0', end - start) != NULL)
		return (ws_request_fail(req, 400, "NUL byte in request head",
		    cause, causelen));
	memcpy(req->buf, data + start, end - start);
	req->buf[end - start] = '\0';
	p = req->buf;
	if ((line = ws_request_line(&p)) == NULL)
		return (ws_request_fail(req, 400, "bare CR in request head",
		    cause, causelen));
	if (ws_request_first(req, line, cause, causelen) == -1)
		return (-1);
	for (;;) {
		if ((line = ws_request_line(&p)) == NULL)
			return (ws_request_fail(req, 400,
			    "bare CR in request head", cause, causelen));
		if (*line == '\0')
			break;
		if (ws_request_field(req, line, cause, causelen) == -1)
			return (-1);
	}
	req->head_len = end;
	return (1);
}

/* Finds the nth header with a name, case-insensitively. */
const char *
ws_request_header(const struct ws_request *req, const char *name, int nth)
{
	size_t	 i;

	for (i = 0; i < req->nhdrs; i++)
		if (strcasecmp(req->hdrs[i].name, name) == 0 && nth-- == 0)
			return (req->hdrs[i].value);
	return (NULL);
}

/* Says whether the Host names this server (no Host: HTTP/1.0, allowed). */
int
ws_request_host_allowed(const struct ws_request *req,
    const struct http_host_names *names)
{
	const char	*host = ws_request_header(req, "Host", 0);

	return (names == NULL || host == NULL ||
	    http_host_allowed(host, names));
}
