/* SPDX-License-Identifier: ISC */
/* test_listen_addr.c: --listen addresses, good and bad, and sockets. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <unistd.h>

#include "listen_addr.h"
#include "test.h"

static struct listen_addr	 la;
static char			 cause[160];

/* Parses spec and checks host, port and family. */
static int
good(const char *spec, const char *host, const char *port, int family)
{
	cause[0] = '\0';
	if (listen_addr_parse(spec, &la, cause, sizeof(cause)) != 0) {
		fprintf(stderr, "%s: %s\n", spec, cause);
		return (0);
	}
	return (strcmp(la.host, host) == 0 && strcmp(la.port, port) == 0 &&
	    la.family == family);
}

/* Parses spec and checks the exact cause. */
static int
bad(const char *spec, const char *want)
{
	cause[0] = '\0';
	if (listen_addr_parse(spec, &la, cause, sizeof(cause)) != -1)
		return (0);
	if (strcmp(cause, want) != 0) {
		fprintf(stderr, "%s: got '%s'\n", spec, cause);
		return (0);
	}
	return (1);
}

/* Addresses of every kind. */
static void
test_good(void)
{
	CHECK(good("127.0.0.1:8080", "127.0.0.1", "8080", AF_INET));
	CHECK(good("0.0.0.0:1", "0.0.0.0", "1", AF_INET));
	CHECK(good("[::1]:8081", "::1", "8081", AF_INET6));
	CHECK(good("[::]:65535", "::", "65535", AF_INET6));
	CHECK(good("[fe80::1:2]:80", "fe80::1:2", "80", AF_INET6));
	CHECK(good("[::ffff:127.0.0.1]:80", "::ffff:127.0.0.1", "80",
	    AF_INET6));
	CHECK(good("*:8080", "", "8080", AF_UNSPEC));
	CHECK(good(":8080", "", "8080", AF_UNSPEC));
	CHECK(good("localhost:8080", "localhost", "8080", AF_UNSPEC));
	CHECK(good("cam-1.example.org:443", "cam-1.example.org", "443",
	    AF_UNSPEC));
	CHECK(good("CAM:00080", "CAM", "80", AF_UNSPEC));
	CHECK(good("1x.2:80", "1x.2", "80", AF_UNSPEC));
}

/* Every refusal, with its exact line. */
static void
test_bad(void)
{
	char	 longname[300];

	CHECK(bad("8080", "\"8080\" is not ADDRESS:PORT"));
	CHECK(bad("", "\"\" is not ADDRESS:PORT"));
	CHECK(bad("::1:8080", "\"::1:8080\": an IPv6 address goes in "
	    "brackets, [ADDRESS]:PORT"));
	CHECK(bad("[::1]", "\"[::1]\": no :PORT after [ADDRESS]"));
	CHECK(bad("[::1]8080", "\"[::1]8080\": no :PORT after [ADDRESS]"));
	CHECK(bad("[::1:8080", "\"[::1:8080\": no ']' after the IPv6 "
	    "address"));
	CHECK(bad("[127.0.0.1]:80", "\"[127.0.0.1]:80\": not an IPv6 "
	    "address in the brackets"));
	CHECK(bad("[]:80", "\"[]:80\": not an IPv6 address in the brackets"));
	CHECK(bad("[fe80::1%eth0]:80", "\"[fe80::1%eth0]:80\": not an IPv6 "
	    "address in the brackets"));
	CHECK(bad("127.0.0.1:", "\"127.0.0.1:\": the port must be a number "
	    "from 1 to 65535"));
	CHECK(bad("127.0.0.1:0", "\"127.0.0.1:0\": the port must be a number "
	    "from 1 to 65535"));
	CHECK(bad("127.0.0.1:65536", "\"127.0.0.1:65536\": the port must be "
	    "a number from 1 to 65535"));
	CHECK(bad("127.0.0.1:99999999999999999999", "\"127.0.0.1:"
	    "99999999999999999999\": the port must be a number from 1 to "
	    "65535"));
	CHECK(bad("127.0.0.1:http", "\"127.0.0.1:http\": the port must be a "
	    "number from 1 to 65535"));
	CHECK(bad("127.0.0.1:-1", "\"127.0.0.1:-1\": the port must be a "
	    "number from 1 to 65535"));
	CHECK(bad("127.0.0.1:80 ", "\"127.0.0.1:80 \": the port must be a "
	    "number from 1 to 65535"));
	CHECK(bad("256.0.0.1:80", "\"256.0.0.1:80\": not an IPv4 address"));
	CHECK(bad("127.1:80", "\"127.1:80\": not an IPv4 address"));
	CHECK(bad("cam_1:80", "\"cam_1:80\": not an address or a host name"));
	CHECK(bad("-cam:80", "\"-cam:80\": not an address or a host name"));
	CHECK(bad("cam-:80", "\"cam-:80\": not an address or a host name"));
	CHECK(bad("cam..x:80", "\"cam..x:80\": not an address or a host "
	    "name"));
	CHECK(bad("cam.:80", "\"cam.:80\": not an address or a host name"));
	CHECK(bad("**:80", "\"**:80\": not an address or a host name"));
	CHECK(bad(" cam:80", "\" cam:80\": not an address or a host name"));
	/* A 64-byte label, and a name over 253 bytes (quoted cut at 80). */
	memset(longname, 'a', 64);
	strcpy(longname + 64, ":80");
	CHECK(bad(longname, "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaa:80\": not an address or a host name"));
	memset(longname, 'a', sizeof(longname));
	for (size_t i = 50; i < 260; i += 50)
		longname[i] = '.';
	strcpy(longname + 260, ":80");
	CHECK_EQ(listen_addr_parse(longname, &la, cause, sizeof(cause)), -1);
	CHECK_EQ(strlen(cause), 1 + 80 + 1 + strlen(": not an address or a "
	    "host name"));
	longname[253] = '\0';
	strcpy(longname + 253, ":80");
	longname[252] = 'a';
	CHECK_EQ(listen_addr_parse(longname, &la, cause, sizeof(cause)), 0);
	CHECK_EQ(strlen(la.host), 253);
}

/* Opens a real socket on loopback; a second one on the port fails. */
static void
test_open(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	char			 spec[64];
	int			 s, fds[4], fds2[4], n;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(s != -1 && bind(s, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(s, (struct sockaddr *)&sin, &len) == 0);
	close(s);
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", ntohs(sin.sin_port));
	CHECK_EQ(listen_addr_parse(spec, &la, cause, sizeof(cause)), 0);
	n = listen_addr_open(&la, 16, fds, 4, cause, sizeof(cause));
	CHECK_EQ(n, 1);
	CHECK_EQ(listen_addr_open(&la, 16, fds2, 4, cause, sizeof(cause)), -1);
	CHECK(strstr(cause, spec) == cause &&
	    strstr(cause, "Address already in use") != NULL);
	if (n == 1)
		close(fds[0]);
	CHECK_EQ(listen_addr_open(&la, 16, fds, 0, cause, sizeof(cause)), -1);
	CHECK(strcmp(strchr(cause, ':') + strlen(la.port) + 1,
	    ": more than 0 addresses") == 0);
}

int
main(void)
{
	RUN(test_good);
	RUN(test_bad);
	RUN(test_open);
	return (TEST_DONE("listen_addr"));
}
