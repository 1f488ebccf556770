/* SPDX-License-Identifier: ISC */
/*
 * pending.h: httpd's connections still in a request head (a new one, or a
 * kept-alive one waiting for its next request) are a bounded pool
 * (common/http/connpool.h): when it is full the oldest goes, not the newcomer,
 * and one address holds only a share.  A head must be whole within
 * --head-timeout of its first byte, however slowly the bytes come.
 *
 * evhttp owns the connections: the pool learns of each one through the
 * bufferevent it creates for evhttp, tracks it until its request reaches
 * the handlers, and again once its answer is out and it waits for the next.
 */
#ifndef HTTPD_PENDING_H
#define HTTPD_PENDING_H

#include <sys/time.h>
#include <stddef.h>

#include "connpool.h"

struct accept_pause;
struct bufferevent;
struct event_base;
struct evhttp;
struct evhttp_request;
struct pending;

struct pending_conf {
	struct connpool_conf	 pool;		/* --max-pending... */
	struct timeval		 head_timeout;	/* from the first byte */
};

/* Makes a connection's bufferevent (an evhttp bevcb). */
typedef struct bufferevent *(*pending_bev_cb)(struct event_base *, void *);

/*
 * Hooks into http's new connections, their bufferevents made by make (or
 * plain sockets when NULL); NULL with cause on failure.
 */
struct pending	*pending_new(struct event_base *base, struct evhttp *http,
		    const struct pending_conf *conf, pending_bev_cb make,
		    void *make_arg, char *cause, size_t causelen);
/* Counts each accept in ap, which yields the loop after a burst. */
void		 pending_set_accept_pause(struct pending *pd,
		    struct accept_pause *ap);
/* Frees; after evhttp_free(), which closes the connections. */
void		 pending_free(struct pending *pd);
/* A request head was read: its connection leaves the pool until answered. */
void		 pending_done(struct pending *pd, struct evhttp_request *req);
/* Connections in the pool now, closed to make room, cut at the deadline. */
size_t		 pending_count(const struct pending *pd);
unsigned long long pending_evicted(const struct pending *pd);
unsigned long long pending_timeouts(const struct pending *pd);

#endif
