/* SPDX-License-Identifier: ISC */
/*
 * handoff_recv.h: wsd's end of the WebSocket handoff (docs/handoff.md): a Unix
 * socket where httpd passes connected clients with their request head.
 */
#ifndef CAMPIPE_HANDOFF_RECV_H
#define CAMPIPE_HANDOFF_RECV_H

#include <sys/types.h>
#include <stddef.h>

struct handoff_recv;
struct connset;

/*
 * Listens on path (a stale socket there is replaced), mode 0660, group
 * campipe when it exists.  NULL with cause on failure.
 */
struct handoff_recv	*handoff_recv_new(struct connset *r, const char *path, char *cause,
		    size_t causelen);
/* Closes the socket and the links, removes the socket file. */
void		 handoff_recv_free(struct handoff_recv *a);
/* The user besides root whose processes may hand connections over. */
void		 handoff_recv_allow(struct handoff_recv *a, uid_t uid);

#endif
