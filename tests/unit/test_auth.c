/* SPDX-License-Identifier: ISC */
/* test_auth.c: request decisions with a real password file and key file. */
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <unistd.h>

#include "auth.h"
#include "test.h"

/* alice's password is "U*U" (the bcrypt test vector), bob's "Hello world!". */
static const char pwfile[] =
    "alice:$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\n"
    "bob:$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQ"
    "JuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1\n";
#define ALICE	"Basic YWxpY2U6VSpV"		/* alice:U*U */
#define ALICE_BAD "Basic YWxpY2U6VSpW"		/* alice:U*W */
#define BOB	"Basic Ym9iOkhlbGxvIHdvcmxkIQ=="	/* bob:Hello world! */

static char	 dir[] = "/tmp/campipe-auth-XXXXXX", pwpath[128], keypath[128];
static char	 user[AUTH_BASIC_MAX_USER + 1], cause[256];
static char	 camera[AUTH_TOKEN_MAX_CAMERA + 1];
static unsigned	 wait_ms;
static struct sockaddr_in sa1, sa2;

/* Writes a file. */
static void
put(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

/* Asks for a Basic decision from an address at a time. */
static enum auth_verdict
basic(struct auth *a, const char *hdr, struct sockaddr_in *sa, uint64_t now)
{
	return (auth_check_basic(a, hdr, (struct sockaddr *)sa, now, user,
	    &wait_ms, cause, sizeof(cause)));
}

/* Without a password file every request passes. */
static void
test_disabled(void)
{
	struct auth_conf	 conf = { 0 };
	struct auth		*a;

	a = auth_new(&conf, cause, sizeof(cause));
	CHECK(a != NULL && !auth_enabled(a));
	CHECK_EQ(basic(a, NULL, &sa1, 0), AUTH_OK);
	CHECK_EQ(auth_check_ws(a, NULL, NULL, NULL, NULL, 0, 0, user, camera,
	    &wait_ms, cause, sizeof(cause)), AUTH_OK);
	CHECK_EQ(auth_reload(a, cause, sizeof(cause)), 0);
	auth_free(a);
}

/* Right, wrong, missing, and delays per address. */
static void
test_basic(void)
{
	struct auth_conf	 conf = { .htpasswd = pwpath, .fail_step_ms = 100,
				    .fail_max_ms = 250 };
	struct auth		*a;

	a = auth_new(&conf, cause, sizeof(cause));
	CHECK(a != NULL && auth_enabled(a));
	if (a == NULL)
		return;
	CHECK_EQ(basic(a, NULL, &sa1, 1000), AUTH_DENY);
	CHECK(strcmp(cause, "no credentials") == 0);
	/* A missing header is not a failure: no delay follows. */
	CHECK_EQ(basic(a, ALICE, &sa1, 1000), AUTH_OK);
	CHECK(strcmp(user, "alice") == 0);
	CHECK_EQ(basic(a, BOB, &sa1, 1000), AUTH_OK);
	CHECK(strcmp(user, "bob") == 0);
	CHECK_EQ(basic(a, ALICE_BAD, &sa1, 1000), AUTH_DENY);
	CHECK(strcmp(cause, "wrong user or password for \"alice\"") == 0);
	/* The next attempt from there waits; another address does not. */
	CHECK_EQ(basic(a, ALICE_BAD, &sa1, 1010), AUTH_WAIT);
	CHECK_EQ(wait_ms, 90);
	CHECK_EQ(basic(a, BOB, &sa2, 1010), AUTH_OK);
	/* Cached credentials pass even from the waiting address, and clear it. */
	CHECK_EQ(basic(a, ALICE, &sa1, 1010), AUTH_OK);
	CHECK_EQ(basic(a, ALICE_BAD, &sa1, 1010), AUTH_DENY);
	CHECK_EQ(basic(a, ALICE_BAD, &sa1, 1100), AUTH_WAIT);
	CHECK_EQ(wait_ms, 10);
	CHECK_EQ(basic(a, ALICE_BAD, &sa1, 1110), AUTH_DENY);
	CHECK_EQ(basic(a, "Basic !!", &sa1, 1310), AUTH_DENY);
	CHECK(strcmp(cause, "malformed base64 in credentials") == 0);
	CHECK_EQ(basic(a, ALICE_BAD, &sa1, 1310), AUTH_WAIT);
	CHECK_EQ(wait_ms, 250);
	/* A verified success clears the address too. */
	CHECK_EQ(auth_reload(a, cause, sizeof(cause)), 0);
	CHECK_EQ(basic(a, ALICE, &sa1, 1560), AUTH_OK);
	CHECK_EQ(basic(a, ALICE_BAD, &sa1, 1560), AUTH_DENY);
	CHECK_EQ(basic(a, "Basic bWFsbG9yeTpVKlU=", &sa2, 1560), AUTH_DENY);
	auth_free(a);
}

/* SIGHUP: a new file takes effect, a bad one leaves the old in force. */
static void
test_reload(void)
{
	struct auth_conf	 conf = { .htpasswd = pwpath };
	struct auth		*a;

	a = auth_new(&conf, cause, sizeof(cause));
	CHECK_EQ(basic(a, ALICE, &sa1, 0), AUTH_OK);
	put(pwpath, "bob:$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/"
	    "O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1\n");
	CHECK_EQ(auth_reload(a, cause, sizeof(cause)), 0);
	/* alice was cached, but the cache went with the old file. */
	CHECK_EQ(basic(a, ALICE, &sa1, 0), AUTH_DENY);
	CHECK_EQ(basic(a, BOB, &sa2, 0), AUTH_OK);
	put(pwpath, "alice:plain\n");
	CHECK_EQ(auth_reload(a, cause, sizeof(cause)), -1);
	CHECK(strstr(cause, ": line 1: plain-text") != NULL);
	CHECK_EQ(basic(a, BOB, &sa2, 100000), AUTH_OK);
	auth_free(a);
	CHECK(auth_new(&conf, cause, sizeof(cause)) == NULL);
	CHECK(strstr(cause, pwpath) != NULL);
	put(pwpath, pwfile);
}

/* Tokens from one daemon verify in another sharing the key file. */
static void
test_tokens(void)
{
	struct auth_conf	 conf = { .htpasswd = pwpath, .token_key = keypath,
				    .token_ttl = 5 };
	struct auth		*h, *w, *other;
	char			 tok[AUTH_TOKEN_MAX], proto[512], query[512];
	int64_t			 exp;

	h = auth_new(&conf, cause, sizeof(cause));
	w = auth_new(&conf, cause, sizeof(cause));
	conf.token_key = NULL;
	other = auth_new(&conf, cause, sizeof(cause));
	CHECK(h != NULL && w != NULL && other != NULL);
	if (h == NULL || w == NULL || other == NULL)
		return;
	CHECK_EQ(auth_issue(h, "alice", 1000, 0, NULL, tok, sizeof(tok), &exp,
	    cause, sizeof(cause)), 0);
	CHECK_EQ(exp, 1005);
	snprintf(proto, sizeof(proto), "campipe, campipe.token.%s", tok);
	snprintf(query, sizeof(query), "fps=2&token=%s", tok);
#define WS(a, p, q, b, t) auth_check_ws(a, p, q, b, (struct sockaddr *)&sa1, \
	0, t, user, camera, &wait_ms, cause, sizeof(cause))
	CHECK_EQ(WS(w, proto, NULL, NULL, 1004), AUTH_OK);
	CHECK(strcmp(user, "alice") == 0 && camera[0] == '\0');
	CHECK_EQ(WS(w, NULL, query, NULL, 1004), AUTH_OK);
	CHECK_EQ(WS(w, proto, NULL, NULL, 1005), AUTH_DENY);
	CHECK(strcmp(cause, "token expired") == 0);
	CHECK_EQ(WS(other, proto, NULL, NULL, 1004), AUTH_DENY);
	CHECK(strcmp(cause, "token signature does not match") == 0);
	CHECK_EQ(WS(w, "campipe", "fps=2", NULL, 1004), AUTH_DENY);
	CHECK(strcmp(cause, "no token and no credentials") == 0);
	/* Without a token, Basic credentials do. */
	CHECK_EQ(WS(w, "campipe", NULL, BOB, 1004), AUTH_OK);
	CHECK(camera[0] == '\0');
	/* A bad token is refused even with good credentials beside it. */
	CHECK_EQ(WS(other, proto, NULL, BOB, 1004), AUTH_DENY);
	/* A token for one camera says which. */
	CHECK_EQ(auth_issue(h, "alice", 1000, 0, "door", tok, sizeof(tok),
	    &exp, cause, sizeof(cause)), 0);
	snprintf(query, sizeof(query), "token=%s", tok);
	CHECK_EQ(WS(w, NULL, query, NULL, 1004), AUTH_OK);
	CHECK(strcmp(user, "alice") == 0 && strcmp(camera, "door") == 0);
	/* It is no login cookie. */
	snprintf(proto, sizeof(proto), "campipe_login=%s", tok);
	CHECK_EQ(auth_check_cookie(w, proto, 1004, user, cause,
	    sizeof(cause)), AUTH_DENY);
	CHECK(strcmp(cause, "a token for camera door is no login") == 0);
	CHECK_EQ(auth_issue(h, "alice", 1000, 0, "do or", tok, sizeof(tok),
	    &exp, cause, sizeof(cause)), -1);
#undef WS
	/* The login cookie: a longer token, the same key, the same checks. */
	CHECK_EQ(auth_issue(h, "alice", 1000, 3600, NULL, tok, sizeof(tok),
	    &exp, cause, sizeof(cause)), 0);
	CHECK_EQ(exp, 4600);
	snprintf(proto, sizeof(proto), "theme=dark; campipe_login=%s", tok);
	CHECK_EQ(auth_check_cookie(w, proto, 4599, user, cause,
	    sizeof(cause)), AUTH_OK);
	CHECK(strcmp(user, "alice") == 0);
	CHECK_EQ(auth_check_cookie(w, proto, 4600, user, cause,
	    sizeof(cause)), AUTH_DENY);
	CHECK(strcmp(cause, "token expired") == 0);
	CHECK_EQ(auth_check_cookie(other, proto, 1001, user, cause,
	    sizeof(cause)), AUTH_DENY);
	CHECK_EQ(auth_check_cookie(w, "theme=dark", 1001, user, cause,
	    sizeof(cause)), AUTH_DENY);
	CHECK(strcmp(cause, "no login cookie") == 0);
	CHECK_EQ(auth_check_cookie(w, NULL, 1001, user, cause,
	    sizeof(cause)), AUTH_DENY);
	auth_free(h);
	auth_free(w);
	auth_free(other);
}

