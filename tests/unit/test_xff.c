/* SPDX-License-Identifier: ISC */
/* test_xff.c: X-Forwarded-For values and trusted proxies at exact bytes. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>

#include "httpd/xff.h"
#include "test.h"

/* The address parsed from value as text, or "-" when refused. */
static const char *
last(const char *value)
{
	static char		 out[INET6_ADDRSTRLEN];
	struct sockaddr_storage	 ss;
	socklen_t		 len;

	if (xff_parse_last(value, &ss, &len) == -1)
		return ("-");
	if (ss.ss_family == AF_INET) {
		CHECK_EQ(len, sizeof(struct sockaddr_in));
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out,
		    sizeof(out));
	} else {
		CHECK_EQ(len, sizeof(struct sockaddr_in6));
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    out, sizeof(out));
	}
	return (out);
}

static void
test_last_element(void)
{
	static char	 big[XFF_VALUE_MAX + 2];

	CHECK(strcmp(last("192.0.2.7"), "192.0.2.7") == 0);
	CHECK(strcmp(last("203.0.113.9, 192.0.2.7"), "192.0.2.7") == 0);
	CHECK(strcmp(last("1.1.1.1,192.0.2.7"), "192.0.2.7") == 0);
	CHECK(strcmp(last(" 192.0.2.7 \t"), "192.0.2.7") == 0);
	CHECK(strcmp(last("x, 2001:db8::1"), "2001:db8::1") == 0);
	CHECK(strcmp(last("::ffff:192.0.2.7"), "::ffff:192.0.2.7") == 0);
	CHECK(strcmp(last(""), "-") == 0);
	CHECK(strcmp(last("192.0.2.7,"), "-") == 0);
	CHECK(strcmp(last("192.0.2.7, unknown"), "-") == 0);
	CHECK(strcmp(last("192.0.2.7:80"), "-") == 0);
	CHECK(strcmp(last("[2001:db8::1]"), "-") == 0);
	CHECK(strcmp(last("192.0.2.256"), "-") == 0);
	CHECK(strcmp(last("192.0.2.7 x"), "-") == 0);
	memset(big, ' ', sizeof(big) - 1);
	memcpy(big + sizeof(big) - 10, "192.0.2.7", 9);
	CHECK(strcmp(last(big), "-") == 0);	/* over XFF_VALUE_MAX */
	big[0] = '\0';
	memset(big, ' ', XFF_VALUE_MAX - 9);
	memcpy(big + XFF_VALUE_MAX - 9, "192.0.2.7", 10);
	CHECK(strcmp(last(big), "192.0.2.7") == 0);	/* exactly the max */
}

static void
test_trusted(void)
{
	struct sockaddr_storage	 p[2];
	struct sockaddr_in	 v4;
	struct sockaddr_in6	 v6;
	char			 cause[128];

	CHECK_EQ(xff_parse_proxy("127.0.0.1", &p[0], cause, sizeof(cause)), 0);
	CHECK_EQ(xff_parse_proxy("::1", &p[1], cause, sizeof(cause)), 0);
	CHECK_EQ(xff_parse_proxy("localhost", &p[1], cause, sizeof(cause)),
	    -1);
	CHECK(strcmp(cause, "--trusted-proxy: \"localhost\" is not an IPv4 "
	    "or IPv6 address") == 0);
	CHECK_EQ(xff_parse_proxy("::1", &p[1], cause, sizeof(cause)), 0);
	memset(&v4, 0, sizeof(v4));
	v4.sin_family = AF_INET;
	v4.sin_port = htons(5555);
	inet_pton(AF_INET, "127.0.0.1", &v4.sin_addr);
	CHECK(xff_trusted((struct sockaddr *)&v4, p, 2));
	CHECK(!xff_trusted((struct sockaddr *)&v4, p + 1, 1));
	inet_pton(AF_INET, "127.0.0.2", &v4.sin_addr);
	CHECK(!xff_trusted((struct sockaddr *)&v4, p, 2));
	memset(&v6, 0, sizeof(v6));
	v6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::1", &v6.sin6_addr);
	CHECK(xff_trusted((struct sockaddr *)&v6, p, 2));
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &v6.sin6_addr);
	CHECK(xff_trusted((struct sockaddr *)&v6, p, 2));
	CHECK(!xff_trusted(NULL, p, 2));
}

int
main(void)
{
	RUN(test_last_element);
	RUN(test_trusted);
	return (TEST_DONE("xff"));
}
