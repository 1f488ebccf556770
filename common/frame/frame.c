/* SPDX-License-Identifier: ISC */
/* frame.c: reference-counted frames shared by every client that sends them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "frame.h"
#include "frame_part.h"
#include "jpeg_com.h"

static size_t	frame_alive;
static size_t	frame_alive_bytes;

/* Wraps a buffer in a frame with one reference. */
static struct frame *
frame_wrap(unsigned char *buf, size_t len, size_t jpeg_off, size_t jpeg_len,
    uint64_t seq, const struct timeval *ts)
{
	struct frame	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return (NULL);
	f->refs = 1;
	f->seq = seq;
	f->ts = *ts;
	f->buf = buf;
	f->len = len;
	f->jpeg_off = jpeg_off;
	f->jpeg_len = jpeg_len;
	frame_alive++;
	frame_alive_bytes += len;
	return (f);
}

/* Builds a frame (part header, JPEG with COM segment, CRLF) from a JPEG. */
struct frame *
frame_from_jpeg(const unsigned char *jpeg, size_t len, uint64_t seq,
    const struct timeval *ts, char *cause, size_t causelen)
{
	char		 hdr[FRAME_PART_HEADER_MAX];
	unsigned char	*buf;
	size_t		 cap, hlen;
	long		 jlen;
	int		 n, guess;
	struct frame	*f;

	if (len < 4 || jpeg[0] != 0xff || jpeg[1] != 0xd8) {
		snprintf(cause, causelen, "not a JPEG (no SOI)");
		return (NULL);
	}
	/*
	 * The header's Content-Length needs the final JPEG length, known only
	 * after the COM insertion.  Guess the header's length, write the JPEG
	 * after it, and move it only in the rare case the guess was wrong.
	 */
	guess = frame_part_header(hdr, sizeof(hdr), len + JPEG_COM_MAX / 2,
	    seq, ts);
	cap = FRAME_PART_HEADER_MAX + len + JPEG_COM_MAX + 2;
	if (guess < 0 || (buf = malloc(cap)) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	jlen = jpeg_com_insert(buf + guess, cap - guess - 2, jpeg, len, seq, ts);
	if (jlen < 0 ||
	    (n = frame_part_header(hdr, sizeof(hdr), jlen, seq, ts)) < 0) {
		free(buf);
		snprintf(cause, causelen, "cannot insert COM segment");
		return (NULL);
	}
	hlen = n;
	if (n != guess)
		memmove(buf + hlen, buf + guess, jlen);
	memcpy(buf, hdr, hlen);
	memcpy(buf + hlen + jlen, FRAME_PART_TRAILER, 2);
	f = frame_wrap(buf, hlen + jlen + 2, hlen, jlen, seq, ts);
	if (f == NULL) {
		free(buf);
		snprintf(cause, causelen, "out of memory");
	}
	return (f);
}

/* Adopts a buffer holding one complete received part. */
struct frame *
frame_adopt(unsigned char *buf, size_t len, size_t jpeg_off, size_t jpeg_len,
    uint64_t seq, const struct timeval *ts)
{
	return (frame_wrap(buf, len, jpeg_off, jpeg_len, seq, ts));
}

/* Takes a reference. */
struct frame *
frame_ref(struct frame *f)
{
	f->refs++;
	return (f);
}

/* Drops a reference, freeing the frame with the last one. */
void
frame_unref(struct frame *f)
{
	if (f == NULL)
		return;
	if (--f->refs > 0)
		return;
	frame_alive--;
	frame_alive_bytes -= f->len;
	free(f->buf);
	free(f);
}

/* evbuffer cleanup callback: the reference held by a buffer chain. */
static void
frame_evbuffer_cleanup(const void *data, size_t len, void *arg)
{
	frame_unref(arg);
}

/* Appends bytes of f to out by reference, holding a frame reference. */
int
frame_add_range(struct evbuffer *out, struct frame *f, size_t off, size_t len)
{
	frame_ref(f);
	if (evbuffer_add_reference(out, f->buf + off, len,
	    frame_evbuffer_cleanup, f) == -1) {
		frame_unref(f);
		return (-1);
	}
	return (0);
}

/* Appends the whole part by reference. */
int
frame_add_part(struct evbuffer *out, struct frame *f)
{
	return (frame_add_range(out, f, 0, f->len));
}

/* Appends the JPEG by reference. */
int
frame_add_jpeg(struct evbuffer *out, struct frame *f)
{
	return (frame_add_range(out, f, f->jpeg_off, f->jpeg_len));
}

/* Frames alive. */
size_t
frame_count_alive(void)
{
	return (frame_alive);
}

/* Bytes held by frames alive. */
size_t
frame_bytes_alive(void)
{
	return (frame_alive_bytes);
}
