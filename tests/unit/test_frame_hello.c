/* SPDX-License-Identifier: ISC */
/* test_frame_hello.c: the lines a frame socket subscriber may write. */
#include <string.h>

#include "test.h"
#include "frame_hello.h"

/* What the callback saw: names joined by ",", the last viewer count. */
struct seen {
	char	 names[256];
	long	 viewers;
	int	 idr;
	int	 n;
};

static void
seen_cb(const struct frame_hello_msg *m, void *arg)
{
	struct seen	*s = arg;

	s->n++;
	if (m->name != NULL) {
		if (s->names[0] != '\0')
			strcat(s->names, ",");
		strcat(s->names, m->name);
	} else if (m->idr) {
		CHECK_EQ(m->viewers, -1);
		s->idr++;
	} else
		s->viewers = m->viewers;
}

/* Feeds s in pieces of k bytes; the lines skipped, if skipped != NULL. */
static void
feed_count(const char *s, size_t len, size_t k, struct seen *out,
    unsigned long long *skipped)
{
	struct frame_hello_reader	 r;
	size_t				 i;

	memset(&r, 0, sizeof(r));
	memset(out, 0, sizeof(*out));
	out->viewers = -1;
	for (i = 0; i < len; i += k)
		frame_hello_feed(&r, s + i, len - i < k ? len - i : k, seen_cb,
		    out);
	if (skipped != NULL)
		*skipped = r.skipped;
}

/* Feeds s in pieces of k bytes. */
static void
feed(const char *s, size_t len, size_t k, struct seen *out)
{
	feed_count(s, len, k, out, NULL);
}

static void
test_format(void)
{
	char	 buf[FRAME_HELLO_MAX];

	CHECK_EQ(frame_hello_format("httpd", buf, sizeof(buf)), 19);
	CHECK(strcmp(buf, "Subscriber: httpd\r\n") == 0);
	CHECK_EQ(frame_hello_format("a.b_c-D9", buf, sizeof(buf)), 22);
	CHECK_EQ(frame_hello_format("", buf, sizeof(buf)), -1);
	CHECK_EQ(frame_hello_format("two words", buf, sizeof(buf)), -1);
	CHECK_EQ(frame_hello_format("x\r\nViewers: 1", buf, sizeof(buf)), -1);
	CHECK_EQ(frame_hello_format("012345678901234567890123456789012",
	    buf, sizeof(buf)), -1);
	CHECK_EQ(frame_hello_format("01234567890123456789012345678901",
	    buf, sizeof(buf)), 46);
	CHECK_EQ(frame_hello_format("httpd", buf, 19), -1);
	CHECK_EQ(frame_hello_format_viewers(0, buf, sizeof(buf)), 12);
	CHECK(strcmp(buf, "Viewers: 0\r\n") == 0);
	CHECK_EQ(frame_hello_format_viewers(1000000, buf, sizeof(buf)), 18);
	CHECK_EQ(frame_hello_format_viewers(1000001, buf, sizeof(buf)), -1);
	CHECK_EQ(frame_hello_format_viewers(-1, buf, sizeof(buf)), -1);
}

static void
test_lines_at_every_split(void)
{
	const char	*s = "Subscriber: wsd\r\nViewers: 3\r\nViewers: 12\n";
	struct seen	 out;
	size_t		 k;

	for (k = 1; k <= strlen(s); k++) {
		feed(s, strlen(s), k, &out);
		CHECK_EQ(out.n, 3);
		CHECK(strcmp(out.names, "wsd") == 0);
		CHECK_EQ(out.viewers, 12);
	}
	/* No line end yet: nothing. */
	feed("Subscriber: wsd", 15, 1, &out);
	CHECK_EQ(out.n, 0);
}

static void
test_meaningless_lines_skipped(void)
{
	static const char s[] =
	    "GET / HTTP/1.1\r\n"
	    "subscriber: a\r\n"
	    "Subscriber:b\r\n"
	    "Subscriber: \r\n"
	    "Subscriber: a b\r\n"
	    "Subscriber: c\rX\r\n"
	    "Subscriber: \xc3\xa9\r\n"
	    "Subscriber: 012345678901234567890123456789012\r\n"
	    "Viewers: \r\n"
	    "Viewers: -1\r\n"
	    "Viewers: 01\r\n"
	    "Viewers: 1000001\r\n"
	    "Viewers: 99999999\r\n"
	    "Viewers: 1 \r\n"
	    "Viewers:\t1\r\n"
	    "Subscriber: ok\r\n"
	    "\r\n\n\0\0\n"
	    "Viewers: 7\r\n";
	struct seen	 out;

	feed(s, strlen(s), 5, &out);
	CHECK_EQ(out.n, 1);
	CHECK(strcmp(out.names, "ok") == 0);
	CHECK_EQ(out.viewers, -1);
	feed(s, sizeof(s) - 1, 7, &out);
	CHECK_EQ(out.n, 2);
	CHECK_EQ(out.viewers, 7);
}

