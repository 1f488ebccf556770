/* SPDX-License-Identifier: ISC */
/*
 * dispatch.h: the HTTP server as the daemon's main() makes it: evhttp with
 * its limits, the cameras with their handlers, every request routed.
 */
#ifndef HTTPD_DISPATCH_H
#define HTTPD_DISPATCH_H

#include <stddef.h>

struct event_base;
struct web;
struct web_conf;

/* Creates the server: evhttp with its limits, the cameras, no listener. */
struct web	*dispatch_new(struct event_base *base,
		    const struct web_conf *conf, char *cause, size_t causelen);
/* Ends every client cleanly and frees everything. */
void		 dispatch_free(struct web *w);

#endif
