/* SPDX-License-Identifier: ISC */
/* test_ws_request.c: the request head parser with exact bytes. */
#include <stdlib.h>

#include "test.h"
#include "http_host.h"
#include "wsd/ws_request.h"

static struct ws_request	 req;
static char			 cause[128];

/* Parses a NUL-terminated head. */
static int
parse(const char *s)
{
	return (ws_request_parse(&req, s, strlen(s), cause, sizeof(cause)));
}

static const char upgrade[] =
    "GET /stream?fps=5&encoding=base64 HTTP/1.1\r\n"
    "Host: cam.local:8081\r\n"
    "Upgrade: websocket\r\n"
    "Connection: keep-alive, Upgrade\r\n"
    "Sec-WebSocket-Key:dGhlIHNhbXBsZSBub25jZQ==  \r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "\r\n";

static void
test_upgrade_request(void)
{
	CHECK_EQ(parse(upgrade), 1);
	CHECK_EQ(req.head_len, strlen(upgrade));
	CHECK(strcmp(req.method, "GET") == 0);
	CHECK(strcmp(req.path, "/stream") == 0);
	CHECK(strcmp(req.query, "fps=5&encoding=base64") == 0);
	CHECK_EQ(req.minor, 1);
	CHECK_EQ(req.nhdrs, 5);
	CHECK(strcmp(ws_request_header(&req, "host", 0), "cam.local:8081") == 0);
	CHECK(strcmp(ws_request_header(&req, "SEC-WEBSOCKET-KEY", 0),
	    "dGhlIHNhbXBsZSBub25jZQ==") == 0);
	CHECK(ws_request_header(&req, "Host", 1) == NULL);
	CHECK(ws_request_header(&req, "Origin", 0) == NULL);
}

/* Every prefix needs more bytes; bytes after the head are not counted. */
static void
test_prefixes_and_trailing(void)
{
	char	 buf[sizeof(upgrade) + 16];
	size_t	 n;

	for (n = 0; n < strlen(upgrade); n++)
		CHECK_EQ(ws_request_parse(&req, upgrade, n, cause,
		    sizeof(cause)), 0);
	snprintf(buf, sizeof(buf), "%s\x81\x85", upgrade);
	CHECK_EQ(parse(buf), 1);
	CHECK_EQ(req.head_len, strlen(upgrade));
}

/* Bare LF line ends, leading blank lines, repeated headers, HTTP/1.0. */
static void
test_tolerated(void)
{
	CHECK_EQ(parse("\r\nGET / HTTP/1.0\nA: 1\nA:  2 \n\n"), 1);
	CHECK_EQ(req.head_len, 30);
	CHECK_EQ(req.minor, 0);
	CHECK(req.query == NULL);
	CHECK(strcmp(ws_request_header(&req, "a", 1), "2") == 0);
	CHECK_EQ(parse("GET /status? HTTP/1.1\r\nHost: a\r\nEmpty:\r\n\r\n"),
	    1);
	CHECK(strcmp(req.query, "") == 0);
	CHECK(strcmp(ws_request_header(&req, "empty", 0), "") == 0);
}

/* Malformed heads get 400 with a reason. */
static void
test_malformed(void)
{
	static const char *bad[] = {
		"GET /\r\n\r\n",
		"GET  / HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1 \r\n\r\n",
		"G(T / HTTP/1.1\r\n\r\n",
		"GET stream HTTP/1.1\r\n\r\n",
		"GET /a\x01 HTTP/1.1\r\n\r\n",
		"GET / HTTP/2.0\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\n folded\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nA: x\ry\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nA: x\x7fy\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n\r\rX\r\n\r\n",
		/* http_strict's rules, shared with httpd */
		"GET / HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost : a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
		    "Content-Length: 1\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n",
		"GET / HTTP/1.2\r\nHost: a\r\n\r\n",
	};
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(parse(bad[i]), -1);
		CHECK_EQ(req.error, 400);
		CHECK(cause[0] != '\0');
	}
	CHECK_EQ(ws_request_parse(&req, "GET / HTTP/1.1\r\nHost: a\r\nA: \0\r\n\r\n", 33,
	    cause, sizeof(cause)), -1);
	CHECK_EQ(req.error, 400);
}

/* Heads over the size or count limits get 431, as early as known. */
static void
test_limits(void)
{
	char	*big;
	size_t	 n, i;

	big = malloc(WS_REQUEST_HEAD_MAX + 64);
	memset(big, 'a', WS_REQUEST_HEAD_MAX + 64);
	memcpy(big, "GET / HTTP/1.1\r\nHost: a\r\nX: ", 28);
	/* No blank line within the limit: refused without waiting. */
	CHECK_EQ(ws_request_parse(&req, big, WS_REQUEST_HEAD_MAX, cause,
	    sizeof(cause)), -1);
	CHECK_EQ(req.error, 431);
	CHECK_EQ(ws_request_parse(&req, big, WS_REQUEST_HEAD_MAX - 1, cause,
	    sizeof(cause)), 0);
	/* Exactly at the limit is fine, one byte over is not. */
	memcpy(big + WS_REQUEST_HEAD_MAX - 4, "\r\n\r\n", 4);
	CHECK_EQ(ws_request_parse(&req, big, WS_REQUEST_HEAD_MAX, cause,
	    sizeof(cause)), 1);
	CHECK_EQ(req.head_len, WS_REQUEST_HEAD_MAX);
	memset(big + WS_REQUEST_HEAD_MAX - 4, 'a', 4);
	memcpy(big + WS_REQUEST_HEAD_MAX - 3, "\r\n\r\n", 4);
	CHECK_EQ(ws_request_parse(&req, big, WS_REQUEST_HEAD_MAX + 1, cause,
	    sizeof(cause)), -1);
	CHECK_EQ(req.error, 431);
	/* Too many header fields. */
	n = snprintf(big, 64, "GET / HTTP/1.1\r\nHost: a\r\n");
	for (i = 0; i <= WS_REQUEST_HEADERS_MAX; i++)
		n += snprintf(big + n, 64, "H%zu: v\r\n", i);
	n += snprintf(big + n, 64, "\r\n");
	CHECK_EQ(ws_request_parse(&req, big, n, cause, sizeof(cause)), -1);
	CHECK_EQ(req.error, 431);
	free(big);
}

/* The Host rule: names and IP literals pass, others do not, no Host does. */
static void
test_host_names(void)
{
	struct http_host_names	 hn;
	char			*extra[] = { "cam.example.org" };

	CHECK_EQ(http_host_names_init(&hn, extra, 1, cause, sizeof(cause)), 0);
	CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: cam.example.org:8081\r\n\r\n"),
	    1);
	CHECK(ws_request_host_allowed(&req, &hn));
	CHECK(ws_request_host_allowed(&req, NULL));
	CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: [::1]:8081\r\n\r\n"), 1);
	CHECK(ws_request_host_allowed(&req, &hn));
	CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: rebound.example:8081\r\n\r\n"),
	    1);
	CHECK(!ws_request_host_allowed(&req, &hn));
	CHECK_EQ(parse("GET / HTTP/1.0\r\n\r\n"), 1);
	CHECK(ws_request_host_allowed(&req, &hn));
	http_host_names_clear(&hn);
}

int
main(void)
{
	RUN(test_upgrade_request);
	RUN(test_prefixes_and_trailing);
	RUN(test_tolerated);
	RUN(test_malformed);
	RUN(test_limits);
	RUN(test_host_names);
	return (TEST_DONE("ws_request"));
}
