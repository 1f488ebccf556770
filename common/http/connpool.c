/* SPDX-License-Identifier: ISC */
/*
 * connpool.c: the pending pool and the per-address shares (connpool.h): a
 * list of pending connections oldest first, and a hash of the addresses
 * that hold any connection, each with its own pending list and counts.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "connpool.h"

#define CONNPOOL_BUCKETS	256

TAILQ_HEAD(connpool_list, connpool_entry);

struct connpool_peer {
	LIST_ENTRY(connpool_peer) entry;
	uint8_t			 key[16];
	struct connpool_list	 pending;
	struct connpool_list	 viewers;	/* oldest first */
	size_t			 npending;
	size_t			 nviewers;
};

struct connpool {
	struct connpool_conf	 conf;
	struct connpool_list	 pending;	/* oldest first */
	size_t			 npending;
	size_t			 naddrs;
	LIST_HEAD(, connpool_peer) buckets[CONNPOOL_BUCKETS];
};

/* Creates an empty pool. */
struct connpool *
connpool_new(const struct connpool_conf *conf)
{
	struct connpool	*p;
	size_t		 i;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return (NULL);
	p->conf = *conf;
	TAILQ_INIT(&p->pending);
	for (i = 0; i < CONNPOOL_BUCKETS; i++)
		LIST_INIT(&p->buckets[i]);
	return (p);
}

/* Frees the pool and any address left in it. */
void
connpool_free(struct connpool *p)
{
	struct connpool_peer	*peer;
	size_t			 i;

	if (p == NULL)
		return;
	for (i = 0; i < CONNPOOL_BUCKETS; i++) {
		while ((peer = LIST_FIRST(&p->buckets[i])) != NULL) {
			LIST_REMOVE(peer, entry);
			free(peer);
		}
	}
	free(p);
}

/* The address of sa as 16 bytes: IPv4 mapped, IPv6 cut to its /64. */
void
connpool_entry_init(struct connpool_entry *e, const struct sockaddr *sa,
    socklen_t salen)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	memset(e, 0, sizeof(*e));
	e->state = CONNPOOL_NONE;
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET && salen >= (socklen_t)sizeof(*sin)) {
		sin = (const struct sockaddr_in *)sa;
		e->key[10] = e->key[11] = 0xff;
		memcpy(&e->key[12], &sin->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6 &&
	    salen >= (socklen_t)sizeof(*sin6)) {
		sin6 = (const struct sockaddr_in6 *)sa;
		memcpy(e->key, &sin6->sin6_addr, 16);
		if (!IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
			memset(&e->key[8], 0, 8);
	}
	/* Anything else (a Unix socket) is one address of its own: zeroes. */
}

/* The bucket of a key (FNV-1a). */
static size_t
connpool_hash(const uint8_t *key)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < 16; i++) {
		h ^= key[i];
		h *= 16777619u;
	}
	return (h % CONNPOOL_BUCKETS);
}

/* The address's counts, or NULL when it holds nothing. */
static struct connpool_peer *
connpool_find(const struct connpool *p, const uint8_t *key)
{
	struct connpool_peer	*peer;

	LIST_FOREACH(peer, &p->buckets[connpool_hash(key)], entry)
		if (memcmp(peer->key, key, 16) == 0)
			return (peer);
	return (NULL);
}

/* The address's counts, created empty if needed; NULL when out of memory. */
static struct connpool_peer *
connpool_get(struct connpool *p, struct connpool_entry *e)
{
	struct connpool_peer	*peer;

	if (e->peer != NULL)
		return (e->peer);
	if ((peer = connpool_find(p, e->key)) == NULL) {
		if ((peer = calloc(1, sizeof(*peer))) == NULL)
			return (NULL);
		memcpy(peer->key, e->key, 16);
		TAILQ_INIT(&peer->pending);
		TAILQ_INIT(&peer->viewers);
		LIST_INSERT_HEAD(&p->buckets[connpool_hash(e->key)], peer,
		    entry);
		p->naddrs++;
	}
	e->peer = peer;
	return (peer);
}

/* Forgets e's address if it holds nothing any more. */
static void
connpool_put(struct connpool *p, struct connpool_entry *e)
{
	struct connpool_peer	*peer = e->peer;

	e->peer = NULL;
	if (peer == NULL || peer->npending > 0 || peer->nviewers > 0)
		return;
	LIST_REMOVE(peer, entry);
	free(peer);
	p->naddrs--;
}

