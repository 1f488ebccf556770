/* SPDX-License-Identifier: ISC */
/*
 * usock.h: capd's listening Unix sockets.
 */
#ifndef CAPD_USOCK_H
#define CAPD_USOCK_H

#include <stddef.h>

struct server_conf;

/*
 * Opens a listening Unix socket at conf->path with conf->mode: refuses if
 * someone listens there, replaces a stale socket file.  The descriptor
 * (non-blocking), or -1 and cause.
 */
int	usock_listen(const struct server_conf *conf, char *cause,
	    size_t causelen);

#endif
