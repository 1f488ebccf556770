/* SPDX-License-Identifier: ISC */
/*
 * login.h: the login form's routes (docs/httpd.md, "Logging in"): POST
 * /api/login turns Basic credentials, checked by the auth gate, into the
 * login cookie; POST /api/logout clears it.
 */
#ifndef HTTPD_LOGIN_H
#define HTTPD_LOGIN_H

struct evhttp_request;
struct web;

#define LOGIN_TTL_DEFAULT	(7 * 86400)	/* --login-ttl */

/* POST /api/login, after the gate checked its Basic credentials. */
void	login_handle(struct web *w, struct evhttp_request *req,
	    const char *query);
/* POST /api/logout, which needs no credentials. */
void	login_logout(struct web *w, struct evhttp_request *req,
	    const char *query);
/* True for the paths anyone may fetch: the login page and its files. */
int	login_public(const char *path);

#endif
