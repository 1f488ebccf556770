/* SPDX-License-Identifier: ISC */
/*
 * test_connpool.c: the pending pool and per-address shares fed exact
 * sequences: who is evicted (an address's own oldest first, then the
 * oldest of all, never a viewer), and the address table left clean.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "connpool.h"
#include "test.h"

/* An entry for an IPv4 address. */
static void
v4(struct connpool_entry *e, const char *addr, int port)
{
	struct sockaddr_in	 sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	inet_pton(AF_INET, addr, &sin.sin_addr);
	connpool_entry_init(e, (struct sockaddr *)&sin, sizeof(sin));
}

/* An entry for an IPv6 address. */
static void
v6(struct connpool_entry *e, const char *addr)
{
	struct sockaddr_in6	 sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, addr, &sin6.sin6_addr);
	connpool_entry_init(e, (struct sockaddr *)&sin6, sizeof(sin6));
}

/* What a daemon does on accept: close victims until e fits. */
static int
admit(struct connpool *p, struct connpool_entry *e,
    struct connpool_entry **gone, int maxgone)
{
	struct connpool_entry	*v;
	int			 n = 0;

	while ((v = connpool_victim(p, e)) != NULL) {
		if (n < maxgone)
			gone[n] = v;
		n++;
		connpool_remove(p, v);
	}
	CHECK_EQ(connpool_pend(p, e), 0);
	return (n);
}

static void
test_key(void)
{
	struct connpool_entry	 a, b, c, d, m;

	v4(&a, "127.0.0.2", 1000);
	v4(&b, "127.0.0.2", 2000);
	v4(&c, "127.0.0.3", 1000);
	CHECK_MEM(a.key, b.key, 16);
	CHECK(memcmp(a.key, c.key, 16) != 0);
	/* One /64 is one address; another /64 is another. */
	v6(&a, "2001:db8:1:2::1");
	v6(&b, "2001:db8:1:2:ffff:1:2:3");
	v6(&d, "2001:db8:1:3::1");
	CHECK_MEM(a.key, b.key, 16);
	CHECK(memcmp(a.key, d.key, 16) != 0);
	/* A mapped IPv4 address is that IPv4 address. */
	v6(&m, "::ffff:127.0.0.3");
	CHECK_MEM(m.key, c.key, 16);
	connpool_entry_init(&a, NULL, 0);
	CHECK_EQ(a.state, CONNPOOL_NONE);
}

/* One address fills its share: its own oldest goes, others stay. */
static void
test_per_addr(void)
{
	struct connpool_conf	 conf = { 100, 3, 2 };
	struct connpool		*p = connpool_new(&conf);
	struct connpool_entry	 att[6], good, *gone[4];
	int			 i;

	v4(&good, "127.0.0.1", 1);
	CHECK_EQ(admit(p, &good, gone, 4), 0);
	for (i = 0; i < 3; i++) {
		v4(&att[i], "127.0.0.2", 10 + i);
		CHECK_EQ(admit(p, &att[i], gone, 4), 0);
	}
	CHECK_EQ(connpool_pending(p), 4);
	CHECK_EQ(connpool_pending_addr(p, &att[0]), 3);
	for (i = 3; i < 6; i++) {
		v4(&att[i], "127.0.0.2", 10 + i);
		CHECK_EQ(admit(p, &att[i], gone, 4), 1);
		CHECK(gone[0] == &att[i - 3]);
		CHECK_EQ(att[i - 3].state, CONNPOOL_NONE);
	}
	CHECK_EQ(good.state, CONNPOOL_PENDING);
	CHECK_EQ(connpool_pending(p), 4);
	CHECK_EQ(connpool_addrs(p), 2);
	for (i = 3; i < 6; i++)
		connpool_remove(p, &att[i]);
	connpool_remove(p, &good);
	CHECK_EQ(connpool_pending(p), 0);
	CHECK_EQ(connpool_addrs(p), 0);
	connpool_free(p);
}

/* The pool fills from many addresses: the oldest of all goes. */
static void
test_full(void)
{
	struct connpool_conf	 conf = { 3, 3, 10 };
	struct connpool		*p = connpool_new(&conf);
	struct connpool_entry	 e[5], *gone[4];
	char			 addr[32];
	int			 i;

	for (i = 0; i < 5; i++) {
		snprintf(addr, sizeof(addr), "10.0.0.%d", i + 1);
		v4(&e[i], addr, 80);
		CHECK_EQ(admit(p, &e[i], gone, 4), i < 3 ? 0 : 1);
		if (i >= 3)
			CHECK(gone[0] == &e[i - 3]);
	}
	CHECK_EQ(connpool_pending(p), 3);
	CHECK_EQ(connpool_addrs(p), 3);
	/* The middle one finishes its head: room without eviction. */
	CHECK_EQ(connpool_view(p, &e[3]), 0);
	CHECK_EQ(connpool_pending(p), 2);
	CHECK(connpool_victim(p, &e[0]) == NULL);
	for (i = 2; i < 5; i++)
		connpool_remove(p, &e[i]);
	CHECK_EQ(connpool_addrs(p), 0);
	connpool_free(p);
}

