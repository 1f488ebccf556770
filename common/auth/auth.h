/* SPDX-License-Identifier: ISC */
/*
 * auth.h: the authentication a web daemon applies to each request, built
 * from htpasswd, auth_basic and auth_token (docs/auth.md).  No I/O but
 * reading the password and key files: the daemon supplies the clock and,
 * when told to wait, holds the request on a timer and asks again.
 */
#ifndef CAMPIPE_AUTH_H
#define CAMPIPE_AUTH_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "auth_access.h"
#include "auth_basic.h"
#include "auth_digest.h"
#include "auth_token.h"
#include "auth_wsse.h"

#define AUTH_CHALLENGE		"Basic realm=\"campipe\", charset=\"UTF-8\""
#define AUTH_CACHE_SLOTS	256
#define AUTH_CACHE_TTL_MS	60000
#define AUTH_FAIL_SLOTS		1024
#define AUTH_FAIL_STEP_MS	2000
#define AUTH_FAIL_MAX_MS	30000
#define AUTH_TOKEN_TTL		60	/* seconds */

/* Configuration; 0 means the default for each number. */
struct auth_conf {
	const char	*htpasswd;	/* NULL: no authentication */
	const char	*nvr_credentials; /* NULL: no Digest (nvrcred.h) */
	const char	*token_key;	/* NULL: a random key for this run */
	unsigned	 token_ttl;	/* seconds a token lives */
	unsigned	 cache_ttl_ms;
	unsigned	 fail_step_ms;
	unsigned	 fail_max_ms;
	/* Cameras for some users only (auth_access.h): rules, a file. */
	const char	*camera_users[AUTH_ACCESS_CAMERAS];
	int		 ncamera_users;
	const char	*camera_users_file;	/* NULL: none; may not exist */
};

enum auth_verdict {
	AUTH_OK,	/* go on: user is filled */
	AUTH_DENY,	/* answer 401 with WWW-Authenticate: AUTH_CHALLENGE */
	AUTH_WAIT,	/* hold the request wait_ms, then ask again */
};

struct auth;

/* Adds a --camera-users rule (kept, not copied) to conf: 0, or -1. */
int		 auth_conf_camera_users(struct auth_conf *conf,
		    const char *spec, char *cause, size_t causelen);

/* Loads the password file and the token key; NULL with cause. */
struct auth	*auth_new(const struct auth_conf *conf, char *cause,
		    size_t causelen);
void		 auth_free(struct auth *);
/* True when a password or NVR credentials file is in force. */
int		 auth_enabled(const struct auth *);
/*
 * Whether user (NULL: nobody signed in) may watch camera, by the rules
 * of --camera-users and the file (auth_access.h): 1 or 0.
 */
int		 auth_allowed(const struct auth *, const char *camera,
		    const char *user);
/* The first camera of a rule not among names (n of them), or NULL. */
const char	*auth_unknown_camera(const struct auth *,
		    const char *const *names, int n);
/*
 * Re-reads the password file and the camera users file (SIGHUP).  On
 * error the old ones stay in force and -1 comes back with cause.  Cached
 * successes are forgotten.
 */
int		 auth_reload(struct auth *, char *cause, size_t causelen);

/*
 * Decides on an Authorization header value (NULL if absent) from address
 * sa at monotonic time now_ms.  A missing header is denied without
 * counting as a failure; a wrong one counts.  cause says why on DENY.
 */
enum auth_verdict auth_check_basic(struct auth *, const char *authorization,
		    const struct sockaddr *sa, uint64_t now_ms, char *user,
		    unsigned *wait_ms, char *cause, size_t causelen);
/*
 * Decides on a WebSocket handshake: a token in the Sec-WebSocket-Protocol
 * value or the query (either may be NULL) verified at wall time now, or
 * else Basic credentials as auth_check_basic.  On OK camera
 * (AUTH_TOKEN_MAX_CAMERA + 1 bytes) is the one camera a token is for, or
 * "" for any the user may watch.
 */
enum auth_verdict auth_check_ws(struct auth *, const char *protocols,
		    const char *query, const char *authorization,
		    const struct sockaddr *sa, uint64_t now_ms, int64_t now,
		    char *user, char *camera, unsigned *wait_ms, char *cause,
		    size_t causelen);

/*
 * Decides on an RTSP request's Authorization value (NULL if absent):
 * Digest against the NVR credentials, Basic against them or the password
 * file, the failures of either held per address as auth_check_basic's.
 * A right Digest response with an old nonce is denied with *stale set, and
 * counts as no failure.  now is wall time in seconds.
 */
enum auth_verdict auth_check_rtsp(struct auth *, const char *authorization,
		    const char *method, const struct sockaddr *sa,
		    uint64_t now_ms, int64_t now, char *user, unsigned *wait_ms,
		    int *stale, char *cause, size_t causelen);
/* True when NVR credentials are in force. */
int		 auth_nvr_enabled(const struct auth *);
/*
 * Decides on an ONVIF request's WS-UsernameToken (auth_wsse.h): user,
 * its PasswordDigest, Nonce and Created, against the NVR credentials at
 * wall time now, the failures held per address as auth_check_basic's.
 * Denied without NVR credentials.
 */
enum auth_verdict auth_check_wsse(struct auth *, const char *user,
		    const char *digest, const char *nonce, const char *created,
		    const struct sockaddr *sa, uint64_t now_ms, int64_t now,
		    unsigned *wait_ms, char *cause, size_t causelen);
/*
 * Writes the WWW-Authenticate lines (CRLF ended) of an RTSP 401: Digest
 * with a fresh nonce when NVR credentials are in force, then Basic.  Its
 * length, or -1 when buf is too small.
 */
int		 auth_challenge_rtsp(struct auth *, int64_t now, int stale,
		    char *buf, size_t len);

/*
 * Says whether a listening address "ADDR:PORT" or "[ADDR]:PORT" stays on
 * this host (127.0.0.0/8, ::1, localhost), where running without a
 * password file is reasonable.
 */
int		 auth_loopback(const char *spec);

/*
 * Issues a token for user valid ttl seconds from wall time now (0:
 * conf->token_ttl), for the camera named camera only (NULL: any the user
 * may watch).
 */
int		 auth_issue(struct auth *, const char *user, int64_t now,
		    unsigned ttl, const char *camera, char *tok, size_t toklen,
		    int64_t *expiry, char *cause, size_t causelen);
/*
 * Decides on a Cookie header value (NULL if absent): the login cookie's
 * token (auth_cookie.h), verified at wall time now, of a user still in
 * the password file, for no one camera.  OK with user filled, or DENY with cause.
 */
enum auth_verdict auth_check_cookie(struct auth *, const char *cookie,
		    int64_t now, char *user, char *cause, size_t causelen);

#endif
