/* SPDX-License-Identifier: ISC */
/* test_ws_handshake.c: upgrade checks, accept key, origins, query, responses. */
#include <stdio.h>

#include "test.h"
#include "wsd/ws_handshake.h"
#include "wsd/ws_request.h"

static struct ws_request		 req;
static struct ws_handshake_result	 res;
static const struct ws_handshake_conf	 conf = { "/stream", NULL, 0 };

/* Builds a request from the good one with one header line replaced. */
static int
check_with(const struct ws_handshake_conf *c, const char *first,
    const char *extra, const char *drop)
{
	static const char *lines[] = {
		"Host: cam.local:8081",
		"Upgrade: websocket",
		"Connection: Upgrade",
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
		"Sec-WebSocket-Version: 13",
	};
	char	 buf[2048], cause[64];
	size_t	 n, i;

	n = snprintf(buf, sizeof(buf), "%s\r\n",
	    first != NULL ? first : "GET /stream HTTP/1.1");
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (drop == NULL || strncmp(lines[i], drop, strlen(drop)) != 0)
			n += snprintf(buf + n, sizeof(buf) - n, "%s\r\n",
			    lines[i]);
	if (extra != NULL)
		n += snprintf(buf + n, sizeof(buf) - n, "%s\r\n", extra);
	n += snprintf(buf + n, sizeof(buf) - n, "\r\n");
	if (ws_request_parse(&req, buf, n, cause, sizeof(cause)) != 1)
		return (-1);
	return (ws_handshake_check(c, &req, &res));
}

