/* SPDX-License-Identifier: ISC */
/*
 * watchers.h: who watches a camera through its stills: the client
 * addresses (as the per-address limits count them, an IPv6 /64 as one)
 * that fetched a still within the last WATCHERS_WINDOW seconds.  No I/O
 * and no clock: the caller gives the time.
 */
#ifndef HTTPD_WATCHERS_H
#define HTTPD_WATCHERS_H

#include <sys/socket.h>
#include <stdint.h>

#define WATCHERS_WINDOW	10.0	/* seconds a still keeps its fetcher counted */
#define WATCHERS_MAX	256	/* addresses counted at most */

struct watchers {
	struct {
		uint8_t	 key[16];
		double	 last;		/* the latest still, 0: free */
	}		 e[WATCHERS_MAX];
	int		 n;		/* counted now */
};

/* A still was fetched from sa at now; returns how many are counted. */
int	watchers_seen(struct watchers *ws, const struct sockaddr *sa,
	    double now);
/* Forgets those whose latest still is WATCHERS_WINDOW old at now; returns
 * how many are still counted. */
int	watchers_expire(struct watchers *ws, double now);

#endif
