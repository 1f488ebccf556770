/* SPDX-License-Identifier: ISC */
/*
 * test_ice_lite.c: a lite agent's answers, nomination, consent and its
 * bound on remembered pairs; docs/webrtc.md's example at exact bytes.
 */
#include <sys/socket.h>

#include <stdint.h>
#include <string.h>

#include "doc_test.h"
#include "ice_lite.h"
#include "stun.h"
#include "stun_test.h"
#include "test.h"

#define WEBRTC_DOC	"docs/webrtc.md"
#define LUFRAG		"Kp3x"
#define LPWD		"q7Tz2c9LmN4vR8sW1yB6dF"
#define RUFRAG		"b7Qz"
#define T0		1000000ULL

static const unsigned char tid[STUN_TID_LEN] = "stun-example";

/* A browser's check as the doc's example has it, to be changed. */
static struct stun_out
check_out(void)
{
	struct stun_out	 o;

	memset(&o, 0, sizeof(o));
	o.type = STUN_BINDING_REQUEST;
	o.tid = tid;
	o.has_priority = 1;
	o.priority = 0x6e7f1effu;
	o.role = STUN_A_ICE_CONTROLLING;
	o.tiebreaker = 0x5a7c3e1f9b2d4c68ULL;
	o.use_candidate = 1;
	o.username = LUFRAG ":" RUFRAG;
	o.key = LPWD;
	o.keylen = strlen(LPWD);
	o.fingerprint = 1;
	return (o);
}

/* A session at T0. */
static void
session(struct ice_lite *ice)
{
	const char	*cause = NULL;

	CHECK_EQ(ice_lite_init(ice, LUFRAG, LPWD, RUFRAG, T0, &cause), 0);
}

/* Sends o's check from addr at now; the answer's length or -1. */
static int
send_check(struct ice_lite *ice, const struct stun_out *o,
    const struct sockaddr_storage *from, uint64_t now, unsigned char *ans,
    const char **cause)
{
	unsigned char	 req[256];
	int		 n;

	n = stun_build(o, req, sizeof(req), cause);
	CHECK(n > 0);
	return (ice_lite_handle(ice, req, (size_t)n, from, now, ans,
	    STUN_ANSWER_MAX, cause));
}

/* The doc's check gets the doc's answer, byte for byte. */
static void
test_doc_example(void)
{
	struct sockaddr_storage	 from = stun_test_addr("198.51.100.7", 54321);
	struct stun_out		 o = check_out();
	struct ice_lite		 ice;
	unsigned char		 req[256], want[256], ans[STUN_ANSWER_MAX];
	char			 doc[4096];
	const char		*cause = "";
	size_t			 rlen, alen;
	int			 n;

	if (doc_block(WEBRTC_DOC, "The check, in hex:", doc,
	    sizeof(doc)) <= 0) {
		CHECK(!"the check in " WEBRTC_DOC);
		return;
	}
	rlen = doc_hex(doc, req, sizeof(req));
	CHECK_EQ(rlen, 92);
	/* What stun_build writes for such a check. */
	CHECK_EQ(stun_build(&o, want, sizeof(want), &cause), rlen);
	CHECK_MEM(want, req, rlen);
	if (doc_block(WEBRTC_DOC, "campipe's answer to it, in hex:", doc,
	    sizeof(doc)) <= 0) {
		CHECK(!"the answer in " WEBRTC_DOC);
		return;
	}
	alen = doc_hex(doc, want, sizeof(want));
	CHECK_EQ(alen, 64);
	session(&ice);
	n = ice_lite_handle(&ice, req, rlen, &from, T0 + 1000, ans,
	    sizeof(ans), &cause);
	CHECK_EQ(n, alen);
	CHECK(cause == NULL);
	CHECK_MEM(ans, want, alen);
	CHECK(ice_lite_selected(&ice) != NULL &&
	    memcmp(ice_lite_selected(&ice), &from, sizeof(from)) == 0);
	CHECK_EQ(ice.answered, 1);
	ice_lite_free(&ice);
}

