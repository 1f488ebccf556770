/* SPDX-License-Identifier: ISC */
/*
 * fmp4.h: fragmented MP4 from the access units of capd's H.264 socket
 * (docs/frames.md), muxed by libavformat: an init segment (ftyp, moov),
 * then one fragment (moof, mdat) per access unit, for Media Source
 * Extensions and players.  No I/O: bytes are collected for the caller.
 */
#ifndef CAMPIPE_FMP4_H
#define CAMPIPE_FMP4_H

#include <stddef.h>
#include <stdint.h>

struct fmp4;

/*
 * Starts a muxer from an access unit holding an IDR with its SPS and PPS;
 * the init segment is then ready (fmp4_take).  NULL and cause on error.
 */
struct fmp4	*fmp4_new(const unsigned char *idr, size_t len, char *cause,
		    size_t causelen);
void		 fmp4_free(struct fmp4 *m);
/*
 * The picture size the first IDR's SPS gave, and its frame rate (its VUI
 * timing, rounded), or 0 when it has none.
 */
void		 fmp4_picture(const struct fmp4 *m, int *width, int *height,
		    int *fps);
/*
 * Adds one access unit, captured at ts_us (microseconds, increasing), as
 * one fragment.  0, or -1 and cause.
 */
int		 fmp4_add(struct fmp4 *m, const unsigned char *au, size_t len,
		    int idr, uint64_t ts_us, char *cause, size_t causelen);
/*
 * The bytes produced since the last call (the init segment after
 * fmp4_new, a fragment after fmp4_add); valid until the next call.
 */
void		 fmp4_take(struct fmp4 *m, const unsigned char **p,
		    size_t *len);

struct evbuffer;

/* Receives one init segment or one fragment.  0, or -1 to stop. */
typedef int	(*fmp4_out_cb)(const unsigned char *p, size_t len, void *arg);

/*
 * For a reader of the h264.sock stream: muxes the whole access units at
 * the front of in, draining them, starting *m at the first (an IDR, as
 * capd sends first).  out gets the init segment, then each fragment.
 * Returns 0, or -1 with cause (also when an access unit grows past
 * max_au bytes).
 */
int		 fmp4_feed(struct fmp4 **m, struct evbuffer *in, size_t max_au,
		    fmp4_out_cb out, void *arg, char *cause, size_t causelen);

#endif
