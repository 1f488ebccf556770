/* SPDX-License-Identifier: ISC */
/*
 * options.c: capd's option values: numbers, modes, sizes and durations,
 * each parsed or refused with exit 2 and a one-line reason.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "opt.h"
#include "options.h"

/* Parses a whole decimal number within [min, max] or exits 2. */
long long
options_number(const char *opt, const char *s, long long min, long long max)
{
	long long	 v;
	char		 cause[256];

	if (opt_number(opt, s, min, max, &v, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	return (v);
}

/* Parses a socket's octal permissions or exits 2. */
mode_t
options_mode(const char *opt, const char *s)
{
	unsigned long	 v;
	char		*end;

	errno = 0;
	v = strtoul(s, &end, 8);
	if (errno || *end != '\0' || end == s || v > 0777)
		log_usage("%s: \"%s\" is not an octal mode", opt, s);
	return ((mode_t)v);
}

/* Parses a size in bytes with an optional K or M suffix or exits 2. */
size_t
options_bytes(const char *opt, const char *s)
{
	size_t	 v;
	char	 cause[256];

	if (opt_size(opt, s, 1024, 256 << 20, &v, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	return (v);
}

/* Parses a number with an optional K or M suffix (10^3, 10^6) or exits 2. */
long
options_number_k(const char *opt, const char *s)
{
	char		 buf[32];
	size_t		 n = strlen(s);
	long long	 mul = 1;

	if (n > 0 && n < sizeof(buf) && (s[n - 1] == 'K' || s[n - 1] == 'k' ||
	    s[n - 1] == 'M' || s[n - 1] == 'm')) {
		mul = s[n - 1] == 'K' || s[n - 1] == 'k' ? 1000 : 1000000;
		memcpy(buf, s, n - 1);
		buf[n - 1] = '\0';
		s = buf;
	}
	return ((long)(options_number(opt, s, (10000 + mul - 1) / mul,
	    100000000 / mul) * mul));
}

/* Parses seconds with an optional fraction, into milliseconds. */
int
options_seconds_ms(const char *opt, const char *s)
{
	double	 v;
	char	 cause[256];

	if (opt_seconds(opt, s, 0, 86400, &v, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	return ((int)(v * 1000 + 0.5));
}

