/* SPDX-License-Identifier: ISC */
/*
 * dtls_srtp.c: DTLS-SRTP (RFC 5764) on OpenSSL 3 through a BIO of our own
 * that keeps datagram boundaries: what OpenSSL writes is queued as
 * datagrams (records of one flight share a datagram up to DTLS_SRTP_MTU),
 * what it reads is the one datagram the caller handed in.
 */
#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "dtls_srtp.h"

#define DTLS_SRTP_LABEL		"EXTRACTOR-dtls_srtp"
#define DTLS_SRTP_PROFILES	"SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"
/* ECDSA suites for our certificate; RSA ones too when we are the client. */
#define DTLS_SRTP_CIPHERS	"ECDHE-ECDSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:" \
	"ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:" \
	"ECDHE-RSA-CHACHA20-POLY1305"
#define DTLS_SRTP_TIMER_FIRST	200000	/* first retransmission, us */
#define DTLS_SRTP_TIMER_MAX	3200000	/* doubling up to this */

struct dtls_srtp_cert {
	EVP_PKEY	*key;
	X509		*x509;
	SSL_CTX		*ctx;
	BIO_METHOD	*meth;
	uint8_t		 fp[DTLS_SRTP_FPLEN];
	char		 fpstr[DTLS_SRTP_FPSTR];
};

struct dtls_srtp {
	SSL		*ssl;
	enum dtls_srtp_role role;
	uint8_t		 fp[DTLS_SRTP_FPLEN];	/* the peer's, from its SDP */
	uint64_t	 start_ms;
	unsigned	 nin;		/* datagrams read before done */
	int		 done, failed, closed, fp_wrong;
	const unsigned char *in;	/* the datagram being read */
	size_t		 inlen;
	/* Datagrams to send: a ring; the newest stays open for records. */
	unsigned char	 out[DTLS_SRTP_OUT_QUEUE][DTLS_SRTP_MTU];
	size_t		 outlen[DTLS_SRTP_OUT_QUEUE];
	size_t		 ohead, ocount;
	int		 oopen;
	char		 cause[160];
};

/* Formats a fingerprint into out (DTLS_SRTP_FPSTR bytes). */
void
dtls_srtp_fp_format(const uint8_t *fp, char *out)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 i;

	for (i = 0; i < DTLS_SRTP_FPLEN; i++) {
		out[i * 3] = hex[fp[i] >> 4];
		out[i * 3 + 1] = hex[fp[i] & 0xf];
		out[i * 3 + 2] = i + 1 < DTLS_SRTP_FPLEN ? ':' : '\0';
	}
}

/* The SHA-256 digest of a certificate's DER into fp; 0 or -1. */
static int
dtls_srtp_digest(const X509 *x, uint8_t *fp)
{
	unsigned int	 n = 0;

	if (X509_digest(x, EVP_sha256(), fp, &n) != 1 || n != DTLS_SRTP_FPLEN)
		return (-1);
	return (0);
}

/* BIO write: the bytes join the open datagram or begin a new one. */
static int
dtls_srtp_bio_write(BIO *b, const char *buf, int len)
{
	struct dtls_srtp	*d = BIO_get_data(b);
	size_t			 n = (size_t)len, last;

	if (len <= 0 || n > DTLS_SRTP_MTU)
		return (len);	/* lost, as on the wire */
	last = (d->ohead + d->ocount + DTLS_SRTP_OUT_QUEUE - 1) %
	    DTLS_SRTP_OUT_QUEUE;
	if (d->oopen && d->ocount > 0 && d->outlen[last] + n <= DTLS_SRTP_MTU) {
		memcpy(d->out[last] + d->outlen[last], buf, n);
		d->outlen[last] += n;
		return (len);
	}
	if (d->ocount == DTLS_SRTP_OUT_QUEUE)
		return (len);	/* the caller does not collect: lost */
	last = (d->ohead + d->ocount) % DTLS_SRTP_OUT_QUEUE;
	memcpy(d->out[last], buf, n);
	d->outlen[last] = n;
	d->ocount++;
	d->oopen = 1;
	return (len);
}

