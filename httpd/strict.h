/* SPDX-License-Identifier: ISC */
/*
 * strict.h: every request head on an httpd connection judged on its raw
 * bytes (common/http/http_strict.h) as they arrive, before evhttp parses and
 * normalises them; a refused head is answered 400 (431 when too large),
 * Content-Length framed, and the connection is closed without evhttp ever
 * seeing the request.
 */
#ifndef HTTPD_STRICT_H
#define HTTPD_STRICT_H

#include <stddef.h>
#include <stdint.h>

struct bufferevent;
struct event_base;
struct evhttp;
struct evhttp_request;
struct strict;

/* Watches every connection evhttp accepts from now on. */
struct strict	*strict_new(struct evhttp *http, size_t max_head);
void		 strict_free(struct strict *s);
/*
 * Makes a new connection's bufferevent, watched (what strict_new() gives
 * evhttp; for a module that makes them in its place).
 */
struct bufferevent *strict_bev(struct event_base *base, void *arg);
/* True when req's connection had a head refused (it is closing). */
int		 strict_refused(struct strict *s, struct evhttp_request *req);

#endif
