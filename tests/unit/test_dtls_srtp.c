/* SPDX-License-Identifier: ISC */
/*
 * test_dtls_srtp.c: DTLS-SRTP handshakes in one process between two
 * sessions, one in each role: the keys agree, wrong fingerprints fail,
 * lost and reordered datagrams are retransmitted, garbage and the
 * deadline fail cleanly.  test_srtp_session.c meets an OpenSSL client.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#include "dtls_srtp.h"
#include "dtls_test.h"
#include "test.h"

static struct dtls_srtp_cert *cert_a, *cert_b;

/* The fingerprint format: 32 pairs, colons, uppercase. */
static void
test_fingerprint(void)
{
	uint8_t		 fp[DTLS_SRTP_FPLEN];
	char		 s[DTLS_SRTP_FPSTR];
	const char	*c = dtls_srtp_cert_fpstr(cert_a);
	size_t		 i;

	for (i = 0; i < sizeof(fp); i++)
		fp[i] = (uint8_t)(i * 9 + 0xa0);
	dtls_srtp_fp_format(fp, s);
	CHECK(strncmp(s, "A0:A9:B2:BB:C4:CD:D6:DF:E8:F1:FA:03:", 36) == 0);
	CHECK_EQ(strlen(s), 95);
	CHECK_EQ(strlen(c), 95);
	for (i = 0; i < 95; i++)
		CHECK(i % 3 == 2 ? c[i] == ':' :
		    strchr("0123456789ABCDEF", c[i]) != NULL);
	dtls_srtp_fp_format(dtls_srtp_cert_fp(cert_a), s);
	CHECK(strcmp(s, c) == 0);
	CHECK(memcmp(dtls_srtp_cert_fp(cert_a), dtls_srtp_cert_fp(cert_b),
	    DTLS_SRTP_FPLEN) != 0);
}

/* A server (a's certificate) and a client (b's), each knowing the other. */
static void
test_pair(struct dtls_srtp **s, struct dtls_srtp **c, const uint8_t *sfp,
    const uint8_t *cfp)
{
	const char	*cause = NULL;

	CHECK_EQ(dtls_srtp_init(s, cert_a, DTLS_SRTP_SERVER, cfp, 1000,
	    &cause), 0);
	CHECK_EQ(dtls_srtp_init(c, cert_b, DTLS_SRTP_CLIENT, sfp, 1000,
	    &cause), 0);
}

/* Server and client agree on GCM and on each other's keys. */
static void
test_handshake(void)
{
	struct dtls_test_net	 n = { .now_ms = 1000 };
	struct dtls_srtp	*s, *c;
	struct dtls_srtp_keys	 ks, kc;
	const char		*cause = NULL;
	unsigned char		 dg[DTLS_SRTP_MTU];

	test_pair(&s, &c, dtls_srtp_cert_fp(cert_a), dtls_srtp_cert_fp(cert_b));
	CHECK_EQ(dtls_srtp_keys(s, &ks, &cause), -1);
	CHECK_EQ(dtls_srtp_timeout(s), -1);	/* waits for a ClientHello */
	CHECK(dtls_srtp_timeout(c) >= 0);
	CHECK_EQ(dtls_test_pump(&n, c, s), 0);
	if (n.cause != NULL)
		fprintf(stderr, "test_handshake: %s\n", n.cause);
	CHECK(n.sent <= 8);
	CHECK_EQ(dtls_srtp_keys(s, &ks, &cause), 0);
	CHECK_EQ(dtls_srtp_keys(c, &kc, &cause), 0);
	CHECK_EQ(ks.profile, DTLS_SRTP_AEAD_AES_128_GCM);
	CHECK_EQ(kc.profile, DTLS_SRTP_AEAD_AES_128_GCM);
	CHECK_EQ(ks.key_len, 16);
	CHECK_EQ(ks.salt_len, 12);
	CHECK_MEM(ks.local, kc.remote, 28);
	CHECK_MEM(ks.remote, kc.local, 28);
	CHECK(memcmp(ks.local, ks.remote, 28) != 0);
	CHECK(strcmp(dtls_srtp_profile_name(ks.profile),
	    "SRTP_AEAD_AES_128_GCM") == 0);
	/* Done is done; a close_notify ends the other side. */
	CHECK_EQ(dtls_srtp_timeout(s), -1);
	dtls_srtp_close(c);
	CHECK_EQ(dtls_test_move(&n, c, s), 1);
	CHECK_EQ(dtls_srtp_handle(s, dg, 0, 2000, &cause), DTLS_SRTP_CLOSED);
	dtls_srtp_free(s);
	dtls_srtp_free(c);
}