/* A success answer, read back: the mapped source, integrity, fingerprint. */
static void
test_success(void)
{
	static const char *srcs[] = { "198.51.100.7", "2001:db8::7" };
	struct sockaddr_storage	 from;
	struct stun_out		 o = check_out();
	struct ice_lite		 ice;
	struct stun_msg		 m;
	unsigned char		 ans[STUN_ANSWER_MAX];
	const char		*cause;
	size_t			 i;
	int			 n;

	for (i = 0; i < 2; i++) {
		session(&ice);
		from = stun_test_addr(srcs[i], 40000 + i);
		n = send_check(&ice, &o, &from, T0, ans, &cause);
		CHECK_EQ(n, i == 0 ? 64 : 76);
		CHECK(cause == NULL);
		CHECK_EQ(stun_parse(&m, ans, (size_t)n, &cause), 0);
		CHECK_EQ(m.type, STUN_BINDING_SUCCESS);
		CHECK_MEM(m.tid, tid, sizeof(tid));
		CHECK_EQ(m.has, STUN_HAS_MAPPED | STUN_HAS_INTEGRITY |
		    STUN_HAS_FINGERPRINT);
		CHECK(memcmp(&m.mapped, &from, sizeof(from)) == 0);
		CHECK_EQ(stun_integrity(&m, LPWD, strlen(LPWD), &cause), 0);
		CHECK_EQ(ice.peers[0].priority, 0x6e7f1effu);
		CHECK_EQ(ice.peers[0].first_ms, T0);
		ice_lite_free(&ice);
	}
}

/* What gets no answer at all, with its reason. */
static void
test_dropped(void)
{
	struct sockaddr_storage	 from = stun_test_addr("198.51.100.7", 54321), un;
	struct stun_out		 o;
	struct ice_lite		 ice;
	unsigned char		 ans[STUN_ANSWER_MAX], req[256];
	const char		*cause;
	int			 n;

#define DROPPED(why) do {						\
	cause = NULL;							\
	CHECK_EQ(send_check(&ice, &o, &from, T0, ans, &cause), -1);	\
	CHECK(cause != NULL && strcmp(cause, (why)) == 0);		\
	o = check_out();						\
} while (0)
	session(&ice);
	o = check_out();
	o.key = "q7Tz2c9LmN4vR8sW1yB6dG";		/* another password */
	DROPPED("MESSAGE-INTEGRITY does not match");
	o.key = NULL;
	DROPPED("no USERNAME or no MESSAGE-INTEGRITY");
	o.username = NULL;
	DROPPED("no USERNAME or no MESSAGE-INTEGRITY");
	o.fingerprint = 0;
	DROPPED("no FINGERPRINT");
	o.type = STUN_BINDING_INDICATION;
	DROPPED("Binding indication: nothing to answer");
	o.type = STUN_BINDING_SUCCESS;
	DROPPED("not a Binding request");
	o.type = 0x0003;				/* Allocate */
	DROPPED("not a Binding request");
	memset(&un, 0, sizeof(un));
	un.ss_family = AF_UNIX;
	n = stun_build(&o, req, sizeof(req), &cause);
	CHECK_EQ(ice_lite_handle(&ice, req, (size_t)n, &un, T0, ans,
	    sizeof(ans), &cause), -1);
	CHECK(strcmp(cause, "source neither IPv4 nor IPv6") == 0);
	req[0] = 0x16;					/* DTLS */
	CHECK_EQ(ice_lite_handle(&ice, req, (size_t)n, &from, T0, ans,
	    sizeof(ans), &cause), -1);
	CHECK(strcmp(cause, "not STUN (RFC 7983)") == 0);
	req[0] = 0x00;
	req[4] ^= 1;					/* cookie */
	CHECK_EQ(ice_lite_handle(&ice, req, (size_t)n, &from, T0, ans,
	    sizeof(ans), &cause), -1);
	CHECK(strcmp(cause, "wrong magic cookie") == 0);
	req[4] ^= 1;
	/* No room for the answer: nothing half written is sent. */
	CHECK_EQ(ice_lite_handle(&ice, req, (size_t)n, &from, T0, ans, 63,
	    &cause), -1);
	CHECK(strcmp(cause, "STUN message does not fit") == 0);
	CHECK_EQ(ice.dropped, 11);
	CHECK_EQ(ice.answered, 0);
	CHECK(ice_lite_selected(&ice) == NULL);
	CHECK_EQ(ice_lite_consent(&ice, &from, T0), 0);
	ice_lite_free(&ice);
