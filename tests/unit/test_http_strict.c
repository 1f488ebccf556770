/* SPDX-License-Identifier: ISC */
/* test_http_strict.c: the strict request head checks with exact bytes. */
#include "test.h"
#include "http_strict.h"

static struct http_strict	 hs;
static char			 cause[128];

/* Judges a NUL-terminated head with the 8 KB limit. */
static int
judge(const char *s)
{
	return (http_strict_head(s, strlen(s), 8192, &hs, cause,
	    sizeof(cause)));
}

static const char good[] =
    "GET /api/config?x=1 HTTP/1.1\r\n"
    "Host: 127.0.0.1:8080\r\n"
    "User-Agent: t\r\n"
    "Content-Length:  12 \r\n"
    "\r\n";

static void
test_good_head(void)
{
	CHECK_EQ(judge(good), 1);
	CHECK_EQ(hs.head_len, strlen(good));
	CHECK_EQ(hs.body_len, 12);
	CHECK_EQ(hs.minor, 1);
}

/* Every prefix needs more bytes; bytes after the head are not judged. */
static void
test_prefixes_and_trailing(void)
{
	char	 buf[sizeof(good) + 16];
	size_t	 n;

	for (n = 0; n < strlen(good); n++)
		CHECK_EQ(http_strict_head(good, n, 8192, &hs, cause,
		    sizeof(cause)), 0);
	snprintf(buf, sizeof(buf), "%s\x01 \r\n", good);
	CHECK_EQ(judge(buf), 1);
	CHECK_EQ(hs.head_len, strlen(good));
}

/* HTTP/1.0 without Host, bare LF lines, leading blank lines. */
static void
test_tolerated(void)
{
	CHECK_EQ(judge("GET / HTTP/1.0\r\n\r\n"), 1);
	CHECK_EQ(hs.minor, 0);
	CHECK_EQ(judge("\r\n\nGET / HTTP/1.1\nHost: a\n\n"), 1);
	CHECK_EQ(hs.head_len, 27);
	CHECK_EQ(judge("CONNECT a:1 HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
	CHECK_EQ(judge("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
	CHECK_EQ(judge("GET http://a/x HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
	CHECK_EQ(judge("GET / HTTP/1.1\r\nhOsT: a\r\nContent-Length: 0\r\n"
	    "X-Empty:\r\n\r\n"), 1);
	CHECK_EQ(judge("GET / HTTP/1.1\r\nHost: a\r\nX: \xc3\xa9\t.\r\n\r\n"),
	    1);
}

/* Each refused head with its reason. */
static void
test_refused(void)
{
	static const struct {
		const char	*head;
		const char	*why;
	} bad[] = {
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
	  "Content-Length: 5\r\n\r\n", "more than one Content-Length" },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
	  "content-length: 6\r\n\r\n", "more than one Content-Length" },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n",
	  "Content-Length is not plain digits" },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n",
	  "Content-Length is not plain digits" },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\n",
	  "Content-Length is not plain digits" },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
	  "Content-Length is not plain digits" },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n",
	  "empty Content-Length" },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000000000000\r\n"
	  "\r\n", "Content-Length too large" },
	{ "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
	  "Transfer-Encoding in a request is not accepted" },
	{ "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 needs exactly one Host" },
	{ "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n",
	  "HTTP/1.1 needs exactly one Host" },
	{ "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
	  "more than one Host" },
	{ "GET / HTTP/1.1\r\nHost: a\r\nOrigin: http://a\r\n"
	  "origin: http://evil.example\r\n\r\n", "more than one Origin" },
	{ "GET / HTTP/1.1\r\nHost: a\r\nSec-Fetch-Site: same-origin\r\n"
	  "Sec-Fetch-Site: cross-site\r\n\r\n",
	  "more than one Sec-Fetch-Site" },
	{ "GET / HTTP/2.0\r\nHost: a\r\n\r\n", "unsupported HTTP version" },
	{ "GET / HTTP/1.2\r\nHost: a\r\n\r\n", "unsupported HTTP version" },
	{ "GET / HTTP/0.9\r\n\r\n", "unsupported HTTP version" },
	{ "GET / http/1.1\r\nHost: a\r\n\r\n", "unsupported HTTP version" },
	{ "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", "unsupported HTTP version" },
	{ "GET / HTTP/ 1.1\r\nHost: a\r\n\r\n", "unsupported HTTP version" },
	{ "GET /\r\n\r\n", "malformed request target" },
	{ "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", "malformed request target" },
	{ "GET a HTTP/1.1\r\nHost: a\r\n\r\n", "malformed request target" },
	{ "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
	  "whitespace between field name and colon" },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length\t: 1\r\n\r\n",
	  "whitespace between field name and colon" },
	{ "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n 2\r\n\r\n",
	  "obs-fold continuation line" },
	{ "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\t2\r\n\r\n",
	  "obs-fold continuation line" },
	{ "GET / HTTP/1.1\r\n Host: a\r\n\r\n", "obs-fold continuation line" },
	{ "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n",
	  "malformed header field" },
	{ "GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n",
	  "empty header field name" },
	{ "GET / HTTP/1.1\r\nHost: a\r\nX: a\x01" "b\r\n\r\n",
	  "control character in header value" },
	{ "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n",
	  "bare CR in request head" },
	{ "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", "malformed request line" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(judge(bad[i].head), -1);
		CHECK_EQ(hs.status, 400);
		if (strcmp(cause, bad[i].why) != 0)
			fprintf(stderr, "case %zu: \"%s\", expected \"%s\"\n",
			    i, cause, bad[i].why);
		CHECK(strcmp(cause, bad[i].why) == 0);
	}
}

/* NUL bytes are refused; a head past the limit is 431. */
static void
test_nul_and_size(void)
{
	static const char nul[] = "GET / HTTP/1.1\r\nHost: a\0\r\n\r\n";
	char	 big[300];

	CHECK_EQ(http_strict_head(nul, sizeof(nul) - 1, 8192, &hs, cause,
	    sizeof(cause)), -1);
	CHECK_EQ(hs.status, 400);
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	CHECK_EQ(http_strict_head(big, 255, 256, &hs, cause, sizeof(cause)),
	    0);
	CHECK_EQ(http_strict_head(big, 256, 256, &hs, cause, sizeof(cause)),
	    -1);
	CHECK_EQ(hs.status, 431);
	CHECK_EQ(http_strict_head("\r\n\r\n\r\n", 6, 4, &hs, cause,
	    sizeof(cause)), -1);
	CHECK_EQ(hs.status, 431);
}

int
main(void)
{
	RUN(test_good_head);
	RUN(test_prefixes_and_trailing);
	RUN(test_tolerated);
	RUN(test_refused);
	RUN(test_nul_and_size);
	return (TEST_DONE("http_strict"));
}