/* A fingerprint other than the certificate's fails, on either side. */
static void
test_wrong_fingerprint(void)
{
	struct dtls_test_net	 n = { .now_ms = 1000 };
	struct dtls_srtp	*s, *c;
	uint8_t			 bad[DTLS_SRTP_FPLEN];
	const char		*cause = NULL;

	memcpy(bad, dtls_srtp_cert_fp(cert_b), sizeof(bad));
	bad[31] ^= 1;
	test_pair(&s, &c, dtls_srtp_cert_fp(cert_a), bad);
	CHECK_EQ(dtls_test_pump(&n, c, s), -1);
	CHECK(n.cause != NULL && strstr(n.cause, "fingerprint") != NULL);
	CHECK(!dtls_srtp_done(s));
	CHECK_EQ(dtls_srtp_handle(s, (const unsigned char *)"\x16", 1, 1000,
	    &cause), -1);
	CHECK(cause != NULL && strstr(cause, "fingerprint") != NULL);
	dtls_srtp_free(s);
	dtls_srtp_free(c);

	memset(&n, 0, sizeof(n));
	n.now_ms = 1000;
	bad[0] = dtls_srtp_cert_fp(cert_a)[0] ^ 0x80;
	memcpy(bad + 1, dtls_srtp_cert_fp(cert_a) + 1, sizeof(bad) - 1);
	test_pair(&s, &c, bad, dtls_srtp_cert_fp(cert_b));
	CHECK_EQ(dtls_test_pump(&n, c, s), -1);
	CHECK(n.cause != NULL);
	CHECK(!dtls_srtp_done(c));
	CHECK_EQ(dtls_srtp_keys(c, &(struct dtls_srtp_keys){ 0 }, &cause), -1);
	dtls_srtp_free(s);
	dtls_srtp_free(c);
}

/* Lost and reordered datagrams: the handshake ends through timeouts. */
static void
test_lossy(void)
{
	static const unsigned	 lose[] = { 0x1, 0x2, 0x5, 0x24, 0x80 };
	struct dtls_test_net	 n;
	struct dtls_srtp	*s, *c;
	struct dtls_srtp_keys	 ks, kc;
	const char		*cause = NULL;
	size_t			 i;

	for (i = 0; i < sizeof(lose) / sizeof(lose[0]); i++) {
		memset(&n, 0, sizeof(n));
		n.now_ms = 1000;
		n.lose = lose[i];
		n.reverse = 1;
		test_pair(&s, &c, dtls_srtp_cert_fp(cert_a),
		    dtls_srtp_cert_fp(cert_b));
		CHECK_EQ(dtls_test_pump(&n, c, s), 0);
		if (n.cause != NULL)
			fprintf(stderr, "test_lossy %zu: %s\n", i, n.cause);
		CHECK_EQ(dtls_srtp_keys(s, &ks, &cause), 0);
		CHECK_EQ(dtls_srtp_keys(c, &kc, &cause), 0);
		CHECK_MEM(ks.local, kc.remote, 28);
		CHECK_MEM(ks.remote, kc.local, 28);
		dtls_srtp_free(s);
		dtls_srtp_free(c);
	}
}

