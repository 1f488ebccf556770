/* SPDX-License-Identifier: ISC */
/*
 * sdp_write.h: what the camera's SDP answer (sdp_answer.c) and its own
 * offer (cs_offer.c) write alike: a bounded buffer, the session lines, and
 * the send-only H.264 video section with our ICE credentials, fingerprint,
 * SSRC and complete host candidates.  No I/O.
 */
#ifndef CAMPIPE_SDP_WRITE_H
#define CAMPIPE_SDP_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "sdp_answer.h"

/* The text as it is written: the caller's buffer and what is left. */
struct sdp_write {
	char	*buf;
	size_t	 size, used;
	int	 over;		/* something did not fit */
};

/* What the video section says beside our own inputs (struct sdp_answer). */
struct sdp_write_video {
	const char	*proto;		/* "UDP/TLS/RTP/SAVPF" */
	uint8_t		 pt;
	const char	*setup;		/* "actpass", "active", "passive" */
	const char	*mid;		/* "" for none */
	uint16_t	 ext_abs_capture; /* its extmap id, 0 for none */
	int		 rtcp_rsize;
	uint8_t		 fb;		/* SDP_FB_NACK, _PLI, _FIR */
	int		 level_asym;
	const uint8_t	*plid;		/* 3 bytes */
};

/* Starts writing into buf of size bytes (buf may be NULL when 0). */
void	sdp_write_init(struct sdp_write *w, char *buf, size_t size);

/* Appends formatted text, or marks the output over. */
void	sdp_write_put(struct sdp_write *w, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Ends the text: its length, or -1 with cause toosmall (and buf emptied)
 * when it did not fit.
 */
int	sdp_write_end(struct sdp_write *w, const char *toosmall,
	    const char **cause);

/* 4 or 6 for an IPv4 or IPv6 address in text, else 0. */
int	sdp_write_family(const char *addr);

/* A host candidate's priority (RFC 8445 5.1.2.1), the i-th of ours. */
uint32_t sdp_write_priority(size_t i);

/*
 * Checks our own inputs; NULL, or why they are out of bounds, worded for
 * the answer ("sdp answer: ...") or the offer ("cs offer: ...").
 */
const char *sdp_write_check(const struct sdp_answer *a, int offer);

/* Writes v=, o=, s=, t=, a=group:BUNDLE (mid not NULL) and a=ice-lite. */
void	sdp_write_session(struct sdp_write *w, const struct sdp_answer *a,
	    const char *bundle_mid);

/* Writes the video section, from m= to a=end-of-candidates. */
void	sdp_write_video(struct sdp_write *w, const struct sdp_answer *a,
	    const struct sdp_write_video *v);

#endif
