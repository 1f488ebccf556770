/* SPDX-License-Identifier: ISC */
/* unixsock.h: connecting to a local stream socket, such as capd's. */
#ifndef CAMPIPE_UNIXSOCK_H
#define CAMPIPE_UNIXSOCK_H

/*
 * Connects to the Unix stream socket at path, non-blocking and
 * close-on-exec.  The descriptor, or -1 with errno.
 */
int	unixsock_connect(const char *path);

#endif
