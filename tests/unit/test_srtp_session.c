/* SPDX-License-Identifier: ISC */
/*
 * test_srtp_session.c: our DTLS server against a DTLS client made here on
 * OpenSSL alone (its own RSA certificate, memory BIOs), offering one
 * profile, its keying material split by hand per RFC 5764 section 4.2;
 * then SRTP and SRTCP from one side to the other for both profiles:
 * what is protected unprotects to the same bytes, tampered and replayed
 * packets are refused, a retransmission protects again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <srtp2/srtp.h>

#include "dtls_srtp.h"
#include "srtp_session.h"
#include "test.h"

static struct dtls_srtp_cert *cert;

/* The OpenSSL client. */
struct peer {
	SSL_CTX		*ctx;
	SSL		*ssl;
	BIO		*rbio, *wbio;
	X509		*x509;
	uint8_t		 fp[DTLS_SRTP_FPLEN];
};

/* Accepts any certificate; the test compares the fingerprint itself. */
static int
peer_verify(int ok, X509_STORE_CTX *store)
{
	return (1);
}

/* A DTLS 1.2 client offering profiles, with an RSA certificate. */
static int
peer_init(struct peer *p, const char *profiles)
{
	EVP_PKEY	*key;
	X509_NAME	*name;
	unsigned int	 n;

	memset(p, 0, sizeof(*p));
	if ((key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)) == NULL)
		return (-1);
	p->x509 = X509_new();
	name = X509_get_subject_name(p->x509);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"peer", -1, -1, 0);
	X509_set_issuer_name(p->x509, name);
	ASN1_INTEGER_set(X509_get_serialNumber(p->x509), 7);
	X509_gmtime_adj(X509_getm_notBefore(p->x509), 0);
	X509_gmtime_adj(X509_getm_notAfter(p->x509), 3600);
	X509_set_pubkey(p->x509, key);
	X509_sign(p->x509, key, EVP_sha256());
	X509_digest(p->x509, EVP_sha256(), p->fp, &n);
	p->ctx = SSL_CTX_new(DTLS_client_method());
	SSL_CTX_use_certificate(p->ctx, p->x509);
	SSL_CTX_use_PrivateKey(p->ctx, key);
	EVP_PKEY_free(key);
	SSL_CTX_set_verify(p->ctx, SSL_VERIFY_PEER, peer_verify);
	if (SSL_CTX_set_tlsext_use_srtp(p->ctx, profiles) != 0)
		return (-1);
	p->ssl = SSL_new(p->ctx);
	p->rbio = BIO_new(BIO_s_mem());
	p->wbio = BIO_new(BIO_s_mem());
	BIO_set_mem_eof_return(p->rbio, -1);
	SSL_set_bio(p->ssl, p->rbio, p->wbio);
	SSL_set_connect_state(p->ssl);
	return (0);
}

/* Frees the client. */
static void
peer_free(struct peer *p)
{
	SSL_free(p->ssl);
	SSL_CTX_free(p->ctx);
	X509_free(p->x509);
}

/* Client and our server in turn until both are done: 0 or -1. */
static int
peer_pump(struct peer *p, struct dtls_srtp *s)
{
	unsigned char	 buf[4096];
	const char	*cause = NULL;
	int		 round, n, r = -1;

	for (round = 0; round < 20; round++) {
		r = SSL_do_handshake(p->ssl);
		if (r != 1 && SSL_get_error(p->ssl, r) != SSL_ERROR_WANT_READ)
			return (-1);
		/* What the client wrote: one datagram to our server. */
		if ((n = BIO_read(p->wbio, buf, sizeof(buf))) > 0 &&
		    dtls_srtp_handle(s, buf, (size_t)n, 1000, &cause) == -1) {
			fprintf(stderr, "peer_pump: %s\n", cause);
			return (-1);
		}
		while ((n = dtls_srtp_next(s, buf, sizeof(buf))) > 0)
			BIO_write(p->rbio, buf, n);
		if (r == 1 && dtls_srtp_done(s))
			return (0);
	}
	return (-1);
}

/* Runs a handshake; fills the client's split keys of profile (kl, sl). */
static int
peer_handshake(const char *profiles, struct dtls_srtp_keys *ours,
    uint8_t *client, uint8_t *server, size_t sl)
{
	struct peer		 p;
	struct dtls_srtp	*s;
	const char		*cause = NULL;
	uint8_t			 km[60], fp[DTLS_SRTP_FPLEN];
	unsigned int		 n;
	int			 r = -1;

	if (peer_init(&p, profiles) == -1)
		return (-1);
	if (dtls_srtp_init(&s, cert, DTLS_SRTP_SERVER, p.fp, 1000,
	    &cause) == -1)
		goto out;
	if (peer_pump(&p, s) == -1 || dtls_srtp_keys(s, ours, &cause) == -1)
		goto out;
	/* The client sees our certificate, of our fingerprint. */
	X509_digest(SSL_get0_peer_certificate(p.ssl), EVP_sha256(), fp, &n);
	if (memcmp(fp, dtls_srtp_cert_fp(cert), sizeof(fp)) != 0)
		goto out;
	/* client key, server key, client salt, server salt */
	if (SSL_export_keying_material(p.ssl, km, 2 * (16 + sl),
	    "EXTRACTOR-dtls_srtp", 19, NULL, 0, 0) != 1)
		goto out;
	memcpy(client, km, 16);
	memcpy(client + 16, km + 32, sl);
	memcpy(server, km + 16, 16);
	memcpy(server + 16, km + 32 + sl, sl);
	r = 0;
out:
	dtls_srtp_free(s);
	peer_free(&p);
	return (r);
}

