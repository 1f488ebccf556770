/* SPDX-License-Identifier: ISC */
/* auth.c: per-request authentication decisions for httpd and wsd. */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "auth.h"
#include "auth_cookie.h"
#include "htpasswd.h"
#include "nvrcred.h"

struct auth {
	struct auth_conf	 conf;		/* with defaults filled */
	struct htpasswd		*pw;		/* NULL: authentication off */
	struct nvrcred		*nvr;		/* NULL: no Digest */
	struct auth_basic_cache	*cache;
	struct auth_basic_fail	*fail;
	unsigned char		 key[AUTH_TOKEN_KEY_LEN];
	struct auth_access	 access;
};

/* Builds the camera rules of conf into t.  0, or -1 with cause. */
static int
auth_access_build(const struct auth_conf *conf, struct auth_access *t,
    char *cause, size_t causelen)
{
	char	 why[256];
	int	 i;

	auth_access_init(t);
	for (i = 0; i < conf->ncamera_users; i++)
		if (auth_access_add(t, conf->camera_users[i],
		    strlen(conf->camera_users[i]), why, sizeof(why)) == -1) {
			snprintf(cause, causelen, "--camera-users %s: %s",
			    conf->camera_users[i], why);
			return (-1);
		}
	if (conf->camera_users_file != NULL &&
	    auth_access_load(t, conf->camera_users_file, cause,
	    causelen) == -1)
		return (-1);
	return (0);
}

/* Adds a --camera-users rule to conf. */
int
auth_conf_camera_users(struct auth_conf *conf, const char *spec,
    char *cause, size_t causelen)
{
	if (conf->ncamera_users == AUTH_ACCESS_CAMERAS) {
		snprintf(cause, causelen, "at most %d", AUTH_ACCESS_CAMERAS);
		return (-1);
	}
	conf->camera_users[conf->ncamera_users++] = spec;
	return (0);
}

/* Loads the password file and the token key. */
struct auth *
auth_new(const struct auth_conf *conf, char *cause, size_t causelen)
{
	struct auth	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	a->conf = *conf;
	if (a->conf.token_ttl == 0)
		a->conf.token_ttl = AUTH_TOKEN_TTL;
	if (a->conf.cache_ttl_ms == 0)
		a->conf.cache_ttl_ms = AUTH_CACHE_TTL_MS;
	if (a->conf.fail_step_ms == 0)
		a->conf.fail_step_ms = AUTH_FAIL_STEP_MS;
	if (a->conf.fail_max_ms == 0)
		a->conf.fail_max_ms = AUTH_FAIL_MAX_MS;
	a->cache = auth_basic_cache_new(AUTH_CACHE_SLOTS, a->conf.cache_ttl_ms);
	a->fail = auth_basic_fail_new(AUTH_FAIL_SLOTS, a->conf.fail_step_ms,
	    a->conf.fail_max_ms);
	if (a->cache == NULL || a->fail == NULL) {
		snprintf(cause, causelen, "out of memory");
		goto fail;
	}
	if (conf->htpasswd != NULL &&
	    (a->pw = htpasswd_load(conf->htpasswd, cause, causelen)) == NULL)
		goto fail;
	if (conf->nvr_credentials != NULL && (a->nvr = nvrcred_load(
	    conf->nvr_credentials, cause, causelen)) == NULL)
		goto fail;
	if (conf->token_key != NULL) {
		if (auth_token_key_load(conf->token_key, 1, a->key, cause,
		    causelen) == -1)
			goto fail;
	} else if (auth_token_key_random(a->key, cause, causelen) == -1)
		goto fail;
	if (auth_access_build(conf, &a->access, cause, causelen) == -1)
		goto fail;
	if (a->access.n > 0 && !auth_enabled(a)) {
		snprintf(cause, causelen, "cameras for some users (%s) need a "
		    "password file", a->access.rules[0].camera);
		goto fail;
	}
	return (a);
fail:
	auth_free(a);
	return (NULL);
}

/* Frees everything, wiping the key. */
void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	htpasswd_free(a->pw);
	nvrcred_free(a->nvr);
	auth_basic_cache_free(a->cache);
	auth_basic_fail_free(a->fail);
	OPENSSL_cleanse(a->key, sizeof(a->key));
	free(a);
}

/* True when requests need credentials. */
int
auth_enabled(const struct auth *a)
{
	return (a->pw != NULL || a->nvr != NULL);
}

/* Whether user may watch camera. */
int
auth_allowed(const struct auth *a, const char *camera, const char *user)
{
	return (auth_access_allowed(&a->access, camera, user));
}

