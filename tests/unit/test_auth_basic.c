/* SPDX-License-Identifier: ISC */
/* test_auth_basic.c: Basic header parsing, success cache, failure delays. */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <openssl/evp.h>

#include "auth_basic.h"
#include "test.h"

static char	 user[AUTH_BASIC_MAX_USER + 1], pass[AUTH_BASIC_MAX_PASS + 1];
static char	 cause[128];

/* Parses a value that must give exactly this user and password. */
static void
good(const char *value, const char *u, const char *p)
{
	memset(user, 'x', sizeof(user));
	memset(pass, 'x', sizeof(pass));
	if (auth_basic_parse(value, strlen(value), user, pass, cause,
	    sizeof(cause)) != 0) {
		fprintf(stderr, "\"%s\" refused: %s\n", value, cause);
		test_cur_failed = 1;
		return;
	}
	CHECK(strcmp(user, u) == 0);
	CHECK(strcmp(pass, p) == 0);
}

/* Parses a value that must be refused with this cause. */
static void
bad(const char *value, size_t len, const char *why)
{
	cause[0] = '\0';
	if (auth_basic_parse(value, len, user, pass, cause,
	    sizeof(cause)) != -1 || strcmp(cause, why) != 0) {
		fprintf(stderr, "\"%s\": cause \"%s\", expected \"%s\"\n",
		    value, cause, why);
		test_cur_failed = 1;
	}
}

/* Well-formed headers, with and without padding. */
static void
test_parse_good(void)
{
	good("Basic dXNlcjpwYXNz", "user", "pass");
	good("basic dXNlcjpwYXNz", "user", "pass");
	good("BASIC \t dXNlcjpwYXNz \t", "user", "pass");
	good("Basic YTpi", "a", "b");
	good("Basic YTpiYw==", "a", "bc");
	good("Basic YTpiYw", "a", "bc");
	good("Basic YTpiY2Q=", "a", "bcd");
	good("Basic YTpiY2Q", "a", "bcd");
	good("Basic dXNlcjo=", "user", "");
	good("Basic YTpiOmM=", "a", "b:c");
	/* "Aladdin:open sesame", RFC 7617's own example. */
	good("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin", "open sesame");
	/* UTF-8 "ü:é" is kept as bytes. */
	good("Basic w7w6w6k=", "\xc3\xbc", "\xc3\xa9");
}

/* Everything else is refused with a reason. */
static void
test_parse_bad(void)
{
	static char	 longv[AUTH_BASIC_MAX_VALUE + 2];

	bad("Bearer dXNlcjpwYXNz", 19, "not Basic credentials");
	bad("Basic", 5, "not Basic credentials");
	bad("Basic ", 6, "not Basic credentials");
	bad("Basicx dXNlcjpwYXNz", 19, "not Basic credentials");
	bad("", 0, "not Basic credentials");
	bad("Basic  ", 7, "not Basic credentials");
	bad("Basic YTpiY", 11, "malformed base64 in credentials");
	bad("Basic YTpiYw=", 13, "malformed base64 in credentials");
	bad("Basic YTpiY2Q==", 15, "malformed base64 in credentials");
	bad("Basic YTpi====", 14, "malformed base64 in credentials");
	bad("Basic ====", 10, "malformed base64 in credentials");
	bad("Basic YT=i", 10, "malformed base64 in credentials");
	bad("Basic dXNl*jpwYXNz", 18, "malformed base64 in credentials");
	bad("Basic dXNlc jpwYXNz", 19, "malformed base64 in credentials");
	bad("Basic dXNlcjpwYXNz\r\n", 20, "malformed base64 in credentials");
	bad("Basic dXNlcg==", 14, "no ':' in credentials");
	bad("Basic OnBhc3M=", 14, "user name empty or too long, or "
	    "password too long");
	/* "a:\x01" and "a:b\0c": control bytes. */
	bad("Basic YToB", 10, "control character in credentials");
	bad("Basic YTpiAGM=", 14, "control character in credentials");
	/* A NUL inside the value stops nothing: it is not base64. */
	bad("Basic YTpi\0YTpi", 15, "malformed base64 in credentials");
	memset(longv, 'A', sizeof(longv));
	memcpy(longv, "Basic ", 6);
	bad(longv, sizeof(longv), "credentials too long");
}

