/* SPDX-License-Identifier: ISC */
/* test_http_host.c: which Host values name this server. */
#include <unistd.h>

#include "test.h"
#include "http_host.h"

static char	*extra[] = { "cam.example.org", "printer-cam." };

static void
test_split(void)
{
	char	 name[64];
	int	 port;

	CHECK_EQ(http_host_split("a:80", name, sizeof(name), &port), 0);
	CHECK(strcmp(name, "a") == 0);
	CHECK_EQ(port, 80);
	CHECK_EQ(http_host_split("[::1]:8081", name, sizeof(name), &port), 0);
	CHECK(strcmp(name, "[::1]") == 0);
	CHECK_EQ(port, 8081);
	CHECK_EQ(http_host_split("[::1]", name, sizeof(name), &port), 0);
	CHECK_EQ(port, -1);
	CHECK_EQ(http_host_split("a:", name, sizeof(name), &port), -1);
	CHECK_EQ(http_host_split("a:65536", name, sizeof(name), &port), -1);
	CHECK_EQ(http_host_split("a:123456", name, sizeof(name), &port), -1);
	CHECK_EQ(http_host_split("a:1:2", name, sizeof(name), &port), -1);
	CHECK_EQ(http_host_split("[::1]x", name, sizeof(name), &port), -1);
	CHECK_EQ(http_host_split("[::1", name, sizeof(name), &port), -1);
	CHECK_EQ(http_host_split("", name, sizeof(name), &port), -1);
	CHECK_EQ(http_host_split(":80", name, sizeof(name), &port), -1);
	CHECK_EQ(http_host_split("abcdef", name, 6, &port), -1);
}

static void
test_allowed(void)
{
	struct http_host_names	 hn;
	char			 cause[128], host[300], buf[300];
	size_t			 i;
	static const char	*yes[] = { "127.0.0.1", "127.0.0.1:8080",
				    "10.1.2.3:1", "[::1]", "[::1]:8081",
				    "[fe80::1]:80", "localhost", "LOCALHOST:8080",
				    "localhost.", "cam.example.org",
				    "Cam.Example.Org:443", "printer-cam:8080",
				    "printer-cam.:80" };
	static const char	*no[] = { "", "evil.example", "evil.example:8080",
				    "127.0.0.1.evil.example", "localhost.evil",
				    "1.2.3", "999.1.1.1", "[1.2.3.4]", "[::1",
				    "::1", "[::1]:x", "example.org",
				    "cam.example.org.evil", "localhost:80:80",
				    "localhost..", "a b" };

	CHECK_EQ(http_host_names_init(&hn, extra, 2, cause, sizeof(cause)),
	    0);
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!http_host_allowed(yes[i], &hn))
			fprintf(stderr, "refused %s\n", yes[i]);
		CHECK(http_host_allowed(yes[i], &hn));
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		if (http_host_allowed(no[i], &hn))
			fprintf(stderr, "allowed %s\n", no[i]);
		CHECK(!http_host_allowed(no[i], &hn));
	}
	CHECK_EQ(gethostname(host, sizeof(host) - 10), 0);
	CHECK(http_host_allowed(host, &hn));
	snprintf(buf, sizeof(buf), "%.*s.local:8080", (int)strcspn(host, "."),
	    host);
	CHECK(http_host_allowed(buf, &hn));
	http_host_names_clear(&hn);
}

static void
test_bad_names(void)
{
	struct http_host_names	 hn;
	char			 cause[128];
	char			*bad[] = { "evil example" }, *empty[] = { "" };

	CHECK_EQ(http_host_names_init(&hn, bad, 1, cause, sizeof(cause)), -1);
	CHECK(strcmp(cause, "--server-name evil example: not a host name")
	    == 0);
	CHECK_EQ(http_host_names_init(&hn, empty, 1, cause, sizeof(cause)),
	    -1);
}

int
main(void)
{
	RUN(test_split);
	RUN(test_allowed);
	RUN(test_bad_names);
	return (TEST_DONE("http_host"));
}