#undef DROPPED
}

/* Error answers: 401 without integrity, 420, 400 and 487 with it. */
static void
test_errors(void)
{
	struct sockaddr_storage	 from = stun_test_addr("198.51.100.7", 54321);
	struct stun_out		 o;
	struct ice_lite		 ice;
	struct stun_msg		 m;
	unsigned char		 ans[STUN_ANSWER_MAX], req[256];
	const char		*cause;
	int			 n;

#define ANSWERED(code, why, integrity) do {				\
	cause = NULL;							\
	n = send_check(&ice, &o, &from, T0, ans, &cause);		\
	CHECK(n > 0);							\
	CHECK(cause != NULL && strcmp(cause, (why)) == 0);		\
	CHECK_EQ(stun_parse(&m, ans, n > 0 ? (size_t)n : 0, &cause), 0);\
	CHECK_EQ(m.type, STUN_BINDING_ERROR);				\
	CHECK_EQ(m.error, (code));					\
	CHECK_EQ(!!(m.has & STUN_HAS_INTEGRITY), (integrity));		\
	CHECK(m.has & STUN_HAS_FINGERPRINT);				\
	if (integrity)							\
		CHECK_EQ(stun_integrity(&m, LPWD, 22, &cause), 0);	\
	o = check_out();						\
} while (0)
	session(&ice);
	o = check_out();
	o.username = LUFRAG ":b7Qy";
	ANSWERED(401, "USERNAME is not LOCALUFRAG:REMOTEUFRAG", 0);
	o.username = RUFRAG ":" LUFRAG;
	ANSWERED(401, "USERNAME is not LOCALUFRAG:REMOTEUFRAG", 0);
	o.username = LUFRAG ":" RUFRAG "x";
	ANSWERED(401, "USERNAME is not LOCALUFRAG:REMOTEUFRAG", 0);
	o.role = STUN_A_ICE_CONTROLLED;
	ANSWERED(487, "ICE-CONTROLLED: a lite agent's peer controls", 1);
	o.has_priority = 0;
	ANSWERED(400, "no PRIORITY", 1);
	/*
	 * Two roles, an unknown attribute: a SOFTWARE of 8 bytes (the
	 * builder's first attribute) rewritten as one, resealed.
	 */
	o.software = "12345678";
	n = stun_build(&o, req, sizeof(req), &cause);
	CHECK_EQ(n, 104);
	CHECK(req[20] == 0x80 && req[21] == 0x22);
	req[21] = 0x29;					/* ICE-CONTROLLED */
	stun_test_reseal(req, (size_t)n, LPWD);
	CHECK_EQ(ice_lite_handle(&ice, req, (size_t)n, &from, T0, ans,
	    sizeof(ans), &cause), 72);
	CHECK(strcmp(cause, "both ICE-CONTROLLING and ICE-CONTROLLED") == 0);
	CHECK_EQ(stun_parse(&m, ans, 72, &cause), 0);
	CHECK_EQ(m.error, 400);
	req[20] = 0x00, req[21] = 0x03;			/* CHANGE-REQUEST */
	stun_test_reseal(req, (size_t)n, LPWD);
	CHECK_EQ(ice_lite_handle(&ice, req, (size_t)n, &from, T0, ans,
	    sizeof(ans), &cause), 88);
	CHECK(strcmp(cause, "unknown comprehension-required attribute") == 0);
	CHECK_EQ(stun_parse(&m, ans, 88, &cause), 0);
	CHECK_EQ(m.error, 420);
	CHECK_EQ(stun_integrity(&m, LPWD, 22, &cause), 0);
	CHECK_MEM(ans + 48, "\x00\x0a\x00\x02\x00\x03\x00\x00", 8);
	/* An answer longer than its request is not sent. */
	o = check_out();
	o.use_candidate = 0;
	o.role = 0;
	o.software = "1234";
	n = stun_build(&o, req, sizeof(req), &cause);
	CHECK_EQ(n, 84);
	req[20] = 0x00, req[21] = 0x03;
	stun_test_reseal(req, (size_t)n, LPWD);
	CHECK_EQ(ice_lite_handle(&ice, req, (size_t)n, &from, T0, ans,
	    sizeof(ans), &cause), -1);
	CHECK(strcmp(cause, "the answer would be longer than the request") ==
	    0);
	/* Only successes count as consent. */
	CHECK_EQ(ice.answered, 0);
	CHECK(ice_lite_selected(&ice) == NULL);
	ice_lite_free(&ice);
