/* SPDX-License-Identifier: ISC */
/*
 * test_frame_sub.c: the frame socket client fed exact bytes from a real Unix
 * socket: whole parts, parts split at every offset, and malformed streams.
 */
#include <sys/socket.h>

#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#include "frame.h"
#include "frame_part.h"
#include "frame_sub.h"
#include "log.h"
#include "test.h"
#include "unix_test.h"

static struct event_base	*base;
static char			 path[108];
static int			 lfd;
static struct frame		*got[64];
static int			 ngot;
static enum frame_sub_state	 last_state;

/* Keeps each frame delivered. */
static void
on_frame(struct frame *f, void *arg)
{
	if (ngot < 64)
		got[ngot++] = frame_ref(f);
}

/* Remembers the last state. */
static void
on_state(enum frame_sub_state st, const char *cause, void *arg)
{
	last_state = st;
}

/* Forgets the frames kept. */
static void
reset_got(void)
{
	while (ngot > 0)
		frame_unref(got[--ngot]);
}

/* Builds one part with a fake JPEG body of n bytes. */
static size_t
make_part(unsigned char *buf, size_t size, uint64_t seq, size_t n)
{
	struct timeval	 tv = { 1700000000, 250000 };
	int		 h;
	size_t		 i;

	h = frame_part_header((char *)buf, size, n, seq, &tv);
	for (i = 0; i < n; i++)
		buf[h + i] = (unsigned char)(i * 31 + seq);
	buf[h + n] = '\r';
	buf[h + n + 1] = '\n';
	return (h + n + 2);
}

/* Two whole parts in one write come out as two frames, bytes intact. */
static void
test_whole_parts(void)
{
	struct frame_sub	*fs;
	unsigned char		 buf[4096];
	size_t			 a, b;
	int			 c;

	fs = frame_sub_new(base, path, 1 << 20, on_frame, on_state, NULL);
	frame_sub_start(fs);
	c = unix_test_accept(lfd, base);
	CHECK(c != -1);
	a = make_part(buf, sizeof(buf), 7, 100);
	b = make_part(buf + a, sizeof(buf) - a, 8, 1000);
	CHECK_EQ(write(c, buf, a + b), (ssize_t)(a + b));
	unix_test_pump(base);
	CHECK_EQ(ngot, 2);
	if (ngot == 2) {
		CHECK_EQ(got[0]->seq, 7);
		CHECK_EQ(got[1]->seq, 8);
		CHECK_EQ(got[0]->ts.tv_usec, 250000);
		CHECK_EQ(got[0]->len, a);
		CHECK_MEM(got[0]->buf, buf, a);
		CHECK_MEM(got[1]->buf, buf + a, b);
		CHECK_EQ(got[1]->jpeg_len, 1000);
		CHECK_MEM(got[1]->buf + got[1]->jpeg_off, buf + a + b - 1002, 1000);
	}
	CHECK(frame_sub_latest(fs) == got[1]);
	CHECK_EQ(frame_sub_state(fs), FRAME_SUB_STREAMING);
	reset_got();
	frame_sub_free(fs);
	close(c);
}

/* A part split into two writes at every byte offset is delivered intact. */
static void
test_every_split(void)
{
	struct frame_sub	*fs;
	unsigned char		 buf[1024];
	size_t			 n, k;
	int			 c, bad = 0;

	fs = frame_sub_new(base, path, 1 << 20, on_frame, on_state, NULL);
	frame_sub_start(fs);
	c = unix_test_accept(lfd, base);
	n = make_part(buf, sizeof(buf), 1, 300);
	for (k = 0; k <= n; k++) {
		if (write(c, buf, k) != (ssize_t)k)
			bad++;
		unix_test_pump(base);
		if (write(c, buf + k, n - k) != (ssize_t)(n - k))
			bad++;
		unix_test_pump(base);
		if (ngot != 1 || got[0]->len != n ||
		    memcmp(got[0]->buf, buf, n) != 0)
			bad++;
		reset_got();
	}
	CHECK_EQ(bad, 0);
	frame_sub_free(fs);
	close(c);
}

/* Malformed streams drop the connection and reconnect after a backoff. */
static void
test_malformed_reconnects(void)
{
	static const char *bad[] = {
		"HTTP/1.1 200 OK\r\n\r\n",
		"--campipe\r\nContent-Length: 4\r\n\r\nabcdXY",
		"--campipe\r\nContent-Length: 99999999\r\n\r\n",
	};
	struct frame_sub	*fs;
	unsigned char		 buf[1024];
	size_t			 i, n;
	int			 c;

	fs = frame_sub_new(base, path, 1 << 20, on_frame, on_state, NULL);
	frame_sub_start(fs);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = unix_test_accept(lfd, base);
		CHECK(c != -1);
		CHECK_EQ(write(c, bad[i], strlen(bad[i])), (ssize_t)strlen(bad[i]));
		unix_test_pump(base);
		CHECK_EQ(last_state, FRAME_SUB_CONNECTING);
		CHECK(strstr(frame_sub_cause(fs), "part") != NULL);
		close(c);
	}
	/* After all that, a good part on the next connection still works. */
	c = unix_test_accept(lfd, base);
	n = make_part(buf, sizeof(buf), 3, 10);
	CHECK_EQ(write(c, buf, n), (ssize_t)n);
	unix_test_pump(base);
	CHECK_EQ(ngot, 1);
	CHECK_EQ(ngot > 0 ? got[0]->seq : 0, 3);
	reset_got();
	/* capd going away is noticed, and stop ends the retries. */
	close(c);
	unix_test_pump(base);
	CHECK_EQ(last_state, FRAME_SUB_CONNECTING);
	frame_sub_stop(fs);
	CHECK_EQ(last_state, FRAME_SUB_STOPPED);
	frame_sub_free(fs);
	CHECK_EQ(frame_count_alive(), 0);
}

int
main(void)
{
	log_init("test_frame_sub", 0);
	base = event_base_new();
	if ((lfd = unix_test_listen("fs-test", path, sizeof(path))) == -1)
		return (1);
	RUN(test_whole_parts);
	RUN(test_every_split);
	RUN(test_malformed_reconnects);
	unlink(path);
	close(lfd);
	event_base_free(base);
	return (TEST_DONE("frame_sub"));
}
