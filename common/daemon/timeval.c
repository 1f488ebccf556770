/* SPDX-License-Identifier: ISC */
/* timeval.c: time arithmetic in 64 bits whatever the width of time_t. */
#include <errno.h>

#include "timeval.h"

/*
 * The wall-clock time.  Where time_t has 32 bits, gettimeofday fails with
 * EOVERFLOW from 2038-01-19 03:14:08 UTC and fills nothing: the time then
 * stays at the last second time_t holds, so frames keep a defined stamp.
 */
void
timeval_now(struct timeval *tv)
{
	if (gettimeofday(tv, NULL) == -1) {
		tv->tv_sec = (time_t)TIMEVAL_SEC_MAX;
		tv->tv_usec = 999999;
	}
}

/* Milliseconds in a timespec, computed in 64 bits. */
int64_t
timeval_ms_timespec(const struct timespec *ts)
{
	return ((int64_t)ts->tv_sec * 1000 + ts->tv_nsec / 1000000);
}

/*
 * Sets tv from parsed seconds and microseconds; -1 if sec does not fit this
 * build's time_t or usec is not below a million.
 */
int
timeval_set(struct timeval *tv, uint64_t sec, uint64_t usec)
{
	if (sec > TIMEVAL_SEC_MAX || usec > 999999)
		return (-1);
	tv->tv_sec = (time_t)sec;
	tv->tv_usec = (suseconds_t)usec;
	return (0);
}
