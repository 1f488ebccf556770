/* SPDX-License-Identifier: ISC */
/* srtp_session.c: a viewer's SRTP contexts on libsrtp2. */
#include <string.h>

#include <srtp2/srtp.h>

#include "srtp_session.h"

_Static_assert(SRTP_SESSION_TRAILER >= SRTP_MAX_TRAILER_LEN + 4,
    "SRTP_SESSION_TRAILER is smaller than libsrtp's trailer");

/* A cause for libsrtp's status. */
static const char *
srtp_session_why(srtp_err_status_t e, const char *what)
{
	switch (e) {
	case srtp_err_status_auth_fail:
		return ("srtp: authentication failed");
	case srtp_err_status_replay_fail:
	case srtp_err_status_replay_old:
		return ("srtp: a replayed or too old packet");
	case srtp_err_status_bad_param:
		return ("srtp: a malformed packet");
	default:
		return (what);
	}
}

/* libsrtp's srtp_init, once per process. */
int
srtp_session_lib_init(const char **cause)
{
	static int	 done;

	if (done)
		return (0);
	if (srtp_init() != srtp_err_status_ok) {
		*cause = "srtp: cannot initialise libsrtp";
		return (-1);
	}
	done = 1;
	return (0);
}

/* One direction's context: our outbound key, or the viewer's inbound. */
static int
srtp_session_ctx(srtp_t *ctx, enum dtls_srtp_profile profile,
    const uint8_t *key, int outbound)
{
	srtp_policy_t	 p;

	memset(&p, 0, sizeof(p));
	if (profile == DTLS_SRTP_AEAD_AES_128_GCM) {
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtcp);
	} else {
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
	}
	p.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
	p.key = (unsigned char *)key;
	p.window_size = SRTP_SESSION_WINDOW;
	p.allow_repeat_tx = outbound;
	p.next = NULL;
	return (srtp_create(ctx, &p) == srtp_err_status_ok ? 0 : -1);
}

/* A session with the keys of a DTLS-SRTP handshake. */
int
srtp_session_init(struct srtp_session *s, const struct dtls_srtp_keys *k,
    const char **cause)
{
	srtp_t	 out = NULL, in = NULL;

	memset(s, 0, sizeof(*s));
	if (k->profile != DTLS_SRTP_AEAD_AES_128_GCM &&
	    k->profile != DTLS_SRTP_AES128_CM_SHA1_80) {
		*cause = "srtp: no SRTP profile";
		return (-1);
	}
	if (srtp_session_ctx(&out, k->profile, k->local, 1) == -1 ||
	    srtp_session_ctx(&in, k->profile, k->remote, 0) == -1) {
		if (out != NULL)
			srtp_dealloc(out);
		*cause = "srtp: cannot make the session (srtp_init not called?)";
		return (-1);
	}
	s->out = out;
	s->in = in;
	s->profile = k->profile;
	return (0);
}

/* Frees the session's contexts. */
void
srtp_session_free(struct srtp_session *s)
{
	if (s->out != NULL)
		srtp_dealloc(s->out);
	if (s->in != NULL)
		srtp_dealloc(s->in);
	s->out = s->in = NULL;
}

/* Copies p into the buffer and protects it, as RTP or RTCP. */
static int
srtp_session_seal(struct srtp_session *s, const unsigned char *p,
    size_t len, int rtcp, const unsigned char **out, const char **cause)
{
	srtp_err_status_t	 e;
	int			 n = (int)len;

	if (s->out == NULL) {
		*cause = "srtp: no session";
		return (-1);
	}
	if (len < (rtcp ? 8u : 12u) || len > SRTP_SESSION_IN_MAX) {
		*cause = "srtp: a packet too short or too long to protect";
		return (-1);
	}
	memcpy(s->buf, p, len);
	e = rtcp ? srtp_protect_rtcp(s->out, s->buf, &n) :
	    srtp_protect(s->out, s->buf, &n);
	if (e != srtp_err_status_ok) {
		*cause = srtp_session_why(e, "srtp: cannot protect");
		return (-1);
	}
	*out = s->buf;
	return (n);
}

/* Protects an RTP packet into the session's buffer. */
int
srtp_session_protect(struct srtp_session *s, const unsigned char *p,
    size_t len, const unsigned char **out, const char **cause)
{
	return (srtp_session_seal(s, p, len, 0, out, cause));
}

/* Protects an RTCP compound packet into the session's buffer. */
int
srtp_session_protect_rtcp(struct srtp_session *s, const unsigned char *p,
    size_t len, const unsigned char **out, const char **cause)
{
	return (srtp_session_seal(s, p, len, 1, out, cause));
}

/* Checks and decrypts the viewer's SRTCP packet in place. */
int
srtp_session_unprotect_rtcp(struct srtp_session *s, unsigned char *p,
    size_t len, const char **cause)
{
	srtp_err_status_t	 e;
	int			 n = (int)len;

	if (s->in == NULL) {
		*cause = "srtp: no session";
		return (-1);
	}
	if (len < 8 || len > SRTP_SESSION_IN_MAX + SRTP_SESSION_TRAILER) {
		*cause = "srtp: an SRTCP packet too short or too long";
		return (-1);
	}
	if ((e = srtp_unprotect_rtcp(s->in, p, &n)) != srtp_err_status_ok) {
		*cause = srtp_session_why(e, "srtp: cannot unprotect");
		return (-1);
	}
	return (n);
}
