/* timeval.c: time arithmetic in 64 bits whatever the width of time_t. */
#include "timeval.h"

/* Milliseconds in a timeval, computed in 64 bits. */
int64_t
timeval_ms(const struct timeval *tv)
{
	return ((int64_t)tv->tv_sec * 1000 + tv->tv_usec / 1000);
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
