/* SPDX-License-Identifier: ISC */
/* ws_handshake.c: RFC 6455 opening handshake checks and responses, no I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "auth.h"
#include "http_origin.h"
#include "ws_handshake.h"
#include "ws_request.h"

#define WS_HANDSHAKE_GUID	"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

/* Says whether a comma-separated list holds token. */
int
ws_handshake_has_token(const char *value, const char *token)
{
	size_t		 tlen = strlen(token), n;
	const char	*p = value, *e;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		for (e = p; *e != '\0' && *e != ','; e++)
			;
		for (n = e - p; n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t');
		    n--)
			;
		if (n == tlen && n > 0 && strncasecmp(p, token, n) == 0)
			return (1);
		p = e;
	}
	return (0);
}

/* Says whether any header with this name lists token. */
static int
ws_handshake_header_token(const struct ws_request *req, const char *name,
    const char *token)
{
	const char	*v;
	int		 i;

	for (i = 0; (v = ws_request_header(req, name, i)) != NULL; i++)
		if (ws_handshake_has_token(v, token))
			return (1);
	return (0);
}

/* Checks an Origin by the daemons' one rule (http_origin.h). */
int
ws_handshake_origin_ok(const struct ws_handshake_conf *conf,
    const char *origin, const char *host)
{
	return (http_origin_allowed(origin, host, conf->origins,
	    conf->norigins, 0));
}

/* Computes Sec-WebSocket-Accept. */
int
ws_handshake_accept(const char *key, char *accept)
{
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	char			 buf[24 + sizeof(WS_HANDSHAKE_GUID)];
	unsigned int		 mdlen;
	int			 i;

	if (key == NULL || strlen(key) != 24 || strcmp(key + 22, "==") != 0)
		return (-1);
	for (i = 0; i < 22; i++)
		if (strchr(b64, key[i]) == NULL || key[i] == '\0')
			return (-1);
	memcpy(buf, key, 24);
	memcpy(buf + 24, WS_HANDSHAKE_GUID, sizeof(WS_HANDSHAKE_GUID) - 1);
	if (!EVP_Digest(buf, 24 + sizeof(WS_HANDSHAKE_GUID) - 1, md, &mdlen,
	    EVP_sha1(), NULL) || mdlen != 20)
		return (-1);
	EVP_EncodeBlock((unsigned char *)accept, md, 20);
	return (0);
}

/* Reads an integer made only of digits, up to max. */
static int
ws_handshake_number(const char *s, size_t len, unsigned int max,
    unsigned int *out)
{
	unsigned long	 v = 0;
	size_t		 i;

	if (len == 0 || len > 9)
		return (-1);
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return (-1);
	*out = v;
	return (0);
}

/* Parses the query string. */
int
ws_handshake_query(const char *query, struct ws_handshake_params *p,
    const char **reason)
{
	const char	*s = query, *e, *eq;
	size_t		 nlen, vlen;

	p->fps = 0;
	p->encoding = WS_HANDSHAKE_BINARY;
	while (s != NULL && *s != '\0') {
		e = s + strcspn(s, "&");
		eq = memchr(s, '=', e - s);
		nlen = (eq != NULL ? eq : e) - s;
		vlen = eq != NULL ? (size_t)(e - eq - 1) : 0;
		if (nlen == 3 && strncmp(s, "fps", 3) == 0) {
			if (eq == NULL || ws_handshake_number(eq + 1, vlen,
			    WS_HANDSHAKE_FPS_MAX, &p->fps) == -1) {
				*reason = "fps must be a number from 0 to 1000";
				return (-1);
			}
		} else if (nlen == 8 && strncmp(s, "encoding", 8) == 0) {
			if (eq != NULL && vlen == 6 &&
			    strncmp(eq + 1, "base64", 6) == 0)
				p->encoding = WS_HANDSHAKE_BASE64;
			else if (eq != NULL && vlen == 6 &&
			    strncmp(eq + 1, "binary", 6) == 0)
				p->encoding = WS_HANDSHAKE_BINARY;
			else {
				*reason = "encoding must be base64 or binary";
				return (-1);
			}
		}
		s = *e == '&' ? e + 1 : e;
	}
	return (0);
}

/* Sets an error result. */
static int
ws_handshake_refuse(struct ws_handshake_result *res, int status,
    const char *reason)
{
	res->status = status;
	res->reason = reason;
	return (status);
}

