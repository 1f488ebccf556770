/* SPDX-License-Identifier: ISC */
/*
 * ws_request.c: an HTTP/1.x request head, judged by http_strict.c and cut
 * into its method, path, query and fields, no I/O.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http_host.h"
#include "http_strict.h"

#include "ws_request.h"

/* Fails the parse with an HTTP status and a reason. */
static int
ws_request_fail(struct ws_request *req, int status, const char *why,
    char *cause, size_t causelen)
{
	req->error = status;
	snprintf(cause, causelen, "%s", why);
	return (-1);
}

/* Cuts the next line out of *p, its CR stripped. */
static char *
ws_request_line(char **p)
{
	char	*line = *p, *nl;

	nl = strchr(line, '\n');
	*nl = '\0';
	*p = nl + 1;
	if (nl > line && nl[-1] == '\r')
		nl[-1] = '\0';
	return (line);
}

/* Splits "METHOD /path?query HTTP/1.x"; the target must be a path. */
static int
ws_request_first(struct ws_request *req, char *line, char *cause,
    size_t causelen)
{
	char	*sp1, *sp2, *q;

	sp1 = strchr(line, ' ');
	sp2 = strchr(sp1 + 1, ' ');
	*sp1 = *sp2 = '\0';
	req->method = line;
	req->path = sp1 + 1;
	if (req->path[0] != '/')
		return (ws_request_fail(req, 400,
		    "request target is not a path", cause, causelen));
	if ((q = strchr(req->path, '?')) != NULL) {
		*q = '\0';
		req->query = q + 1;
	}
	return (0);
}

/* Splits one "Name: value" line, the value without surrounding OWS. */
static int
ws_request_field(struct ws_request *req, char *line, char *cause,
    size_t causelen)
{
	char	*colon, *v, *e;

	if (req->nhdrs == WS_REQUEST_HEADERS_MAX)
		return (ws_request_fail(req, 431, "too many header fields",
		    cause, causelen));
	colon = strchr(line, ':');
	*colon = '\0';
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	req->hdrs[req->nhdrs].name = line;
	req->hdrs[req->nhdrs].value = v;
	req->nhdrs++;
	return (0);
}

/*
 * Parses a request head: http_strict judges it (framing, request line,
 * field syntax, NUL, bare CR, size), so that what is left is to cut the
 * lines it accepted into their parts.
 */
int
ws_request_parse(struct ws_request *req, const char *data, size_t len,
    char *cause, size_t causelen)
{
	struct http_strict	 hs;
	size_t			 start = 0;
	char			*p, *line;
	int			 rc;

	req->method = req->path = req->query = NULL;
	req->nhdrs = 0;
	req->head_len = 0;
	req->error = 0;
	if ((rc = http_strict_head(data, len, WS_REQUEST_HEAD_MAX, &hs, cause,
	    causelen)) != 1) {
		req->error = hs.status;
		return (rc);
	}
	while (data[start] == '\r' || data[start] == '\n')
		start++;
	memcpy(req->buf, data + start, hs.head_len - start);
	req->buf[hs.head_len - start] = '\0';
	req->minor = hs.minor;
	p = req->buf;
	if (ws_request_first(req, ws_request_line(&p), cause, causelen) == -1)
		return (-1);
	while (*(line = ws_request_line(&p)) != '\0')
		if (ws_request_field(req, line, cause, causelen) == -1)
			return (-1);
	req->head_len = hs.head_len;
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
