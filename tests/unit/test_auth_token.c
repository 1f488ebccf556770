/* SPDX-License-Identifier: ISC */
/* test_auth_token.c: token bytes, signatures, expiry and key files. */
#include <sys/stat.h>

#include <stdlib.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth_token.h"
#include "doc_test.h"
#include "test.h"

/* Key 00 01 .. 1f; the token below was computed independently. */
static unsigned char	 key[AUTH_TOKEN_KEY_LEN];
static const char	 alice[] =
    "YWxpY2V8MTc2NDA1NzYwMA.nPsbs7AYrLMB6NtiaMZxOZ1Nk7VmN8zMCf0znWLDjMo";
static const char	 alice_door[] =
    "YWxpY2V8MTc2NDA1NzYwMHxkb29y.CpBNzUs3iqed8v4eTZIRRQCO7hzoG_fn2womZ53Wsio";
static char		 user[AUTH_TOKEN_MAX_USER + 1], cause[128];
static char		 camera[AUTH_TOKEN_MAX_CAMERA + 1];

/* Verifies a token string at time now; returns 0 or -1. */
static int
verify(const char *tok, int64_t now)
{
	int64_t	 exp;

	cause[0] = '\0';
	return (auth_token_verify(key, tok, strlen(tok), now, user, &exp,
	    camera, cause, sizeof(cause)));
}

/* The exact token for a known key, user and expiry. */
static void
test_issue_exact(void)
{
	char	 tok[AUTH_TOKEN_MAX];
	int64_t	 exp = 0;

	CHECK_EQ(auth_token_issue(key, "alice", 1764057600, NULL, tok, sizeof(tok),
	    cause, sizeof(cause)), 0);
	CHECK(strcmp(tok, alice) == 0);
	CHECK_EQ(auth_token_verify(key, tok, strlen(tok), 1764057599, user,
	    &exp, camera, cause, sizeof(cause)), 0);
	CHECK(strcmp(user, "alice") == 0 && camera[0] == '\0');
	CHECK_EQ(exp, 1764057600);
	/* Too small a buffer, and names or times a token cannot carry. */
	CHECK_EQ(auth_token_issue(key, "alice", 1, NULL, tok, 20, cause,
	    sizeof(cause)), -1);
	CHECK_EQ(auth_token_issue(key, "a|b", 1, NULL, tok, sizeof(tok), cause,
	    sizeof(cause)), -1);
	CHECK_EQ(auth_token_issue(key, "", 1, NULL, tok, sizeof(tok), cause,
	    sizeof(cause)), -1);
	CHECK_EQ(auth_token_issue(key, "a\nb", 1, NULL, tok, sizeof(tok), cause,
	    sizeof(cause)), -1);
	CHECK_EQ(auth_token_issue(key, "a", -1, NULL, tok, sizeof(tok), cause,
	    sizeof(cause)), -1);
}

/* A token for one camera: exact bytes; it says which camera. */
static void
test_issue_camera(void)
{
	char	 tok[AUTH_TOKEN_MAX], c[AUTH_TOKEN_MAX_CAMERA + 2];
	int64_t	 exp = 0;

	CHECK_EQ(auth_token_issue(key, "alice", 1764057600, "door", tok,
	    sizeof(tok), cause, sizeof(cause)), 0);
	CHECK(strcmp(tok, alice_door) == 0);
	CHECK_EQ(auth_token_verify(key, tok, strlen(tok), 1764057599, user,
	    &exp, camera, cause, sizeof(cause)), 0);
	CHECK(strcmp(user, "alice") == 0 && strcmp(camera, "door") == 0);
	CHECK_EQ(exp, 1764057600);
	/* Names a camera cannot have; the longest one. */
	CHECK_EQ(auth_token_issue(key, "alice", 1, "", tok, sizeof(tok),
	    cause, sizeof(cause)), -1);
	CHECK_EQ(auth_token_issue(key, "alice", 1, "a|b", tok, sizeof(tok),
	    cause, sizeof(cause)), -1);
	CHECK_EQ(auth_token_issue(key, "alice", 1, "do or", tok, sizeof(tok),
	    cause, sizeof(cause)), -1);
	memset(c, 'c', sizeof(c));
	c[AUTH_TOKEN_MAX_CAMERA] = '\0';
	memset(user, 'u', AUTH_TOKEN_MAX_USER);
	user[AUTH_TOKEN_MAX_USER] = '\0';
	CHECK_EQ(auth_token_issue(key, user, 999999999999999999LL, c, tok,
	    sizeof(tok), cause, sizeof(cause)), 0);
	CHECK(strlen(tok) < AUTH_TOKEN_MAX);
	CHECK_EQ(verify(tok, 1), 0);
	CHECK(strcmp(camera, c) == 0);
	c[AUTH_TOKEN_MAX_CAMERA] = 'c';
	c[AUTH_TOKEN_MAX_CAMERA + 1] = '\0';
	CHECK_EQ(auth_token_issue(key, "alice", 1, c, tok, sizeof(tok), cause,
	    sizeof(cause)), -1);
}

