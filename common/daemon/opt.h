/* SPDX-License-Identifier: ISC */
/* opt.h: parsing of numeric command-line option values, for every daemon. */
#ifndef CAMPIPE_OPT_H
#define CAMPIPE_OPT_H

#include <stddef.h>

/*
 * Parses s as a whole decimal number within [min, max].  Returns 0, or -1
 * with a one-line cause naming the option.
 */
int	opt_number(const char *opt, const char *s, long long min,
	    long long max, long long *out, char *cause, size_t causelen);

/*
 * Parses s as seconds, fractions allowed, within [min, max].  Returns 0, or
 * -1 with a one-line cause naming the option.
 */
int	opt_seconds(const char *opt, const char *s, double min, double max,
	    double *out, char *cause, size_t causelen);

/*
 * Parses s as a size in bytes with an optional K (1024) or M (1024 * 1024)
 * suffix, either case, within [min, max].  Returns 0, or -1 with a one-line
 * cause naming the option.
 */
int	opt_size(const char *opt, const char *s, size_t min, size_t max,
	    size_t *out, char *cause, size_t causelen);

/*
 * Describes getopt_long's last complaint, for an option string starting
 * with ':' and opterr 0: ch is the ':' or '?' it returned.  The cause is
 * one line, "--name: reason (see --help)".
 */
void	opt_complaint(int ch, char *const argv[], char *cause,
	    size_t causelen);

#endif
