/* SPDX-License-Identifier: ISC */
/*
 * test_auth_digest.c: Digest values as RTSP clients send them, RFC 2617's
 * example response, nonces, and the NVR credentials file.
 */
#include <string.h>

#include "auth_digest.h"
#include "nvrcred.h"
#include "test.h"

static const unsigned char key[32] = { 1, 2, 3, 4, 5, 6, 7, 8 };

/* RFC 2617 section 3.5: its example, with qop=auth. */
static void
test_rfc2617_example(void)
{
	static const char v[] = "Digest username=\"Mufasa\", "
	    "realm=\"testrealm@host.com\", "
	    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
	    "uri=\"/dir/index.html\", qop=auth, nc=00000001, "
	    "cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", "
	    "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
	struct auth_digest	 d;
	char			 out[33], cause[128];

	CHECK_EQ(auth_digest_parse(v, strlen(v), &d, cause, sizeof(cause)), 0);
	CHECK(strcmp(d.username, "Mufasa") == 0);
	CHECK(strcmp(d.uri, "/dir/index.html") == 0);
	CHECK(strcmp(d.qop, "auth") == 0);
	CHECK(strcmp(d.nc, "00000001") == 0);
	CHECK_EQ(auth_digest_response(&d, "GET", "Circle Of Life", out), 0);
	CHECK(strcmp(out, "6629fae49393a05397450978507c4ef1") == 0);
	/* Not our realm, not our nonce: wrong whatever the response. */
	CHECK_EQ(auth_digest_check(&d, "GET", "Circle Of Life", key, 0, 300),
	    AUTH_DIGEST_WRONG);
}

/* ffmpeg's value (no qop), checked against a nonce of ours. */
static void
test_ffmpeg_value(void)
{
	struct auth_digest	 d;
	char			 nonce[AUTH_DIGEST_NONCE_LEN + 1], v[512];
	char			 resp[33], cause[128];
	int64_t			 t = 1796622071;

	auth_digest_nonce(key, t, nonce);
	CHECK_EQ(strlen(nonce), AUTH_DIGEST_NONCE_LEN);
	CHECK(strncmp(nonce, "000000006b1646f7", 16) == 0);
	snprintf(v, sizeof(v), "Digest username=\"nvr\", realm=\"campipe\", "
	    "nonce=\"%s\", uri=\"rtsp://127.0.0.1:8554/\", "
	    "response=\"00000000000000000000000000000000\"", nonce);
	CHECK_EQ(auth_digest_parse(v, strlen(v), &d, cause, sizeof(cause)), 0);
	CHECK_EQ(auth_digest_response(&d, "DESCRIBE", "hfSMj3CSXqdtZwCCh8wc",
	    resp), 0);
	memcpy(d.response, resp, 33);
	CHECK_EQ(auth_digest_check(&d, "DESCRIBE", "hfSMj3CSXqdtZwCCh8wc", key,
	    t + 10, 300), AUTH_DIGEST_OK);
	/* Another method, password or key; a late or future nonce. */
	CHECK_EQ(auth_digest_check(&d, "SETUP", "hfSMj3CSXqdtZwCCh8wc", key,
	    t, 300), AUTH_DIGEST_WRONG);
	CHECK_EQ(auth_digest_check(&d, "DESCRIBE", "hfSMj3CSXqdtZwCCh8wC", key,
	    t, 300), AUTH_DIGEST_WRONG);
	CHECK_EQ(auth_digest_check(&d, "DESCRIBE", "hfSMj3CSXqdtZwCCh8wc",
	    (const unsigned char *)"another key, 32 bytes long......", t,
	    300), AUTH_DIGEST_WRONG);
	CHECK_EQ(auth_digest_check(&d, "DESCRIBE", "hfSMj3CSXqdtZwCCh8wc", key,
	    t + 301, 300), AUTH_DIGEST_STALE);
	CHECK_EQ(auth_digest_check(&d, "DESCRIBE", "hfSMj3CSXqdtZwCCh8wc", key,
	    t - 60, 300), AUTH_DIGEST_WRONG);
	/* Upper-case hex in the response is the same response. */
	for (char *p = d.response; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = *p - 'a' + 'A';
	CHECK_EQ(auth_digest_check(&d, "DESCRIBE", "hfSMj3CSXqdtZwCCh8wc", key,
	    t, 300), AUTH_DIGEST_OK);
	/* A nonce changed in one digit is not ours. */
	d.nonce[20] = d.nonce[20] == '0' ? '1' : '0';
	CHECK_EQ(auth_digest_check(&d, "DESCRIBE", "hfSMj3CSXqdtZwCCh8wc", key,
	    t, 300), AUTH_DIGEST_WRONG);
}

/* Values refused, each with its cause. */
static void
test_refused(void)
{
	static const struct {
		const char	*v, *why;
	} bad[] = {
		{ "Basic YWxpY2U6eA==", "not Digest" },
		{ "Digest", "not Digest" },
		{ "Digest username=\"a\", realm=\"campipe\", nonce=\"n\", "
		    "uri=\"/\"", "username, realm, nonce, uri or response "
		    "missing" },
		{ "Digest username=\"a\", username=\"b\"", "a field twice" },
		{ "Digest username=\"a", "an unterminated quoted value" },
		{ "Digest username", "a field without a value" },
		{ "Digest username=\"\"", "an empty or long field" },
		{ "Digest username=\"a\", realm=\"campipe\", nonce=\"n\", "
		    "uri=\"/\", response=\"r\", algorithm=SHA-256",
		    "only algorithm MD5 is served" },
		{ "Digest username=\"a\", realm=\"campipe\", nonce=\"n\", "
		    "uri=\"/\", response=\"r\", qop=auth-int, nc=1, cnonce=x",
		    "qop other than auth, or without nc and cnonce" },
		{ "Digest username=\"a\x01\"", "a bad or long value" },
	};
	struct auth_digest	 d;
	char			 cause[128], want[160];
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cause[0] = '\0';
		CHECK_EQ(auth_digest_parse(bad[i].v, strlen(bad[i].v), &d,
		    cause, sizeof(cause)), -1);
		snprintf(want, sizeof(want), "Digest credentials: %s",
		    bad[i].why);
		if (strcmp(cause, want) != 0) {
			fprintf(stderr, "\"%s\": \"%s\", expected \"%s\"\n",
			    bad[i].v, cause, want);
			test_cur_failed = 1;
		}
	}
}

