/* SPDX-License-Identifier: ISC */
/*
 * ice_lite.h: the answering side of ICE-lite (RFC 8445 sections 2.5 and
 * 7.3) for one session: Binding requests from the peer, authenticated with
 * the session's short-term credentials, are answered; the candidate pairs
 * they come from are remembered with their consent (RFC 7675) and the one
 * the peer nominates (USE-CANDIDATE) is selected.  No I/O and no clock:
 * the caller passes the datagram, its source and the monotonic time in
 * milliseconds, and sends what comes back.  What is accepted and answered
 * is in docs/webrtc.md.
 */
#ifndef CAMPIPE_ICE_LITE_H
#define CAMPIPE_ICE_LITE_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#define ICE_LITE_UFRAG_MIN	4	/* ice-char, RFC 8839 section 5.4 */
#define ICE_LITE_UFRAG_MAX	256
#define ICE_LITE_PWD_MIN	22
#define ICE_LITE_PWD_MAX	256
#define ICE_LITE_PEERS		8	/* remote addresses remembered */
#define ICE_LITE_CONSENT_MS	30000	/* RFC 7675 section 5.1 */

/* A remote address that sent a valid request: one candidate pair. */
struct ice_lite_peer {
	struct sockaddr_storage	 addr;
	uint64_t		 first_ms;	/* its first valid request */
	uint64_t		 last_ms;	/* its last: consent */
	uint32_t		 priority;	/* PRIORITY it last sent */
	int			 used;
	int			 nominated;	/* sent USE-CANDIDATE */
};

/* One session's ICE-lite state. */
struct ice_lite {
	char			 local_ufrag[ICE_LITE_UFRAG_MAX + 1];
	char			 local_pwd[ICE_LITE_PWD_MAX + 1];
	char			 remote_ufrag[ICE_LITE_UFRAG_MAX + 1];
	size_t			 local_ufrag_len;
	size_t			 local_pwd_len;
	size_t			 remote_ufrag_len;
	uint64_t		 start_ms;
	struct ice_lite_peer	 peers[ICE_LITE_PEERS];
	int			 selected;	/* index in peers, or -1 */
	unsigned		 selections;	/* times selected changed */
	uint64_t		 answered;	/* success responses */
	uint64_t		 dropped;	/* datagrams not answered */
};

/*
 * Starts a session with the local ufrag and password (those of the SDP
 * answer) and the peer's ufrag (of its offer) at now_ms.  0, or -1 with
 * cause when one is not 4 (22 for the password) to 256 ice-chars.
 */
int	ice_lite_init(struct ice_lite *ice, const char *local_ufrag,
	    const char *local_pwd, const char *remote_ufrag, uint64_t now_ms,
	    const char **cause);
/* Ends a session: its password wiped. */
void	ice_lite_free(struct ice_lite *ice);
/*
 * Handles a datagram of len bytes from from at now_ms.  Returns the length
 * of the answer written to out, for the caller to send back to from, or
 * -1 to send nothing.  cause says why it dropped or answered an error;
 * NULL after a success response.  Nothing is answered without a valid
 * MESSAGE-INTEGRITY.
 */
int	ice_lite_handle(struct ice_lite *ice, const unsigned char *pkt,
	    size_t len, const struct sockaddr_storage *from, uint64_t now_ms,
	    unsigned char *out, size_t outlen, const char **cause);
/* The remote address the peer nominated, or NULL. */
const struct sockaddr_storage *ice_lite_selected(const struct ice_lite *ice);
/*
 * 1 if addr sent a valid request in the last ICE_LITE_CONSENT_MS before
 * now_ms, else 0: media goes only to an address with consent.
 */
int	ice_lite_consent(const struct ice_lite *ice,
	    const struct sockaddr_storage *addr, uint64_t now_ms);
/*
 * 1 if the session has lost consent: ICE_LITE_CONSENT_MS without a valid
 * request on the selected pair (any pair before a nomination, since the
 * start before any request).  The session should end.
 */
int	ice_lite_expired(const struct ice_lite *ice, uint64_t now_ms);
/*
 * Copies the local ufrag a request names (USERNAME up to ':') into ufrag
 * (ICE_LITE_UFRAG_MAX + 1 bytes), to find its session before
 * ice_lite_handle.  0, or -1 with cause.
 */
int	ice_lite_ufrag(const unsigned char *pkt, size_t len, char *ufrag,
	    size_t ufraglen, const char **cause);

#endif