/* The first camera of a rule not among names. */
const char *
auth_unknown_camera(const struct auth *a, const char *const *names, int n)
{
	return (auth_access_unknown(&a->access, names, n));
}

/* True when NVR credentials are in force. */
int
auth_nvr_enabled(const struct auth *a)
{
	return (a->nvr != NULL);
}

/* Decides on a WS-UsernameToken against the NVR credentials. */
enum auth_verdict
auth_check_wsse(struct auth *a, const char *user, const char *digest,
    const char *nonce, const char *created, const struct sockaddr *sa,
    uint64_t now_ms, int64_t now, unsigned *wait_ms, char *cause,
    size_t causelen)
{
	const char	*pass;

	*wait_ms = 0;
	if (a->nvr == NULL) {
		snprintf(cause, causelen, "no NVR credentials");
		return (AUTH_DENY);
	}
	if ((*wait_ms = auth_basic_fail_delay(a->fail, sa, now_ms)) > 0)
		return (AUTH_WAIT);
	/* An unknown user gets a digest too, so timing tells nothing. */
	pass = nvrcred_password(a->nvr, user);
	switch (auth_wsse_check(digest, nonce, created, pass != NULL ? pass :
	    "-", now, AUTH_WSSE_WINDOW)) {
	case AUTH_WSSE_OK:
		if (pass != NULL) {
			auth_basic_fail_clear(a->fail, sa);
			return (AUTH_OK);
		}
		break;
	case AUTH_WSSE_TIME:
		snprintf(cause, causelen, "Created \"%s\" is more than %d s "
		    "from now", created, AUTH_WSSE_WINDOW);
		if (pass != NULL)	/* the password is known: no guess */
			return (AUTH_DENY);
		break;
	case AUTH_WSSE_WRONG:
		break;
	}
	snprintf(cause, causelen, "wrong user or password for \"%s\"", user);
	auth_basic_fail_record(a->fail, sa, now_ms);
	return (AUTH_DENY);
}

/* Re-reads the password file, keeping the old one on error. */
int
auth_reload(struct auth *a, char *cause, size_t causelen)
{
	static struct auth_access	 access;	/* one thread */
	struct htpasswd			*pw = NULL;
	struct nvrcred			*nvr = NULL;

	if (auth_access_build(&a->conf, &access, cause, causelen) == -1)
		return (-1);
	if (a->conf.htpasswd != NULL &&
	    (pw = htpasswd_load(a->conf.htpasswd, cause, causelen)) == NULL)
		return (-1);
	if (a->conf.nvr_credentials != NULL && (nvr = nvrcred_load(
	    a->conf.nvr_credentials, cause, causelen)) == NULL) {
		htpasswd_free(pw);
		return (-1);
	}
	if (pw != NULL) {
		htpasswd_free(a->pw);
		a->pw = pw;
	}
	if (nvr != NULL) {
		nvrcred_free(a->nvr);
		a->nvr = nvr;
	}
	a->access = access;
	auth_basic_cache_flush(a->cache);
	return (0);
}

/* Decides on Basic credentials. */
enum auth_verdict
auth_check_basic(struct auth *a, const char *authorization,
    const struct sockaddr *sa, uint64_t now_ms, char *user, unsigned *wait_ms,
    char *cause, size_t causelen)
{
	char		 pass[AUTH_BASIC_MAX_PASS + 1];
	enum auth_verdict v = AUTH_DENY;

	*wait_ms = 0;
	user[0] = '\0';
	if (a->pw == NULL)
		return (AUTH_OK);
	if (authorization == NULL) {
		snprintf(cause, causelen, "no credentials");
		return (AUTH_DENY);
	}
	if (auth_basic_parse(authorization, strlen(authorization), user, pass,
	    cause, causelen) == 0 &&
	    auth_basic_cache_lookup(a->cache, user, pass, now_ms)) {
		auth_basic_fail_clear(a->fail, sa);
		v = AUTH_OK;
	} else if ((*wait_ms = auth_basic_fail_delay(a->fail, sa, now_ms)) > 0)
		v = AUTH_WAIT;
	else if (user[0] != '\0' && htpasswd_check(a->pw, user, pass)) {
		auth_basic_cache_insert(a->cache, user, pass, now_ms);
		auth_basic_fail_clear(a->fail, sa);
		v = AUTH_OK;
	} else {
		if (user[0] != '\0')
			snprintf(cause, causelen, "wrong user or password "
			    "for \"%s\"", user);
		auth_basic_fail_record(a->fail, sa, now_ms);
	}
	OPENSSL_cleanse(pass, sizeof(pass));
	return (v);
}

