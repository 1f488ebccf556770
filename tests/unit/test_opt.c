/* SPDX-License-Identifier: ISC */
/* test_opt.c: numeric option values, good and bad. */
#include <getopt.h>

#include "opt.h"
#include "test.h"

/* Whole numbers: range, junk, overflow. */
static void
test_number(void)
{
	long long	 v = 0;
	char		 cause[128];

	CHECK_EQ(opt_number("--fps", "30", 1, 240, &v, cause, sizeof(cause)), 0);
	CHECK_EQ(v, 30);
	CHECK_EQ(opt_number("--fps", "0", 1, 240, &v, cause, sizeof(cause)), -1);
	CHECK(strcmp(cause, "--fps: \"0\" is not a number from 1 to 240") == 0);
	CHECK_EQ(opt_number("--fps", "", 1, 240, &v, cause, sizeof(cause)), -1);
	CHECK_EQ(opt_number("--fps", "3x", 1, 240, &v, cause, sizeof(cause)), -1);
	CHECK_EQ(opt_number("--fps", "99999999999999999999", 1, 240, &v, cause,
	    sizeof(cause)), -1);
	CHECK_EQ(v, 30);
}

/* Seconds: fractions, range, junk, NaN. */
static void
test_seconds(void)
{
	double	 v = 0;
	char	 cause[128];

	CHECK_EQ(opt_seconds("--idle-stop", "0.5", 0, 60, &v, cause,
	    sizeof(cause)), 0);
	CHECK(v == 0.5);
	CHECK_EQ(opt_seconds("--idle-stop", "-1", 0, 60, &v, cause,
	    sizeof(cause)), -1);
	CHECK_EQ(opt_seconds("--idle-stop", "nan", 0, 60, &v, cause,
	    sizeof(cause)), -1);
	CHECK_EQ(opt_seconds("--idle-stop", "1s", 0, 60, &v, cause,
	    sizeof(cause)), -1);
	CHECK(strstr(cause, "--idle-stop") != NULL);
}

/* Sizes: plain bytes, K and M in either case, range and junk. */
static void
test_size(void)
{
	size_t	 v = 0;
	char	 cause[128];
	const char *bad[] = { "", "K", "-1", "+4M", " 4M", "4M ", "4MB",
	    "4 M", "4G", "0x10", "1.5M", "4MM", "18446744073709551616",
	    "18014398509481984M", "99999999999999999999999K" };
	size_t	 i;

#define SIZE(s) opt_size("--max-frame-size", (s), 1024, 256 << 20, &v, \
	cause, sizeof(cause))
	CHECK_EQ(SIZE("4M"), 0);
	CHECK_EQ(v, 4 << 20);
	CHECK_EQ(SIZE("4m"), 0);
	CHECK_EQ(v, 4 << 20);
	CHECK_EQ(SIZE("64K"), 0);
	CHECK_EQ(v, 65536);
	CHECK_EQ(SIZE("64k"), 0);
	CHECK_EQ(v, 65536);
	CHECK_EQ(SIZE("1024"), 0);
	CHECK_EQ(v, 1024);
	CHECK_EQ(SIZE("1K"), 0);
	CHECK_EQ(v, 1024);
	CHECK_EQ(SIZE("256M"), 0);
	CHECK_EQ(v, 256 << 20);
	CHECK_EQ(SIZE("268435456"), 0);
	CHECK_EQ(v, 268435456);
	CHECK_EQ(SIZE("0004096"), 0);
	CHECK_EQ(v, 4096);
	v = 7;
	CHECK_EQ(SIZE("1023"), -1);
	CHECK(strcmp(cause, "--max-frame-size: \"1023\" is not a size from "
	    "1K to 256M (bytes, or K or M)") == 0);
	CHECK_EQ(SIZE("257M"), -1);
	CHECK_EQ(SIZE("268435457"), -1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cause[0] = '\0';
		if (SIZE(bad[i]) != -1)
			CHECK(!bad[i]);
		CHECK(strncmp(cause, "--max-frame-size: \"", 19) == 0);
	}
	CHECK_EQ(v, 7);
#undef SIZE
	CHECK_EQ(opt_size("--max-message", "100", 125, 1 << 20, &v, cause,
	    sizeof(cause)), -1);
	CHECK(strcmp(cause, "--max-message: \"100\" is not a size from 125 "
	    "to 1M (bytes, or K or M)") == 0);
	CHECK_EQ(opt_size("--max-message", "125", 125, 1 << 20, &v, cause,
	    sizeof(cause)), 0);
	CHECK_EQ(v, 125);
}

/* getopt_long's complaints become one line naming the option. */
static void
test_complaint(void)
{
	static const struct option longopts[] = {
		{ "listen",	required_argument,	NULL, 'l' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ NULL,		0,			NULL, 0 }
	};
	static const struct {
		const char	*arg, *arg2, *want;
	} cases[] = {
		{ "--bogus", NULL, "--bogus: unknown option (see --help)" },
		{ "--bogus=3", NULL, "--bogus: unknown option (see --help)" },
		{ "--verbose=1", NULL, "--verbose: takes no value (see --help)" },
		{ "--listen", NULL, "--listen: needs a value (see --help)" },
		{ "-x", NULL, "-x: unknown option (see --help)" },
		{ "-vq", NULL, "-q: unknown option (see --help)" },
		{ "--verbose", "-q", "-q: unknown option (see --help)" },
	};
	char	*argv[4], cause[128];
	size_t	 i;
	int	 ch;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		argv[0] = "prog";
		argv[1] = (char *)cases[i].arg;
		argv[2] = (char *)cases[i].arg2;
		argv[3] = NULL;
		optind = 0;
		opterr = 0;
		while ((ch = getopt_long(cases[i].arg2 ? 3 : 2, argv, ":v",
		    longopts, NULL)) == 'v')
			;
		CHECK(ch == '?' || ch == ':');
		opt_complaint(ch, argv, cause, sizeof(cause));
		if (strcmp(cause, cases[i].want) != 0) {
			fprintf(stderr, "%s: got '%s'\n", cases[i].arg, cause);
			CHECK(!"complaint");
		}
	}
}

int
main(void)
{
	RUN(test_number);
	RUN(test_seconds);
	RUN(test_size);
	RUN(test_complaint);
	return (TEST_DONE("opt"));
}
