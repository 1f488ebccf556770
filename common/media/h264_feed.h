/* SPDX-License-Identifier: ISC */
/*
 * h264_feed.h: one subscription to a camera's H.264 socket (docs/frames.md)
 * for all of a daemon's H.264 viewers of that camera.  The stream is cut
 * into access units, and each is offered once, as shared frames (frame.h)
 * that every viewer sends by reference:
 *
 *   raw    the unit as Annex-B, without its own leading access unit
 *          delimiter but with the next unit's (as capd writes it, so a
 *          reader knows a unit is whole when it arrives); a viewer's first
 *          unit goes after h264_feed_aud(), its fan-out head;
 *   frag   the unit as one fragmented-MP4 fragment (moof, mdat) of the
 *          camera's one muxer, after its init segment h264_feed_init().
 *
 * Connected while anyone wants it, and for a second after the last leaves
 * (so that a viewer reloading does not restart the encoder).  Runs in the
 * caller's libevent loop; does not exit the process.
 */
#ifndef CAMPIPE_H264_FEED_H
#define CAMPIPE_H264_FEED_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct frame;
struct h264_feed;

/* An access unit, as offered to viewers. */
struct h264_unit {
	struct frame	*raw;		/* Annex-B */
	struct frame	*frag;		/* fMP4 fragment */
	int		 idr;		/* holds an IDR picture (and SPS, PPS) */
	uint64_t	 seq;		/* campipe SEI sequence number, or 0 */
	int		 newinit;	/* after a break, an init segment for
					   new parameters: sent before this */
};

/* Each unit; the callee takes references to keep its frames. */
typedef void	(*h264_feed_unit_cb)(const struct h264_unit *u, void *arg);
/*
 * The stream broke (capd closed or restarted, bad input).  While anyone
 * wants it the feed connects again by itself (after 250 ms, then every
 * second) and the stream goes on at the next IDR: viewers keep waiting.
 */
typedef void	(*h264_feed_end_cb)(const char *cause, void *arg);

/* A feed of the socket at path; NULL when out of memory. */
struct h264_feed *h264_feed_new(struct event_base *base, const char *path,
		    h264_feed_unit_cb ucb, h264_feed_end_cb ecb, void *arg);
void		 h264_feed_free(struct h264_feed *hf);
/*
 * Names the subscriber to capd ("httpd", "wsd"), said after each connect,
 * with the number of viewers whenever it changes (docs/frames.md).  -1 if
 * the name is not 1 to 32 of [A-Za-z0-9._-].
 */
int		 h264_feed_set_name(struct h264_feed *hf, const char *name);
/*
 * One more viewer: connects now if not connected.  0, or -1 with cause
 * when capd's socket cannot be reached and nobody waits out a break.
 */
int		 h264_feed_want(struct h264_feed *hf, char *cause,
		    size_t causelen);
/*
 * Asks capd for an IDR now ("IDR\r\n", docs/frames.md); capd forces at
 * most one per 500 ms.  Never blocks: 0, or -1 with cause when not
 * connected or the socket cannot take it now (the request is dropped).
 */
int		 h264_feed_want_idr(struct h264_feed *hf, char *cause,
		    size_t causelen);
/* One viewer less: disconnects a second after the last leaves. */
void		 h264_feed_unwant(struct h264_feed *hf);
/* The current init segment (after the first IDR), or NULL. */
struct frame	*h264_feed_init(const struct h264_feed *hf);
/*
 * The current stream's picture size and frame rate (0 when its SPS has no
 * timing), from its SPS: 0, or -1 before its first IDR (and once closed).
 */
int		 h264_feed_picture(const struct h264_feed *hf, int *width,
		    int *height, int *fps);
/* A lone access unit delimiter: a raw viewer's first bytes. */
struct frame	*h264_feed_aud(const struct h264_feed *hf);
/* Viewers wanting it now. */
int		 h264_feed_wanted(const struct h264_feed *hf);
/* 1 while connected to capd. */
int		 h264_feed_connected(const struct h264_feed *hf);
/* Access units received, and connections made, since it was created. */
uint64_t	 h264_feed_units(const struct h264_feed *hf);
uint64_t	 h264_feed_connects(const struct h264_feed *hf);

#endif