/* Loopback listening addresses, and the rest. */
static void
test_loopback(void)
{
	CHECK_EQ(auth_loopback("127.0.0.1:8080"), 1);
	CHECK_EQ(auth_loopback("127.1.2.3:1"), 1);
	CHECK_EQ(auth_loopback("localhost:8080"), 1);
	CHECK_EQ(auth_loopback("[::1]:8080"), 1);
	CHECK_EQ(auth_loopback("0.0.0.0:8080"), 0);
	CHECK_EQ(auth_loopback(":8080"), 0);
	CHECK_EQ(auth_loopback("*:8080"), 0);
	CHECK_EQ(auth_loopback("[::]:8080"), 0);
	CHECK_EQ(auth_loopback("[::ffff:127.0.0.1]:8080"), 0);
	CHECK_EQ(auth_loopback("192.168.1.2:80"), 0);
	CHECK_EQ(auth_loopback("128.0.0.1:80"), 0);
	CHECK_EQ(auth_loopback("camera.local:80"), 0);
	CHECK_EQ(auth_loopback("127.0.0.1"), 0);
	CHECK_EQ(auth_loopback("[::1"), 0);
	CHECK_EQ(auth_loopback(""), 0);
}

/* zeep's UsernameToken (test_onvif_request.c) against the NVR file:
 * right, wrong (held per address), too old, and without the file. */
