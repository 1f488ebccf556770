/* test_opt.c: numeric option values, good and bad. */
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

int
main(void)
{
	RUN(test_number);
	RUN(test_seconds);
	return (TEST_DONE("opt"));
}
