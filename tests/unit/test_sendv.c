/* SPDX-License-Identifier: ISC */
/*
 * test_sendv.c: a frame written to a full socket: what the kernel took plus
 * the rest handed to an evbuffer are exactly the bytes meant, the frame's
 * part by reference.
 */
#include <sys/socket.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "frame.h"
#include "sendv.h"
#include "test.h"

#define BIG	(1 << 20)

/* Header + 1 MB frame + trailer into a socket that takes less. */
static void
test_partial_rest(void)
{
	struct timeval	 tv = { 0, 0 };
	unsigned char	*buf = malloc(BIG), *got = malloc(BIG + 16);
	struct evbuffer	*rest = evbuffer_new();
	struct frame	*f;
	struct iovec	 iov[3];
	size_t		 cur = 0, have = 0, i;
	ssize_t		 n, r;
	int		 sv[2];

	for (i = 0; i < BIG; i++)
		buf[i] = (unsigned char)(i * 7);
	f = frame_adopt(buf, BIG, 0, BIG, 1, &tv);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	sendv_fit(sv[0], 65536, &cur);
	CHECK_EQ(cur, 65536 + 8192);
	sendv_fit(sv[0], 1000, &cur);		/* smaller: unchanged */
	CHECK_EQ(cur, 65536 + 8192);
	iov[0].iov_base = "HDR:";
	iov[0].iov_len = 4;
	iov[1].iov_base = f->buf;
	iov[1].iov_len = f->len;
	iov[2].iov_base = "\r\n";
	iov[2].iov_len = 2;
	n = sendv_write(sv[0], iov, 3);
	CHECK(n > 4 && n < BIG);
	CHECK_EQ(sendv_write(sv[0], iov, 3), 0);	/* full: not an error */
	CHECK_EQ(sendv_rest(rest, iov, 3, n, f), 0);
	CHECK_EQ(evbuffer_get_length(rest), BIG + 6 - n);
	CHECK_EQ(f->refs, 2);			/* the rest holds the frame */
	frame_unref(f);
	while (have < (size_t)n) {
		r = read(sv[1], got + have, n - have);
		CHECK(r > 0);
		if (r <= 0)
			break;
		have += r;
	}
	/* Draining the rest releases the frame. */
	evbuffer_remove(rest, got + have, BIG + 16 - have);
	CHECK_MEM(got, "HDR:", 4);
	for (i = 0; i < BIG && got[4 + i] == (unsigned char)(i * 7); i++)
		;
	CHECK_EQ(i, BIG);
	CHECK_MEM(got + 4 + BIG, "\r\n", 2);
	evbuffer_free(rest);
	CHECK_EQ(frame_count_alive(), 0);
	close(sv[1]);
	CHECK_EQ(sendv_write(sv[0], iov, 1), -1);	/* peer gone: EPIPE */
	close(sv[0]);
	free(got);
}

/* sendv_frame: all of a small frame at once; a big one's rest waits. */
static void
test_frame(void)
{
	struct timeval		 tv = { 0, 0 };
	struct event_base	*base = event_base_new();
	struct evbuffer		*out = evbuffer_new();
	struct event		*ev;
	unsigned char		*big = malloc(BIG), *small = malloc(100);
	unsigned char		*big2 = malloc(BIG);
	unsigned char		 got[200];
	struct frame		*f, *g;
	size_t			 sndbuf = 0;
	int			 sv[2], i, r = -1;

	memset(big, 0xab, BIG);
	memset(small, 0x5c, 100);
	f = frame_adopt(small, 100, 0, 100, 1, &tv);
	g = frame_adopt(big, BIG, 0, BIG, 2, &tv);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	ev = event_new(base, sv[0], EV_WRITE, NULL, NULL);
	CHECK_EQ(sendv_frame(sv[0], f, 0, &sndbuf, out, ev, 30), 1);
	CHECK_EQ(read(sv[1], got, sizeof(got)), 100);
	CHECK_MEM(got, small, 100);
	CHECK(!event_pending(ev, EV_WRITE, NULL));
	/* Skipping the first bytes: only the rest goes. */
	small[0] = 0x11;
	small[99] = 0x22;
	CHECK_EQ(sendv_frame(sv[0], f, 98, &sndbuf, out, ev, 30), 1);
	CHECK_EQ(read(sv[1], got, sizeof(got)), 2);
	CHECK_MEM(got, "\x5c\x22", 2);
	CHECK_EQ(sendv_frame(sv[0], f, 100, &sndbuf, out, ev, 30), 1);
	/* Nobody reads: within a few frames, one no longer goes whole. */
	for (i = 0; i < 16 && (r = sendv_frame(sv[0], g, 0, &sndbuf, out, ev,
	    30)) == 1; i++)
		;
	CHECK_EQ(r, 0);
	CHECK_EQ(sndbuf, BIG + BIG / 8);
	CHECK(evbuffer_get_length(out) > 0 && evbuffer_get_length(out) < BIG);
	CHECK(event_pending(ev, EV_WRITE | EV_TIMEOUT, NULL));
	/* sendv_flush: nobody reads, the rest waits; then all of it goes. */
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	CHECK_EQ(sendv_flush(sv[0], out, ev), 0);
	CHECK(event_pending(ev, EV_WRITE, NULL));
	for (i = 0; i < 1000 && (r = sendv_flush(sv[0], out, ev)) == 0; i++)
		while (read(sv[1], big2, BIG) > 0)
			;
	CHECK_EQ(r, 1);
	CHECK_EQ(evbuffer_get_length(out), 0);
	CHECK(!event_pending(ev, EV_WRITE, NULL));
	/* A closed peer: an error, not a wait (and no SIGPIPE, as capd). */
	signal(SIGPIPE, SIG_IGN);
	evbuffer_add(out, "x", 1);
	close(sv[1]);
	CHECK_EQ(sendv_flush(sv[0], out, ev), -1);
	evbuffer_drain(out, evbuffer_get_length(out));
	CHECK_EQ(sendv_frame(sv[0], f, 0, &sndbuf, out, ev, 30), -1);
	event_free(ev);
	close(sv[0]);
	evbuffer_free(out);
	frame_unref(f);
	frame_unref(g);
	free(big2);
	event_base_free(base);
}

int
main(void)
{
	RUN(test_partial_rest);
	RUN(test_frame);
	return (TEST_DONE("sendv"));
}