static void
test_overlong_lines(void)
{
	char		 buf[300];
	struct seen	 out;

	/* 62 bytes + CRLF = 64: kept.  One more: skipped whole. */
	snprintf(buf, sizeof(buf), "Viewers: 5%52s\r\nViewers: 6\r\n", "");
	feed(buf, strlen(buf), 3, &out);
	CHECK_EQ(out.n, 1);
	CHECK_EQ(out.viewers, 6);
	snprintf(buf, sizeof(buf), "Subscriber: %s\r\n",
	    "01234567890123456789012345678901");
	feed(buf, strlen(buf), 64, &out);
	CHECK_EQ(out.n, 1);
	memset(buf, 'x', 200);
	memcpy(buf + 200, "\nViewers: 2\n", 13);
	feed(buf, strlen(buf), 64, &out);
	CHECK_EQ(out.n, 1);
	CHECK_EQ(out.viewers, 2);
	/* A long line whose tail looks like a message is not one. */
	memset(buf, 'x', 100);
	memcpy(buf + 100, "Viewers: 9\n", 12);
	feed(buf, strlen(buf), 1, &out);
	CHECK_EQ(out.n, 0);
}

/* The H.264 socket's IDR request, exactly, at every split point. */
static void
test_idr_request(void)
{
	const char		*s = "Viewers: 2\r\nIDR\r\nIDR\nIDR\r\n";
	struct frame_hello_msg	 m;
	struct seen		 out;
	unsigned long long	 skipped;
	size_t			 k, cut;

	CHECK_EQ(strlen(FRAME_HELLO_IDR), FRAME_HELLO_IDR_LEN);
	CHECK(memcmp(FRAME_HELLO_IDR, "\x49\x44\x52\x0d\x0a", 5) == 0);
	CHECK_EQ(frame_hello_parse("IDR", 3, &m), 0);
	CHECK(m.idr == 1 && m.name == NULL && m.viewers == -1);
	CHECK_EQ(frame_hello_parse("Viewers: 1", 10, &m), 0);
	CHECK_EQ(m.idr, 0);
	for (k = 1; k <= strlen(s); k++) {
		feed_count(s, strlen(s), k, &out, &skipped);
		CHECK_EQ(out.n, 4);
		CHECK_EQ(out.idr, 3);
		CHECK_EQ(out.viewers, 2);
		CHECK_EQ(skipped, 0);
	}
	/* One line cut in two at every point: one request. */
	for (cut = 0; cut <= FRAME_HELLO_IDR_LEN; cut++) {
		struct frame_hello_reader	 r;

		memset(&r, 0, sizeof(r));
		memset(&out, 0, sizeof(out));
		frame_hello_feed(&r, FRAME_HELLO_IDR, cut, seen_cb, &out);
		CHECK_EQ(out.idr, cut == FRAME_HELLO_IDR_LEN ? 1 : 0);
		frame_hello_feed(&r, FRAME_HELLO_IDR + cut,
		    FRAME_HELLO_IDR_LEN - cut, seen_cb, &out);
		CHECK_EQ(out.idr, 1);
		CHECK_EQ(r.skipped, 0);
	}
	/* No line end yet: nothing. */
	feed("IDR", 3, 1, &out);
	CHECK_EQ(out.n, 0);
}

/* Lines near the request are not one, and are counted as skipped. */
static void
test_idr_near_misses(void)
{
	static const char s[] =
	    "idr\r\n"
	    "IDR \r\n"
	    " IDR\r\n"
	    "IDR\r\r\n"
	    "IDRS\r\n"
	    "ID\r\n"
	    "IDR:\r\n"
	    "IDR: now\r\n"
	    "I\0R\r\n"
	    "IDR\0\r\n"
	    "\r\n"
	    "IDR\r\n";
	struct seen		 out;
	unsigned long long	 skipped;
	size_t			 k;

	for (k = 1; k <= sizeof(s) - 1; k++) {
		feed_count(s, sizeof(s) - 1, k, &out, &skipped);
		CHECK_EQ(out.n, 1);
		CHECK_EQ(out.idr, 1);
		CHECK_EQ(skipped, 11);
	}
}

int
main(void)
{
	RUN(test_format);
	RUN(test_lines_at_every_split);
	RUN(test_meaningless_lines_skipped);
	RUN(test_overlong_lines);
	RUN(test_idr_request);
	RUN(test_idr_near_misses);
	return (TEST_DONE("frame_hello"));
}
