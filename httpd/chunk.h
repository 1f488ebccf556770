/* SPDX-License-Identifier: ISC */
/*
 * chunk.h: one shared frame to a streaming HTTP reply in one sendmsg: its
 * chunk framing (HTTP/1.1) or none (HTTP/1.0, until close) around the
 * frame's bytes; what the kernel does not take goes to the connection's
 * output buffer, the frame by reference.  For the MJPEG and H.264 streams.
 */
#ifndef HTTPD_CHUNK_H
#define HTTPD_CHUNK_H

#include <stddef.h>

struct bufferevent;
struct frame;

/*
 * Writes f->buf whole.  1 when it all went, 0 when the rest waits in the
 * output buffer, -1 on a write error or ENOMEM.  *sndbuf is the send
 * buffer size last set (sendv_fit).
 */
int	chunk_write(struct bufferevent *bev, int chunked, struct frame *f,
	    size_t *sndbuf);

#endif
