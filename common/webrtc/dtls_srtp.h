/* SPDX-License-Identifier: ISC */
/*
 * dtls_srtp.h: DTLS 1.2 with the use_srtp extension (RFC 5764) on OpenSSL,
 * without sockets: the caller hands in each received DTLS datagram and
 * collects the datagrams to send.  The peer's certificate is checked
 * against the SHA-256 fingerprint of its SDP, and once the handshake is
 * done the SRTP master keys and salts are exported.  Retransmission timing
 * is OpenSSL's (the caller asks when, and calls back); the handshake's
 * deadline is the caller's clock, passed in as now_ms.
 */
#ifndef CAMPIPE_DTLS_SRTP_H
#define CAMPIPE_DTLS_SRTP_H

#include <stddef.h>
#include <stdint.h>

#define DTLS_SRTP_FPLEN		32	/* SHA-256 */
/* "AB:CD:..." with its NUL, as a=fingerprint:sha-256 wants it. */
#define DTLS_SRTP_FPSTR		(DTLS_SRTP_FPLEN * 3)
#define DTLS_SRTP_IN_MAX	1500	/* a larger datagram is refused */
#define DTLS_SRTP_MTU		1200	/* what we send at most */
#define DTLS_SRTP_HANDSHAKE_MS	10000	/* the handshake's deadline */
#define DTLS_SRTP_IN_COUNT	64	/* datagrams read before it is done */
#define DTLS_SRTP_OUT_QUEUE	16	/* datagrams waiting to be sent */
#define DTLS_SRTP_CERT_DAYS	30	/* the certificate's validity */
/* SRTP master key and salt, concatenated as libsrtp takes them. */
#define DTLS_SRTP_KEY_MAX	(16 + 14)

enum dtls_srtp_role {
	DTLS_SRTP_SERVER,	/* our a=setup:passive */
	DTLS_SRTP_CLIENT	/* our a=setup:active */
};

enum dtls_srtp_profile {
	DTLS_SRTP_NONE = 0,
	DTLS_SRTP_AES128_CM_SHA1_80,	/* RFC 5764: 16-byte key, 14 salt */
	DTLS_SRTP_AEAD_AES_128_GCM	/* RFC 7714: 16-byte key, 12 salt */
};

/* What dtls_srtp_handle says. */
#define DTLS_SRTP_AGAIN		0	/* the handshake goes on */
#define DTLS_SRTP_DONE		1	/* done: the keys can be read */
#define DTLS_SRTP_CLOSED	2	/* the peer sent close_notify */

/* Our certificate and the OpenSSL context every session shares. */
struct dtls_srtp_cert;
/* One peer's DTLS association. */
struct dtls_srtp;

/* The SRTP keys of a finished handshake, by direction. */
struct dtls_srtp_keys {
	enum dtls_srtp_profile profile;
	size_t		 key_len;	/* 16 */
	size_t		 salt_len;	/* 14 or 12 */
	/* key, then salt: what we send with, what the peer sends with. */
	uint8_t		 local[DTLS_SRTP_KEY_MAX];
	uint8_t		 remote[DTLS_SRTP_KEY_MAX];
};

/*
 * Generates a P-256 key and a self-signed certificate valid from a day
 * ago for DTLS_SRTP_CERT_DAYS, and the context sessions are made from.
 * 0, or -1 with cause.
 */
int	dtls_srtp_cert_init(struct dtls_srtp_cert **cp, const char **cause);
/* Frees a certificate; sessions made from it must be freed first. */
void	dtls_srtp_cert_free(struct dtls_srtp_cert *c);
/* The certificate's SHA-256 fingerprint, DTLS_SRTP_FPLEN bytes. */
const uint8_t *dtls_srtp_cert_fp(const struct dtls_srtp_cert *c);
/* The same, formatted "AB:CD:...", uppercase. */
const char *dtls_srtp_cert_fpstr(const struct dtls_srtp_cert *c);
/* Formats a fingerprint into out (DTLS_SRTP_FPSTR bytes). */
void	dtls_srtp_fp_format(const uint8_t *fp, char *out);

/*
 * A session in role with a peer whose certificate must have the SHA-256
 * fingerprint fp (the offer's), started at now_ms.  A client's first
 * flight (ClientHello) is queued at once.  0, or -1 with cause.
 */
int	dtls_srtp_init(struct dtls_srtp **dp, struct dtls_srtp_cert *c,
	    enum dtls_srtp_role role, const uint8_t *fp, uint64_t now_ms,
	    const char **cause);
/* Frees a session (NULL is fine). */
void	dtls_srtp_free(struct dtls_srtp *d);
/*
 * Reads one received datagram.  DTLS_SRTP_AGAIN, DTLS_SRTP_DONE (the
 * handshake is or was done), DTLS_SRTP_CLOSED, or -1 with cause: a
 * fatal alert, a wrong fingerprint, no SRTP profile in common, more than
 * DTLS_SRTP_IN_COUNT datagrams or DTLS_SRTP_HANDSHAKE_MS before it is
 * done.  A failed session stays failed.  Garbage that is not a DTLS
 * record is dropped by OpenSSL and counts against the datagrams.
 */
int	dtls_srtp_handle(struct dtls_srtp *d, const unsigned char *p,
	    size_t len, uint64_t now_ms, const char **cause);
/*
 * Moves the next datagram to send into buf.  Its length, 0 when there is
 * none, or -1 when it does not fit in len (DTLS_SRTP_MTU always does).
 */
int	dtls_srtp_next(struct dtls_srtp *d, unsigned char *buf, size_t len);
/*
 * Milliseconds until OpenSSL wants to retransmit (0: now), or -1 when no
 * timer runs (the handshake is done, or waits for the peer to begin).
 */
long	dtls_srtp_timeout(struct dtls_srtp *d);
/*
 * The timer fired: retransmits the last flight if it is due.  0, or -1
 * with cause when the deadline passed or OpenSSL gave up.
 */
int	dtls_srtp_on_timeout(struct dtls_srtp *d, uint64_t now_ms,
	    const char **cause);
/* 1 once the handshake is done. */
int	dtls_srtp_done(const struct dtls_srtp *d);
/*
 * The SRTP keys of a finished handshake, split by RFC 5764 section 4.2
 * into ours and the peer's by our role.  0, or -1 with cause.
 */
int	dtls_srtp_keys(struct dtls_srtp *d, struct dtls_srtp_keys *k,
	    const char **cause);
/* Queues a close_notify alert (the session ends). */
void	dtls_srtp_close(struct dtls_srtp *d);
/* The profile's name, for logs: "SRTP_AEAD_AES_128_GCM" and so on. */
const char *dtls_srtp_profile_name(enum dtls_srtp_profile p);

#endif
