/* SPDX-License-Identifier: ISC */
/*
 * guard.h: httpd's authentication (docs/auth.md): HTTP Basic on every
 * path, --metrics-htpasswd for /metrics, failed clients held on a timer
 * before their next attempt is verified, and GET /api/token.
 */
#ifndef HTTPD_GUARD_H
#define HTTPD_GUARD_H

#include <stddef.h>

struct event_base;
struct evhttp_request;
struct guard;
struct web;
struct web_conf;

#define GUARD_HOLD_MAX	256	/* requests held at once, 429 beyond */

/* Serves a held request once it passed the check. */
typedef void	(*guard_resume_cb)(struct evhttp_request *req, void *arg);

/* Loads the password files and the token key from conf; NULL with cause. */
struct guard	*guard_new(struct event_base *base,
		    const struct web_conf *conf, guard_resume_cb resume,
		    void *arg, char *cause, size_t causelen);
/* Frees, dropping held requests without an answer (at exit). */
void		 guard_free(struct guard *g);
/* True when a password file is in force. */
int		 guard_enabled(const struct guard *g);
/* SIGHUP: re-reads the password files, keeping the old ones on error. */
void		 guard_reload(struct guard *g);
/*
 * Checks a request before its handler.  Returns 0 to go on; otherwise it
 * has answered req (401, 429) or holds it and resumes it later through
 * the callback given to guard_new().
 */
int		 guard_check(struct guard *g, struct evhttp_request *req,
		    int metrics);
/* GET /api/token: a token for the authenticated user, as JSON. */
void		 guard_token(struct web *w, struct evhttp_request *req,
		    const char *query);

#endif