/* Decides on RTSP Digest credentials against the NVR file. */
static enum auth_verdict
auth_check_digest(struct auth *a, const char *authorization,
    const char *method, const struct sockaddr *sa, uint64_t now_ms,
    int64_t now, char *user, unsigned *wait_ms, int *stale, char *cause,
    size_t causelen)
{
	struct auth_digest	 d;
	const char		*pass;

	if ((*wait_ms = auth_basic_fail_delay(a->fail, sa, now_ms)) > 0)
		return (AUTH_WAIT);
	if (a->nvr == NULL)
		snprintf(cause, causelen, "Digest credentials, but no NVR "
		    "credentials file");
	else if (auth_digest_parse(authorization, strlen(authorization), &d,
	    cause, causelen) == 0) {
		snprintf(user, AUTH_BASIC_MAX_USER + 1, "%s", d.username);
		pass = nvrcred_password(a->nvr, d.username);
		switch (pass == NULL ? AUTH_DIGEST_WRONG : auth_digest_check(&d,
		    method, pass, a->key, now, AUTH_DIGEST_NONCE_TTL)) {
		case AUTH_DIGEST_OK:
			auth_basic_fail_clear(a->fail, sa);
			return (AUTH_OK);
		case AUTH_DIGEST_STALE:
			*stale = 1;
			snprintf(cause, causelen, "stale nonce");
			return (AUTH_DENY);
		case AUTH_DIGEST_WRONG:
			snprintf(cause, causelen, "wrong Digest response for "
			    "\"%s\"", user);
			break;
		}
	}
	auth_basic_fail_record(a->fail, sa, now_ms);
	return (AUTH_DENY);
}

/* Decides on an RTSP request's credentials. */
enum auth_verdict
auth_check_rtsp(struct auth *a, const char *authorization, const char *method,
    const struct sockaddr *sa, uint64_t now_ms, int64_t now, char *user,
    unsigned *wait_ms, int *stale, char *cause, size_t causelen)
{
	char		 pass[AUTH_BASIC_MAX_PASS + 1];
	const char	*want;
	int		 ok;

	*wait_ms = 0;
	*stale = 0;
	user[0] = '\0';
	if (a->pw == NULL && a->nvr == NULL)
		return (AUTH_OK);
	if (authorization == NULL) {
		snprintf(cause, causelen, "no credentials");
		return (AUTH_DENY);
	}
	if (strncasecmp(authorization, "Digest ", 7) == 0)
		return (auth_check_digest(a, authorization, method, sa, now_ms,
		    now, user, wait_ms, stale, cause, causelen));
	if (a->nvr != NULL && auth_basic_parse(authorization,
	    strlen(authorization), user, pass, cause, causelen) == 0 &&
	    (want = nvrcred_password(a->nvr, user)) != NULL) {
		if ((*wait_ms = auth_basic_fail_delay(a->fail, sa,
		    now_ms)) > 0) {
			OPENSSL_cleanse(pass, sizeof(pass));
			return (AUTH_WAIT);
		}
		ok = strlen(pass) == strlen(want) &&
		    CRYPTO_memcmp(pass, want, strlen(want)) == 0;
		OPENSSL_cleanse(pass, sizeof(pass));
		if (ok) {
			auth_basic_fail_clear(a->fail, sa);
			return (AUTH_OK);
		}
	}
	OPENSSL_cleanse(pass, sizeof(pass));
	if (a->pw != NULL)
		return (auth_check_basic(a, authorization, sa, now_ms, user,
		    wait_ms, cause, causelen));
	if ((*wait_ms = auth_basic_fail_delay(a->fail, sa, now_ms)) > 0)
		return (AUTH_WAIT);
	snprintf(cause, causelen, "wrong user or password");
	auth_basic_fail_record(a->fail, sa, now_ms);
	return (AUTH_DENY);
}

/* Writes an RTSP 401's challenges. */
int
auth_challenge_rtsp(struct auth *a, int64_t now, int stale, char *buf,
    size_t len)
{
	char	 nonce[AUTH_DIGEST_NONCE_LEN + 1];
	int	 n = 0, m;

	if (a->nvr != NULL) {
		auth_digest_nonce(a->key, now, nonce);
		n = snprintf(buf, len, "WWW-Authenticate: Digest realm=\""
		    AUTH_DIGEST_REALM "\", nonce=\"%s\"%s\r\n", nonce,
		    stale ? ", stale=TRUE" : "");
		if (n < 0 || (size_t)n >= len)
			return (-1);
	}
	m = snprintf(buf + n, len - (size_t)n, "WWW-Authenticate: "
	    AUTH_CHALLENGE "\r\n");
	if (m < 0 || (size_t)m >= len - (size_t)n)
		return (-1);
	return (n + m);
}