/* docs/auth.md's example token is the one issued above. */
static void
test_doc_example(void)
{
	char	 doc[512];

	CHECK(doc_block("docs/auth.md", "Example, with the key", doc,
	    sizeof(doc)) > 0);
	CHECK(strlen(doc) == sizeof(alice) &&
	    strncmp(doc, alice, sizeof(alice) - 1) == 0 &&
	    doc[sizeof(alice) - 1] == '\n');
	CHECK(doc_block("docs/auth.md", "The same token for the camera door",
	    doc, sizeof(doc)) > 0);
	CHECK(strlen(doc) == sizeof(alice_door) &&
	    strncmp(doc, alice_door, sizeof(alice_door) - 1) == 0);
}

/* The longest user and expiry fit and verify. */
static void
test_issue_longest(void)
{
	char	 tok[AUTH_TOKEN_MAX], u[AUTH_TOKEN_MAX_USER + 2];

	memset(u, 'u', sizeof(u));
	u[AUTH_TOKEN_MAX_USER] = '\0';
	CHECK_EQ(auth_token_issue(key, u, 999999999999999999LL, NULL, tok,
	    sizeof(tok), cause, sizeof(cause)), 0);
	CHECK_EQ(verify(tok, 1764057600), 0);
	CHECK(strcmp(user, u) == 0);
	u[AUTH_TOKEN_MAX_USER] = 'u';
	u[AUTH_TOKEN_MAX_USER + 1] = '\0';
	CHECK_EQ(auth_token_issue(key, u, 1, NULL, tok, sizeof(tok), cause,
	    sizeof(cause)), -1);
}

/* Expired at the second of expiry. */
static void
test_expired(void)
{
	CHECK_EQ(verify(alice, 1764057599), 0);
	CHECK_EQ(verify(alice, 1764057600), -1);
	CHECK(strcmp(cause, "token expired") == 0);
	CHECK_EQ(verify(alice, 1864057600), -1);
}

/* Another key refuses it. */
static void
test_wrong_key(void)
{
	unsigned char	 k[AUTH_TOKEN_KEY_LEN];

	memcpy(k, key, sizeof(k));
	k[31] ^= 1;
	CHECK_EQ(auth_token_verify(k, alice, strlen(alice), 1, user, NULL,
	    camera, cause, sizeof(cause)), -1);
	CHECK(strcmp(cause, "token signature does not match") == 0);
}

/* Changing any one character anywhere refuses it. */
static void
test_tampered(void)
{
	static const char repl[] = "Aa0-_.";
	char		 t[sizeof(alice)];
	size_t		 i, j;
	int		 accepted = 0;

	for (i = 0; i < sizeof(alice) - 1; i++) {
		for (j = 0; j < sizeof(repl) - 1; j++) {
			memcpy(t, alice, sizeof(t));
			if (t[i] == repl[j])
				continue;
			t[i] = repl[j];
			if (verify(t, 1) == 0)
				accepted++;
		}
	}
	CHECK_EQ(accepted, 0);
	/* A payload re-signed for another user with the wrong key. */
	CHECK_EQ(verify("Ym9ifDE3NjQwNTc2MDA.nPsbs7AYrLMB6NtiaMZxOZ1Nk7VmN8zMCf0"
	    "znWLDjMo", 1), -1);
	CHECK(strcmp(cause, "token signature does not match") == 0);
}

