/* SPDX-License-Identifier: ISC */
/*
 * rtp_history.h: the RTP packets a camera sent in about the last second,
 * by sequence number, to answer NACKs (RFC 4585) with the very bytes sent.
 * Bounded three ways: bytes, packets and age; the oldest go first.  The
 * plaintext is kept, once per camera; each viewer's retransmission is
 * protected again by its SRTP session.  No clock: time is passed in.
 */
#ifndef CAMPIPE_RTP_HISTORY_H
#define CAMPIPE_RTP_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#define RTP_HISTORY_BYTES	(1024 * 1024)
#define RTP_HISTORY_PACKETS	2048
#define RTP_HISTORY_AGE_MS	1000
#define RTP_HISTORY_PACKET_MAX	1500

struct rtp_history_ent {
	uint64_t	 ms;		/* when it was sent */
	size_t		 off, len;	/* in buf */
	uint16_t	 seq;
};

struct rtp_history {
	unsigned char	*buf;
	size_t		 size;		/* of buf */
	struct rtp_history_ent *ent;
	size_t		 max;		/* entries */
	size_t		 head, count;	/* the oldest, how many */
	size_t		 end;		/* where the newest ends in buf */
	uint64_t	 age_ms;
	uint64_t	 hits, misses;	/* what rtp_history_find found */
};

/*
 * A history of at most bytes bytes, packets packets, age_ms old (0 for
 * each: the defaults above).  0, or -1 with cause.
 */
int	rtp_history_init(struct rtp_history *h, size_t bytes, size_t packets,
	    uint64_t age_ms, const char **cause);
/* Frees the history. */
void	rtp_history_free(struct rtp_history *h);
/* Forgets every packet (the stream restarted). */
void	rtp_history_clear(struct rtp_history *h);
/*
 * Keeps an RTP packet sent at now_ms.  Sequence numbers follow one
 * another; one that does not (a new stream) clears the history first.
 * 0, or -1 with cause for a packet that is not RTP or is too long.
 */
int	rtp_history_add(struct rtp_history *h, const unsigned char *p,
	    size_t len, uint64_t now_ms, const char **cause);
/*
 * The packet of sequence number seq if it is kept and not older than the
 * age limit at now_ms, with its length in *len; NULL if not.  Valid
 * until the next rtp_history_add.
 */
const unsigned char *rtp_history_find(struct rtp_history *h, uint16_t seq,
	    uint64_t now_ms, size_t *len);

#endif
