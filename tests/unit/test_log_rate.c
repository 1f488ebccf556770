/* SPDX-License-Identifier: ISC */
/* test_log_rate.c: a burst of lines per window, then a count of the rest. */
#include "log.h"
#include "test.h"

/* Five lines pass, the rest of the window is counted, then reported. */
static void
test_burst_then_summary(void)
{
	struct log_rate		 lr = LOG_RATE_INIT("test");
	unsigned long long	 sum = 99;
	int			 i, ok = 0;

	for (i = 0; i < 1000; i++) {
		ok += log_rate_check(&lr, 5000 + i, &sum);
		CHECK_EQ(sum, 0);
	}
	CHECK_EQ(ok, LOG_RATE_BURST);
	CHECK_EQ(lr.suppressed, 1000 - LOG_RATE_BURST);
	/* Still inside the window at 14999 ms. */
	CHECK_EQ(log_rate_check(&lr, 5000 + LOG_RATE_WINDOW_MS - 1, &sum), 0);
	CHECK_EQ(sum, 0);
	/* The next window: the summary, and lines pass again. */
	CHECK_EQ(log_rate_check(&lr, 5000 + LOG_RATE_WINDOW_MS, &sum), 1);
	CHECK_EQ(sum, 1000 - LOG_RATE_BURST + 1);
	CHECK_EQ(log_rate_check(&lr, 5000 + LOG_RATE_WINDOW_MS + 1, &sum), 1);
	CHECK_EQ(sum, 0);
}

/* A quiet kind never reports a summary. */
static void
test_quiet(void)
{
	struct log_rate		 lr = LOG_RATE_INIT("quiet");
	unsigned long long	 sum;
	unsigned long long	 t;

	for (t = 0; t < 100000; t += 3000) {
		CHECK_EQ(log_rate_check(&lr, t, &sum), 1);
		CHECK_EQ(sum, 0);
	}
}

/* Kinds are counted apart. */
static void
test_kinds_apart(void)
{
	struct log_rate		 a = LOG_RATE_INIT("a"), b = LOG_RATE_INIT("b");
	unsigned long long	 sum;
	int			 i;

	for (i = 0; i < 50; i++)
		log_rate_check(&a, 100, &sum);
	CHECK_EQ(log_rate_check(&b, 100, &sum), 1);
	CHECK_EQ(log_rate_check(&a, 100, &sum), 0);
}

/* A kind may have a burst of its own. */
static void
test_own_burst(void)
{
	struct log_rate		 lr = LOG_RATE_INIT_BURST("stderr", 20);
	unsigned long long	 sum;
	int			 i, ok = 0;

	for (i = 0; i < 100; i++)
		ok += log_rate_check(&lr, 7, &sum);
	CHECK_EQ(ok, 20);
	CHECK_EQ(log_rate_check(&lr, 7 + LOG_RATE_WINDOW_MS, &sum), 1);
	CHECK_EQ(sum, 80);
}

int
main(void)
{
	RUN(test_burst_then_summary);
	RUN(test_quiet);
	RUN(test_kinds_apart);
	RUN(test_own_burst);
	return (TEST_DONE("log_rate"));
}
