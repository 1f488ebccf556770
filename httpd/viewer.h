/* SPDX-License-Identifier: ISC */
/*
 * viewer.h: one streaming HTTP reply, MJPEG or H.264, and the set of them
 * a stream keeps.  A viewer is a request whose answer never ends: frames
 * go out through its fan-out (common/frame/fanout.h, either policy), each in
 * one sendmsg (chunk.h); the part the kernel leaves waits in the output
 * buffer and counts as in flight until it drains.  A viewer that takes
 * nothing for --stream-timeout seconds is dropped by the connection's
 * write timeout.  One address holds at most --max-clients-per-addr
 * viewers of all streams (common/http/connpool.h).
 */
#ifndef HTTPD_VIEWER_H
#define HTTPD_VIEWER_H

#include <sys/queue.h>
#include <stddef.h>

#include "connpool.h"
#include "fanout.h"

struct bufferevent;
struct evbuffer_cb_entry;
struct event;
struct evhttp_connection;
struct evhttp_request;
struct frame;
struct web;

struct viewer_set;

struct viewer {
	TAILQ_ENTRY(viewer)		 entry;
	struct viewer_set		*set;
	struct evhttp_request		*req;
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	struct evbuffer_cb_entry	*watch;	/* on the output buffer */
	struct event			*ev;	/* fps cap, drain, failure */
	struct fanout			 fan;
	struct connpool_entry		 addr;	/* its address's share */
	size_t				 sndbuf;
	int				 chunked;
	int				 failed;	/* a write failed */
	int				 form;	/* which frames it takes */
	uint64_t			 since;	/* when it started (mono_ns) */
};

/* Told after a viewer of the set left (its admission ends). */
typedef void	(*viewer_leave_cb)(void *arg);

struct viewer_set {
	TAILQ_HEAD(, viewer)		 list;
	int				 n;
	struct web			*w;
	const char			*what;	/* for the log */
	int				 count_parts;	/* stats.stream_frames */
	viewer_leave_cb			 leave;
	void				*arg;
};

/*
 * Sets up an empty set of w's viewers; leave is called after each one
 * goes.  count_parts: frames sent count in stats.stream_frames.
 */
void		 viewer_set_init(struct viewer_set *s, struct web *w,
		    const char *what, int count_parts, viewer_leave_cb leave,
		    void *arg);
/*
 * With --max-clients reached: closes the heaviest address's oldest viewer
 * if req's address holds fewer; 1 if one went.
 */
int		 viewer_make_room(struct web *w, struct evhttp_request *req);
/*
 * The same for one camera's --max-camera-clients (full when it holds its
 * limit): among the viewers of its sets (nsets), the oldest of the
 * address holding the most goes if req's address holds fewer; 1 if one
 * went.
 */
int		 viewer_make_room_in(struct web *w, struct viewer_set *const *sets,
		    int nsets, int full, struct evhttp_request *req);
/*
 * A viewer for req, counted against its address's share, not started.
 * NULL after answering req itself (503 beyond the share, 500).
 */
struct viewer	*viewer_new(struct viewer_set *s, struct evhttp_request *req);
/*
 * Starts v's answer (200 with the headers set on its request) and joins
 * it to its set: a viewer of policy (fps: LATEST's cap) taking frames of
 * form.
 */
void		 viewer_start(struct viewer *v, enum fanout_policy policy,
		    unsigned fps, int form);
/* LATEST: offers f to every viewer, sent now or pending. */
void		 viewer_offer(struct viewer_set *s, struct frame *f);
/* LATEST: offers f to one viewer. */
void		 viewer_offer_one(struct viewer *v, struct frame *f);
/*
 * ORDERED: the next access unit to every viewer, units[v->form]; a viewer
 * not yet started gets heads[v->form] first, at an IDR.  Bit f of newhead
 * set: form f's head changed with this unit (an IDR after a break, with
 * new parameters): what waits is dropped and the new head goes first.
 */
void		 viewer_offer_unit(struct viewer_set *s, struct frame **units,
		    struct frame **heads, int idr, unsigned newhead);
/* Ends every viewer's answer and frees them. */
void		 viewer_end_all(struct viewer_set *s);
/* Viewers in the set. */
int		 viewer_count(const struct viewer_set *s);

#endif
