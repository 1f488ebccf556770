/* SPDX-License-Identifier: ISC */
/*
 * browser.h: what httpd promises browsers: requests only for names this
 * server answers to (421 otherwise, against DNS rebinding), and on every
 * answer a Content-Security-Policy the viewer works under, nosniff and
 * no-referrer.
 */
#ifndef HTTPD_BROWSER_H
#define HTTPD_BROWSER_H

#include <stddef.h>

struct evhttp_request;
struct web_conf;
struct browser;

struct browser	*browser_new(const struct web_conf *conf, char *cause,
		    size_t causelen);
void		 browser_free(struct browser *b);
/*
 * Adds the security headers to req's answer and checks its Host.  Returns
 * 0 to go on, or -1 after answering 421.
 */
int		 browser_check(struct browser *b, struct evhttp_request *req);

#endif