/* BIO read: the datagram handed in, once. */
static int
dtls_srtp_bio_read(BIO *b, char *buf, int len)
{
	struct dtls_srtp	*d = BIO_get_data(b);
	size_t			 n;

	BIO_clear_retry_flags(b);
	if (d->in == NULL || len <= 0) {
		BIO_set_retry_read(b);
		return (-1);
	}
	n = d->inlen < (size_t)len ? d->inlen : (size_t)len;
	memcpy(buf, d->in, n);
	d->in = NULL;
	return ((int)n);
}

/* BIO control: a flush ends the open datagram; the rest is not asked. */
static long
dtls_srtp_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct dtls_srtp	*d = BIO_get_data(b);

	switch (cmd) {
	case BIO_CTRL_FLUSH:
		d->oopen = 0;
		return (1);
	case BIO_CTRL_DGRAM_QUERY_MTU:
	case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
		return (DTLS_SRTP_MTU);
	default:
		return (0);
	}
}

/* BIO create: usable at once. */
static int
dtls_srtp_bio_create(BIO *b)
{
	BIO_set_init(b, 1);
	return (1);
}

/* The retransmission timer: DTLS_SRTP_TIMER_FIRST, doubling, capped. */
static unsigned int
dtls_srtp_timer(SSL *ssl, unsigned int us)
{
	if (us == 0)
		return (DTLS_SRTP_TIMER_FIRST);
	return (us >= DTLS_SRTP_TIMER_MAX / 2 ? DTLS_SRTP_TIMER_MAX : us * 2);
}

/*
 * Certificate check: the leaf must have the offer's fingerprint; a CA's
 * opinion (self-signed, validity) does not count.
 */
static int
dtls_srtp_verify(int ok, X509_STORE_CTX *store)
{
	SSL			*ssl;
	struct dtls_srtp	*d;
	X509			*x;
	uint8_t			 fp[DTLS_SRTP_FPLEN];

	if (X509_STORE_CTX_get_error_depth(store) != 0)
		return (1);
	ssl = X509_STORE_CTX_get_ex_data(store,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	if (ssl == NULL || (d = SSL_get_app_data(ssl)) == NULL ||
	    (x = X509_STORE_CTX_get_current_cert(store)) == NULL)
		return (0);
	if (dtls_srtp_digest(x, fp) == -1 ||
	    CRYPTO_memcmp(fp, d->fp, DTLS_SRTP_FPLEN) != 0) {
		d->fp_wrong = 1;
		return (0);
	}
	return (1);
}

/* A self-signed P-256 certificate for key, CN=campipe; NULL on error. */
static X509 *
dtls_srtp_selfsign(EVP_PKEY *key)
{
	X509		*x;
	X509_NAME	*name;
	uint64_t	 serial;

	if ((x = X509_new()) == NULL)
		return (NULL);
	if (RAND_bytes((unsigned char *)&serial, sizeof(serial)) != 1 ||
	    X509_set_version(x, X509_VERSION_3) != 1 ||
	    ASN1_INTEGER_set_uint64(X509_get_serialNumber(x),
	    serial >> 1) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -86400L) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x),
	    DTLS_SRTP_CERT_DAYS * 86400L) == NULL ||
	    (name = X509_get_subject_name(x)) == NULL ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"campipe", -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1 ||
	    X509_set_pubkey(x, key) != 1 ||
	    X509_sign(x, key, EVP_sha256()) <= 0) {
		X509_free(x);
		return (NULL);
	}
	return (x);
}

/* The shared context: DTLS 1.2 only, our certificate, SRTP profiles. */
static SSL_CTX *
dtls_srtp_ctx(struct dtls_srtp_cert *c)
{
	SSL_CTX		*ctx;

	if ((ctx = SSL_CTX_new(DTLS_method())) == NULL)
		return (NULL);
	if (SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
	    SSL_CTX_use_certificate(ctx, c->x509) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, c->key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1 ||
	    SSL_CTX_set_cipher_list(ctx, DTLS_SRTP_CIPHERS) != 1 ||
	    SSL_CTX_set1_groups_list(ctx, "X25519:P-256") != 1 ||
	    SSL_CTX_set_tlsext_use_srtp(ctx, DTLS_SRTP_PROFILES) != 0) {
		SSL_CTX_free(ctx);
		return (NULL);
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, dtls_srtp_verify);
	return (ctx);
}

