/* SPDX-License-Identifier: ISC */
/*
 * unix_test.h: a listening Unix socket in /tmp for tests that run a real
 * client of capd's sockets (frame_sub, h264_feed) against exact bytes.
 */
#ifndef CAMPIPE_UNIX_TEST_H
#define CAMPIPE_UNIX_TEST_H

#include <sys/socket.h>
#include <sys/un.h>

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

/* Runs base's loop until nothing is left to do right now. */
static inline void
unix_test_pump(struct event_base *base)
{
	int	 i;

	for (i = 0; i < 20; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

/* Accepts a client of lfd, running base meanwhile, for up to 3 s. */
static inline int
unix_test_accept(int lfd, struct event_base *base)
{
	struct pollfd	 p = { lfd, POLLIN, 0 };
	int		 i;

	for (i = 0; i < 300; i++) {
		unix_test_pump(base);
		if (poll(&p, 1, 10) == 1)
			return (accept(lfd, NULL, NULL));
	}
	return (-1);
}

/*
 * Listens on /tmp/campipe-NAME.PID, its path written into path: the
 * descriptor, or -1 (said on stderr).
 */
static inline int
unix_test_listen(const char *name, char *path, size_t pathlen)
{
	struct sockaddr_un	 sun = { .sun_family = AF_UNIX };
	int			 fd;

	snprintf(path, pathlen, "/tmp/campipe-%s.%d", name, (int)getpid());
	if (strlen(path) >= sizeof(sun.sun_path))
		return (-1);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
		perror("socket");
		return (-1);
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, 8) == -1) {
		perror(path);
		close(fd);
		return (-1);
	}
	return (fd);
}

#endif