/* Malformed tokens are refused as such. */
static void
test_malformed(void)
{
	static const char *m[] = {
	    "",
	    ".",
	    "YWxpY2V8MTc2NDA1NzYwMA",
	    "YWxpY2V8MTc2NDA1NzYwMA.",
	    ".nPsbs7AYrLMB6NtiaMZxOZ1Nk7VmN8zMCf0znWLDjMo",
	    /* padding, standard alphabet, spaces, a second dot */
	    "YWxpY2V8MTc2NDA1NzYwMA==.nPsbs7AYrLMB6NtiaMZxOZ1Nk7VmN8zMCf0znWLDjMo",
	    "YWxpY2V8MTc2NDA1NzYwMA.nPsbs7AYrLMB6NtiaMZxOZ1Nk7VmN8zMCf0znWLDjMo=",
	    "YWxpY2V8MTc2NDA1NzYwMA.nPsbs7AYrLMB6NtiaMZxOZ1Nk7VmN8zMCf0znWLDj+o",
	    "YWxpY2V8MTc2NDA1NzYwMA .nPsbs7AYrLMB6NtiaMZxOZ1Nk7VmN8zMCf0znWLDjMo",
	    "YWxpY2V8MTc2NDA1NzYwMA.nPsbs7AYrLMB6NtiaMZxOZ1Nk7VmN8zMCf0znWLDjMo.",
	    /* MAC one character short, one long, non-canonical last bits */
	    "YWxpY2V8MTc2NDA1NzYwMA.nPsbs7AYrLMB6NtiaMZxOZ1Nk7VmN8zMCf0znWLDjM",
	    "YWxpY2V8MTc2NDA1NzYwMA.nPsbs7AYrLMB6NtiaMZxOZ1Nk7VmN8zMCf0znWLDjMoA",
	    "YWxpY2V8MTc2NDA1NzYwMA.nPsbs7AYrLMB6NtiaMZxOZ1Nk7VmN8zMCf0znWLDjMp",
	    "YWxpY2V8MTc2NDA1NzYwMB.nPsbs7AYrLMB6NtiaMZxOZ1Nk7VmN8zMCf0znWLDjMo",
	};
	size_t	 i;

	for (i = 0; i < sizeof(m) / sizeof(*m); i++) {
		if (verify(m[i], 1) != -1 ||
		    strcmp(cause, "malformed token") != 0) {
			fprintf(stderr, "token %zu: \"%s\"\n", i, cause);
			test_cur_failed = 1;
		}
	}
}

/* A validly signed payload not "user|digits[|camera]" is refused. */
static void
test_bad_payload(void)
{
	static const char *p[] = { "alice", "alice|", "|1", "alice|12x",
	    "alice|1|", "alice|1|a|b", "alice|1|do or", "alice||door",
	    "al\x01ice|1", "alice|1234567890123456789",
	    "alice|1|abcdefghijklmnopqrstuvwxyz0123456" };
	char		 tok[AUTH_TOKEN_MAX];
	unsigned char	 mac[32];
	unsigned int	 mlen = 32;
	size_t		 i;
	int		 n;

	for (i = 0; i < sizeof(p) / sizeof(*p); i++) {
		HMAC(EVP_sha256(), key, sizeof(key), (const unsigned char *)p[i],
		    strlen(p[i]), mac, &mlen);
		n = EVP_EncodeBlock((unsigned char *)tok, (const unsigned char *)p[i],
		    strlen(p[i]));
		while (n > 0 && tok[n - 1] == '=')
			n--;
		tok[n++] = '.';
		n += EVP_EncodeBlock((unsigned char *)tok + n, mac, 32) - 1;
		tok[n] = '\0';
		for (char *c = tok; *c; c++)
			*c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
		if (verify(tok, 0) != -1 ||
		    strcmp(cause, "malformed token payload") != 0) {
			fprintf(stderr, "payload %zu: \"%s\"\n", i, cause);
			test_cur_failed = 1;
		}
	}
}

