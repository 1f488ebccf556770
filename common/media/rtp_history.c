/* SPDX-License-Identifier: ISC */
/*
 * rtp_history.c: a camera's recent RTP packets in one ring of bytes.  Each
 * packet is contiguous; one that does not fit before the end of the ring
 * starts again at its beginning.  Since sequence numbers follow one
 * another, the entry of a sequence number is found by its distance from
 * the oldest.
 */
#include <stdlib.h>
#include <string.h>

#include "rtp_history.h"

/* A history with its bounds. */
int
rtp_history_init(struct rtp_history *h, size_t bytes, size_t packets,
    uint64_t age_ms, const char **cause)
{
	memset(h, 0, sizeof(*h));
	h->size = bytes ? bytes : RTP_HISTORY_BYTES;
	h->max = packets ? packets : RTP_HISTORY_PACKETS;
	h->age_ms = age_ms ? age_ms : RTP_HISTORY_AGE_MS;
	if (h->size < RTP_HISTORY_PACKET_MAX || h->max > 65536) {
		*cause = "rtp history: bounds out of range";
		return (-1);
	}
	if ((h->buf = malloc(h->size)) == NULL ||
	    (h->ent = calloc(h->max, sizeof(*h->ent))) == NULL) {
		rtp_history_free(h);
		*cause = "rtp history: out of memory";
		return (-1);
	}
	return (0);
}

/* Frees the history. */
void
rtp_history_free(struct rtp_history *h)
{
	free(h->buf);
	free(h->ent);
	h->buf = NULL;
	h->ent = NULL;
	h->count = 0;
}

/* Forgets every packet. */
void
rtp_history_clear(struct rtp_history *h)
{
	h->head = h->count = h->end = 0;
}

/* Forgets the oldest packet. */
static void
rtp_history_drop(struct rtp_history *h)
{
	h->head = (h->head + 1) % h->max;
	if (--h->count == 0)
		h->end = 0;
}

/* 1 if the oldest packet lies in [off, off + len). */
static int
rtp_history_overlaps(const struct rtp_history *h, size_t off, size_t len)
{
	const struct rtp_history_ent *e = &h->ent[h->head];

	return (e->off < off + len && off < e->off + e->len);
}

/* Keeps an RTP packet sent at now_ms. */
int
rtp_history_add(struct rtp_history *h, const unsigned char *p, size_t len,
    uint64_t now_ms, const char **cause)
{
	struct rtp_history_ent	*e;
	uint16_t		 seq;
	size_t			 off, last, end;

	if (len < 12 || (p[0] & 0xc0) != 0x80) {
		*cause = "rtp history: not an RTP packet";
		return (-1);
	}
	if (len > RTP_HISTORY_PACKET_MAX) {
		*cause = "rtp history: a packet too long";
		return (-1);
	}
	seq = (uint16_t)(p[2] << 8 | p[3]);
	if (h->count > 0) {
		last = (h->head + h->count - 1) % h->max;
		if ((uint16_t)(h->ent[last].seq + 1) != seq)
			rtp_history_clear(h);
	}
	while (h->count > 0 && (h->count == h->max ||
	    now_ms - h->ent[h->head].ms > h->age_ms))
		rtp_history_drop(h);
	off = h->end;
	if (off + len > h->size) {
		/* Starts over at 0: what lies past the newest goes first. */
		end = h->end;
		while (h->count > 0 && h->ent[h->head].off >= end)
			rtp_history_drop(h);
		off = 0;
	}
	while (h->count > 0 && rtp_history_overlaps(h, off, len))
		rtp_history_drop(h);
	e = &h->ent[(h->head + h->count) % h->max];
	e->ms = now_ms;
	e->off = off;
	e->len = len;
	e->seq = seq;
	memcpy(h->buf + off, p, len);
	h->count++;
	h->end = off + len;
	return (0);
}

/* The packet of sequence number seq, if kept and young enough. */
const unsigned char *
rtp_history_find(struct rtp_history *h, uint16_t seq, uint64_t now_ms,
    size_t *len)
{
	const struct rtp_history_ent *e;
	size_t			 d;

	*len = 0;
	if (h->count == 0)
		goto miss;
	d = (uint16_t)(seq - h->ent[h->head].seq);
	if (d >= h->count)
		goto miss;
	e = &h->ent[(h->head + d) % h->max];
	if (e->seq != seq || now_ms - e->ms > h->age_ms)
		goto miss;
	h->hits++;
	*len = e->len;
	return (h->buf + e->off);
miss:
	h->misses++;
	return (NULL);
}
