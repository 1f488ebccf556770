/* SPDX-License-Identifier: ISC */
/*
 * frame.h: a captured JPEG frame as one reference-counted buffer, shared by
 * every subscriber or client that sends it (no per-client copy).
 *
 * buf holds the whole multipart part exactly as it crosses the frame socket
 * (docs/frames.md): part header, JPEG (with its campipe COM segment), CRLF.
 * Single-threaded: the reference count is not atomic.
 */
#ifndef CAMPIPE_FRAME_H
#define CAMPIPE_FRAME_H

#include <sys/time.h>
#include <stddef.h>
#include <stdint.h>

struct evbuffer;

struct frame {
	int		 refs;
	uint64_t	 seq;
	struct timeval	 ts;		/* capture time, wall clock */
	unsigned char	*buf;		/* part header + JPEG + CRLF */
	size_t		 len;		/* bytes in buf */
	size_t		 jpeg_off;	/* JPEG starts at buf + jpeg_off */
	size_t		 jpeg_len;
};

/*
 * Builds a frame from a raw JPEG: inserts (or replaces) the campipe COM
 * segment after SOI and prefixes the part header.  One copy of the JPEG.
 * Returns NULL and fills cause when the input is not a JPEG or on ENOMEM.
 */
struct frame	*frame_from_jpeg(const unsigned char *jpeg, size_t len,
		    uint64_t seq, const struct timeval *ts, char *cause,
		    size_t causelen);

/*
 * Adopts a malloc'd buffer holding one complete part (as received from the
 * frame socket); the frame owns buf afterwards.  Never fails but on ENOMEM
 * (returns NULL and leaves buf to the caller).
 */
struct frame	*frame_adopt(unsigned char *buf, size_t len, size_t jpeg_off,
		    size_t jpeg_len, uint64_t seq, const struct timeval *ts);

/* Takes a reference; returns f. */
struct frame	*frame_ref(struct frame *f);
/* Drops a reference; frees the frame with the last one.  NULL is ignored. */
void		 frame_unref(struct frame *f);

/* Appends the whole part to an evbuffer by reference (no copy). 0 or -1. */
int		 frame_add_part(struct evbuffer *out, struct frame *f);
/* Appends len bytes of buf from off by reference (no copy).  0 or -1. */
int		 frame_add_range(struct evbuffer *out, struct frame *f, size_t off,
		    size_t len);
/* Appends only the JPEG bytes to an evbuffer by reference.  0 or -1. */
int		 frame_add_jpeg(struct evbuffer *out, struct frame *f);

/* Frames alive in this process, for memory checks and /metrics. */
size_t		 frame_count_alive(void);
size_t		 frame_bytes_alive(void);

#endif