/* User and password lengths: the limits themselves pass. */
static void
test_parse_limits(void)
{
	char		 plain[400], value[600];
	unsigned char	 *p = (unsigned char *)plain;
	int		 n;

	/* 64-byte user, 255-byte password. */
	memset(plain, 'u', 64);
	plain[64] = ':';
	memset(plain + 65, 'p', 255);
	memcpy(value, "Basic ", 6);
	n = EVP_EncodeBlock((unsigned char *)value + 6, p, 64 + 1 + 255);
	CHECK_EQ(auth_basic_parse(value, 6 + n, user, pass, cause,
	    sizeof(cause)), 0);
	CHECK_EQ(strlen(user), 64);
	CHECK_EQ(strlen(pass), 255);
	n = EVP_EncodeBlock((unsigned char *)value + 6, p, 64 + 1 + 256);
	CHECK_EQ(auth_basic_parse(value, 6 + n, user, pass, cause,
	    sizeof(cause)), -1);
	memset(plain, 'u', 65);
	plain[65] = ':';
	n = EVP_EncodeBlock((unsigned char *)value + 6, p, 67);
	CHECK_EQ(auth_basic_parse(value, 6 + n, user, pass, cause,
	    sizeof(cause)), -1);
}

/* Hits within the TTL, misses after, and distinct pairs stay distinct. */
static void
test_cache(void)
{
	struct auth_basic_cache	*c;

	c = auth_basic_cache_new(2, 60000);
	CHECK(c != NULL);
	CHECK_EQ(auth_basic_cache_lookup(c, "a", "b", 1000), 0);
	auth_basic_cache_insert(c, "a", "b", 1000);
	CHECK_EQ(auth_basic_cache_lookup(c, "a", "b", 1000), 1);
	CHECK_EQ(auth_basic_cache_lookup(c, "a", "b", 60999), 1);
	CHECK_EQ(auth_basic_cache_lookup(c, "a", "b", 61000), 0);
	CHECK_EQ(auth_basic_cache_lookup(c, "a", "c", 2000), 0);
	CHECK_EQ(auth_basic_cache_lookup(c, "b", "b", 2000), 0);
	CHECK_EQ(auth_basic_cache_lookup(c, "", "ab", 2000), 0);
	auth_basic_cache_insert(c, "a", "b:c", 1000);
	CHECK_EQ(auth_basic_cache_lookup(c, "a:b", "c", 2000), 0);
	CHECK_EQ(auth_basic_cache_lookup(c, "a", "b:c", 2000), 1);
	/* A third entry evicts the oldest. */
	auth_basic_cache_insert(c, "x", "1", 3000);
	auth_basic_cache_insert(c, "y", "2", 4000);
	CHECK_EQ(auth_basic_cache_lookup(c, "x", "1", 5000), 1);
	CHECK_EQ(auth_basic_cache_lookup(c, "y", "2", 5000), 1);
	CHECK_EQ(auth_basic_cache_lookup(c, "a", "b:c", 5000), 0);
	/* Inserting again refreshes rather than duplicates. */
	auth_basic_cache_insert(c, "x", "1", 6000);
	auth_basic_cache_insert(c, "x", "1", 7000);
	CHECK_EQ(auth_basic_cache_lookup(c, "y", "2", 7000), 1);
	CHECK_EQ(auth_basic_cache_lookup(c, "x", "1", 66999), 1);
	auth_basic_cache_flush(c);
	CHECK_EQ(auth_basic_cache_lookup(c, "x", "1", 8000), 0);
	CHECK_EQ(auth_basic_cache_lookup(c, "y", "2", 8000), 0);
	auth_basic_cache_free(c);
	CHECK(auth_basic_cache_new(0, 1) == NULL);
}

/* Fills a sockaddr_in for a dotted address. */
static struct sockaddr *
v4(struct sockaddr_in *sin, const char *a)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(1234);
	inet_pton(AF_INET, a, &sin->sin_addr);
	return ((struct sockaddr *)sin);
}

/* Fills a sockaddr_in6. */
static struct sockaddr *
v6(struct sockaddr_in6 *sin6, const char *a)
{
	memset(sin6, 0, sizeof(*sin6));
	sin6->sin6_family = AF_INET6;
	inet_pton(AF_INET6, a, &sin6->sin6_addr);
	return ((struct sockaddr *)sin6);
}

