/* SPDX-License-Identifier: ISC */
/* test_backoff.c: retry delays double from min up to max, reset to min. */
#include "backoff.h"
#include "test.h"

/* 100, 200, 400, ... capped at 1000, and back to 100 after a reset. */
static void
test_doubling(void)
{
	struct backoff	 b;
	struct timeval	 tv;
	static const int want[] = { 100, 200, 400, 800, 1000, 1000 };
	size_t		 i;

	backoff_init(&b, 100, 1000);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK_EQ(backoff_next(&b, &tv), want[i]);
		CHECK_EQ(tv.tv_sec * 1000 + tv.tv_usec / 1000, want[i]);
	}
	backoff_reset(&b);
	CHECK_EQ(backoff_next(&b, &tv), 100);
}

int
main(void)
{
	RUN(test_doubling);
	return (TEST_DONE("backoff"));
}