/* Quoted values with escapes, unquoted ones, unknown fields skipped. */
static void
test_quoting(void)
{
	static const char v[] = "digest  username=\"a\\\"b\",realm=campipe,"
	    "opaque=\"x, y\", nonce=n, uri=\"rtsp://h/cam/x\", response=r";
	struct auth_digest	 d;
	char			 cause[128];

	CHECK_EQ(auth_digest_parse(v, strlen(v), &d, cause, sizeof(cause)), 0);
	CHECK(strcmp(d.username, "a\"b") == 0);
	CHECK(strcmp(d.realm, "campipe") == 0);
	CHECK(strcmp(d.uri, "rtsp://h/cam/x") == 0);
	CHECK(strcmp(d.response, "r") == 0);
}

/* The NVR credentials file. */
static void
test_nvrcred(void)
{
	static const char good[] = "# NVRs\r\nnvr:hfSMj3CSXqdtZwCCh8wc\r\n\n"
	    "blueiris:0123456789ab";
	static const struct {
		const char	*text, *why;
	} bad[] = {
		{ "", "no users" },
		{ "# only a comment\n", "no users" },
		{ "nvr\n", "line 1: \"user:password\" expected" },
		{ "nvr:short\n", "line 1: the password of 12 to 128 bytes "
		    "expected" },
		{ ":0123456789ab\n", "line 1: the user name of 1 to 64 bytes "
		    "expected" },
		{ "a:0123456789ab\nb:0123456789a b\n", "line 2: space, "
		    "control or non-ASCII byte in the password" },
		{ "a:0123456789ab\na:0123456789ab\n", "line 2: user \"a\" "
		    "again" },
	};
	struct nvrcred	*t;
	char		 cause[128];
	size_t		 i;

	t = nvrcred_parse(good, strlen(good), cause, sizeof(cause));
	CHECK(t != NULL);
	if (t != NULL) {
		CHECK_EQ(nvrcred_count(t), 2);
		CHECK(strcmp(nvrcred_password(t, "nvr"),
		    "hfSMj3CSXqdtZwCCh8wc") == 0);
		CHECK(strcmp(nvrcred_password(t, "blueiris"),
		    "0123456789ab") == 0);
		CHECK(nvrcred_password(t, "nv") == NULL);
		nvrcred_free(t);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cause[0] = '\0';
		t = nvrcred_parse(bad[i].text, strlen(bad[i].text), cause,
		    sizeof(cause));
		CHECK(t == NULL);
		nvrcred_free(t);
		if (strcmp(cause, bad[i].why) != 0) {
			fprintf(stderr, "\"%s\": \"%s\", expected \"%s\"\n",
			    bad[i].text, cause, bad[i].why);
			test_cur_failed = 1;
		}
	}
}

int
main(void)
{
	RUN(test_rfc2617_example);
	RUN(test_ffmpeg_value);
	RUN(test_refused);
	RUN(test_quoting);
	RUN(test_nvrcred);
	return (TEST_DONE("auth_digest"));
}
