/* SPDX-License-Identifier: ISC */
/*
 * adopt.h: wsd's end of the WebSocket handoff (docs/handoff.md): a Unix
 * socket where httpd passes connected clients with their request head.
 */
#ifndef CAMPIPE_ADOPT_H
#define CAMPIPE_ADOPT_H

#include <sys/types.h>
#include <stddef.h>

struct adopt;
struct relay;

/*
 * Listens on path (a stale socket there is replaced), mode 0660, group
 * campipe when it exists.  NULL with cause on failure.
 */
struct adopt	*adopt_new(struct relay *r, const char *path, char *cause,
		    size_t causelen);
/* Closes the socket and the links, removes the socket file. */
void		 adopt_free(struct adopt *a);
/* The user besides root whose processes may hand connections over. */
void		 adopt_allow(struct adopt *a, uid_t uid);

#endif
