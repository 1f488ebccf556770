/* SPDX-License-Identifier: ISC */
/*
 * mono.h: the one clock for intervals, timeouts and pacing: monotonic, so
 * it does not jump when the wall clock is set (a Pi without a real-time
 * clock syncing NTP at boot).
 */
#ifndef CAMPIPE_MONO_H
#define CAMPIPE_MONO_H

#include <stdint.h>

/* Monotonic now in nanoseconds. */
uint64_t	mono_ns(void);
/* Monotonic now in milliseconds. */
uint64_t	mono_ms(void);
/* Monotonic now in seconds. */
double		mono_sec(void);

#endif
