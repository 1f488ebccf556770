/* opt.c: numeric option values. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

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
