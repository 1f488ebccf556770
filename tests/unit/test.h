/* SPDX-License-Identifier: ISC */
/* test.h: a tiny harness; each test binary prints "NAME: N passed, N failed". */
#ifndef CAMPIPE_TEST_H
#define CAMPIPE_TEST_H

#include <stdio.h>
#include <string.h>

static int	test_passed, test_failed, test_cur_failed;
static const char *test_cur;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n",	\
		    __FILE__, __LINE__, test_cur, #cond);		\
		test_cur_failed = 1;					\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b) {							\
		fprintf(stderr, "%s:%d: %s: %s == %lld, expected %lld\n",\
		    __FILE__, __LINE__, test_cur, #a, _a, _b);		\
		test_cur_failed = 1;					\
	}								\
} while (0)

#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)

#define RUN(fn) do {							\
	test_cur = #fn; test_cur_failed = 0;				\
	fn();								\
	if (test_cur_failed) test_failed++; else test_passed++;		\
} while (0)

#define TEST_DONE(name) (printf("%s: %d passed, %d failed\n", (name),	\
	test_passed, test_failed), test_failed ? 1 : 0)

#endif
