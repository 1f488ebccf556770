/* SPDX-License-Identifier: ISC */
/* test_unixsock.c: Unix socket paths refused before any socket is made. */
#include <errno.h>
#include <string.h>

#include "test.h"
#include "unixsock.h"

/* A path longer than sun_path: ENAMETOOLONG when connecting. */
static void
test_connect_long(void)
{
	char	 path[200];

	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	errno = 0;
	CHECK_EQ(unixsock_connect(path), -1);
	CHECK_EQ(errno, ENAMETOOLONG);
}

/* The same path when listening: the cause gives its length and limit. */
static void
test_listen_long(void)
{
	char	 path[200], cause[256];

	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	cause[0] = '\0';
	CHECK_EQ(unixsock_listen(path, 0660, "capd", cause, sizeof(cause)),
	    -1);
	CHECK(strncmp(cause, "socket path of 199 bytes too long (at most 107)",
	    47) == 0);
	CHECK(strlen(cause) < 47 + 2 + 64 + 4);
}

int
main(void)
{
	RUN(test_connect_long);
	RUN(test_listen_long);
	return (TEST_DONE("unixsock"));
}
