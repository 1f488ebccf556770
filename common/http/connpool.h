/* SPDX-License-Identifier: ISC */
/*
 * connpool.h: who may hold a connection, so that nobody locks out everyone
 * else.  Connections still in their request head are "pending": a bounded
 * pool where, when it is full, the oldest pending connection goes to make
 * room for the newcomer, and where one address may hold only a share (its
 * own oldest goes first).  Connections past their head may be "viewers",
 * a bounded share per address too; when the daemon's viewer pool is full,
 * the oldest viewer of the address holding the most goes for a newcomer
 * from an address holding fewer (docs/fairness.md), never the newcomer.
 *
 * No I/O and no clock: a daemon embeds a connpool_entry in each connection,
 * asks connpool_victim() whom to close before a connection may be pending,
 * closes that one (which calls connpool_remove()), and asks again.
 *
 * An address is an IPv4 address or an IPv6 /64 (one host is given a whole
 * /64); IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
#ifndef CAMPIPE_CONNPOOL_H
#define CAMPIPE_CONNPOOL_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

struct connpool;
struct connpool_peer;

struct connpool_conf {
	size_t	 max_pending;		/* connections in their head */
	size_t	 max_pending_per_addr;	/* of those, from one address */
	size_t	 max_viewers_per_addr;	/* viewers from one address */
};

enum connpool_state {
	CONNPOOL_NONE,			/* counted nowhere */
	CONNPOOL_PENDING,
	CONNPOOL_VIEWER
};

struct connpool_entry {
	TAILQ_ENTRY(connpool_entry) age;	/* pending: oldest first */
	TAILQ_ENTRY(connpool_entry) peer_age;	/* the same, per address */
	struct connpool_peer	*peer;
	uint8_t			 key[16];	/* the address, masked */
	enum connpool_state	 state;
};

/* Creates an empty pool; NULL when out of memory. */
struct connpool	*connpool_new(const struct connpool_conf *conf);
/* Frees the pool; its entries must all have been removed. */
void		 connpool_free(struct connpool *p);

/* Readies an entry for the connection from sa (counted nowhere yet). */
void		 connpool_entry_init(struct connpool_entry *e,
		    const struct sockaddr *sa, socklen_t salen);
/*
 * The pending connection that must go before e may be pending: its
 * address's oldest when that address holds its share, else the oldest of
 * all when the pool is full; NULL when there is room.
 */
struct connpool_entry *connpool_victim(struct connpool *p,
		    const struct connpool_entry *e);
/* e starts (or starts again) reading a head: 0, or -1 (no room, no memory). */
int		 connpool_pend(struct connpool *p, struct connpool_entry *e);
/*
 * e's head was read and it becomes a viewer: 0, or -1 when its address
 * already holds its share of viewers (e then stays as it was: a refused
 * connection still pending can be evicted while its answer goes out).
 */
int		 connpool_view(struct connpool *p, struct connpool_entry *e);
/*
 * When the daemon's viewer pool is full and e asks to join: the viewer to
 * close first, the oldest of the address holding the most viewers, if
 * that address holds more than e's would with e; else NULL (refuse e).
 */
struct connpool_entry *connpool_evictee(const struct connpool *p,
		    const struct connpool_entry *e);
/* e leaves whatever it was counted in. */
void		 connpool_remove(struct connpool *p, struct connpool_entry *e);

/* Pending connections now, in all and from e's address. */
size_t		 connpool_pending(const struct connpool *p);
size_t		 connpool_pending_addr(const struct connpool *p,
		    const struct connpool_entry *e);
/* Viewers now from e's address. */
size_t		 connpool_viewers_addr(const struct connpool *p,
		    const struct connpool_entry *e);
/* Addresses counted now (for tests: the table holds no stale address). */
size_t		 connpool_addrs(const struct connpool *p);

#endif
