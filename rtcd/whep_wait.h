/* SPDX-License-Identifier: ISC */
/*
 * whep_wait.h: WHEP offers waiting for their camera's SPS.  The answer's
 * profile is the stream's; a camera nobody watches has none yet, so its
 * first offer holds the camera (capd starts encoding) and waits for the
 * first IDR, at most WHEP_WAIT_MS, then is answered with what is known
 * (the default profile when nothing came).  At most STATE_WAITS_MAX
 * offers wait; beyond, an offer is answered at once.
 */
#ifndef RTCD_WHEP_WAIT_H
#define RTCD_WHEP_WAIT_H

#include <sys/queue.h>

#include "handoff_rec.h"
#include "rtp_stream.h"

struct event;
struct media_cam;
struct sdp_offer;
struct state;

#define WHEP_WAIT_MS		2000

struct whep_wait;
/* The wait is over: the callee answers o on fd (both now its own). */
typedef void	(*whep_wait_cb)(struct state *st, int fd, struct media_cam *mc,
		    struct sdp_offer *o, const struct handoff_rec *rec);

struct whep_wait {
	TAILQ_ENTRY(whep_wait)	 entry;
	struct state		*st;
	int			 fd;
	struct media_cam	*mc;
	struct sdp_offer	*o;
	struct handoff_rec	 rec;		/* user and address only */
	struct rtp_stream_waiter waiter;
	struct event		*ev;
	whep_wait_cb		 done;
};

/*
 * Waits for mc's SPS with the parsed offer o: 0, and done is called
 * later with fd and o; -1 when it cannot wait (too many wait, capd not
 * reachable): fd and o stay the caller's, to answer now.
 */
int	whep_wait_start(struct state *st, int fd, struct media_cam *mc,
	    struct sdp_offer *o, const struct handoff_rec *rec,
	    whep_wait_cb done);
/* Closes every waiting offer (shutdown). */
void	whep_wait_free_all(struct state *st);

#endif
