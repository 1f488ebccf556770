/* SPDX-License-Identifier: ISC */
/*
 * timeval.h: time arithmetic that holds where time_t and long are 32 bits
 * (armhf), where tv_sec * 1000 overflows for any date after 1970-01-25.
 */
#ifndef CAMPIPE_TIMEVAL_H
#define CAMPIPE_TIMEVAL_H

#include <sys/time.h>
#include <stdint.h>
#include <time.h>

/* The largest tv_sec this build's time_t holds (2038-01-19 on 32 bits). */
#define TIMEVAL_SEC_MAX \
	(sizeof(time_t) == 4 ? (uint64_t)INT32_MAX : (uint64_t)INT64_MAX)

void	timeval_now(struct timeval *);
int64_t	timeval_ms_timespec(const struct timespec *);
int	timeval_set(struct timeval *, uint64_t sec, uint64_t usec);

#endif
