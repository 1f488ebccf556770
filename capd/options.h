/* SPDX-License-Identifier: ISC */
/*
 * options.h: capd's option values parsed or exit 2 with a one-line reason
 * (log_usage).
 */
#ifndef CAPD_OPTIONS_H
#define CAPD_OPTIONS_H

#include <sys/types.h>
#include <stddef.h>

/* A whole decimal number within [min, max]. */
long long	 options_number(const char *opt, const char *s, long long min,
		    long long max);
/* A socket's octal permissions. */
mode_t		 options_mode(const char *opt, const char *s);
/* A size in bytes with an optional K or M suffix. */
size_t		 options_bytes(const char *opt, const char *s);
/* A bit rate with an optional K or M suffix (10^3, 10^6). */
long		 options_number_k(const char *opt, const char *s);
/* Seconds with an optional fraction, into milliseconds. */
int		 options_seconds_ms(const char *opt, const char *s);

#endif
