/* SPDX-License-Identifier: ISC */
/*
 * h264.h: capd's H.264 socket (docs/frames.md): accepts subscribers,
 * runs the encoder thread while anyone subscribes (holding the source on
 * through the frame socket), and fans access units out, each subscriber
 * starting at an IDR and resyncing at the next one if it fell behind.
 */
#ifndef CAPD_H264_H
#define CAPD_H264_H

#include <sys/time.h>
#include <sys/types.h>
#include <sys/time.h>
#include <stddef.h>
#include <stdint.h>

#include "h264_enc.h"

struct event_base;
struct frame;
struct framesock;
struct h264;
struct yuyv_pic;

struct h264_conf {
	const char		*path;		/* --h264 */
	mode_t			 mode;		/* --socket-mode */
	int			 idle_stop_ms;	/* --idle-stop */
	double			 write_timeout;	/* --write-timeout, seconds */
	int			 max_subscribers;
	int			 passthru;	/* the source gives H.264 */
	int			 max_fps;	/* 0: every frame; else at most
						   this many a second */
	struct h264_enc_conf	 enc;
};

/* Binds and listens on conf->path.  NULL and cause on error. */
struct h264	*h264_new(struct event_base *base,
		    const struct h264_conf *conf, struct framesock *srv,
		    char *cause, size_t causelen);
/* Closes subscribers, stops the encoder, removes the socket file. */
void		 h264_free(struct h264 *h);
/* A frame the frame socket published: encoded if anyone subscribes. */
void		 h264_feed(struct h264 *h, const struct frame *f);
/* Tells whether a raw picture would be encoded now (else only JPEGs). */
int		 h264_wants_raw(const struct h264 *h);
/* Tells whether JPEGs would be encoded now (a sub-stream takes no raw). */
int		 h264_wants_jpeg(const struct h264 *h);
/* A raw camera picture numbered seq by the frame socket (see h264_feed). */
void		 h264_feed_raw(struct h264 *h, const struct yuyv_pic *raw,
		    uint64_t seq, const struct timeval *ts);

struct h264_stats {
	int			 subscribers;
	const char		*input;		/* "raw", "jpeg", "passthrough"
						   or NULL */
	unsigned long long	 from_jpeg;	/* access units encoded, */
	unsigned long long	 from_raw;	/* since capd started */
	unsigned long long	 idr_requests;	/* subscribers' IDR lines */
	unsigned long long	 idr_forced;	/* IDRs asked for by them */
};
/* What /status says of the H.264 socket. */
void		 h264_stats(const struct h264 *h, struct h264_stats *st);
/*
 * With conf->passthru: an access unit of the source (Annex-B), published
 * without encoding.  fn asks the source for an IDR.
 */
void		 h264_feed_au(struct h264 *h, const unsigned char *au,
		    size_t len, int idr, const struct timeval *ts);
void		 h264_set_keyframe(struct h264 *h, int (*fn)(void *),
		    void *arg);
/* Subscribers connected. */
int		 h264_subscribers(const struct h264 *h);
/* People watching through them: each one's Viewers line, else one. */
long		 h264_viewers(const struct h264 *h);

#endif
