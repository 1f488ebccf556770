/* SPDX-License-Identifier: ISC */
/*
 * sendv.h: frames written straight to a non-blocking stream socket: one
 * sendmsg of a small per-client header and the shared frame's bytes, the
 * unwritten rest handed to an evbuffer (the frame by reference, never
 * copied), and a send buffer capped to a few frames.
 */
#ifndef CAMPIPE_SENDV_H
#define CAMPIPE_SENDV_H

#include <sys/types.h>
#include <sys/uio.h>
#include <stddef.h>

struct event;
struct evbuffer;
struct frame;

/* Frames' worth the kernel may hold for one client. */
#define SENDV_SNDBUF_FRAMES	2

/*
 * Writes iov with one sendmsg.  Returns the bytes written (0 when the
 * socket is full), or -1 with errno on a real error.
 */
ssize_t		sendv_write(int fd, const struct iovec *iov, int iovcnt);
/*
 * Appends what of iov is past the first done bytes to out: bytes inside
 * f's buffer by reference (holding a reference to f), others copied.
 * 0, or -1 on ENOMEM.
 */
int		sendv_rest(struct evbuffer *out, const struct iovec *iov,
		    int iovcnt, size_t done, struct frame *f);
/*
 * Caps fd's send buffer to SENDV_SNDBUF_FRAMES frames of len bytes, when
 * len outgrew the size last set (*cur, 0 at first).  One setsockopt per
 * growth, none per frame.
 */
void		sendv_fit(int fd, size_t len, size_t *cur);
/*
 * Sends all of f's buffer (a slot's send, for capd's sockets): the send
 * buffer fitted to it, one write, the rest left in out by reference and
 * ev_write added with timeout seconds (fractions allowed) to send it.  The first skip bytes
 * are not sent.  1 when all went, 0 when the rest waits in out, -1 with
 * errno on an error.
 */
int		sendv_frame(int fd, struct frame *f, size_t skip,
		    size_t *sndbuf, struct evbuffer *out,
		    struct event *ev_write, double timeout);
/*
 * Writes what waits in out; once it is empty, stops asking for
 * writability (ev_write).  1 when out is empty, 0 when some still waits,
 * -1 with errno on an error.
 */
int		sendv_flush(int fd, struct evbuffer *out,
		    struct event *ev_write);

#endif
