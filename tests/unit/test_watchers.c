/* SPDX-License-Identifier: ISC */
/* test_watchers.c: stills watchers counted by address within their window. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>

#include "httpd/watchers.h"
#include "test.h"

/* An IPv4 or IPv6 address with a port. */
static const struct sockaddr *
addr(const char *a, int port)
{
	static struct sockaddr_storage	 ss;
	struct sockaddr_in		*in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6		*in6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, a, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
	} else {
		inet_pton(AF_INET6, a, &in6->sin6_addr);
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
	}
	return ((struct sockaddr *)&ss);
}

/* One address is one watcher, whatever its ports and however often. */
static void
test_one_address(void)
{
	static struct watchers	 ws;

	memset(&ws, 0, sizeof(ws));
	CHECK_EQ(watchers_seen(&ws, addr("192.0.2.1", 1000), 100.0), 1);
	CHECK_EQ(watchers_seen(&ws, addr("192.0.2.1", 1001), 101.0), 1);
	CHECK_EQ(watchers_seen(&ws, addr("::ffff:192.0.2.1", 7), 102.0), 1);
	CHECK_EQ(watchers_seen(&ws, addr("192.0.2.2", 1000), 102.0), 2);
	/* one /64 is one host */
	CHECK_EQ(watchers_seen(&ws, addr("2001:db8::1", 1), 103.0), 3);
	CHECK_EQ(watchers_seen(&ws, addr("2001:db8::2", 1), 103.0), 3);
	CHECK_EQ(watchers_seen(&ws, addr("2001:db8:0:1::1", 1), 103.0), 4);
}

/* A watcher counts until WATCHERS_WINDOW after its latest still. */
static void
test_window(void)
{
	static struct watchers	 ws;

	memset(&ws, 0, sizeof(ws));
	watchers_seen(&ws, addr("192.0.2.1", 1), 100.0);
	watchers_seen(&ws, addr("192.0.2.2", 1), 105.0);
	CHECK_EQ(watchers_expire(&ws, 100.0 + WATCHERS_WINDOW - 0.01), 2);
	CHECK_EQ(watchers_expire(&ws, 100.0 + WATCHERS_WINDOW), 1);
	watchers_seen(&ws, addr("192.0.2.2", 1), 112.0);
	CHECK_EQ(watchers_expire(&ws, 105.0 + WATCHERS_WINDOW), 1);
	CHECK_EQ(watchers_expire(&ws, 112.0 + WATCHERS_WINDOW), 0);
	CHECK_EQ(watchers_seen(&ws, addr("192.0.2.1", 1), 200.0), 1);
}

/* A full table forgets its oldest watcher for a newcomer. */
static void
test_full(void)
{
	static struct watchers	 ws;
	char			 a[32];
	int			 i;

	memset(&ws, 0, sizeof(ws));
	for (i = 0; i < WATCHERS_MAX; i++) {
		snprintf(a, sizeof(a), "10.0.%d.%d", i / 200, i % 200 + 1);
		watchers_seen(&ws, addr(a, 1), 100.0 + i * 0.001);
	}
	CHECK_EQ(ws.n, WATCHERS_MAX);
	CHECK_EQ(watchers_seen(&ws, addr("192.0.2.9", 1), 101.0), WATCHERS_MAX);
	/* the oldest (10.0.0.1) went; 10.0.0.2, seen again, stays */
	CHECK_EQ(watchers_seen(&ws, addr("10.0.0.2", 1), 101.0), WATCHERS_MAX);
	CHECK_EQ(watchers_expire(&ws, 100.5 + WATCHERS_WINDOW), 2);
}

int
main(void)
{
	RUN(test_one_address);
	RUN(test_window);
	RUN(test_full);
	return (TEST_DONE("watchers"));
}