/* RFC 6455 section 1.3's example key. */
static void
test_rfc_accept(void)
{
	char	 acc[WS_HANDSHAKE_ACCEPT_LEN + 1];

	CHECK_EQ(ws_handshake_accept("dGhlIHNhbXBsZSBub25jZQ==", acc), 0);
	CHECK(strcmp(acc, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") == 0);
	CHECK_EQ(ws_handshake_accept("dGhlIHNhbXBsZSBub25jZQ=", acc), -1);
	CHECK_EQ(ws_handshake_accept("dGhlIHNhbXBsZSBub25jZQ===", acc), -1);
	CHECK_EQ(ws_handshake_accept("dGhlIHNhbXBsZSBub25jZ===", acc), -1);
	CHECK_EQ(ws_handshake_accept("dGhlIHNhbXBsZSBub25j!Q==", acc), -1);
	CHECK_EQ(ws_handshake_accept("dGhlIHNhbXBsZSBub25jZQo=", acc), -1);
	CHECK_EQ(ws_handshake_accept("", acc), -1);
	CHECK_EQ(ws_handshake_accept(NULL, acc), -1);
}

/* A good request, and the exact 101 response. */
static void
test_good(void)
{
	char	 buf[512];

	CHECK_EQ(check_with(&conf, NULL, NULL, NULL), 101);
	CHECK_EQ(res.params.fps, 0);
	CHECK_EQ(res.params.encoding, WS_HANDSHAKE_BINARY);
	CHECK_EQ(ws_handshake_response(buf, sizeof(buf), &res), 129);
	CHECK(strcmp(buf, "HTTP/1.1 101 Switching Protocols\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n") == 0);
	CHECK_EQ(ws_handshake_response(buf, 129, &res), -1);
	CHECK_EQ(check_with(&conf, "GET /stream?encoding=base64&fps=12 HTTP/1.1",
	    "Origin: http://CAM.local:8080", NULL), 101);
	CHECK_EQ(res.params.fps, 12);
	CHECK_EQ(res.params.encoding, WS_HANDSHAKE_BASE64);
	CHECK_EQ(check_with(&conf, NULL, "Connection: keep-alive", "Conn"), 400);
	CHECK_EQ(check_with(&conf, NULL,
	    "Connection: keep-alive,\tUPGRADE ", "Conn"), 101);
	CHECK_EQ(check_with(&conf, NULL, "Upgrade: WebSocket", "Upg"), 101);
}

/* Each failed check gives its status. */
static void
test_refusals(void)
{
	char	 buf[512];

	CHECK_EQ(check_with(&conf, "GET /other HTTP/1.1", NULL, NULL), 404);
	CHECK_EQ(check_with(&conf, "GET /stream/ HTTP/1.1", NULL, NULL), 404);
	CHECK_EQ(check_with(&conf, "POST /stream HTTP/1.1", NULL, NULL), 400);
	CHECK_EQ(check_with(&conf, "GET /stream HTTP/1.0", NULL, NULL), 400);
	/* The head parser refuses these (http_strict): 400 before the checks. */
	CHECK_EQ(check_with(&conf, NULL, NULL, "Host"), -1);
	CHECK_EQ(req.error, 400);
	CHECK_EQ(check_with(&conf, NULL, "Host: other", NULL), -1);
	CHECK_EQ(req.error, 400);
	CHECK_EQ(check_with(&conf, NULL, NULL, "Upgrade"), 400);
	CHECK_EQ(check_with(&conf, NULL, "Upgrade: h2c", "Upgrade"), 400);
	CHECK_EQ(check_with(&conf, NULL, NULL, "Connection"), 400);
	CHECK_EQ(check_with(&conf, NULL, "Connection: Upgrades", "Conn"), 400);
	CHECK_EQ(check_with(&conf, NULL, NULL, "Sec-WebSocket-Key"), 400);
	CHECK(strstr(res.reason, "Sec-WebSocket-Key") != NULL);
	CHECK_EQ(check_with(&conf, NULL, "Sec-WebSocket-Key: AAAA",
	    "Sec-WebSocket-Key"), 400);
	CHECK_EQ(check_with(&conf, NULL,
	    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", NULL), 400);
	CHECK_EQ(check_with(&conf, NULL, "Sec-WebSocket-Version: 8",
	    "Sec-WebSocket-Version"), 426);
	CHECK_EQ(ws_handshake_response(buf, sizeof(buf), &res), (int)strlen(buf));
	CHECK(strstr(buf, "HTTP/1.1 426 Upgrade Required\r\n") == buf);
	CHECK(strstr(buf, "\r\nSec-WebSocket-Version: 13\r\n") != NULL);
	CHECK_EQ(check_with(&conf, NULL, NULL, "Sec-WebSocket-Version"), 426);
	CHECK_EQ(check_with(&conf, NULL, "Origin: http://evil.example", NULL),
	    403);
	CHECK_EQ(check_with(&conf, NULL, "Origin: null", NULL), 403);
	CHECK_EQ(check_with(&conf, "GET /stream?fps=x HTTP/1.1", NULL, NULL),
	    400);
	CHECK_EQ(check_with(&conf, "GET /stream?encoding=hex HTTP/1.1", NULL,
	    NULL), 400);
}

/* Origins: default same host, an explicit list, and "*". */
static void
test_origins(void)
{
	const char			*list[] = { "https://site.example/",
					    "http://[::1]:9000" };
	const char			*any[] = { "*" };
	struct ws_handshake_conf	 c = { "/stream", list, 2 };
	struct ws_handshake_conf	 a = { "/stream", any, 1 };

	CHECK(ws_handshake_origin_ok(&conf, NULL, "h"));
	CHECK(ws_handshake_origin_ok(&conf, "http://h:1", "H:2"));
	CHECK(ws_handshake_origin_ok(&conf, "https://h", "h"));
	CHECK(ws_handshake_origin_ok(&conf, "http://[::1]:8080", "[::1]:8081"));
	CHECK(!ws_handshake_origin_ok(&conf, "http://[::1]:8080", "[::2]:8081"));
	CHECK(!ws_handshake_origin_ok(&conf, "http://h.evil", "h"));
	CHECK(!ws_handshake_origin_ok(&conf, "http://evilh", "h"));
	CHECK(!ws_handshake_origin_ok(&conf, "h", "h"));
	CHECK(!ws_handshake_origin_ok(&conf, "http://", ""));
	CHECK(ws_handshake_origin_ok(&c, "https://site.example", "h"));
	CHECK(ws_handshake_origin_ok(&c, "HTTPS://SITE.example", "h"));
	CHECK(ws_handshake_origin_ok(&c, "http://[::1]:9000", "h"));
	CHECK(!ws_handshake_origin_ok(&c, "http://h", "h"));
	CHECK(!ws_handshake_origin_ok(&c, "https://site.example:444", "h"));
	CHECK(ws_handshake_origin_ok(&a, "http://anything", "h"));
	CHECK_EQ(check_with(&c, NULL, "Origin: https://site.example", NULL),
	    101);
}

/* Query strings. */
static void
test_query(void)
{
	struct ws_handshake_params	 p;
	const char			*why = NULL;

	CHECK_EQ(ws_handshake_query(NULL, &p, &why), 0);
	CHECK_EQ(ws_handshake_query("", &p, &why), 0);
	CHECK_EQ(ws_handshake_query("fps=1000&&x&y=&encoding=binary", &p,
	    &why), 0);
	CHECK_EQ(p.fps, 1000);
	CHECK_EQ(p.encoding, WS_HANDSHAKE_BINARY);
	CHECK_EQ(ws_handshake_query("fps=0&encoding=base64", &p, &why), 0);
	CHECK_EQ(p.fps, 0);
	CHECK_EQ(p.encoding, WS_HANDSHAKE_BASE64);
	CHECK_EQ(ws_handshake_query("fps=1001", &p, &why), -1);
	CHECK(why != NULL);
	CHECK_EQ(ws_handshake_query("fps=", &p, &why), -1);
	CHECK_EQ(ws_handshake_query("fps", &p, &why), -1);
	CHECK_EQ(ws_handshake_query("fps=-1", &p, &why), -1);
	CHECK_EQ(ws_handshake_query("fps=99999999999999999999", &p, &why), -1);
	CHECK_EQ(ws_handshake_query("encoding=base64x", &p, &why), -1);
	CHECK_EQ(ws_handshake_query("encoding", &p, &why), -1);
	CHECK_EQ(ws_handshake_query("fpsx=3&xfps=4", &p, &why), 0);
	CHECK_EQ(p.fps, 0);
}

/* Comma-separated tokens. */
static void
test_tokens(void)
{
	CHECK(ws_handshake_has_token("Upgrade", "upgrade"));
	CHECK(ws_handshake_has_token(" a ,b,  upgrade  ", "Upgrade"));
	CHECK(ws_handshake_has_token(",,upgrade,", "Upgrade"));
	CHECK(!ws_handshake_has_token("upgraded", "Upgrade"));
	CHECK(!ws_handshake_has_token("up grade", "Upgrade"));
	CHECK(!ws_handshake_has_token("", "Upgrade"));
	CHECK(!ws_handshake_has_token(",", ""));
}

/* Error responses are complete HTTP responses. */
static void
test_error_response(void)
{
	char	 buf[256];

	CHECK_EQ(ws_handshake_error(buf, sizeof(buf), 503, "too many clients"),
	    (int)strlen(buf));
	CHECK(strcmp(buf, "HTTP/1.1 503 Service Unavailable\r\n"
	    "Content-Type: text/plain\r\nContent-Length: 17\r\n"
	    "Connection: close\r\n\r\ntoo many clients\n") == 0);
	CHECK_EQ(ws_handshake_error(buf, 20, 503, "x"), -1);
	CHECK_EQ(ws_handshake_error(buf, sizeof(buf), 401, "token expired"),
	    (int)strlen(buf));
	CHECK(strcmp(buf, "HTTP/1.1 401 Unauthorized\r\n"
	    "Content-Type: text/plain\r\nContent-Length: 14\r\n"
	    "Connection: close\r\n"
	    "WWW-Authenticate: Basic realm=\"campipe\", charset=\"UTF-8\"\r\n"
	    "\r\ntoken expired\n") == 0);
}

/* The "campipe" subprotocol is chosen when offered, and only then. */
static void
test_subprotocol(void)
{
	char	 buf[256];

	CHECK_EQ(check_with(&conf, NULL, NULL, NULL), 101);
	CHECK(res.protocol == NULL);
	CHECK_EQ(check_with(&conf, NULL, "Sec-WebSocket-Protocol: chat", NULL),
	    101);
	CHECK(res.protocol == NULL);
	CHECK_EQ(check_with(&conf, NULL, "Sec-WebSocket-Protocol: campipe, "
	    "campipe.token.abc", NULL), 101);
	CHECK(res.protocol != NULL && strcmp(res.protocol, "campipe") == 0);
	CHECK_EQ(ws_handshake_response(buf, sizeof(buf), &res),
	    (int)strlen(buf));
	CHECK(strcmp(buf, "HTTP/1.1 101 Switching Protocols\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
	    "Sec-WebSocket-Protocol: campipe\r\n\r\n") == 0);
}

int
main(void)
{
	RUN(test_rfc_accept);
	RUN(test_good);
	RUN(test_refusals);
	RUN(test_origins);
	RUN(test_query);
	RUN(test_tokens);
	RUN(test_error_response);
	RUN(test_subprotocol);
	return (TEST_DONE("ws_handshake"));
}
