/* SPDX-License-Identifier: ISC */
/*
 * host_headers.h: what httpd promises browsers: requests only for names this
 * server answers to (421 otherwise, against DNS rebinding), and on every
 * answer a Content-Security-Policy the viewer works under, nosniff and
 * no-referrer.
 */
#ifndef HTTPD_HOST_HEADERS_H
#define HTTPD_HOST_HEADERS_H

#include <stddef.h>

struct evhttp_request;
struct web_conf;
struct host_headers;

struct host_headers	*host_headers_new(const struct web_conf *conf, char *cause,
		    size_t causelen);
void		 host_headers_free(struct host_headers *b);
/*
 * Adds the security headers to req's answer and checks its Host.  Returns
 * 0 to go on, or -1 after answering 421.
 */
int		 host_headers_check(struct host_headers *b, struct evhttp_request *req);

#endif