#undef ANSWERED
}

/* Nomination: USE-CANDIDATE with ICE-CONTROLLING, the highest priority. */
static void
test_nomination(void)
{
	struct sockaddr_storage	 a = stun_test_addr("198.51.100.7", 1000);
	struct sockaddr_storage	 b = stun_test_addr("198.51.100.8", 1000);
	struct sockaddr_storage	 c = stun_test_addr("2001:db8::9", 1000);
	struct stun_out		 o = check_out();
	struct ice_lite		 ice;
	unsigned char		 ans[STUN_ANSWER_MAX];
	const char		*cause;

	session(&ice);
	/* Checks without nominating, or without the controlling role. */
	o.use_candidate = 0;
	CHECK(send_check(&ice, &o, &a, T0, ans, &cause) > 0);
	o.use_candidate = 1;
	o.role = 0;
	CHECK(send_check(&ice, &o, &a, T0, ans, &cause) > 0);
	CHECK(ice_lite_selected(&ice) == NULL);
	CHECK_EQ(ice.answered, 2);
	o = check_out();
	o.priority = 100;
	CHECK(send_check(&ice, &o, &a, T0, ans, &cause) > 0);
	CHECK(ice_lite_selected(&ice) != NULL &&
	    memcmp(ice_lite_selected(&ice), &a, sizeof(a)) == 0);
	CHECK_EQ(ice.selections, 1);
	/* Higher wins; lower does not while the selected has consent. */
	o.priority = 200;
	CHECK(send_check(&ice, &o, &b, T0 + 10, ans, &cause) > 0);
	CHECK(memcmp(ice_lite_selected(&ice), &b, sizeof(b)) == 0);
	o.priority = 150;
	CHECK(send_check(&ice, &o, &c, T0 + 20, ans, &cause) > 0);
	CHECK(memcmp(ice_lite_selected(&ice), &b, sizeof(b)) == 0);
	CHECK_EQ(ice.selections, 2);
	/* The selected pair's consent gone: another nomination takes over. */
	CHECK(send_check(&ice, &o, &c, T0 + 10 + ICE_LITE_CONSENT_MS, ans,
	    &cause) > 0);
	CHECK(memcmp(ice_lite_selected(&ice), &c, sizeof(c)) == 0);
	CHECK_EQ(ice.selections, 3);
	ice_lite_free(&ice);
	CHECK(ice_lite_selected(&ice) == NULL);
}

