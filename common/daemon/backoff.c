/* SPDX-License-Identifier: ISC */
/* backoff.c: exponential retry delays. */
#include "backoff.h"

/* Sets the bounds. */
void
backoff_init(struct backoff *b, int min_ms, int max_ms)
{
	b->min_ms = min_ms;
	b->max_ms = max_ms;
	b->cur_ms = min_ms;
}

/* Back to the minimum. */
void
backoff_reset(struct backoff *b)
{
	b->cur_ms = b->min_ms;
}

/* The next delay. */
int
backoff_next(struct backoff *b, struct timeval *tv)
{
	int	 ms = b->cur_ms;

	tv->tv_sec = ms / 1000;
	tv->tv_usec = (ms % 1000) * 1000;
	b->cur_ms = ms > b->max_ms / 2 ? b->max_ms : ms * 2;
	return (ms);
}
