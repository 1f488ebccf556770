/* SPDX-License-Identifier: ISC */
/* watchers.c: the addresses that fetched a still lately, counted. */
#include <netinet/in.h>
#include <string.h>

#include "connpool.h"

#include "watchers.h"

/* The address's key, as the per-address limits compute it. */
static void
watchers_key(const struct sockaddr *sa, uint8_t *key)
{
	struct connpool_entry	 e;

	connpool_entry_init(&e, sa, sa->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	memcpy(key, e.key, sizeof(e.key));
}

/* Notes a still fetched from sa; a full table forgets its oldest. */
int
watchers_seen(struct watchers *ws, const struct sockaddr *sa, double now)
{
	uint8_t	 key[16];
	int	 i, slot = -1, oldest = 0;

	watchers_key(sa, key);
	for (i = 0; i < WATCHERS_MAX; i++) {
		if (ws->e[i].last > 0 && memcmp(ws->e[i].key, key,
		    sizeof(key)) == 0) {
			ws->e[i].last = now;
			return (ws->n);
		}
		if (slot == -1 && ws->e[i].last == 0)
			slot = i;
		if (ws->e[i].last < ws->e[oldest].last)
			oldest = i;
	}
	if (slot == -1)
		slot = oldest;
	else
		ws->n++;
	memcpy(ws->e[slot].key, key, sizeof(key));
	ws->e[slot].last = now;
	return (ws->n);
}

/* Forgets the addresses whose latest still is too old. */
int
watchers_expire(struct watchers *ws, double now)
{
	int	 i;

	for (i = 0; i < WATCHERS_MAX; i++)
		if (ws->e[i].last > 0 && now - ws->e[i].last >=
		    WATCHERS_WINDOW) {
			ws->e[i].last = 0;
			ws->n--;
		}
	return (ws->n);
}