static void
test_wsse(void)
{
	static const char d[] = "fLK7+haVVKvJYzv9RCS2qEfQbJQ=";
	static const char n[] = "MDEyMzQ1Njc4OWFiY2RlZg==";
	static const char c[] = "2026-12-07T06:13:53+00:00";
	struct auth_conf	 conf = { 0 };
	struct auth		*a;
	char			 nvr[160];
	struct sockaddr		*s1 = (struct sockaddr *)&sa1;
	struct sockaddr		*s2 = (struct sockaddr *)&sa2;
	int64_t			 t = 1796624033;

	snprintf(nvr, sizeof(nvr), "%s/nvr", dir);
	put(nvr, "nvr:hfSMj3CSXqdtZwCCh8wc\n");
	chmod(nvr, 0600);
	a = auth_new(&conf, cause, sizeof(cause));
	CHECK(a != NULL && !auth_nvr_enabled(a));
	CHECK_EQ(auth_check_wsse(a, "nvr", d, n, c, s1, 0, t, &wait_ms, cause,
	    sizeof(cause)), AUTH_DENY);
	auth_free(a);
	conf.nvr_credentials = nvr;
	conf.fail_step_ms = 100;
	a = auth_new(&conf, cause, sizeof(cause));
	CHECK(a != NULL && auth_nvr_enabled(a));
	CHECK_EQ(auth_check_wsse(a, "nvr", d, n, c, s1, 0, t, &wait_ms, cause,
	    sizeof(cause)), AUTH_OK);
	CHECK_EQ(auth_check_wsse(a, "other", d, n, c, s1, 0, t, &wait_ms, cause,
	    sizeof(cause)), AUTH_DENY);
	/* That address waits; another does not. */
	CHECK_EQ(auth_check_wsse(a, "nvr", d, n, c, s1, 10, t, &wait_ms, cause,
	    sizeof(cause)), AUTH_WAIT);
	CHECK(wait_ms > 0 && wait_ms <= 100);
	CHECK_EQ(auth_check_wsse(a, "nvr", d, n, c, s2, 10, t, &wait_ms, cause,
	    sizeof(cause)), AUTH_OK);
	CHECK_EQ(auth_check_wsse(a, "nvr", d, n, c, s1, 200, t, &wait_ms, cause,
	    sizeof(cause)), AUTH_OK);
	/* Six minutes late: denied, but not counted against the address. */
	CHECK_EQ(auth_check_wsse(a, "nvr", d, n, c, s1, 300, t + 360, &wait_ms,
	    cause, sizeof(cause)), AUTH_DENY);
	CHECK_EQ(auth_check_wsse(a, "nvr", d, n, c, s1, 301, t, &wait_ms, cause,
	    sizeof(cause)), AUTH_OK);
	auth_free(a);
	unlink(nvr);
}

int
main(void)
{
	CHECK(mkdtemp(dir) != NULL);
	snprintf(pwpath, sizeof(pwpath), "%s/htpasswd", dir);
	snprintf(keypath, sizeof(keypath), "%s/token.key", dir);
	put(pwpath, pwfile);
	sa1.sin_family = sa2.sin_family = AF_INET;
	inet_pton(AF_INET, "127.0.0.1", &sa1.sin_addr);
	inet_pton(AF_INET, "127.0.0.2", &sa2.sin_addr);
	RUN(test_disabled);
	RUN(test_basic);
	RUN(test_reload);
	RUN(test_tokens);
	RUN(test_loopback);
	RUN(test_wsse);
	unlink(pwpath);
	unlink(keypath);
	rmdir(dir);
	return (TEST_DONE("auth"));
}