/* Viewers are never victims, and one address holds only its share. */
static void
test_viewers(void)
{
	struct connpool_conf	 conf = { 2, 2, 2 };
	struct connpool		*p = connpool_new(&conf);
	struct connpool_entry	 v[3], n[4], *gone[4];
	int			 i;

	for (i = 0; i < 3; i++) {
		v4(&v[i], "192.168.1.5", 100 + i);
		CHECK_EQ(admit(p, &v[i], gone, 4), 0);
		CHECK_EQ(connpool_view(p, &v[i]), i < 2 ? 0 : -1);
	}
	CHECK_EQ(v[2].state, CONNPOOL_PENDING);	/* refused, evictable */
	CHECK_EQ(connpool_viewers_addr(p, &v[0]), 2);
	connpool_remove(p, &v[2]);
	CHECK_EQ(connpool_pending(p), 0);
	/* Newcomers from the viewers' address evict only pending ones. */
	for (i = 0; i < 4; i++) {
		v4(&n[i], "192.168.1.5", 200 + i);
		CHECK_EQ(admit(p, &n[i], gone, 4), i < 2 ? 0 : 1);
		if (i >= 2)
			CHECK(gone[0] == &n[i - 2]);
	}
	CHECK_EQ(v[0].state, CONNPOOL_VIEWER);
	CHECK_EQ(v[1].state, CONNPOOL_VIEWER);
	/* A viewer leaves: another may take its place. */
	connpool_remove(p, &v[0]);
	CHECK_EQ(connpool_view(p, &n[2]), 0);
	CHECK_EQ(connpool_viewers_addr(p, &v[0]), 2);
	CHECK_EQ(connpool_pending_addr(p, &v[0]), 1);
	/* A handed-over head: never pending, straight to viewer. */
	v4(&v[2], "192.168.1.6", 1);
	CHECK_EQ(connpool_view(p, &v[2]), 0);
	CHECK_EQ(connpool_addrs(p), 2);
	connpool_remove(p, &v[1]);
	connpool_remove(p, &v[2]);
	connpool_remove(p, &n[2]);
	connpool_remove(p, &n[3]);
	connpool_remove(p, &n[3]);	/* twice: harmless */
	CHECK_EQ(connpool_addrs(p), 0);
	connpool_free(p);
}

/* A full viewer pool: the heaviest address's oldest goes, never a quiet one's. */
static void
test_evictee(void)
{
	struct connpool_conf	 conf = { 8, 8, 8 };
	struct connpool		*p = connpool_new(&conf);
	struct connpool_entry	 a[3], b[2], c, d, *x;
	int			 i;

	for (i = 0; i < 3; i++) {
		v4(&a[i], "10.0.0.1", 100 + i);
		CHECK_EQ(connpool_view(p, &a[i]), 0);
	}
	for (i = 0; i < 2; i++) {
		v4(&b[i], "10.0.0.2", 100 + i);
		CHECK_EQ(connpool_view(p, &b[i]), 0);
	}
	/* The pool (of 5, say) is full: a newcomer from a quiet address. */
	v4(&c, "10.0.0.3", 1);
	CHECK(connpool_evictee(p, &c) == &a[0]);
	connpool_remove(p, &a[0]);
	CHECK_EQ(connpool_view(p, &c), 0);
	/* Now 10.0.0.1 and .2 hold 2, .3 holds 1: .3 again evicts nobody
	   who would then hold fewer than it. */
	v4(&d, "10.0.0.3", 2);
	CHECK(connpool_evictee(p, &d) == NULL);
	/* A newcomer from the heaviest address itself: refused. */
	v4(&d, "10.0.0.1", 9);
	CHECK(connpool_evictee(p, &d) == NULL);
	/* A quiet IPv6 address: the oldest of a heaviest one goes. */
	v6(&d, "2001:db8::1");
	x = connpool_evictee(p, &d);
	CHECK(x == &a[1] || x == &b[0]);
	connpool_remove(p, &a[1]);
	connpool_remove(p, &a[2]);
	connpool_remove(p, &b[0]);
	connpool_remove(p, &b[1]);
	connpool_remove(p, &c);
	CHECK_EQ(connpool_addrs(p), 0);
	connpool_free(p);
}

/* A keep-alive connection pends again after its answer. */
static void
test_again(void)
{
	struct connpool_conf	 conf = { 1, 1, 1 };
	struct connpool		*p = connpool_new(&conf);
	struct connpool_entry	 a, b, *gone[2];

	v4(&a, "127.0.0.1", 1);
	v4(&b, "127.0.0.9", 1);
	CHECK_EQ(admit(p, &a, gone, 2), 0);
	CHECK_EQ(connpool_pend(p, &a), 0);	/* already pending */
	connpool_remove(p, &a);
	CHECK_EQ(admit(p, &b, gone, 2), 0);
	CHECK(connpool_victim(p, &a) == &b);
	CHECK_EQ(connpool_pend(p, &a), -1);	/* no room: caller evicts */
	CHECK_EQ(admit(p, &a, gone, 2), 1);
	CHECK(gone[0] == &b);
	connpool_remove(p, &a);
	CHECK_EQ(connpool_addrs(p), 0);
	connpool_free(p);
}

int
main(void)
{
	RUN(test_key);
	RUN(test_per_addr);
	RUN(test_full);
	RUN(test_viewers);
	RUN(test_evictee);
	RUN(test_again);
	return (TEST_DONE("connpool"));
}