/* An OpenSSL client gets the profile it offers and the same keys. */
static void
test_openssl_client(void)
{
	struct dtls_srtp_keys	 k;
	uint8_t			 c[30], s[30];

	CHECK_EQ(peer_handshake("SRTP_AES128_CM_SHA1_80", &k, c, s, 14), 0);
	CHECK_EQ(k.profile, DTLS_SRTP_AES128_CM_SHA1_80);
	CHECK_EQ(k.salt_len, 14);
	CHECK_MEM(k.local, s, 30);
	CHECK_MEM(k.remote, c, 30);
	/* Both offered: ours first in preference, GCM. */
	CHECK_EQ(peer_handshake("SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM",
	    &k, c, s, 12), 0);
	CHECK_EQ(k.profile, DTLS_SRTP_AEAD_AES_128_GCM);
	CHECK_MEM(k.local, s, 28);
	CHECK_MEM(k.remote, c, 28);
	/* Nothing in common: the handshake fails. */
	CHECK_EQ(peer_handshake("SRTP_AES128_CM_SHA1_32", &k, c, s, 14), -1);
	ERR_clear_error();
}

/* A packet of 12 bytes of header and len - 12 of payload. */
static size_t
rtp_packet(unsigned char *p, uint16_t seq, size_t len)
{
	size_t	 i;

	memcpy(p, "\x80\x60\x00\x00\x00\x00\x30\x39\x11\x22\x33\x44", 12);
	p[2] = (unsigned char)(seq >> 8);
	p[3] = (unsigned char)seq;
	for (i = 12; i < len; i++)
		p[i] = (unsigned char)(i * 7 + seq);
	return (len);
}

/* Test-only: unprotects an RTP packet with the session's inbound key. */
static int
unprotect_rtp(struct srtp_session *s, unsigned char *p, int len)
{
	return (srtp_unprotect(s->in, p, &len) == srtp_err_status_ok ? len :
	    -1);
}

