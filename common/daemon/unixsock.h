/* SPDX-License-Identifier: ISC */
/*
 * unixsock.h: local sockets, both sides: connecting to one (such as
 * capd's), and listening on one, where a stale socket file is replaced
 * and a live one left to whoever listens on it.  Stream sockets, or any
 * type (SOCK_SEQPACKET for httpd's handoff to wsd) with the _type forms.
 */
#ifndef CAMPIPE_UNIXSOCK_H
#define CAMPIPE_UNIXSOCK_H

#include <sys/types.h>
#include <stddef.h>

/*
 * Connects to the Unix stream socket at path, non-blocking and
 * close-on-exec.  The descriptor, or -1 with errno.
 */
int	unixsock_connect(const char *path);
/* The same for a socket of type (SOCK_STREAM, SOCK_SEQPACKET). */
int	unixsock_connect_type(const char *path, int type);
/*
 * Listens on path with permissions mode, non-blocking and close-on-exec.
 * A socket file nobody listens on is replaced (logged); one someone
 * listens on is refused, the cause saying "another OWNER is listening on
 * PATH"; anything else at path is refused.  The descriptor, or -1 with
 * cause.
 */
int	unixsock_listen(const char *path, mode_t mode, const char *owner,
	    char *cause, size_t causelen);
/* The same for a socket of type (SOCK_STREAM, SOCK_SEQPACKET). */
int	unixsock_listen_type(const char *path, int type, mode_t mode,
	    const char *owner, char *cause, size_t causelen);

#endif
