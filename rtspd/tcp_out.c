/* SPDX-License-Identifier: ISC */
/*
 * tcp_out.c: answers and interleaved RTP on an RTSP connection, in order.
 */
#include <sys/uio.h>
#include <errno.h>
#include <stdio.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "frame.h"
#include "sendv.h"
#include "tcp_out.h"

/* Sets up the output of a connection. */
int
tcp_out_init(struct tcp_out *o, struct event_base *base, int fd,
    double timeout, void (*cb)(int, short, void *), void *arg)
{
	o->fd = fd;
	o->sndbuf = 0;
	o->timeout = timeout;
	o->buf = evbuffer_new();
	o->ev_write = event_new(base, fd, EV_WRITE | EV_PERSIST, cb, arg);
	if (o->buf == NULL || o->ev_write == NULL) {
		tcp_out_destroy(o);
		return (-1);
	}
	return (0);
}

/* Frees what waits. */
void
tcp_out_destroy(struct tcp_out *o)
{
	if (o->ev_write != NULL)
		event_free(o->ev_write);
	if (o->buf != NULL)
		evbuffer_free(o->buf);
	o->ev_write = NULL;
	o->buf = NULL;
}

/* Asks for writability, with the write timeout. */
static void
tcp_out_arm(struct tcp_out *o)
{
	struct timeval	 tv;

	if (event_pending(o->ev_write, EV_WRITE, NULL))
		return;
	tv.tv_sec = (time_t)o->timeout;
	tv.tv_usec = (suseconds_t)((o->timeout - tv.tv_sec) * 1e6);
	event_add(o->ev_write, &tv);
}

/* Text after what waits. */
int
tcp_out_text(struct tcp_out *o, const char *p, size_t len)
{
	struct iovec	 iov;
	ssize_t		 n = 0;

	if (evbuffer_get_length(o->buf) == 0) {
		iov.iov_base = (void *)p;
		iov.iov_len = len;
		if ((n = sendv_write(o->fd, &iov, 1)) == -1)
			return (-1);
		if ((size_t)n == len)
			return (0);
	}
	if (evbuffer_add(o->buf, p + n, len - n) == -1)
		return (-1);
	tcp_out_arm(o);
	return (0);
}

/* A shared frame after what waits. */
int
tcp_out_frame(struct tcp_out *o, struct frame *f)
{
	int	 rc;

	if (evbuffer_get_length(o->buf) > 0) {
		if (frame_add_part(o->buf, f) == -1)
			return (-1);
		tcp_out_arm(o);
		return (0);
	}
	rc = sendv_frame(o->fd, f, 0, &o->sndbuf, o->buf, o->ev_write,
	    o->timeout);
	return (rc);
}

/* Writes what waits. */
int
tcp_out_flush(struct tcp_out *o)
{
	return (sendv_flush(o->fd, o->buf, o->ev_write));
}

/* Bytes waiting. */
size_t
tcp_out_waiting(const struct tcp_out *o)
{
	return (evbuffer_get_length(o->buf));
}
