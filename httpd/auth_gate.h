/* SPDX-License-Identifier: ISC */
/*
 * auth_gate.h: httpd's authentication (docs/auth.md): HTTP Basic on every
 * path, --metrics-htpasswd for /metrics, failed clients held on a timer
 * before their next attempt is verified, and GET /api/token.
 */
#ifndef HTTPD_AUTH_GATE_H
#define HTTPD_AUTH_GATE_H

#include <stddef.h>

struct event_base;
struct evhttp_request;
struct auth;
struct auth_gate;
struct web;
struct web_conf;

/* What a request is, to auth_gate_check(). */
enum {
	AUTH_GATE_PAGE,		/* anything: a browser's navigation goes to
				 * the login page */
	AUTH_GATE_METRICS,	/* /metrics: --metrics-htpasswd's users */
	AUTH_GATE_LOGIN		/* POST /api/login: Basic only, a 401
				 * without a challenge */
};

#define AUTH_GATE_HOLD_MAX	256	/* requests held at once */
#define AUTH_GATE_HOLD_PER_ADDR	(AUTH_GATE_HOLD_MAX / 4) /* from one address */

/* Serves a held request once it passed the check. */
typedef void	(*auth_gate_resume_cb)(struct evhttp_request *req, void *arg);

/* Loads the password files and the token key from conf; NULL with cause. */
struct auth_gate	*auth_gate_new(struct event_base *base,
		    const struct web_conf *conf, auth_gate_resume_cb resume,
		    void *arg, char *cause, size_t causelen);
/* Frees, dropping held requests without an answer (at exit). */
void		 auth_gate_free(struct auth_gate *g);
/* True when a password file is in force. */
int		 auth_gate_enabled(const struct auth_gate *g);
/* True when NVR credentials are in force (--nvr-credentials). */
int		 auth_gate_nvr(const struct auth_gate *g);
/*
 * Checks an ONVIF request's UsernameToken (user, its PasswordDigest,
 * Nonce and Created).  Returns 0 to go on; 1 when it holds req, resumed
 * later as is through the callback given to auth_gate_new(); -1 with
 * cause when denied (the caller answers).
 */
int		 auth_gate_wsse(struct auth_gate *g, struct evhttp_request *req,
		    const char *user, const char *digest, const char *nonce,
		    const char *created, char *cause, size_t causelen);
/* SIGHUP: re-reads the password files, keeping the old ones on error. */
void		 auth_gate_reload(struct auth_gate *g);
/*
 * Checks a request (kind: AUTH_GATE_*) before its handler: Basic
 * credentials, else the login cookie.  Returns 0 to go on; otherwise it
 * has answered req (401, 303 to the login page, 429) or holds it and
 * resumes it later through the callback given to auth_gate_new().
 */
int		 auth_gate_check(struct auth_gate *g, struct evhttp_request *req,
		    int kind);
/* The authenticator of the password file, to issue tokens with. */
struct auth	*auth_gate_auth(struct auth_gate *g);
/* The user a checked request came in as (Basic or cookie): 0, or -1. */
int		 auth_gate_user(struct auth_gate *g, struct evhttp_request *req,
		    char *user);
/*
 * Whether a checked request's user (or nobody) may watch the camera named
 * camera, by --camera-users and DIR/camera-users (auth.h): 1 or 0.
 */
int		 auth_gate_may_watch(struct auth_gate *g,
		    struct evhttp_request *req, const char *camera);
/* GET /api/token: a token for the authenticated user, as JSON. */
void		 auth_gate_token(struct web *w, struct evhttp_request *req,
		    const char *query);

#endif
