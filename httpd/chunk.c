/* SPDX-License-Identifier: ISC */
/*
 * chunk.c: one shared frame to a streaming HTTP reply in one sendmsg, the
 * rest by reference in the output buffer.
 */
#include <sys/uio.h>
#include <stdio.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "frame.h"
#include "log.h"
#include "sendv.h"

#include "chunk.h"

/* Writes f->buf whole, with its chunk framing if chunked. */
int
chunk_write(struct bufferevent *bev, int chunked, struct frame *f,
    size_t *sndbuf)
{
	struct evbuffer	*out = bufferevent_get_output(bev);
	struct iovec	 iov[3];
	char		 head[32];
	size_t		 total = 0;
	ssize_t		 n = 0;
	int		 i, niov = 0;

	if (chunked) {
		iov[niov].iov_base = head;
		iov[niov++].iov_len = snprintf(head, sizeof(head), "%zx\r\n",
		    f->len);
	}
	iov[niov].iov_base = f->buf;
	iov[niov++].iov_len = f->len;
	if (chunked) {
		iov[niov].iov_base = "\r\n";
		iov[niov++].iov_len = 2;
	}
	for (i = 0; i < niov; i++)
		total += iov[i].iov_len;
	if (evbuffer_get_length(out) == 0) {
		sendv_fit(bufferevent_getfd(bev), total, sndbuf);
		if ((n = sendv_write(bufferevent_getfd(bev), iov, niov)) == -1)
			return (-1);
		if ((size_t)n == total)
			return (1);
	}
	if (sendv_rest(out, iov, niov, n, f) == -1) {
		log_warnx("%s: out of memory", __func__);
		return (-1);
	}
	return (0);
}