/* Consent: 30 s after the last check; the session's since its start. */
static void
test_consent(void)
{
	struct sockaddr_storage	 a = stun_test_addr("198.51.100.7", 1000);
	struct sockaddr_storage	 b = stun_test_addr("198.51.100.8", 1000);
	struct stun_out		 o = check_out();
	struct ice_lite		 ice;
	unsigned char		 ans[STUN_ANSWER_MAX];
	const char		*cause;

	session(&ice);
	CHECK_EQ(ice_lite_expired(&ice, T0), 0);
	CHECK_EQ(ice_lite_expired(&ice, T0 + ICE_LITE_CONSENT_MS - 1), 0);
	CHECK_EQ(ice_lite_expired(&ice, T0 + ICE_LITE_CONSENT_MS), 1);
	CHECK_EQ(ice_lite_expired(&ice, T0 - 1), 0);
	/* Before a nomination any pair keeps the session. */
	o.use_candidate = 0;
	CHECK(send_check(&ice, &o, &b, T0 + 20000, ans, &cause) > 0);
	CHECK_EQ(ice_lite_expired(&ice, T0 + ICE_LITE_CONSENT_MS), 0);
	CHECK_EQ(ice_lite_expired(&ice, T0 + 20000 + ICE_LITE_CONSENT_MS), 1);
	o.use_candidate = 1;
	CHECK(send_check(&ice, &o, &a, T0 + 25000, ans, &cause) > 0);
	CHECK_EQ(ice_lite_consent(&ice, &a, T0 + 25000), 1);
	CHECK_EQ(ice_lite_consent(&ice, &a, T0 + 54999), 1);
	CHECK_EQ(ice_lite_consent(&ice, &a, T0 + 55000), 0);
	CHECK_EQ(ice_lite_consent(&ice, &b, T0 + 49999), 1);
	CHECK_EQ(ice_lite_consent(&ice, &b, T0 + 50000), 0);
	/* After it only the selected pair counts. */
	o.use_candidate = 0;
	CHECK(send_check(&ice, &o, &b, T0 + 50000, ans, &cause) > 0);
	CHECK_EQ(ice_lite_expired(&ice, T0 + 54999), 0);
	CHECK_EQ(ice_lite_expired(&ice, T0 + 55000), 1);
	/* A check refreshes it; an error answer or a forgery does not. */
	CHECK(send_check(&ice, &o, &a, T0 + 54000, ans, &cause) > 0);
	CHECK_EQ(ice_lite_expired(&ice, T0 + 55000), 0);
	o.role = STUN_A_ICE_CONTROLLED;
	CHECK(send_check(&ice, &o, &a, T0 + 80000, ans, &cause) > 0);
	o = check_out();
	o.key = "q7Tz2c9LmN4vR8sW1yB6dG";
	CHECK_EQ(send_check(&ice, &o, &a, T0 + 80000, ans, &cause), -1);
	CHECK_EQ(ice_lite_expired(&ice, T0 + 84000), 1);
	CHECK_EQ(ice_lite_consent(&ice, &a, T0 + 84000), 0);
	ice_lite_free(&ice);
}

/* At most ICE_LITE_PEERS pairs: the oldest goes, never the selected. */
static void
test_bounded(void)
{
	struct sockaddr_storage	 a[ICE_LITE_PEERS + 3];
	struct stun_out		 o = check_out();
	struct ice_lite		 ice;
	unsigned char		 ans[STUN_ANSWER_MAX];
	const char		*cause;
	size_t			 i;

	session(&ice);
	for (i = 0; i < ICE_LITE_PEERS + 3; i++)
		a[i] = stun_test_addr("198.51.100.7", (uint16_t)(2000 + i));
	CHECK(send_check(&ice, &o, &a[0], T0, ans, &cause) > 0);
	o.use_candidate = 0;
	for (i = 1; i < ICE_LITE_PEERS + 3; i++)
		CHECK(send_check(&ice, &o, &a[i], T0 + i, ans, &cause) > 0);
	/* a[0] selected and kept; a[1..3] made room for a[8..10]. */
	CHECK(memcmp(ice_lite_selected(&ice), &a[0], sizeof(a[0])) == 0);
	CHECK_EQ(ice_lite_consent(&ice, &a[0], T0 + 20), 1);
	for (i = 1; i <= 3; i++)
		CHECK_EQ(ice_lite_consent(&ice, &a[i], T0 + 20), 0);
	for (i = 4; i < ICE_LITE_PEERS + 3; i++)
		CHECK_EQ(ice_lite_consent(&ice, &a[i], T0 + 20), 1);
	/* A repeated address takes no new place. */
	CHECK(send_check(&ice, &o, &a[4], T0 + 30, ans, &cause) > 0);
	CHECK_EQ(ice_lite_consent(&ice, &a[5], T0 + 30), 1);
	CHECK_EQ(ice.peers[0].first_ms, T0);
	ice_lite_free(&ice);
}

