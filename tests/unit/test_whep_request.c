/* SPDX-License-Identifier: ISC */
/*
 * test_whep_request.c: the heads rtcd reads (rtcd/whep_request.c) with
 * exact bytes: each route, the fields kept, every prefix refused, and
 * what http_strict refuses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "rtcd/whep_request.h"

static struct whep_request	 req;
static char			 cause[128];
static int			 status;

/* Parses a NUL-terminated head. */
static int
parse(const char *s)
{
	return (whep_request_parse(&req, s, strlen(s), &status, cause,
	    sizeof(cause)));
}

static const char offer[] =
    "POST /cam/door/whep?x=1 HTTP/1.1\r\n"
    "Host: cam\r\n"
    "Content-Type: Application/SDP; charset=utf-8\r\n"
    "Content-Length: 1234\r\n"
    "\r\n";

static void
test_offer(void)
{
	CHECK_EQ(parse(offer), 0);
	CHECK(strcmp(req.method, "POST") == 0);
	CHECK_EQ(req.route, WHEP_ROUTE_OFFER);
	CHECK(strcmp(req.camera, "door") == 0);
	CHECK_EQ(req.has_length, 1);
	CHECK_EQ(req.length, 1234);
	CHECK(strcmp(req.ctype, "application/sdp") == 0);
	CHECK_EQ(req.minor, 1);
	CHECK_EQ(parse("POST /whep HTTP/1.1\r\nHost: c\r\n"
	    "Content-Length: 0\r\n\r\n"), 0);
	CHECK_EQ(req.route, WHEP_ROUTE_OFFER);
	CHECK(strcmp(req.camera, "") == 0);
	CHECK_EQ(req.has_length, 1);
	CHECK_EQ(req.length, 0);
	CHECK(strcmp(req.ctype, "") == 0);
}

static void
test_routes(void)
{
	CHECK_EQ(parse("DELETE /whep/0123456789abcdef0123456789abcdef "
	    "HTTP/1.1\r\nHost: c\r\n\r\n"), 0);
	CHECK_EQ(req.route, WHEP_ROUTE_SESSION);
	CHECK(strcmp(req.id, "0123456789abcdef0123456789abcdef") == 0);
	CHECK_EQ(req.has_length, 0);
	/* Not an id: uppercase, too short, too long. */
	CHECK_EQ(parse("DELETE /whep/0123456789ABCDEF0123456789abcdef "
	    "HTTP/1.1\r\nHost: c\r\n\r\n"), 0);
	CHECK_EQ(req.route, WHEP_ROUTE_NONE);
	CHECK_EQ(parse("DELETE /whep/0123 HTTP/1.1\r\nHost: c\r\n\r\n"), 0);
	CHECK_EQ(req.route, WHEP_ROUTE_NONE);
	CHECK_EQ(parse("DELETE /whep/0123456789abcdef0123456789abcdef0 "
	    "HTTP/1.1\r\nHost: c\r\n\r\n"), 0);
	CHECK_EQ(req.route, WHEP_ROUTE_NONE);
	CHECK_EQ(parse("GET /api/webrtc HTTP/1.0\r\n\r\n"), 0);
	CHECK_EQ(req.route, WHEP_ROUTE_STATUS);
	CHECK_EQ(req.minor, 0);
	CHECK_EQ(parse("POST /webrtc HTTP/1.1\r\nHost: c\r\n\r\n"), 0);
	CHECK_EQ(req.route, WHEP_ROUTE_SIGNAL);
	CHECK_EQ(parse("POST /cam/door/webrtc HTTP/1.1\r\nHost: c\r\n\r\n"),
	    0);
	CHECK_EQ(req.route, WHEP_ROUTE_SIGNAL);
	CHECK(strcmp(req.camera, "door") == 0);
	CHECK_EQ(parse("POST /cam/door/other HTTP/1.1\r\nHost: c\r\n\r\n"), 0);
	CHECK_EQ(req.route, WHEP_ROUTE_NONE);
	CHECK(strcmp(req.camera, "") == 0);
	CHECK_EQ(parse("POST /cam/bad%20name/whep HTTP/1.1\r\nHost: c\r\n\r\n"),
	    0);
	CHECK_EQ(req.route, WHEP_ROUTE_NONE);
	CHECK_EQ(parse("POST /whepx HTTP/1.1\r\nHost: c\r\n\r\n"), 0);
	CHECK_EQ(req.route, WHEP_ROUTE_NONE);
}

/* Every prefix of a head is refused as incomplete. */
static void
test_prefixes(void)
{
	size_t	 n;

	for (n = 0; n < strlen(offer); n++) {
		CHECK_EQ(whep_request_parse(&req, offer, n, &status, cause,
		    sizeof(cause)), -1);
		CHECK_EQ(status, 400);
	}
}

static void
test_malformed(void)
{
	char	 big[9000];

	/* http_strict's refusals: two lengths, no Host, a bad version. */
	CHECK_EQ(parse("POST /whep HTTP/1.1\r\nHost: c\r\nContent-Length: 1\r\n"
	    "Content-Length: 2\r\n\r\n"), -1);
	CHECK_EQ(status, 400);
	CHECK_EQ(parse("POST /whep HTTP/1.1\r\n\r\n"), -1);
	CHECK_EQ(parse("POST /whep HTTP/2.0\r\nHost: c\r\n\r\n"), -1);
	CHECK_EQ(parse("POST /whep HTTP/1.1\r\nHost: c\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"), -1);
	/* Not a path; a method too long. */
	CHECK_EQ(parse("POST * HTTP/1.1\r\nHost: c\r\n\r\n"), -1);
	CHECK_EQ(status, 400);
	CHECK_EQ(parse("OPTIONS * HTTP/1.1\r\nHost: c\r\n\r\n"), -1);
	CHECK_EQ(parse("ABCDEFGHIJKLMNOPQ /whep HTTP/1.1\r\nHost: c\r\n\r\n"),
	    -1);
	/* Over 8192 bytes: 431. */
	snprintf(big, sizeof(big), "GET /whep HTTP/1.1\r\nHost: c\r\nX: %*s"
	    "\r\n\r\n", 8300, "y");
	CHECK_EQ(whep_request_parse(&req, big, strlen(big), &status, cause,
	    sizeof(cause)), -1);
	CHECK_EQ(status, 431);
}

int
main(void)
{
	RUN(test_offer);
	RUN(test_routes);
	RUN(test_prefixes);
	RUN(test_malformed);
	return (TEST_DONE("whep_request"));
}
