/* SPDX-License-Identifier: ISC */
/* backoff.h: exponential retry delays (doubling from min to max). */
#ifndef CAMPIPE_BACKOFF_H
#define CAMPIPE_BACKOFF_H

#include <sys/time.h>

struct backoff {
	int	 min_ms, max_ms;
	int	 cur_ms;
};

/* Sets the bounds and starts from the minimum. */
void	backoff_init(struct backoff *b, int min_ms, int max_ms);
/* Starts again from the minimum, after a success. */
void	backoff_reset(struct backoff *b);
/* Fills tv with the next delay, doubles it for next time; returns it in ms. */
int	backoff_next(struct backoff *b, struct timeval *tv);

#endif