/* Garbage costs bounded work and fails cleanly; so does the deadline. */
static void
test_garbage(void)
{
	struct dtls_srtp	*s, *c;
	unsigned char		 dg[DTLS_SRTP_IN_MAX + 1], out[DTLS_SRTP_MTU];
	const char		*cause;
	int			 i, r = 0, sent = 0;
	size_t			 len;

	srandom(7);
	CHECK_EQ(dtls_srtp_init(&s, cert_a, DTLS_SRTP_SERVER,
	    dtls_srtp_cert_fp(cert_b), 0, &cause), 0);
	for (i = 0; i < DTLS_SRTP_IN_COUNT + 4 && r != -1; i++) {
		for (len = 0; len < sizeof(dg); len++)
			dg[len] = (unsigned char)random();
		len = (size_t)random() % sizeof(dg);
		if (i % 2 == 0) {
			/* A handshake record header, then noise. */
			memcpy(dg, "\x16\xfe\xfd\x00\x00", 5);
			dg[11] = (unsigned char)((len - 13) >> 8);
			dg[12] = (unsigned char)(len - 13);
		}
		cause = NULL;
		r = dtls_srtp_handle(s, dg, len, 0, &cause);
		CHECK(r == DTLS_SRTP_AGAIN || r == -1);
		CHECK(r != -1 || cause != NULL);
		while (dtls_srtp_next(s, out, sizeof(out)) > 0)
			sent++;
	}
	CHECK_EQ(r, -1);
	CHECK(i <= DTLS_SRTP_IN_COUNT + 1);
	CHECK(sent <= 2);		/* an alert at most */
	CHECK(!dtls_srtp_done(s));
	CHECK_EQ(dtls_srtp_handle(s, dg, 20, 0, &cause), -1);
	CHECK_EQ(dtls_srtp_timeout(s), -1);
	dtls_srtp_free(s);

	/* Garbage first, then a real client: still a handshake. */
	test_pair(&s, &c, dtls_srtp_cert_fp(cert_a), dtls_srtp_cert_fp(cert_b));
	memset(dg, 0xab, 64);
	dg[0] = 0x17;
	CHECK_EQ(dtls_srtp_handle(s, dg, 64, 1000, &cause), DTLS_SRTP_AGAIN);
	CHECK_EQ(dtls_srtp_handle(s, dg, sizeof(dg), 1000, &cause),
	    DTLS_SRTP_AGAIN);
	{
		struct dtls_test_net	 n = { .now_ms = 1000 };

		CHECK_EQ(dtls_test_pump(&n, c, s), 0);
	}
	dtls_srtp_free(s);
	dtls_srtp_free(c);

	/* The deadline is the caller's clock. */
	test_pair(&s, &c, dtls_srtp_cert_fp(cert_a), dtls_srtp_cert_fp(cert_b));
	CHECK_EQ(dtls_srtp_on_timeout(c, 1000 + DTLS_SRTP_HANDSHAKE_MS,
	    &cause), 0);
	CHECK_EQ(dtls_srtp_on_timeout(c, 1001 + DTLS_SRTP_HANDSHAKE_MS,
	    &cause), -1);
	CHECK(strstr(cause, "too long") != NULL);
	len = (size_t)dtls_srtp_next(c, out, sizeof(out));
	CHECK(len > 0);
	CHECK_EQ(dtls_srtp_handle(s, out, len, 1001 + DTLS_SRTP_HANDSHAKE_MS,
	    &cause), -1);
	CHECK(strstr(cause, "too long") != NULL);
	dtls_srtp_free(s);
	dtls_srtp_free(c);
}

int
main(void)
{
	const char	*cause = NULL;

	if (dtls_srtp_cert_init(&cert_a, &cause) == -1 ||
	    dtls_srtp_cert_init(&cert_b, &cause) == -1) {
		fprintf(stderr, "test_dtls_srtp: %s\n", cause);
		return (1);
	}
	RUN(test_fingerprint);
	RUN(test_handshake);
	RUN(test_wrong_fingerprint);
	RUN(test_lossy);
	RUN(test_garbage);
	dtls_srtp_cert_free(cert_a);
	dtls_srtp_cert_free(cert_b);
	return (TEST_DONE("dtls_srtp"));
}
