/* SPDX-License-Identifier: ISC */
/*
 * test_udp_gso.c: how rtspd groups a unit's RTP packets into segmented
 * UDP messages (udp_gso_run), on exact packet lengths; and, on loopback,
 * that what the kernel delivers is those packets, one datagram each, in
 * order and byte for byte.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "frame.h"
#include "rtp_stream.h"
#include "rtspd/udp.h"
#include "test.h"

/* The runs udp_gso_run cuts lens (n of them) into, written to out. */
static size_t
runs(const size_t *lens, size_t n, size_t *out)
{
	struct rtp_pkt	 pkts[256];
	size_t		 i, k = 0, r;

	for (i = 0; i < n; i++) {
		pkts[i].off = 0;
		pkts[i].len = lens[i];
	}
	for (i = 0; i < n; i += r) {
		r = udp_gso_run(pkts + i, n - i);
		CHECK(r >= 1 && r <= n - i);
		out[k++] = r;
	}
	return (k);
}

/* SPS, PPS and SEI alone; an FU-A's fragments and its short last one. */
static void
test_runs(void)
{
	size_t	 out[256], lens[256], i;
	/* An IDR: SPS 23, PPS 8, SEI 60, then five fragments of 1400. */
	const size_t	 idr[] = { 23, 8, 60, 1400, 1400, 1400, 1400, 612 };
	const size_t	 small[] = { 300, 300, 300 };
	const size_t	 longer[] = { 100, 200, 200 };

	CHECK_EQ(runs(idr, 8, out), 3);
	/* 23 then the shorter 8; 60 alone (1400 is longer); the FU-A. */
	CHECK_EQ(out[0], 2);
	CHECK_EQ(out[1], 1);
	CHECK_EQ(out[2], 5);
	CHECK_EQ(runs(small, 3, out), 1);
	CHECK_EQ(out[0], 3);
	CHECK_EQ(runs(longer, 3, out), 2);
	CHECK_EQ(out[0], 1);
	CHECK_EQ(out[1], 2);
	CHECK_EQ(udp_gso_run(NULL, 0), 0);
	/* 100 fragments of 1400: cut at 60000 bytes (42) before 64. */
	for (i = 0; i < 100; i++)
		lens[i] = 1400;
	CHECK_EQ(runs(lens, 100, out), 3);
	CHECK_EQ(out[0], 42);
	CHECK_EQ(out[1], 42);
	CHECK_EQ(out[2], 16);
	/* 200 packets of 100 bytes: 64 at most in one message. */
	for (i = 0; i < 200; i++)
		lens[i] = 100;
	CHECK_EQ(runs(lens, 200, out), 4);
	CHECK_EQ(out[0], 64);
	CHECK_EQ(out[3], 8);
}

static void	 on_rtcp(const struct sockaddr *from, socklen_t len,
		    const unsigned char *p, size_t n, void *arg) { }

/* A unit sent to a socket on loopback arrives packet by packet. */
static void
test_loopback(void)
{
	const size_t	 lens[] = { 23, 8, 60, 1400, 1400, 1400, 1400, 612,
			    1400, 1400, 3 };
	const size_t	 npkts = sizeof(lens) / sizeof(lens[0]);
	struct rtp_pkt	 pkts[sizeof(lens) / sizeof(lens[0])];
	struct sockaddr_in sin, to;
	struct rtp_stream_unit unit;
	struct udp_pair	*u;
	struct frame	*f;
	struct event_base *base;
	struct timeval	 tv = { 0, 0 };
	unsigned char	 got[2048], *buf;
	socklen_t	 tolen = sizeof(to);
	size_t		 i, off = 0, total = 0;
	char		 cause[128];
	ssize_t		 n;
	int		 fd, port;

	for (i = 0; i < npkts; i++)
		total += 4 + lens[i];
	CHECK((buf = malloc(total)) != NULL);
	CHECK((f = frame_adopt(buf, total, 0, 0, 0, &tv)) != NULL);
	CHECK((base = event_base_new()) != NULL);
	for (i = 0; i < npkts; i++) {
		pkts[i].off = off + 4;
		pkts[i].len = lens[i];
		memset(f->buf + off + 4, (int)(i + 1), lens[i]);
		off += 4 + lens[i];
	}
	memset(&unit, 0, sizeof(unit));
	unit.f = f;
	unit.pkts = pkts;
	unit.npkts = npkts;

	CHECK((fd = socket(AF_INET, SOCK_DGRAM, 0)) != -1);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK_EQ(bind(fd, (struct sockaddr *)&to, sizeof(to)), 0);
	CHECK_EQ(getsockname(fd, (struct sockaddr *)&to, &tolen), 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	u = NULL;
	for (port = 40000; port < 40100 && u == NULL; port += 2)
		u = udp_pair_open(base, (struct sockaddr *)&sin, sizeof(sin),
		    (uint16_t)port, on_rtcp, NULL, cause, sizeof(cause));
	CHECK(u != NULL);
	CHECK_EQ(udp_send_unit(u, (struct sockaddr *)&to, tolen, &unit),
	    npkts);
	for (i = 0; i < npkts; i++) {
		n = recv(fd, got, sizeof(got), MSG_DONTWAIT);
		CHECK_EQ(n, (ssize_t)lens[i]);
		if (n > 0)
			CHECK_MEM(got, f->buf + pkts[i].off, lens[i]);
	}
	CHECK_EQ(recv(fd, got, sizeof(got), MSG_DONTWAIT), -1);
	CHECK_EQ(u->send_errors, 0);
	CHECK_EQ(u->no_gso, 0);
	udp_pair_close(u);
	close(fd);
	frame_unref(f);
	event_base_free(base);
}

int
main(void)
{
	RUN(test_runs);
	RUN(test_loopback);
	return (TEST_DONE("udp_gso"));
}