/* Two sessions facing each other: ours (the camera) and the viewer's. */
static void
srtp_round(enum dtls_srtp_profile profile, size_t sl, size_t tag)
{
	struct dtls_srtp_keys	 cam = { 0 }, view = { 0 };
	struct srtp_session	 a, b;
	unsigned char		 pkt[1500], buf[1700], first[1700];
	const unsigned char	*out;
	const char		*cause = NULL;
	int			 n, m, i;
	static const unsigned char rr[] = {
		0x81, 0xc9, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x30, 0x39, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x02,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
	};

	cam.profile = view.profile = profile;
	cam.key_len = view.key_len = 16;
	cam.salt_len = view.salt_len = sl;
	for (i = 0; i < 30; i++) {
		cam.local[i] = view.remote[i] = (uint8_t)(i + 1);
		cam.remote[i] = view.local[i] = (uint8_t)(0xf0 - i);
	}
	CHECK_EQ(srtp_session_init(&a, &cam, &cause), 0);
	CHECK_EQ(srtp_session_init(&b, &view, &cause), 0);

	for (i = 0; i < 3; i++) {
		rtp_packet(pkt, (uint16_t)(65534 + i), 200);
		n = srtp_session_protect(&a, pkt, 200, &out, &cause);
		CHECK_EQ(n, 200 + tag);
		CHECK(out == a.buf);
		CHECK_MEM(out, pkt, 12);		/* header in clear */
		CHECK(memcmp(out + 12, pkt + 12, 188) != 0);
		memcpy(buf, out, (size_t)n);
		if (i == 0)
			memcpy(first, out, (size_t)n);
		CHECK_EQ(unprotect_rtp(&b, buf, n), 200);
		CHECK_MEM(buf, pkt, 200);
		/* Replayed: refused. */
		memcpy(buf, out, (size_t)n);
		CHECK_EQ(unprotect_rtp(&b, buf, n), -1);
	}
	/* A NACK's retransmission (past the ROC wrap): the same bytes. */
	rtp_packet(pkt, 65534, 200);
	n = srtp_session_protect(&a, pkt, 200, &out, &cause);
	CHECK_EQ(n, 200 + tag);
	CHECK_MEM(out, first, (size_t)n);

	/* Tampered: one bit of the payload or of the tag. */
	rtp_packet(pkt, 3, 300);
	n = srtp_session_protect(&a, pkt, 300, &out, &cause);
	memcpy(buf, out, (size_t)n);
	buf[40] ^= 0x01;
	CHECK_EQ(unprotect_rtp(&b, buf, n), -1);
	memcpy(buf, out, (size_t)n);
	buf[n - 1] ^= 0x80;
	CHECK_EQ(unprotect_rtp(&b, buf, n), -1);
	memcpy(buf, out, (size_t)n);
	CHECK_EQ(unprotect_rtp(&b, buf, n), 300);

	/* The viewer's RTCP to us, and ours to the viewer. */
	m = srtp_session_protect_rtcp(&b, rr, sizeof(rr), &out, &cause);
	CHECK_EQ(m, sizeof(rr) + 4 + tag);
	memcpy(buf, out, (size_t)m);
	CHECK_EQ(srtp_session_unprotect_rtcp(&a, buf, (size_t)m, &cause),
	    sizeof(rr));
	CHECK_MEM(buf, rr, sizeof(rr));
	memcpy(buf, out, (size_t)m);
	CHECK_EQ(srtp_session_unprotect_rtcp(&a, buf, (size_t)m, &cause), -1);
	CHECK(strstr(cause, "replay") != NULL);
	m = srtp_session_protect_rtcp(&b, rr, sizeof(rr), &out, &cause);
	memcpy(buf, out, (size_t)m);
	buf[9] ^= 0x10;
	CHECK_EQ(srtp_session_unprotect_rtcp(&a, buf, (size_t)m, &cause), -1);
	CHECK(strstr(cause, "authentication") != NULL);
	m = srtp_session_protect_rtcp(&a, rr, sizeof(rr), &out, &cause);
	memcpy(buf, out, (size_t)m);
	CHECK_EQ(srtp_session_unprotect_rtcp(&b, buf, (size_t)m, &cause),
	    sizeof(rr));
	/* Our own key does not open what we sent. */
	m = srtp_session_protect_rtcp(&a, rr, sizeof(rr), &out, &cause);
	memcpy(buf, out, (size_t)m);
	CHECK_EQ(srtp_session_unprotect_rtcp(&a, buf, (size_t)m, &cause), -1);

	/* Bounds. */
	CHECK_EQ(srtp_session_protect(&a, pkt, 11, &out, &cause), -1);
	CHECK_EQ(srtp_session_protect(&a, pkt, SRTP_SESSION_IN_MAX + 1, &out,
	    &cause), -1);
	CHECK_EQ(srtp_session_unprotect_rtcp(&a, buf, 4, &cause), -1);
	srtp_session_free(&a);
	srtp_session_free(&a);
	srtp_session_free(&b);
	CHECK_EQ(srtp_session_protect(&a, pkt, 100, &out, &cause), -1);
}

/* AEAD_AES_128_GCM: a 16-byte tag. */
static void
test_srtp_gcm(void)
{
	srtp_round(DTLS_SRTP_AEAD_AES_128_GCM, 12, 16);
}

/* AES128_CM_SHA1_80: a 10-byte tag. */
static void
test_srtp_cm(void)
{
	srtp_round(DTLS_SRTP_AES128_CM_SHA1_80, 14, 10);
}

/* Keys from a real handshake work across the two sides. */
static void
test_srtp_handshake_keys(void)
{
	struct dtls_srtp_keys	 ours, theirs;
	struct srtp_session	 a, b;
	uint8_t			 c[30], s[30];
	unsigned char		 pkt[1500], buf[1600];
	const unsigned char	*out;
	const char		*cause = NULL;
	int			 n;

	CHECK_EQ(peer_handshake("SRTP_AES128_CM_SHA1_80", &ours, c, s, 14), 0);
	theirs = ours;
	memcpy(theirs.local, c, 30);
	memcpy(theirs.remote, s, 30);
	CHECK_EQ(srtp_session_init(&a, &ours, &cause), 0);
	CHECK_EQ(srtp_session_init(&b, &theirs, &cause), 0);
	rtp_packet(pkt, 100, 1000);
	n = srtp_session_protect(&a, pkt, 1000, &out, &cause);
	CHECK_EQ(n, 1010);
	memcpy(buf, out, (size_t)n);
	CHECK_EQ(unprotect_rtp(&b, buf, n), 1000);
	CHECK_MEM(buf, pkt, 1000);
	srtp_session_free(&a);
	srtp_session_free(&b);
	ours.profile = DTLS_SRTP_NONE;
	CHECK_EQ(srtp_session_init(&a, &ours, &cause), -1);
}

int
main(void)
{
	const char	*cause = NULL;

	if (dtls_srtp_cert_init(&cert, &cause) == -1 ||
	    srtp_session_lib_init(&cause) == -1 ||
	    srtp_session_lib_init(&cause) == -1) {
		fprintf(stderr, "test_srtp_session: %s\n", cause);
		return (1);
	}
	RUN(test_openssl_client);
	RUN(test_srtp_gcm);
	RUN(test_srtp_cm);
	RUN(test_srtp_handshake_keys);
	dtls_srtp_cert_free(cert);
	srtp_shutdown();
	return (TEST_DONE("srtp_session"));
}