/* Whom to close before e may be pending, or NULL. */
struct connpool_entry *
connpool_victim(struct connpool *p, const struct connpool_entry *e)
{
	struct connpool_peer	*peer;

	if (e->state == CONNPOOL_PENDING)
		return (NULL);
	peer = e->peer != NULL ? e->peer : connpool_find(p, e->key);
	if (peer != NULL && peer->npending > 0 &&
	    peer->npending >= p->conf.max_pending_per_addr)
		return (TAILQ_FIRST(&peer->pending));
	if (p->npending > 0 && p->npending >= p->conf.max_pending)
		return (TAILQ_FIRST(&p->pending));
	return (NULL);
}

/* e starts reading a head. */
int
connpool_pend(struct connpool *p, struct connpool_entry *e)
{
	struct connpool_peer	*peer;

	if (e->state == CONNPOOL_PENDING)
		return (0);
	if (connpool_victim(p, e) != NULL ||
	    p->conf.max_pending == 0 || p->conf.max_pending_per_addr == 0)
		return (-1);
	connpool_remove(p, e);
	if ((peer = connpool_get(p, e)) == NULL)
		return (-1);
	TAILQ_INSERT_TAIL(&p->pending, e, age);
	TAILQ_INSERT_TAIL(&peer->pending, e, peer_age);
	p->npending++;
	peer->npending++;
	e->state = CONNPOOL_PENDING;
	return (0);
}

/* e's head was read and it becomes a viewer, within its address's share. */
int
connpool_view(struct connpool *p, struct connpool_entry *e)
{
	struct connpool_peer	*peer;

	if (e->state == CONNPOOL_VIEWER)
		return (0);
	peer = e->peer != NULL ? e->peer : connpool_find(p, e->key);
	if ((peer != NULL ? peer->nviewers : 0) >=
	    p->conf.max_viewers_per_addr)
		return (-1);
	connpool_remove(p, e);
	if ((peer = connpool_get(p, e)) == NULL)
		return (-1);
	TAILQ_INSERT_TAIL(&peer->viewers, e, peer_age);
	peer->nviewers++;
	e->state = CONNPOOL_VIEWER;
	return (0);
}

/* The viewer to close for e in a full viewer pool, or NULL. */
struct connpool_entry *
connpool_evictee(const struct connpool *p, const struct connpool_entry *e)
{
	const struct connpool_peer	*peer, *mine, *heavy = NULL;
	size_t				 i, have;

	mine = e->peer != NULL ? e->peer : connpool_find(p, e->key);
	have = mine != NULL ? mine->nviewers : 0;
	for (i = 0; i < CONNPOOL_BUCKETS; i++)
		LIST_FOREACH(peer, &p->buckets[i], entry)
			if (heavy == NULL || peer->nviewers > heavy->nviewers)
				heavy = peer;
	/* Only an address that would still hold more than e's goes. */
	if (heavy == NULL || heavy == mine || heavy->nviewers <= have + 1)
		return (NULL);
	return (TAILQ_FIRST(&heavy->viewers));
}

/* e leaves whatever it was counted in. */
void
connpool_remove(struct connpool *p, struct connpool_entry *e)
{
	struct connpool_peer	*peer = e->peer;

	switch (e->state) {
	case CONNPOOL_PENDING:
		TAILQ_REMOVE(&p->pending, e, age);
		TAILQ_REMOVE(&peer->pending, e, peer_age);
		p->npending--;
		peer->npending--;
		break;
	case CONNPOOL_VIEWER:
		TAILQ_REMOVE(&peer->viewers, e, peer_age);
		peer->nviewers--;
		break;
	case CONNPOOL_NONE:
		break;
	}
	e->state = CONNPOOL_NONE;
	connpool_put(p, e);
}

/* Pending connections in all. */
size_t
connpool_pending(const struct connpool *p)
{
	return (p->npending);
}

/* Pending connections from e's address. */
size_t
connpool_pending_addr(const struct connpool *p,
    const struct connpool_entry *e)
{
	const struct connpool_peer *peer = connpool_find(p, e->key);

	return (peer != NULL ? peer->npending : 0);
}

/* Viewers from e's address. */
size_t
connpool_viewers_addr(const struct connpool *p,
    const struct connpool_entry *e)
{
	const struct connpool_peer *peer = connpool_find(p, e->key);

	return (peer != NULL ? peer->nviewers : 0);
}

/* Addresses holding anything. */
size_t
connpool_addrs(const struct connpool *p)
{
	return (p->naddrs);
}
