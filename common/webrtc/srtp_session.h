/* SPDX-License-Identifier: ISC */
/*
 * srtp_session.h: one viewer's SRTP (RFC 3711, RFC 7714) on libsrtp2,
 * keyed by a finished DTLS-SRTP handshake: what we send (RTP and RTCP) is
 * protected with our key, what the viewer sends (RTCP: receiver reports,
 * NACK, PLI, FIR) unprotected with the viewer's.  Plaintext RTP is made
 * once per camera and shared by every viewer; protecting it is per viewer,
 * so each packet is copied into the session's own buffer and protected
 * there (SRTP encrypts and authenticates in place, with a key of its own).
 * libsrtp keeps the rollover counter and the replay window.
 */
#ifndef CAMPIPE_SRTP_SESSION_H
#define CAMPIPE_SRTP_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "dtls_srtp.h"

#define SRTP_SESSION_IN_MAX	1500	/* plaintext packet, at most */
/* Room past the packet for the tag and the SRTCP index (148 + 4). */
#define SRTP_SESSION_TRAILER	152
#define SRTP_SESSION_WINDOW	1024	/* replay window, packets */

struct srtp_ctx_t_;

struct srtp_session {
	struct srtp_ctx_t_ *out;	/* ours: protect */
	struct srtp_ctx_t_ *in;		/* the viewer's: unprotect */
	enum dtls_srtp_profile profile;
	unsigned char	 buf[SRTP_SESSION_IN_MAX + SRTP_SESSION_TRAILER];
};

/* libsrtp's srtp_init, once per process.  0, or -1 with cause. */
int	srtp_session_lib_init(const char **cause);
/*
 * A session with the keys of a DTLS-SRTP handshake.  Retransmitting a
 * packet already sent (NACK) is allowed: the same plaintext under the
 * same index gives the same bytes.  0, or -1 with cause.
 */
int	srtp_session_init(struct srtp_session *s,
	    const struct dtls_srtp_keys *k, const char **cause);
/* Frees what srtp_session_init made (twice is fine). */
void	srtp_session_free(struct srtp_session *s);
/*
 * Copies the RTP packet p into the session's buffer and protects it
 * there; *out points to the SRTP packet.  Its length, or -1 with cause.
 */
int	srtp_session_protect(struct srtp_session *s, const unsigned char *p,
	    size_t len, const unsigned char **out, const char **cause);
/* The same for an RTCP compound packet (SRTCP). */
int	srtp_session_protect_rtcp(struct srtp_session *s,
	    const unsigned char *p, size_t len, const unsigned char **out,
	    const char **cause);
/*
 * Checks and decrypts the viewer's SRTCP packet in place.  The length of
 * the RTCP inside, or -1 with cause (forged, replayed, malformed).
 */
int	srtp_session_unprotect_rtcp(struct srtp_session *s, unsigned char *p,
	    size_t len, const char **cause);

#endif
