/* SPDX-License-Identifier: ISC */
/* test_http_reply.c: responses from capd's control socket, exact bytes. */
#include <string.h>

#include "test.h"
#include "http_reply.h"

static int
parse(const char *s, size_t len, struct http_reply *r, char *cause)
{
	cause[0] = '\0';
	return (http_reply_parse(s, len, r, cause, 128));
}

#define OK(s, code, body) do {						\
	struct http_reply _r;						\
	char _c[128];							\
	CHECK_EQ(parse((s), strlen(s), &_r, _c), 0);			\
	CHECK_EQ(_r.status, (code));					\
	CHECK_EQ(_r.body_len, strlen(body));				\
	CHECK(memcmp((s) + _r.body_off, (body), strlen(body)) == 0);	\
} while (0)

#define BAD(s, n, reason) do {						\
	struct http_reply _r;						\
	char _c[128];							\
	CHECK_EQ(parse((s), (n), &_r, _c), -1);				\
	if (strcmp(_c, (reason)) != 0)					\
		fprintf(stderr, "  got \"%s\"\n", _c);			\
	CHECK(strcmp(_c, (reason)) == 0);				\
} while (0)

static void
test_whole_answers(void)
{
	/* As evhttp sends them. */
	OK("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	    "Cache-Control: no-store\r\nDate: Tue, 01 Dec 2026 03:05:15 GMT\r\n"
	    "Content-Length: 3\r\n\r\n{}\n", 200, "{}\n");
	OK("HTTP/1.1 400 Bad Request\r\nContent-Length: 10\r\n\r\n"
	    "{\"e\":\"x\"}\nEXTRA", 400, "{\"e\":\"x\"}\n");
	/* No Content-Length: to the end.  Bare LF lines. */
	OK("HTTP/1.0 404 Not Found\n\nnothing", 404, "nothing");
	OK("HTTP/1.1 204\r\n\r\n", 204, "");
	OK("HTTP/1.1 200 OK\r\ncontent-length:  2 \r\n\r\nab", 200, "ab");
	OK("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab",
	    200, "ab");
}

static void
test_refused(void)
{
	const char	*whole = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab";
	size_t		 i;

	BAD("", 0, "not an HTTP/1.x status line");
	BAD("HTTP/2 200 OK\r\n\r\n", 17, "not an HTTP/1.x status line");
	BAD("HTTP/1.1 99 OK\r\n\r\n", 18, "not an HTTP/1.x status line");
	BAD("HTTP/1.1 600 OK\r\n\r\n", 19, "not an HTTP/1.x status line");
	BAD("HTTP/1.1 2000 OK\r\n\r\n", 20, "not an HTTP/1.x status line");
	BAD("HTTP/1.1 20x OK\r\n\r\n", 19, "not an HTTP/1.x status line");
	BAD("HTTP/1.1 200 OK\r\nNo colon\r\n\r\n", 29, "malformed header "
	    "line");
	BAD("HTTP/1.1 200 OK\r\n: v\r\n\r\n", 24, "malformed header line");
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab",
	    53, "chunked bodies are not expected");
	BAD("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 39,
	    "bad Content-Length");
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
	    59, "bad Content-Length");
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 9999999999999\r\n\r\n", 50,
	    "bad Content-Length");
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nab", 40,
	    "body cut short (2 of 3 bytes)");
	/* Every cut before the end of the body is refused. */
	for (i = 0; i < strlen(whole); i++) {
		struct http_reply	 r;
		char			 c[128];

		CHECK_EQ(parse(whole, i, &r, c), -1);
	}
}

static void
test_long_head(void)
{
	static char	 buf[HTTP_REPLY_MAX_HEAD + 200];
	struct http_reply r;
	char		 c[128];
	size_t		 n;

	n = snprintf(buf, sizeof(buf), "HTTP/1.1 200 OK\r\nX: ");
	memset(buf + n, 'a', HTTP_REPLY_MAX_HEAD);
	memcpy(buf + n + HTTP_REPLY_MAX_HEAD, "\r\n\r\n", 4);
	CHECK_EQ(parse(buf, n + HTTP_REPLY_MAX_HEAD + 4, &r, c), -1);
	CHECK(strcmp(c, "headers over 8192 bytes") == 0);
}

int
main(void)
{
	RUN(test_whole_answers);
	RUN(test_refused);
	RUN(test_long_head);
	return (TEST_DONE("http_reply"));
}