/* Generates our key, certificate and context. */
int
dtls_srtp_cert_init(struct dtls_srtp_cert **cp, const char **cause)
{
	struct dtls_srtp_cert	*c;

	*cp = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		*cause = "dtls: out of memory";
		return (-1);
	}
	if ((c->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL ||
	    (c->x509 = dtls_srtp_selfsign(c->key)) == NULL ||
	    dtls_srtp_digest(c->x509, c->fp) == -1) {
		*cause = "dtls: cannot make the certificate";
		goto fail;
	}
	dtls_srtp_fp_format(c->fp, c->fpstr);
	if ((c->ctx = dtls_srtp_ctx(c)) == NULL) {
		*cause = "dtls: cannot set up the DTLS context";
		goto fail;
	}
	if ((c->meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
	    "campipe datagrams")) == NULL ||
	    BIO_meth_set_write(c->meth, dtls_srtp_bio_write) != 1 ||
	    BIO_meth_set_read(c->meth, dtls_srtp_bio_read) != 1 ||
	    BIO_meth_set_ctrl(c->meth, dtls_srtp_bio_ctrl) != 1 ||
	    BIO_meth_set_create(c->meth, dtls_srtp_bio_create) != 1) {
		*cause = "dtls: cannot make the datagram BIO";
		goto fail;
	}
	*cp = c;
	return (0);
fail:
	ERR_clear_error();
	dtls_srtp_cert_free(c);
	return (-1);
}

/* Frees a certificate and its context. */
void
dtls_srtp_cert_free(struct dtls_srtp_cert *c)
{
	if (c == NULL)
		return;
	SSL_CTX_free(c->ctx);
	X509_free(c->x509);
	EVP_PKEY_free(c->key);
	BIO_meth_free(c->meth);
	free(c);
}

/* The certificate's SHA-256 fingerprint. */
const uint8_t *
dtls_srtp_cert_fp(const struct dtls_srtp_cert *c)
{
	return (c->fp);
}

/* The fingerprint as SDP writes it. */
const char *
dtls_srtp_cert_fpstr(const struct dtls_srtp_cert *c)
{
	return (c->fpstr);
}

/* Marks the session failed with cause, or with OpenSSL's reason. */
static int
dtls_srtp_fail(struct dtls_srtp *d, const char *why, const char **cause)
{
	const char	*r;

	if (why == NULL && d->fp_wrong)
		why = "the peer's certificate is not the offer's fingerprint";
	if (why == NULL) {
		r = ERR_reason_error_string(ERR_peek_last_error());
		why = r != NULL ? r : "the handshake failed";
	}
	if (!d->failed)
		snprintf(d->cause, sizeof(d->cause), "dtls: %s", why);
	ERR_clear_error();
	d->failed = 1;
	d->in = NULL;
	*cause = d->cause;
	return (-1);
}

/* Makes a session in role with the peer of fingerprint fp. */
int
dtls_srtp_init(struct dtls_srtp **dp, struct dtls_srtp_cert *c,
    enum dtls_srtp_role role, const uint8_t *fp, uint64_t now_ms,
    const char **cause)
{
	struct dtls_srtp	*d;
	BIO			*bio;

	*dp = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		*cause = "dtls: out of memory";
		return (-1);
	}
	d->role = role;
	d->start_ms = now_ms;
	memcpy(d->fp, fp, DTLS_SRTP_FPLEN);
	if ((d->ssl = SSL_new(c->ctx)) == NULL ||
	    (bio = BIO_new(c->meth)) == NULL) {
		*cause = "dtls: cannot make a session";
		ERR_clear_error();
		dtls_srtp_free(d);
		return (-1);
	}
	BIO_set_data(bio, d);
	/* The same BIO both ways: the session takes its one reference. */
	SSL_set_bio(d->ssl, bio, bio);
	SSL_set_app_data(d->ssl, d);
	SSL_set_mtu(d->ssl, DTLS_SRTP_MTU);
	DTLS_set_timer_cb(d->ssl, dtls_srtp_timer);
	if (role == DTLS_SRTP_CLIENT) {
		SSL_set_connect_state(d->ssl);
		ERR_clear_error();
		if (SSL_do_handshake(d->ssl) != -1 ||
		    SSL_get_error(d->ssl, -1) != SSL_ERROR_WANT_READ) {
			*cause = "dtls: cannot begin the handshake";
			ERR_clear_error();
			dtls_srtp_free(d);
			return (-1);
		}
	} else
		SSL_set_accept_state(d->ssl);
	*dp = d;
	return (0);
}

