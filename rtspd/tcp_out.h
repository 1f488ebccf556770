/* SPDX-License-Identifier: ISC */
/*
 * tcp_out.h: what goes out on an RTSP connection, in order: answers
 * (copied, small) and interleaved RTP (shared frames, by reference), one
 * sendmsg when nothing waits, the rest written as the socket drains.  A
 * client that takes nothing for the write timeout fails.
 */
#ifndef RTSPD_TCP_OUT_H
#define RTSPD_TCP_OUT_H

#include <stddef.h>

struct event;
struct event_base;
struct evbuffer;
struct frame;

struct tcp_out {
	int		 fd;
	struct evbuffer	*buf;		/* what waits */
	struct event	*ev_write;
	size_t		 sndbuf;	/* send buffer last set */
	double		 timeout;	/* seconds */
};

/*
 * Sets up o for fd; cb runs on writability or the timeout (what has
 * EV_TIMEOUT).  0, or -1 (out of memory).
 */
int	tcp_out_init(struct tcp_out *o, struct event_base *base, int fd,
	    double timeout, void (*cb)(int, short, void *), void *arg);
void	tcp_out_destroy(struct tcp_out *o);
/* Text, after whatever waits.  0, or -1 on a write error or ENOMEM. */
int	tcp_out_text(struct tcp_out *o, const char *p, size_t len);
/*
 * A frame: 1 when it went whole, 0 when (part of) it waits, -1 on a
 * write error or ENOMEM.
 */
int	tcp_out_frame(struct tcp_out *o, struct frame *f);
/* Writes what waits: 1 when nothing is left, 0 when some is, -1. */
int	tcp_out_flush(struct tcp_out *o);
/* Bytes waiting. */
size_t	tcp_out_waiting(const struct tcp_out *o);

#endif
