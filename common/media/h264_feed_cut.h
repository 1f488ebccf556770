/* SPDX-License-Identifier: ISC */
/*
 * h264_feed_cut.h: the H.264 socket's byte stream cut into access units,
 * each made once into the shared frames every viewer sends (h264_feed.h):
 * raw Annex-B ending with the next unit's delimiter, and one fMP4 fragment
 * of the stream's one muxer, whose init segment is made at the first IDR.
 * No I/O: fed bytes in pieces of any size.
 */
#ifndef CAMPIPE_H264_FEED_CUT_H
#define CAMPIPE_H264_FEED_CUT_H

#include <stddef.h>
#include <stdint.h>

#include "h264_feed.h"

struct fmp4;
struct frame;

struct h264_feed_cut {
	size_t		 max_au;
	struct fmp4	*mux;		/* from the first IDR on */
	struct frame	*init;		/* its init segment */
	struct frame	*aud;		/* a lone delimiter */
	uint64_t	 units;		/* handed out */
	uint64_t	 skipped;	/* before the first IDR */
	int		 resuming;	/* after a break: up to the next IDR */
	uint64_t	 newinits;	/* resumed with other parameters */
};

/* Sets up a cutter for units of at most max_au bytes.  0, or -1 (ENOMEM). */
int		 h264_feed_cut_init(struct h264_feed_cut *c, size_t max_au);
void		 h264_feed_cut_destroy(struct h264_feed_cut *c);
/* A new stream follows: the muxer and its init segment go. */
void		 h264_feed_cut_reset(struct h264_feed_cut *c);
/*
 * The picture size and frame rate (0 if unknown) of the current muxer's
 * SPS (fmp4_picture): 0, or -1 before the stream's first IDR.
 */
int		 h264_feed_cut_picture(const struct h264_feed_cut *c,
		    int *width, int *height, int *fps);
/*
 * The same stream goes on after a break (capd restarted): units up to the
 * next IDR are dropped; at it, the muxer goes on if its init segment is
 * the same, else a new one starts and that unit says newinit.
 */
void		 h264_feed_cut_resume(struct h264_feed_cut *c);
/*
 * Cuts the whole units at the front of p (len bytes: a unit is whole when
 * the next one's delimiter has arrived), hands each to cb and sets *used
 * to the bytes they took.  Units before the stream's first IDR are
 * dropped.  0, or -1 with cause (a unit over max_au bytes, a muxer error,
 * out of memory).
 */
int		 h264_feed_cut_input(struct h264_feed_cut *c,
		    const unsigned char *p, size_t len, size_t *used,
		    h264_feed_unit_cb cb, void *arg, char *cause,
		    size_t causelen);

#endif