/* Frees a session. */
void
dtls_srtp_free(struct dtls_srtp *d)
{
	if (d == NULL)
		return;
	SSL_free(d->ssl);
	free(d);
}

/* The handshake is done: checks the certificate again, and the profile. */
static int
dtls_srtp_finish(struct dtls_srtp *d, const char **cause)
{
	X509				*x;
	const SRTP_PROTECTION_PROFILE	*p;
	uint8_t				 fp[DTLS_SRTP_FPLEN];

	if ((x = SSL_get0_peer_certificate(d->ssl)) == NULL ||
	    dtls_srtp_digest(x, fp) == -1 ||
	    CRYPTO_memcmp(fp, d->fp, DTLS_SRTP_FPLEN) != 0) {
		d->fp_wrong = 1;
		return (dtls_srtp_fail(d, NULL, cause));
	}
	if ((p = SSL_get_selected_srtp_profile(d->ssl)) == NULL ||
	    (p->id != SRTP_AEAD_AES_128_GCM && p->id != SRTP_AES128_CM_SHA1_80))
		return (dtls_srtp_fail(d, "no SRTP profile in common", cause));
	d->done = 1;
	return (DTLS_SRTP_DONE);
}

/* Reads one received datagram. */
int
dtls_srtp_handle(struct dtls_srtp *d, const unsigned char *p, size_t len,
    uint64_t now_ms, const char **cause)
{
	unsigned char	 buf[DTLS_SRTP_IN_MAX];
	int		 r, e;

	if (d->failed) {
		*cause = d->cause;
		return (-1);
	}
	if (d->closed)
		return (DTLS_SRTP_CLOSED);
	if (!d->done) {
		if (now_ms - d->start_ms > DTLS_SRTP_HANDSHAKE_MS)
			return (dtls_srtp_fail(d, "the handshake took too long",
			    cause));
		if (++d->nin > DTLS_SRTP_IN_COUNT)
			return (dtls_srtp_fail(d, "too many datagrams before "
			    "the handshake was done", cause));
	}
	if (len == 0 || len > DTLS_SRTP_IN_MAX)
		return (d->done ? DTLS_SRTP_DONE : DTLS_SRTP_AGAIN);
	d->in = p;
	d->inlen = len;
	ERR_clear_error();
	if (!d->done) {
		r = SSL_do_handshake(d->ssl);
		d->in = NULL;
		if (r == 1)
			return (dtls_srtp_finish(d, cause));
		e = SSL_get_error(d->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
			return (DTLS_SRTP_AGAIN);
		return (dtls_srtp_fail(d, NULL, cause));
	}
	/* Application data is not ours to read (no data channels). */
	while ((r = SSL_read(d->ssl, buf, sizeof(buf))) > 0)
		;
	d->in = NULL;
	e = SSL_get_error(d->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return (DTLS_SRTP_DONE);
	if (e == SSL_ERROR_ZERO_RETURN) {
		d->closed = 1;
		return (DTLS_SRTP_CLOSED);
	}
	return (dtls_srtp_fail(d, NULL, cause));
}

/* Moves the next datagram to send into buf. */
int
dtls_srtp_next(struct dtls_srtp *d, unsigned char *buf, size_t len)
{
	size_t	 n;

	if (d->ocount == 0)
		return (0);
	if ((n = d->outlen[d->ohead]) > len)
		return (-1);
	memcpy(buf, d->out[d->ohead], n);
	d->ohead = (d->ohead + 1) % DTLS_SRTP_OUT_QUEUE;
	if (--d->ocount == 0)
		d->oopen = 0;
	return ((int)n);
}

/* Milliseconds until OpenSSL wants to retransmit, or -1. */
long
dtls_srtp_timeout(struct dtls_srtp *d)
{
	struct timeval	 tv;

	if (d->done || d->failed || DTLSv1_get_timeout(d->ssl, &tv) != 1)
		return (-1);
	return ((long)tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
}

/* The timer fired: retransmits when due, fails past the deadline. */
int
dtls_srtp_on_timeout(struct dtls_srtp *d, uint64_t now_ms,
    const char **cause)
{
	if (d->failed) {
		*cause = d->cause;
		return (-1);
	}
	if (d->done)
		return (0);
	if (now_ms - d->start_ms > DTLS_SRTP_HANDSHAKE_MS)
		return (dtls_srtp_fail(d, "the handshake took too long", cause));
	ERR_clear_error();
	if (DTLSv1_handle_timeout(d->ssl) < 0)
		return (dtls_srtp_fail(d, NULL, cause));
	return (0);
}

/* 1 once the handshake is done. */
int
dtls_srtp_done(const struct dtls_srtp *d)
{
	return (d->done && !d->failed);
}

/*
 * The keying material is client key, server key, client salt, server salt
 * (RFC 5764 section 4.2); ours is the server's when we are the server.
 */
int
dtls_srtp_keys(struct dtls_srtp *d, struct dtls_srtp_keys *k,
    const char **cause)
{
	uint8_t		 km[2 * DTLS_SRTP_KEY_MAX];
	const uint8_t	*ck, *sk, *cs, *ss, *swap;
	size_t		 kl = 16, sl;

	memset(k, 0, sizeof(*k));
	if (!dtls_srtp_done(d)) {
		*cause = "dtls: the handshake is not done";
		return (-1);
	}
	if (SSL_get_selected_srtp_profile(d->ssl)->id == SRTP_AEAD_AES_128_GCM) {
		k->profile = DTLS_SRTP_AEAD_AES_128_GCM;
		sl = 12;
	} else {
		k->profile = DTLS_SRTP_AES128_CM_SHA1_80;
		sl = 14;
	}
	if (SSL_export_keying_material(d->ssl, km, 2 * (kl + sl),
	    DTLS_SRTP_LABEL, strlen(DTLS_SRTP_LABEL), NULL, 0, 0) != 1) {
		ERR_clear_error();
		*cause = "dtls: cannot export the keying material";
		return (-1);
	}
	ck = km;
	sk = km + kl;
	cs = km + 2 * kl;
	ss = km + 2 * kl + sl;
	if (d->role == DTLS_SRTP_CLIENT) {
		swap = ck, ck = sk, sk = swap;
		swap = cs, cs = ss, ss = swap;
	}
	/* Now sk and ss are ours, ck and cs the peer's. */
	memcpy(k->local, sk, kl);
	memcpy(k->local + kl, ss, sl);
	memcpy(k->remote, ck, kl);
	memcpy(k->remote + kl, cs, sl);
	k->key_len = kl;
	k->salt_len = sl;
	OPENSSL_cleanse(km, sizeof(km));
	return (0);
}

/* Queues a close_notify alert. */
void
dtls_srtp_close(struct dtls_srtp *d)
{
	if (d->done && !d->failed && !d->closed) {
		ERR_clear_error();
		(void)SSL_shutdown(d->ssl);
		ERR_clear_error();
	}
	d->closed = 1;
}

/* The profile's name. */
const char *
dtls_srtp_profile_name(enum dtls_srtp_profile p)
{
	switch (p) {
	case DTLS_SRTP_AES128_CM_SHA1_80:
		return ("SRTP_AES128_CM_SHA1_80");
	case DTLS_SRTP_AEAD_AES_128_GCM:
		return ("SRTP_AEAD_AES_128_GCM");
	case DTLS_SRTP_NONE:
		break;
	}
	return ("none");
}
