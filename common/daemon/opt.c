/* SPDX-License-Identifier: ISC */
/* opt.c: command-line option values and complaints. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opt.h"

/* A whole decimal number within [min, max]. */
int
opt_number(const char *opt, const char *s, long long min, long long max,
    long long *out, char *cause, size_t causelen)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		snprintf(cause, causelen, "%s: \"%s\" is not a number from "
		    "%lld to %lld", opt, s, min, max);
		return (-1);
	}
	*out = v;
	return (0);
}

/* Seconds, fractions allowed, within [min, max]. */
int
opt_seconds(const char *opt, const char *s, double min, double max,
    double *out, char *cause, size_t causelen)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) ||
	    v < min || v > max) {
		snprintf(cause, causelen, "%s: \"%s\" is not a number of "
		    "seconds from %g to %g", opt, s, min, max);
		return (-1);
	}
	*out = v;
	return (0);
}

/* Formats a size as N, NK or NM, whichever is exact and shortest. */
static void
opt_size_str(unsigned long long v, char *buf, size_t len)
{
	if (v != 0 && v % (1024 * 1024) == 0)
		snprintf(buf, len, "%lluM", v / (1024 * 1024));
	else if (v != 0 && v % 1024 == 0)
		snprintf(buf, len, "%lluK", v / 1024);
	else
		snprintf(buf, len, "%llu", v);
}

/* A size in bytes, with an optional K or M suffix, within [min, max]. */
int
opt_size(const char *opt, const char *s, size_t min, size_t max,
    size_t *out, char *cause, size_t causelen)
{
	unsigned long long	 v = 0, mul = 1;
	const char		*p;
	char			 lo[32], hi[32];

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		if (v > (ULLONG_MAX - (*p - '0')) / 10)
			break;
		v = v * 10 + (*p - '0');
	}
	if (*p == 'K' || *p == 'k')
		mul = 1024;
	else if (*p == 'M' || *p == 'm')
		mul = 1024 * 1024;
	if (mul != 1)
		p++;
	if (p == s || !(s[0] >= '0' && s[0] <= '9') || *p != '\0' ||
	    v > ULLONG_MAX / mul || v * mul < min || v * mul > max) {
		opt_size_str(min, lo, sizeof(lo));
		opt_size_str(max, hi, sizeof(hi));
		snprintf(cause, causelen, "%s: \"%s\" is not a size from %s "
		    "to %s (bytes, or K or M)", opt, s, lo, hi);
		return (-1);
	}
	*out = v * mul;
	return (0);
}

/* Describes getopt_long's last complaint ('?' or ':') in one line. */
void
opt_complaint(int ch, char *const argv[], char *cause, size_t causelen)
{
	const char	*arg = optind > 0 ? argv[optind - 1] : "";
	const char	*why = "unknown option";
	int		 islong = strncmp(arg, "--", 2) == 0;

	if (ch == ':')
		why = "needs a value";
	else if (optopt != 0 && islong && strchr(arg, '=') != NULL)
		why = "takes no value";
	else if (optopt != 0)
		islong = 0;
	if (islong)
		snprintf(cause, causelen, "%.*s: %s (see --help)",
		    (int)strcspn(arg, "="), arg, why);
	else if (optopt > ' ' && optopt < 0x7f)
		snprintf(cause, causelen, "-%c: %s (see --help)", optopt, why);
	else
		snprintf(cause, causelen, "%s (see --help)", why);
}
