/* SPDX-License-Identifier: ISC */
/*
 * unixsock.c: local stream sockets: connecting, and listening with a
 * stale socket file replaced and a live one left to its owner.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "unixsock.h"

#define UNIXSOCK_BACKLOG	64	/* listen(2) queue */
#define UNIXSOCK_PATH_SHOWN	64	/* of a rejected path, in a cause */

/* Fills sun with path; -1 if it does not fit. */
static int
unixsock_addr(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return (-1);
	memcpy(sun->sun_path, path, strlen(path));
	return (0);
}

/* Connects to path; the descriptor or -1. */
int
unixsock_connect_type(const char *path, int type)
{
	struct sockaddr_un	 sun;
	int			 fd, e;

	if (unixsock_addr(&sun, path) == -1) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return (-1);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return (-1);
	}
	return (fd);
}

/* Connects to the stream socket at path. */
int
unixsock_connect(const char *path)
{
	return (unixsock_connect_type(path, SOCK_STREAM));
}

/*
 * What is at path before listening: nothing (0), a stale socket file
 * removed (0), or a refusal (-1 with cause).
 */
static int
unixsock_clear(const struct sockaddr_un *sun, int type, const char *owner,
    char *cause, size_t causelen)
{
	const char	*path = sun->sun_path;
	struct stat	 st;
	int		 probe;

	if (lstat(path, &st) == -1)
		return (0);
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(cause, causelen, "%s exists and is not a socket",
		    path);
		return (-1);
	}
	probe = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (probe != -1 && connect(probe, (const struct sockaddr *)sun,
	    sizeof(*sun)) == 0) {
		close(probe);
		snprintf(cause, causelen, "another %s is listening on %s",
		    owner, path);
		return (-1);
	}
	if (probe != -1)
		close(probe);
	if (unlink(path) == -1) {
		snprintf(cause, causelen, "cannot remove stale %s: %s", path,
		    strerror(errno));
		return (-1);
	}
	log_info("replaced stale socket %s", path);
	return (0);
}

/* Listens on path, replacing a stale socket file. */
int
unixsock_listen_type(const char *path, int type, mode_t mode,
    const char *owner, char *cause, size_t causelen)
{
	struct sockaddr_un	 sun;
	mode_t			 old;
	int			 fd;

	if (unixsock_addr(&sun, path) == -1) {
		snprintf(cause, causelen, "socket path of %zu bytes too long "
		    "(at most %zu): %.*s...", strlen(path),
		    sizeof(sun.sun_path) - 1, UNIXSOCK_PATH_SHOWN, path);
		return (-1);
	}
	if (unixsock_clear(&sun, type, owner, cause, causelen) == -1)
		return (-1);
	fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		snprintf(cause, causelen, "socket: %s", strerror(errno));
		return (-1);
	}
	old = umask(0777 & ~mode);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		snprintf(cause, causelen, "bind %s: %s", path,
		    strerror(errno));
		close(fd);
		return (-1);
	}
	umask(old);
	if (chmod(path, mode) == -1 || listen(fd, UNIXSOCK_BACKLOG) == -1) {
		snprintf(cause, causelen, "%s: %s", path, strerror(errno));
		unlink(path);
		close(fd);
		return (-1);
	}
	return (fd);
}

/* Listens on the stream socket at path. */
int
unixsock_listen(const char *path, mode_t mode, const char *owner,
    char *cause, size_t causelen)
{
	return (unixsock_listen_type(path, SOCK_STREAM, mode, owner, cause,
	    causelen));
}
