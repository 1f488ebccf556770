/* SPDX-License-Identifier: ISC */
/*
 * frame_sub.h: a subscription to capd's frame socket, for httpd, wsd and
 * tools.  Connects on demand, parses parts (frame_part.h) into shared
 * frames, and reconnects with backoff (100 ms doubling to 2 s) when capd
 * goes away.  Runs in the caller's libevent loop.
 *
 * Typical use: frame_sub_start() when the first viewer arrives,
 * frame_sub_stop() when the last leaves, so capd can stop the camera.
 */
#ifndef CAMPIPE_FRAME_SUB_H
#define CAMPIPE_FRAME_SUB_H

#include <stddef.h>

/*
 * One rule for every reader of capd's sockets (httpd, wsd, rtspd; JPEG
 * and H.264): the subscription stays this long after its last viewer
 * leaves, so viewers that come and go, or a flood of them, do not make
 * capd start and stop the camera each time.
 */
#define FRAME_SUB_LINGER_MS	1000

struct event_base;
struct frame;
struct frame_sub;

enum frame_sub_state {
	FRAME_SUB_STOPPED,	/* not wanted: no connection */
	FRAME_SUB_CONNECTING,	/* wanted, connecting or waiting to retry */
	FRAME_SUB_CONNECTED,	/* connected to capd, waiting for frames */
	FRAME_SUB_STREAMING	/* frames arriving */
};

/*
 * Called for each frame received.  The callee takes its own reference with
 * frame_ref() if it keeps the frame past the call.
 */
typedef void	(*frame_sub_frame_cb)(struct frame *f, void *arg);
/* Called when the state changes; cause says why for failures, else "". */
typedef void	(*frame_sub_state_cb)(enum frame_sub_state st,
		    const char *cause, void *arg);

/* Creates a stopped subscription to the socket at path. NULL on ENOMEM. */
struct frame_sub *frame_sub_new(struct event_base *base, const char *path,
		    size_t max_frame, frame_sub_frame_cb fcb,
		    frame_sub_state_cb scb, void *arg);
/* Closes the connection and frees everything. */
void		 frame_sub_free(struct frame_sub *fs);

/*
 * Names the subscriber to capd ("httpd", "wsd"), sent after each connect;
 * -1 if the name is not 1 to 32 of [A-Za-z0-9._-].
 */
int		 frame_sub_set_name(struct frame_sub *fs, const char *name);
/*
 * Sets how to count the viewers this subscriber serves; the count is told
 * to capd after each connect and, when it changed, with each frame.
 */
void		 frame_sub_set_viewers_cb(struct frame_sub *fs,
		    long (*cb)(void *), void *arg);
/* Connects now (and keeps reconnecting) if not already wanted. */
void		 frame_sub_start(struct frame_sub *fs);
/* Disconnects and stops retrying. */
void		 frame_sub_stop(struct frame_sub *fs);

enum frame_sub_state frame_sub_state(const struct frame_sub *fs);
/* Name of a state for status pages: "stopped", "connecting", ... */
const char	*frame_sub_state_name(enum frame_sub_state st);
/* The last frame received on this connection or an earlier one, or NULL. */
struct frame	*frame_sub_latest(const struct frame_sub *fs);
/* Last failure (connect error, malformed part), "" if none. */
const char	*frame_sub_cause(const struct frame_sub *fs);
/* Counters. */
unsigned long long frame_sub_frames(const struct frame_sub *fs);
unsigned long long frame_sub_reconnects(const struct frame_sub *fs);

#endif
