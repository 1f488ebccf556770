/* SPDX-License-Identifier: ISC */
/* whep_wait.c: offers waiting a bounded time for their camera's SPS. */
#include <sys/queue.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "media.h"
#include "sdp_offer.h"
#include "state.h"
#include "whep_wait.h"

/* Ends a wait: the camera let go, the entry freed. */
static void
whep_wait_end(struct whep_wait *w)
{
	TAILQ_REMOVE(&w->st->waits, w, entry);
	w->st->nwaits--;
	rtp_stream_unwait(w->mc->rs, &w->waiter);
	event_free(w->ev);
	media_unwant(w->mc);
	free(w);
}

/* The SPS came or the time is up: the offer is answered. */
static void
whep_wait_on_event(evutil_socket_t fd, short what, void *arg)
{
	struct whep_wait	*w = arg;
	struct handoff_rec	 rec = w->rec;
	struct state		*st = w->st;
	struct media_cam	*mc = w->mc;
	struct sdp_offer	*o = w->o;
	whep_wait_cb		 done = w->done;
	int			 cfd = w->fd;
	char			 cause[256];

	/* Held across the answer, so that capd's stream stays. */
	if (media_want(mc, cause, sizeof(cause)) == -1)
		log_debug("camera %s: %s", mc->name, cause);
	whep_wait_end(w);
	done(st, cfd, mc, o, &rec);
	media_unwant(mc);
}

/* The SPS is known: answered from the loop, not from the stream's call. */
static void
whep_wait_on_params(void *arg)
{
	struct whep_wait	*w = arg;
	struct timeval		 now = { 0, 0 };

	event_add(w->ev, &now);
}

/* Waits for the camera's SPS. */
int
whep_wait_start(struct state *st, int fd, struct media_cam *mc,
    struct sdp_offer *o, const struct handoff_rec *rec, whep_wait_cb done)
{
	struct timeval		 tv = { WHEP_WAIT_MS / 1000,
	    (WHEP_WAIT_MS % 1000) * 1000 };
	struct whep_wait	*w;
	char			 cause[256];

	if (st->nwaits >= STATE_WAITS_MAX ||
	    (w = calloc(1, sizeof(*w))) == NULL)
		return (-1);
	if ((w->ev = event_new(st->base, -1, 0, whep_wait_on_event,
	    w)) == NULL || event_add(w->ev, &tv) == -1) {
		if (w->ev != NULL)
			event_free(w->ev);
		free(w);
		return (-1);
	}
	if (media_want(mc, cause, sizeof(cause)) == -1) {
		log_debug("camera %s: %s", mc->name, cause);
		event_free(w->ev);
		free(w);
		return (-1);
	}
	w->st = st;
	w->fd = fd;
	w->mc = mc;
	w->o = o;
	w->done = done;
	memcpy(&w->rec.sa, &rec->sa, sizeof(w->rec.sa));
	w->rec.salen = rec->salen;
	memcpy(w->rec.user, rec->user, sizeof(w->rec.user));
	w->waiter.on_params = whep_wait_on_params;
	w->waiter.arg = w;
	rtp_stream_wait(mc->rs, &w->waiter);
	TAILQ_INSERT_TAIL(&st->waits, w, entry);
	st->nwaits++;
	return (0);
}

/* Closes every waiting offer. */
void
whep_wait_free_all(struct state *st)
{
	struct whep_wait	*w;

	while ((w = TAILQ_FIRST(&st->waits)) != NULL) {
		close(w->fd);
		free(w->o);
		whep_wait_end(w);
	}
}
