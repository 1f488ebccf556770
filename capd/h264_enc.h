/* SPDX-License-Identifier: ISC */
/*
 * h264_enc.h: capd's H.264 encoder, a worker thread fed the latest JPEG
 * or raw camera picture (latest frame wins: a slow encoder skips frames,
 * it never holds up the caller) and handing back access units of the
 * h264.sock stream (docs/frames.md) through a queue and a descriptor to
 * poll.
 */
#ifndef CAPD_H264_ENC_H
#define CAPD_H264_ENC_H

#include <sys/time.h>
#include <stddef.h>
#include <stdint.h>

struct h264_enc;
struct yuyv_pic;

struct h264_enc_conf {
	const char	*encoder;	/* "auto" or a libavcodec encoder */
	long		 bitrate;	/* bits per second; 0: from the size */
	const char	*profile;	/* baseline, main or high */
	int		 fps;		/* the source's nominal rate */
	int		 gop_ms;	/* IDR at least this often */
	int		 verbose;	/* libav's messages too */
	const char	*name;		/* in the log: "h264", "h264-sub" */
	int		 width, height;	/* 0: the picture's; else JPEGs are
					   decoded scaled down to this */
};

/* One access unit; buf NULL: the encoder failed (cause says why). */
struct h264_au {
	unsigned char	*buf;		/* malloc'd, the taker frees it */
	size_t		 len;
	uint64_t	 seq;		/* of the frame it encodes */
	struct timeval	 ts;
	int		 idr;
	int		 lost;		/* units before this one were lost */
	int		 raw;		/* encoded from a raw picture */
	char		 cause[128];
};

/* Starts the worker.  NULL and cause on failure. */
struct h264_enc	*h264_enc_start(const struct h264_enc_conf *conf,
		    char *cause, size_t causelen);
/* Stops the worker (joins it) and frees what is queued. */
void		 h264_enc_stop(struct h264_enc *e);
/* Readable when access units wait. */
int		 h264_enc_fd(const struct h264_enc *e);
/* Hands a JPEG to the worker (copied), replacing one not yet taken. */
void		 h264_enc_put(struct h264_enc *e, const unsigned char *jpeg,
		    size_t len, uint64_t seq, const struct timeval *ts);
/*
 * Hands a raw camera picture to the worker (its bytes copied once; flips
 * and rotation done by the worker), replacing one not yet taken.
 */
void		 h264_enc_put_raw(struct h264_enc *e,
		    const struct yuyv_pic *raw, uint64_t seq,
		    const struct timeval *ts);
/* Asks for an IDR as soon as the encoder allows. */
void		 h264_enc_idr(struct h264_enc *e);
/* Takes the oldest access unit: 1, or 0 if none waits. */
int		 h264_enc_take(struct h264_enc *e, struct h264_au *au);
/* Frames the worker skipped because a newer one came (latest wins). */
unsigned long long h264_enc_skipped(struct h264_enc *e);

#endif
