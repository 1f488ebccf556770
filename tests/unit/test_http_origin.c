/* SPDX-License-Identifier: ISC */
/* test_http_origin.c: the Origin rule of both daemons, on exact bytes. */
#include "test.h"
#include "http_origin.h"

/* The own host, ports aside (flags 0). */
static int
own(const char *origin, const char *host)
{
	return (http_origin_allowed(origin, host, NULL, 0, 0));
}

/* The own host and port (HTTP_ORIGIN_PORT). */
static int
own_port(const char *origin, const char *host)
{
	return (http_origin_allowed(origin, host, NULL, 0, HTTP_ORIGIN_PORT));
}

/* No Origin: not a browser, passes whatever the Host or the list. */
static void
test_no_origin(void)
{
	const char	*list[] = { "https://site.example" };

	CHECK(own(NULL, "h"));
	CHECK(own(NULL, NULL));
	CHECK(own_port(NULL, "h:1"));
	CHECK(http_origin_allowed(NULL, "h", list, 1, 0));
}

/* The own host: http or https, the host's name in any case, ports aside. */
static void
test_own_host(void)
{
	CHECK(own("http://h:1", "H:2"));
	CHECK(own("https://h", "h"));
	CHECK(own("HTTP://CAM.local:8080", "cam.local:8081"));
	CHECK(own("http://h/", "h"));
	CHECK(own("http://[::1]:8080", "[::1]:8081"));
	CHECK(!own("http://[::1]:8080", "[::2]:8081"));
	CHECK(!own("http://[::1", "[::1"));
	CHECK(!own("http://h.evil", "h"));
	CHECK(!own("http://evilh", "h"));
	CHECK(!own("http://h", "h.evil"));
	CHECK(!own("h", "h"));
	CHECK(!own("null", "h"));
	CHECK(!own("ftp://h", "h"));
	CHECK(!own("ws://h", "h"));
	CHECK(!own("http://", ""));
	CHECK(!own("http://:80", ":80"));
	CHECK(!own("http://h", NULL));
}

/* With HTTP_ORIGIN_PORT the whole authority must be the Host header. */
static void
test_own_host_and_port(void)
{
	CHECK(own_port("http://127.0.0.1:8080", "127.0.0.1:8080"));
	CHECK(own_port("https://Cam.Local", "cam.local"));
	CHECK(own_port("http://[::1]:8080", "[::1]:8080"));
	CHECK(!own_port("http://127.0.0.1:8081", "127.0.0.1:8080"));
	CHECK(!own_port("http://127.0.0.1", "127.0.0.1:80"));
	CHECK(!own_port("http://127.0.0.1:8080.evil.example",
	    "127.0.0.1:8080"));
	CHECK(!own_port("http://evil.example", "127.0.0.1:8080"));
	CHECK(!own_port("null", "null"));
	CHECK(!own_port("http://", ""));
}

/* An allow-list replaces the own host; "*" lets any Origin pass. */
static void
test_allow_list(void)
{
	const char	*list[] = { "https://site.example/", "http://[::1]:9000" };
	const char	*any[] = { "*" };

	CHECK(http_origin_allowed("https://site.example", "h", list, 2, 0));
	CHECK(http_origin_allowed("HTTPS://SITE.example", "h", list, 2, 0));
	CHECK(http_origin_allowed("http://[::1]:9000", "h", list, 2, 0));
	CHECK(!http_origin_allowed("http://h", "h", list, 2, 0));
	CHECK(!http_origin_allowed("https://site.example:444", "h", list, 2,
	    0));
	CHECK(!http_origin_allowed("https://site.example/x", "h", list, 2, 0));
	CHECK(!http_origin_allowed("https://site.exampl", "h", list, 2, 0));
	CHECK(!http_origin_allowed("null", "h", list, 2, HTTP_ORIGIN_PORT));
	CHECK(http_origin_allowed("http://anything", "h", any, 1, 0));
	CHECK(http_origin_allowed("null", NULL, any, 1, 0));
}

int
main(void)
{
	RUN(test_no_origin);
	RUN(test_own_host);
	RUN(test_own_host_and_port);
	RUN(test_allow_list);
	return (TEST_DONE("http_origin"));
}