/* Checks an upgrade request. */
int
ws_handshake_check(const struct ws_handshake_conf *conf,
    const struct ws_request *req, struct ws_handshake_result *res)
{
	const char	*host, *version, *reason;

	memset(res, 0, sizeof(*res));
	if (strcmp(req->path, conf->path) != 0)
		return (ws_handshake_refuse(res, 404, "no such path"));
	if (strcmp(req->method, "GET") != 0)
		return (ws_handshake_refuse(res, 400, "method must be GET"));
	if (req->minor < 1)
		return (ws_handshake_refuse(res, 400, "HTTP/1.1 required"));
	if ((host = ws_request_header(req, "Host", 0)) == NULL ||
	    ws_request_header(req, "Host", 1) != NULL)
		return (ws_handshake_refuse(res, 400, "need one Host header"));
	if (ws_handshake_query(req->query, &res->params, &reason) == -1)
		return (ws_handshake_refuse(res, 400, reason));
	if (!ws_handshake_header_token(req, "Upgrade", "websocket"))
		return (ws_handshake_refuse(res, 400,
		    "not a WebSocket upgrade (Upgrade: websocket missing)"));
	if (!ws_handshake_header_token(req, "Connection", "Upgrade"))
		return (ws_handshake_refuse(res, 400,
		    "Connection header lacks Upgrade"));
	version = ws_request_header(req, "Sec-WebSocket-Version", 0);
	if (version == NULL || strcmp(version, "13") != 0 ||
	    ws_request_header(req, "Sec-WebSocket-Version", 1) != NULL)
		return (ws_handshake_refuse(res, 426,
		    "only WebSocket version 13 is supported"));
	if (ws_request_header(req, "Sec-WebSocket-Key", 1) != NULL ||
	    ws_handshake_accept(ws_request_header(req, "Sec-WebSocket-Key", 0),
	    res->accept) == -1)
		return (ws_handshake_refuse(res, 400,
		    "missing or bad Sec-WebSocket-Key"));
	if (ws_request_header(req, "Origin", 1) != NULL ||
	    !ws_handshake_origin_ok(conf, ws_request_header(req, "Origin", 0),
	    host))
		return (ws_handshake_refuse(res, 403, "origin not allowed"));
	if (ws_handshake_header_token(req, "Sec-WebSocket-Protocol",
	    WS_HANDSHAKE_PROTOCOL))
		res->protocol = WS_HANDSHAKE_PROTOCOL;
	res->status = 101;
	return (101);
}

/* The reason phrase of a status. */
const char *
ws_handshake_status_text(int status)
{
	switch (status) {
	case 101:
		return ("Switching Protocols");
	case 200:
		return ("OK");
	case 400:
		return ("Bad Request");
	case 401:
		return ("Unauthorized");
	case 403:
		return ("Forbidden");
	case 404:
		return ("Not Found");
	case 408:
		return ("Request Timeout");
	case 421:
		return ("Misdirected Request");
	case 426:
		return ("Upgrade Required");
	case 429:
		return ("Too Many Requests");
	case 431:
		return ("Request Header Fields Too Large");
	case 503:
		return ("Service Unavailable");
	default:
		return ("Error");
	}
}

/* Writes a plain-text error response. */
int
ws_handshake_error(char *buf, size_t size, int status, const char *reason)
{
	int	 n;

	n = snprintf(buf, size, "HTTP/1.1 %d %s\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Length: %zu\r\n"
	    "Connection: close\r\n"
	    "%s"
	    "\r\n"
	    "%s\n", status, ws_handshake_status_text(status),
	    strlen(reason) + 1,
	    status == 426 ? "Sec-WebSocket-Version: 13\r\n" :
	    status == 401 ? "WWW-Authenticate: " AUTH_CHALLENGE "\r\n" : "",
	    reason);
	return (n < 0 || (size_t)n >= size ? -1 : n);
}

/* Writes the response for a checked request. */
int
ws_handshake_response(char *buf, size_t size,
    const struct ws_handshake_result *res)
{
	int	 n;

	if (res->status != 101)
		return (ws_handshake_error(buf, size, res->status,
		    res->reason));
	n = snprintf(buf, size, "HTTP/1.1 101 Switching Protocols\r\n"
	    "Upgrade: websocket\r\n"
	    "Connection: Upgrade\r\n"
	    "Sec-WebSocket-Accept: %s\r\n"
	    "%s%s%s"
	    "\r\n", res->accept,
	    res->protocol != NULL ? "Sec-WebSocket-Protocol: " : "",
	    res->protocol != NULL ? res->protocol : "",
	    res->protocol != NULL ? "\r\n" : "");
	return (n < 0 || (size_t)n >= size ? -1 : n);
}