/* Decides on a WebSocket handshake: a token, else Basic credentials. */
enum auth_verdict
auth_check_ws(struct auth *a, const char *protocols, const char *query,
    const char *authorization, const struct sockaddr *sa, uint64_t now_ms,
    int64_t now, char *user, char *camera, unsigned *wait_ms, char *cause,
    size_t causelen)
{
	const char	*tok = NULL;
	size_t		 len = 0;

	*wait_ms = 0;
	user[0] = '\0';
	camera[0] = '\0';
	if (a->pw == NULL)
		return (AUTH_OK);
	if ((protocols == NULL || auth_token_from_protocols(protocols,
	    strlen(protocols), &tok, &len) == -1) &&
	    (query == NULL || auth_token_from_query(query, strlen(query),
	    &tok, &len) == -1))
		tok = NULL;
	if (tok != NULL) {
		if (auth_token_verify(a->key, tok, len, now, user, NULL, camera,
		    cause, causelen) == -1)
			return (AUTH_DENY);
		/* A user removed from the file loses access at once. */
		if (!htpasswd_has(a->pw, user)) {
			snprintf(cause, causelen, "token for \"%s\", who is not "
			    "in the password file", user);
			return (AUTH_DENY);
		}
		return (AUTH_OK);
	}
	if (authorization == NULL) {
		snprintf(cause, causelen, "no token and no credentials");
		return (AUTH_DENY);
	}
	return (auth_check_basic(a, authorization, sa, now_ms, user, wait_ms,
	    cause, causelen));
}

/* Decides on the login cookie. */
enum auth_verdict
auth_check_cookie(struct auth *a, const char *cookie, int64_t now,
    char *user, char *cause, size_t causelen)
{
	const char	*tok;
	char		 camera[AUTH_TOKEN_MAX_CAMERA + 1];
	size_t		 len;

	user[0] = '\0';
	if (a->pw == NULL) {
		snprintf(cause, causelen, "no password file");
		return (AUTH_DENY);
	}
	if (cookie == NULL || auth_cookie_find(cookie, strlen(cookie), &tok,
	    &len) == -1) {
		snprintf(cause, causelen, "no login cookie");
		return (AUTH_DENY);
	}
	if (auth_token_verify(a->key, tok, len, now, user, NULL, camera,
	    cause, causelen) == -1)
		return (AUTH_DENY);
	if (camera[0] != '\0') {
		snprintf(cause, causelen, "a token for camera %s is no login",
		    camera);
		user[0] = '\0';
		return (AUTH_DENY);
	}
	if (!htpasswd_has(a->pw, user)) {
		snprintf(cause, causelen, "login of \"%s\", who is not in the "
		    "password file", user);
		user[0] = '\0';
		return (AUTH_DENY);
	}
	return (AUTH_OK);
}

/* Issues a token. */
int
auth_issue(struct auth *a, const char *user, int64_t now, unsigned ttl,
    const char *camera, char *tok, size_t toklen, int64_t *expiry,
    char *cause, size_t causelen)
{
	*expiry = now + (ttl != 0 ? ttl : a->conf.token_ttl);
	if (a->pw != NULL && !htpasswd_has(a->pw, user)) {
		snprintf(cause, causelen, "no token for \"%s\", who is not in "
		    "the password file", user);
		return (-1);
	}
	return (auth_token_issue(a->key, user, *expiry, camera, tok, toklen,
	    cause, causelen));
}

/* Says whether a listening address is a loopback one. */
int
auth_loopback(const char *spec)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;
	const char	*end;
	char		 host[INET6_ADDRSTRLEN + 1];
	size_t		 n;

	if (*spec == '[') {
		spec++;
		end = strchr(spec, ']');
	} else
		end = strrchr(spec, ':');
	if (end == NULL || (n = end - spec) == 0 || n >= sizeof(host))
		return (0);
	memcpy(host, spec, n);
	host[n] = '\0';
	if (strcmp(host, "localhost") == 0)
		return (1);
	if (inet_pton(AF_INET, host, &a4) == 1)
		return ((ntohl(a4.s_addr) >> 24) == 127);
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return (IN6_IS_ADDR_LOOPBACK(&a6));
	return (0);
}