/* Checks that a finder gives exactly want (NULL: not found). */
static void
found(int (*fn)(const char *, size_t, const char **, size_t *),
    const char *s, const char *want)
{
	const char	*tok = NULL;
	size_t		 len = 0;
	int		 r;

	r = fn(s, strlen(s), &tok, &len);
	if (want == NULL)
		CHECK_EQ(r, -1);
	else
		CHECK(r == 0 && len == strlen(want) &&
		    memcmp(tok, want, len) == 0);
}

/* The token inside a Sec-WebSocket-Protocol list or a query string. */
static void
test_transport(void)
{
#define PROTO(s, w) found(auth_token_from_protocols, s, w)
#define QUERY(s, w) found(auth_token_from_query, s, w)
	PROTO("campipe, campipe.token.abc.def", "abc.def");
	PROTO("campipe.token.x-_y ,campipe", "x-_y");
	PROTO("\tcampipe.token.tok\t", "tok");
	PROTO("campipe", NULL);
	PROTO("campipe.token.", NULL);
	PROTO("xcampipe.token.abc", NULL);
	PROTO("", NULL);
	PROTO(",,,", NULL);
	QUERY("token=abc", "abc");
	QUERY("fps=5&token=a.b&encoding=base64", "a.b");
	QUERY("fps=5&xtoken=a&token=b", "b");
	QUERY("token=", NULL);
	QUERY("tokens=a", NULL);
	QUERY("&&", NULL);
	QUERY("", NULL);
#undef PROTO
#undef QUERY
}

/* Key files: created 0640, reread identically, refused when wrong. */
static void
test_key_file(void)
{
	unsigned char	 k1[AUTH_TOKEN_KEY_LEN], k2[AUTH_TOKEN_KEY_LEN];
	char		 dir[] = "/tmp/campipe-key-XXXXXX", path[128];
	struct stat	 st;
	FILE		*f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/token.key", dir);
	CHECK_EQ(auth_token_key_load(path, 0, k1, cause, sizeof(cause)), -1);
	CHECK(strstr(cause, "No such file") != NULL);
	CHECK_EQ(auth_token_key_load(path, 1, k1, cause, sizeof(cause)), 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640 &&
	    st.st_size == AUTH_TOKEN_KEY_LEN);
	CHECK_EQ(auth_token_key_load(path, 1, k2, cause, sizeof(cause)), 0);
	CHECK_MEM(k1, k2, sizeof(k1));
	CHECK(memcmp(k1, key, sizeof(k1)) != 0);
	chmod(path, 0644);
	CHECK_EQ(auth_token_key_load(path, 0, k2, cause, sizeof(cause)), -1);
	CHECK(strstr(cause, "chmod 640") != NULL);
	chmod(path, 0640);
	f = fopen(path, "a");
	fputc('x', f);
	fclose(f);
	CHECK_EQ(auth_token_key_load(path, 0, k2, cause, sizeof(cause)), -1);
	CHECK(strstr(cause, "exactly 32 bytes") != NULL);
	unlink(path);
	CHECK_EQ(auth_token_key_load(dir, 0, k2, cause, sizeof(cause)), -1);
	rmdir(dir);
	CHECK_EQ(auth_token_key_random(k1, cause, sizeof(cause)), 0);
	CHECK_EQ(auth_token_key_random(k2, cause, sizeof(cause)), 0);
	CHECK(memcmp(k1, k2, sizeof(k1)) != 0);
}

int
main(void)
{
	size_t	 i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = i;
	RUN(test_issue_exact);
	RUN(test_issue_camera);
	RUN(test_doc_example);
	RUN(test_issue_longest);
	RUN(test_expired);
	RUN(test_wrong_key);
	RUN(test_tampered);
	RUN(test_malformed);
	RUN(test_bad_payload);
	RUN(test_transport);
	RUN(test_key_file);
	return (TEST_DONE("auth_token"));
}
