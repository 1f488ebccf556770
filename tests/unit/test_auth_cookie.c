/* SPDX-License-Identifier: ISC */
/* test_auth_cookie.c: finding the login cookie in exact Cookie headers. */
#include "auth_cookie.h"
#include "test.h"

/* The value found in s, or "-" when none is. */
static const char *
found(const char *s)
{
	static char	 out[256];
	const char	*v;
	size_t		 n;

	if (auth_cookie_find(s, strlen(s), &v, &n) == -1)
		return ("-");
	memcpy(out, v, n);
	out[n] = '\0';
	return (out);
}

/* Pairs as browsers join them, and what is not the cookie. */
static void
test_find(void)
{
	CHECK(strcmp(found("campipe_login=abc.def"), "abc.def") == 0);
	CHECK(strcmp(found("theme=dark; campipe_login=abc.def; x=1"),
	    "abc.def") == 0);
	CHECK(strcmp(found("a=b;campipe_login=v"), "v") == 0);
	CHECK(strcmp(found("campipe_login=\"quoted\""), "quoted") == 0);
	CHECK(strcmp(found("campipe_login=v  "), "v") == 0);
	CHECK(strcmp(found("campipe_login=first; campipe_login=second"),
	    "first") == 0);
	/* Empty: found, and refused as a token later. */
	CHECK(strcmp(found("campipe_login="), "") == 0);
	CHECK(strcmp(found("xcampipe_login=v"), "-") == 0);
	CHECK(strcmp(found("campipe_loginx=v"), "-") == 0);
	CHECK(strcmp(found("campipe_login v"), "-") == 0);
	CHECK(strcmp(found(""), "-") == 0);
	CHECK(strcmp(found(";;;"), "-") == 0);
	CHECK(strcmp(found("a=\"campipe_login=v\""), "-") == 0);
}

/* Every split of a header: the value never reads past len. */
static void
test_bounds(void)
{
	const char	 s[] = "theme=dark; campipe_login=abc.def";
	const char	*v;
	size_t		 i, n;

	for (i = 0; i < sizeof(s) - 1; i++) {
		if (auth_cookie_find(s, i, &v, &n) == 0)
			CHECK(v + n <= s + i && i >= 26);
	}
	CHECK_EQ(auth_cookie_find(s, sizeof(s) - 1, &v, &n), 0);
	CHECK_EQ(n, 7);
}

int
main(void)
{
	RUN(test_find);
	RUN(test_bounds);
	return (TEST_DONE("auth_cookie"));
}
