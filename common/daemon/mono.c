/* SPDX-License-Identifier: ISC */
/* mono.c: the monotonic clock. */
#include <time.h>

#include "mono.h"

/* Monotonic now in nanoseconds. */
uint64_t
mono_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

/* Monotonic now in milliseconds. */
uint64_t
mono_ms(void)
{
	return (mono_ns() / 1000000ULL);
}

/* Monotonic now in seconds. */
double
mono_sec(void)
{
	return ((double)mono_ns() / 1e9);
}
