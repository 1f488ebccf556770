/* SPDX-License-Identifier: ISC */
/*
 * usock.c: capd's listening Unix sockets (frames, H.264, control): a
 * stale socket file replaced, a live one left to its capd.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "server.h"
#include "usock.h"

#define USOCK_PATH_SHOWN	64	/* bytes of a rejected path logged */

/* Opens the listening socket, replacing a stale file. */
int
usock_listen(const struct server_conf *conf, char *cause, size_t causelen)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	mode_t			 old;
	int			 fd, probe;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(conf->path) >= sizeof(sun.sun_path)) {
		snprintf(cause, causelen, "socket path of %zu bytes too long "
		    "(at most %zu): %.*s...", strlen(conf->path),
		    sizeof(sun.sun_path) - 1, USOCK_PATH_SHOWN, conf->path);
		return (-1);
	}
	memcpy(sun.sun_path, conf->path, strlen(conf->path));
	if (lstat(conf->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(cause, causelen, "%s exists and is not a "
			    "socket", conf->path);
			return (-1);
		}
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe != -1 && connect(probe, (struct sockaddr *)&sun,
		    sizeof(sun)) == 0) {
			close(probe);
			snprintf(cause, causelen, "another capd is listening "
			    "on %s", conf->path);
			return (-1);
		}
		if (probe != -1)
			close(probe);
		if (unlink(conf->path) == -1) {
			snprintf(cause, causelen, "cannot remove stale %s: %s",
			    conf->path, strerror(errno));
			return (-1);
		}
		log_info("replaced stale socket %s", conf->path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		snprintf(cause, causelen, "socket: %s", strerror(errno));
		return (-1);
	}
	old = umask(0777 & ~conf->mode);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		snprintf(cause, causelen, "bind %s: %s", conf->path,
		    strerror(errno));
		close(fd);
		return (-1);
	}
	umask(old);
	if (chmod(conf->path, conf->mode) == -1 || listen(fd, 64) == -1) {
		snprintf(cause, causelen, "%s: %s", conf->path,
		    strerror(errno));
		unlink(conf->path);
		close(fd);
		return (-1);
	}
	return (fd);
}
