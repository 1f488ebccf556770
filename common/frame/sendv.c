/* SPDX-License-Identifier: ISC */
/* sendv.c: direct frame writes and bounded send buffers. */
#include <sys/socket.h>

#include <errno.h>
#include <limits.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "frame.h"
#include "sendv.h"

/* One sendmsg; a full socket is 0 bytes, not an error. */
ssize_t
sendv_write(int fd, const struct iovec *iov, int iovcnt)
{
	struct msghdr	 msg;
	ssize_t		 n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = (struct iovec *)iov;
	msg.msg_iovlen = iovcnt;
	do
		n = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return (0);
	return (n);
}

/* Appends the unwritten rest of iov: f's bytes by reference. */
int
sendv_rest(struct evbuffer *out, const struct iovec *iov, int iovcnt,
    size_t done, struct frame *f)
{
	const unsigned char	*p;
	size_t			 len;
	int			 i;

	for (i = 0; i < iovcnt; i++) {
		p = iov[i].iov_base;
		len = iov[i].iov_len;
		if (done >= len) {
			done -= len;
			continue;
		}
		p += done;
		len -= done;
		done = 0;
		if (f != NULL && p >= f->buf && p + len <= f->buf + f->len) {
			if (frame_add_range(out, f, p - f->buf, len) == -1)
				return (-1);
		} else if (evbuffer_add(out, p, len) == -1)
			return (-1);
	}
	return (0);
}

/* Caps the send buffer to a few frames, once per growth of the frame. */
void
sendv_fit(int fd, size_t len, size_t *cur)
{
	size_t	 want;
	int	 v;

	if (len <= *cur)
		return;
	/* Some headroom so that small growth does not cost a call. */
	want = len + len / 8;
	if (want > INT_MAX / (2 * SENDV_SNDBUF_FRAMES))
		want = INT_MAX / (2 * SENDV_SNDBUF_FRAMES);
	*cur = want;
	/* The kernel doubles the value for its bookkeeping. */
	v = (int)(want * SENDV_SNDBUF_FRAMES / 2);
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
}

/* Sends a shared frame's buffer from skip on; the rest waits in out. */
int
sendv_frame(int fd, struct frame *f, size_t skip, size_t *sndbuf,
    struct evbuffer *out, struct event *ev_write, double timeout)
{
	struct timeval	 tv;
	struct iovec	 iov;
	ssize_t		 n;

	if (skip > f->len)
		skip = f->len;
	iov.iov_base = f->buf + skip;
	iov.iov_len = f->len - skip;
	sendv_fit(fd, iov.iov_len, sndbuf);
	if ((n = sendv_write(fd, &iov, 1)) == -1)
		return (-1);
	if ((size_t)n == iov.iov_len)
		return (1);
	if (sendv_rest(out, &iov, 1, n, f) == -1)
		return (-1);
	tv.tv_sec = (time_t)timeout;
	tv.tv_usec = (suseconds_t)((timeout - tv.tv_sec) * 1e6);
	event_add(ev_write, &tv);
	return (0);
}

/* Writes what waits in out; drops ev_write once it is all gone. */
int
sendv_flush(int fd, struct evbuffer *out, struct event *ev_write)
{
	if (evbuffer_write(out, fd) == -1 && errno != EAGAIN &&
	    errno != EINTR)
		return (-1);
	if (evbuffer_get_length(out) > 0)
		return (0);
	event_del(ev_write);
	return (1);
}
