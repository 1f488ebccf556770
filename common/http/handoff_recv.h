/* SPDX-License-Identifier: ISC */
/*
 * handoff_recv.h: the receiving end of a handoff (docs/handoff.md): a
 * Unix socket where httpd passes connected clients with their request
 * head (httpd's end is httpd/handoff.c); wsd and rtcd listen on one.
 */
#ifndef CAMPIPE_HANDOFF_RECV_H
#define CAMPIPE_HANDOFF_RECV_H

#include <sys/types.h>
#include <stddef.h>

struct event_base;
struct handoff_rec;
struct handoff_recv;

/* A connection handed over: its descriptor (now the callee's) and record. */
typedef void	(*handoff_recv_cb)(int fd, const struct handoff_rec *rec,
		    void *arg);

/*
 * Listens on path (a stale socket there is replaced, when owner's, the
 * daemon's name), mode 0660, group campipe when it exists.  NULL with
 * cause on failure.
 */
struct handoff_recv	*handoff_recv_new(struct event_base *base,
			    const char *path, const char *owner,
			    handoff_recv_cb take, void *arg, char *cause,
			    size_t causelen);
/* Closes the socket and the links, removes the socket file. */
void			 handoff_recv_free(struct handoff_recv *a);
/* The user besides root whose processes may hand connections over. */
void			 handoff_recv_allow(struct handoff_recv *a, uid_t uid);

#endif
