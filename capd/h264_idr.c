/* SPDX-License-Identifier: ISC */
/* h264_idr.c: subscribers' IDR requests, one forced IDR per window. */
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "h264_idr.h"
#include "mono.h"

/* Forces an IDR now, counted if the encoder or the source was asked. */
static void
h264_idr_force(struct h264_idr *r)
{
	if (r->force(r->arg) == 0)
		r->forced++;
}

/* The timer of a held request: forced now, or later if still early. */
static void
h264_idr_due(evutil_socket_t fd, short what, void *arg)
{
	struct h264_idr	*r = arg;
	struct timeval	 tv;
	long		 wait_ms;

	if (rtcp_fb_limit_poll(&r->limit, mono_ms(), &wait_ms)) {
		h264_idr_force(r);
		return;
	}
	if (wait_ms >= 0) {
		tv.tv_sec = wait_ms / 1000;
		tv.tv_usec = (wait_ms % 1000) * 1000;
		evtimer_add(r->ev, &tv);
	}
}

/* Sets up the limiter. */
int
h264_idr_init(struct h264_idr *r, struct event_base *base,
    int (*force)(void *), void *arg, char *cause, size_t causelen)
{
	memset(r, 0, sizeof(*r));
	rtcp_fb_limit_init(&r->limit, H264_IDR_LIMIT_MS);
	r->force = force;
	r->arg = arg;
	if ((r->ev = evtimer_new(base, h264_idr_due, r)) == NULL) {
		snprintf(cause, causelen, "cannot set up events");
		return (-1);
	}
	return (0);
}

/* Frees the timer. */
void
h264_idr_destroy(struct h264_idr *r)
{
	if (r->ev != NULL)
		event_free(r->ev);
	r->ev = NULL;
}

/* A subscriber asked: forced now, or held until the window ends. */
void
h264_idr_request(struct h264_idr *r)
{
	r->requests++;
	if (rtcp_fb_limit_request(&r->limit, mono_ms())) {
		h264_idr_force(r);
		return;
	}
	if (!evtimer_pending(r->ev, NULL))
		h264_idr_due(-1, 0, r);
}

/* An IDR went out: nothing held is forced for it. */
void
h264_idr_sent(struct h264_idr *r)
{
	rtcp_fb_limit_keyframe(&r->limit, mono_ms());
	evtimer_del(r->ev);
}