/* Delays grow per failure up to the cap, per address, and are cleared. */
static void
test_fail(void)
{
	struct auth_basic_fail	*f;
	struct sockaddr_in	 a, b;
	struct sockaddr		*sa = v4(&a, "127.0.0.1");
	struct sockaddr		*sb = v4(&b, "127.0.0.2");
	int			 i;

	f = auth_basic_fail_new(16, 2000, 7000);
	CHECK_EQ(auth_basic_fail_delay(f, sa, 1000), 0);
	auth_basic_fail_record(f, sa, 1000);
	CHECK_EQ(auth_basic_fail_delay(f, sa, 1000), 2000);
	CHECK_EQ(auth_basic_fail_delay(f, sa, 2500), 500);
	CHECK_EQ(auth_basic_fail_delay(f, sa, 3000), 0);
	CHECK_EQ(auth_basic_fail_delay(f, sb, 1000), 0);
	auth_basic_fail_record(f, sa, 3000);
	CHECK_EQ(auth_basic_fail_delay(f, sa, 3000), 4000);
	auth_basic_fail_record(f, sa, 7000);
	CHECK_EQ(auth_basic_fail_delay(f, sa, 7000), 6000);
	for (i = 0; i < 20; i++)
		auth_basic_fail_record(f, sa, 13000);
	CHECK_EQ(auth_basic_fail_delay(f, sa, 13000), 7000);
	/* Another port of the same address is the same client. */
	a.sin_port = htons(9);
	CHECK_EQ(auth_basic_fail_delay(f, sa, 13000), 7000);
	CHECK_EQ(auth_basic_fail_delay(f, sb, 13000), 0);
	CHECK_EQ(auth_basic_fail_count(f, 13000), 1);
	auth_basic_fail_clear(f, sa);
	CHECK_EQ(auth_basic_fail_delay(f, sa, 13000), 0);
	CHECK_EQ(auth_basic_fail_count(f, 13000), 0);
	/* Failures are forgotten after a long quiet time. */
	auth_basic_fail_record(f, sb, 20000);
	auth_basic_fail_record(f, sb, 22000);
	CHECK_EQ(auth_basic_fail_count(f, 22000 + AUTH_BASIC_FAIL_FORGET - 1), 1);
	CHECK_EQ(auth_basic_fail_count(f, 22000 + AUTH_BASIC_FAIL_FORGET), 0);
	auth_basic_fail_record(f, sb, 22000 + AUTH_BASIC_FAIL_FORGET);
	CHECK_EQ(auth_basic_fail_delay(f, sb, 22000 + AUTH_BASIC_FAIL_FORGET),
	    2000);
	auth_basic_fail_free(f);
}

/* IPv6 clients are tracked by /64; a full table evicts the oldest. */
static void
test_fail_table(void)
{
	struct auth_basic_fail	*f;
	struct sockaddr_in6	 x, y, m;
	struct sockaddr_in	 a, b, c;

	f = auth_basic_fail_new(2, 1000, 1000);
	auth_basic_fail_record(f, v6(&x, "2001:db8:1:2::1"), 100);
	CHECK_EQ(auth_basic_fail_delay(f, v6(&y, "2001:db8:1:2:ffff::9"), 100),
	    1000);
	CHECK_EQ(auth_basic_fail_delay(f, v6(&y, "2001:db8:1:3::1"), 100), 0);
	/* A v4-mapped address is not its /64's neighbour. */
	CHECK_EQ(auth_basic_fail_delay(f, v6(&m, "::ffff:10.0.0.1"), 100), 0);
	auth_basic_fail_record(f, v6(&m, "::ffff:10.0.0.1"), 200);
	CHECK_EQ(auth_basic_fail_delay(f, v6(&m, "::ffff:10.0.0.2"), 200), 0);
	/* Full: a third address evicts the oldest (x). */
	auth_basic_fail_record(f, v4(&a, "10.0.0.3"), 300);
	CHECK_EQ(auth_basic_fail_count(f, 300), 2);
	CHECK_EQ(auth_basic_fail_delay(f, v6(&x, "2001:db8:1:2::1"), 300), 0);
	CHECK_EQ(auth_basic_fail_delay(f, v6(&m, "::ffff:10.0.0.1"), 300), 900);
	CHECK_EQ(auth_basic_fail_delay(f, v4(&a, "10.0.0.3"), 300), 1000);
	CHECK_EQ(auth_basic_fail_delay(f, v4(&b, "10.0.0.4"), 300), 0);
	/* No address (a Unix socket) is one client of its own. */
	auth_basic_fail_record(f, NULL, 400);
	CHECK_EQ(auth_basic_fail_delay(f, NULL, 400), 1000);
	CHECK_EQ(auth_basic_fail_delay(f, v4(&c, "0.0.0.0"), 400), 0);
	auth_basic_fail_free(f);
	CHECK(auth_basic_fail_new(0, 1, 1) == NULL);
}

int
main(void)
{
	RUN(test_parse_good);
	RUN(test_parse_bad);
	RUN(test_parse_limits);
	RUN(test_cache);
	RUN(test_fail);
	RUN(test_fail_table);
	return (TEST_DONE("auth_basic"));
}
