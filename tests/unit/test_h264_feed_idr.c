/* SPDX-License-Identifier: ISC */
/*
 * test_h264_feed_idr.c: h264_feed_want_idr() on a real Unix socket: the
 * exact line, after the subscriber's own lines, never cut, and dropped
 * (never blocking) when capd reads nothing.
 */
#include <sys/socket.h>

#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#include "frame_hello.h"
#include "h264_feed.h"
#include "log.h"
#include "test.h"
#include "unix_test.h"

static struct event_base	*base;
static char			 path[108];
static int			 lfd;

/* Units and breaks are not looked at here. */
static void
on_unit(const struct h264_unit *u, void *arg)
{
}

static void
on_end(const char *cause, void *arg)
{
}

/* Counts the IDR lines capd would read. */
static void
on_line(const struct frame_hello_msg *m, void *arg)
{
	int	*n = arg;

	CHECK(m->idr);
	(*n)++;
}

/* Reads what is there now, up to len bytes. */
static ssize_t
drain(int fd, char *buf, size_t len)
{
	size_t	 n = 0;
	ssize_t	 r;

	while (n < len && (r = recv(fd, buf + n, len - n, MSG_DONTWAIT)) > 0)
		n += r;
	return (n);
}

static void
test_not_connected(void)
{
	struct h264_feed	*hf;
	char			 cause[128];

	hf = h264_feed_new(base, path, on_unit, on_end, NULL);
	CHECK(hf != NULL);
	CHECK_EQ(h264_feed_want_idr(hf, cause, sizeof(cause)), -1);
	CHECK(strstr(cause, "not connected") != NULL);
	h264_feed_free(hf);
}

static void
test_line_after_the_hello(void)
{
	static const char	 want[] =
	    "Subscriber: rtcd\r\nViewers: 1\r\nIDR\r\nIDR\r\n";
	struct h264_feed	*hf;
	char			 cause[128], buf[256];
	int			 c;

	hf = h264_feed_new(base, path, on_unit, on_end, NULL);
	CHECK_EQ(h264_feed_set_name(hf, "rtcd"), 0);
	CHECK_EQ(h264_feed_want(hf, cause, sizeof(cause)), 0);
	/* The hello still waits for the loop: the request goes after it. */
	CHECK_EQ(h264_feed_want_idr(hf, cause, sizeof(cause)), 0);
	c = unix_test_accept(lfd, base);
	CHECK(c != -1);
	unix_test_pump(base);
	/* Nothing waits now: straight to the socket. */
	CHECK_EQ(h264_feed_want_idr(hf, cause, sizeof(cause)), 0);
	CHECK_EQ(drain(c, buf, sizeof(buf)), (ssize_t)strlen(want));
	CHECK(memcmp(buf, want, strlen(want)) == 0);
	h264_feed_free(hf);
	close(c);
}

static void
test_full_socket_drops(void)
{
	struct h264_feed	*hf;
	struct frame_hello_reader r;
	char			 cause[128], buf[4096];
	int			 c, sent = 0, got = 0, i, sndbuf = 4096;
	ssize_t			 n;
	size_t			 total = 0;

	hf = h264_feed_new(base, path, on_unit, on_end, NULL);
	CHECK_EQ(h264_feed_want(hf, cause, sizeof(cause)), 0);
	c = unix_test_accept(lfd, base);
	CHECK(c != -1);
	unix_test_pump(base);
	CHECK_EQ(drain(c, buf, sizeof(buf)), 12);	/* "Viewers: 1\r\n" */
	(void)setsockopt(c, SOL_SOCKET, SO_RCVBUF, &sndbuf, sizeof(sndbuf));
	/* Nobody reads: the requests fill the socket, then are dropped. */
	for (i = 0; i < 1000000; i++) {
		if (h264_feed_want_idr(hf, cause, sizeof(cause)) == -1)
			break;
		sent++;
	}
	CHECK(i < 1000000);
	CHECK(strstr(cause, "IDR request dropped") != NULL);
	/* What arrives is whole lines, every one a request. */
	memset(&r, 0, sizeof(r));
	unix_test_pump(base);
	while ((n = drain(c, buf, sizeof(buf))) > 0) {
		total += n;
		frame_hello_feed(&r, buf, n, on_line, &got);
		unix_test_pump(base);
	}
	CHECK_EQ(r.skipped, 0);
	CHECK_EQ(r.len, 0);
	CHECK_EQ(total, (size_t)sent * FRAME_HELLO_IDR_LEN);
	CHECK_EQ(got, sent);
	CHECK(sent > 0);
	h264_feed_free(hf);
	close(c);
}

int
main(void)
{
	log_init("test_h264_feed_idr", 0);
	base = event_base_new();
	if ((lfd = unix_test_listen("idr-test", path, sizeof(path))) == -1)
		return (1);
	RUN(test_not_connected);
	RUN(test_line_after_the_hello);
	RUN(test_full_socket_drops);
	unlink(path);
	close(lfd);
	event_base_free(base);
	return (TEST_DONE("h264_feed_idr"));
}