/* Credentials: ice-chars, lengths; the ufrag a request names. */
static void
test_credentials(void)
{
	static const char	 pwd256[] =
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct stun_out		 o = check_out();
	struct ice_lite		 ice;
	unsigned char		 req[256];
	char			 uf[ICE_LITE_UFRAG_MAX + 1];
	char			 long_pwd[ICE_LITE_PWD_MAX + 2];
	const char		*cause;
	int			 n;

	CHECK_EQ(ice_lite_init(&ice, "abc", LPWD, RUFRAG, 0, &cause), -1);
	CHECK(strcmp(cause, "ICE ufrag not 4 to 256 ice-chars") == 0);
	CHECK_EQ(ice_lite_init(&ice, LUFRAG, LPWD, "ab:c", 0, &cause), -1);
	CHECK_EQ(ice_lite_init(&ice, LUFRAG, LPWD, NULL, 0, &cause), -1);
	CHECK_EQ(ice_lite_init(&ice, LUFRAG, "q7Tz2c9LmN4vR8sW1yB6d", RUFRAG,
	    0, &cause), -1);
	CHECK(strcmp(cause, "ICE password not 22 to 256 ice-chars") == 0);
	CHECK_EQ(ice_lite_init(&ice, LUFRAG, "q7Tz2c9LmN4vR8sW1yB6d=", RUFRAG,
	    0, &cause), -1);
	CHECK_EQ(ice_lite_init(&ice, "a+/Z", pwd256, pwd256, 0, &cause), 0);
	CHECK_EQ(ice.remote_ufrag_len, 256);
	ice_lite_free(&ice);
	CHECK_EQ(ice.local_pwd[0], 0);
	memset(long_pwd, 'a', ICE_LITE_PWD_MAX + 1);
	long_pwd[ICE_LITE_PWD_MAX + 1] = '\0';
	CHECK_EQ(ice_lite_init(&ice, LUFRAG, long_pwd, RUFRAG, 0, &cause), -1);
	CHECK_EQ(ice_lite_init(&ice, long_pwd, LPWD, RUFRAG, 0, &cause), -1);
	long_pwd[ICE_LITE_PWD_MAX] = '\0';
	CHECK_EQ(ice_lite_init(&ice, long_pwd, long_pwd, long_pwd, 0, &cause),
	    0);
	/* The session a request is for. */
	n = stun_build(&o, req, sizeof(req), &cause);
	CHECK_EQ(ice_lite_ufrag(req, (size_t)n, uf, sizeof(uf), &cause), 0);
	CHECK(strcmp(uf, LUFRAG) == 0);
	CHECK_EQ(ice_lite_ufrag(req, (size_t)n, uf, 4, &cause), -1);
	CHECK_EQ(ice_lite_ufrag(req, (size_t)n - 1, uf, sizeof(uf), &cause),
	    -1);
	o.username = "Kp3:b7Qz";
	n = stun_build(&o, req, sizeof(req), &cause);
	CHECK_EQ(ice_lite_ufrag(req, (size_t)n, uf, sizeof(uf), &cause), -1);
	o.username = "Kp3xb7Qz";
	n = stun_build(&o, req, sizeof(req), &cause);
	CHECK_EQ(ice_lite_ufrag(req, (size_t)n, uf, sizeof(uf), &cause), -1);
	o.username = "Kp=x:b7Qz";
	n = stun_build(&o, req, sizeof(req), &cause);
	CHECK_EQ(ice_lite_ufrag(req, (size_t)n, uf, sizeof(uf), &cause), -1);
	o.username = NULL;
	o.key = NULL;
	n = stun_build(&o, req, sizeof(req), &cause);
	CHECK_EQ(ice_lite_ufrag(req, (size_t)n, uf, sizeof(uf), &cause), -1);
}

int
main(void)
{
	RUN(test_doc_example);
	RUN(test_success);
	RUN(test_dropped);
	RUN(test_errors);
	RUN(test_nomination);
	RUN(test_consent);
	RUN(test_bounded);
	RUN(test_credentials);
	return (TEST_DONE("ice_lite"));
}
