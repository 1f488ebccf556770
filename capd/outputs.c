/* SPDX-License-Identifier: ISC */
/*
 * outputs.c: where capd's pictures go: the source's callbacks, handing
 * each picture to the frame socket, the H.264 socket and the control
 * socket; and the systemd status line computed from them.
 */
#include <sys/time.h>

#include <stdint.h>
#include <stdio.h>

#include "control.h"
#include "frame.h"
#include "framesock.h"
#include "h264.h"
#include "mono.h"
#include "outputs.h"
#include "source.h"

/* Frame callback from the source. */
void
outputs_frame(const unsigned char *jpeg, size_t len, const struct timeval *ts,
    void *arg)
{
	struct outputs		*out = arg;
	unsigned long long	 n = framesock_frames(out->srv);

	framesock_publish(out->srv, jpeg, len, ts);
	h264_feed(out->h264, framesock_latest(out->srv));
	h264_feed(out->h264_sub, framesock_latest(out->srv));
	if (framesock_frames(out->srv) == n)
		return;
	out->pictures++;
	if (out->ctl != NULL)
		control_on_frame(out->ctl);
}

/*
 * What the source should make of its next picture: raw for the H.264
 * encoder while it runs, JPEG while the frame socket has subscribers (or
 * whenever the encoder takes no raw pictures).
 */
int
outputs_wants(void *arg)
{
	struct outputs		*out = arg;

	if (!h264_wants_raw(out->h264))
		return (SOURCE_WANT_JPEG);
	return (SOURCE_WANT_RAW | (framesock_subscribers(out->srv) > 0 ||
	    h264_wants_jpeg(out->h264_sub) ? SOURCE_WANT_JPEG : 0));
}

/* A raw picture from the source, with its JPEG or none. */
void
outputs_raw(const struct yuyv_pic *raw, const unsigned char *jpeg, size_t len,
    const struct timeval *ts, void *arg)
{
	struct outputs		*out = arg;
	unsigned long long	 n = framesock_frames(out->srv);
	uint64_t		 seq = 0;

	if (jpeg != NULL) {
		framesock_publish(out->srv, jpeg, len, ts);
		if (framesock_frames(out->srv) != n) {
			seq = framesock_latest(out->srv)->seq;
			h264_feed(out->h264_sub, framesock_latest(out->srv));
		}
	} else
		seq = framesock_count(out->srv);
	if (seq == 0)
		return;
	h264_feed_raw(out->h264, raw, seq, ts);
	out->pictures++;
	if (out->ctl != NULL)
		control_on_frame(out->ctl);
}

/* Access unit callback from a source giving H.264. */
void
outputs_au(const unsigned char *au, size_t len, int idr,
    const struct timeval *ts, void *arg)
{
	struct outputs		*out = arg;

	framesock_source_alive(out->srv);
	h264_feed_au(out->h264, au, len, idr, ts);
	out->pictures++;
	if (out->ctl != NULL)
		control_on_frame(out->ctl);
}

/* Asks a source giving H.264 for an IDR. */
int
outputs_keyframe(void *arg)
{
	return (source_keyframe(arg));
}

/* Error callback from the source. */
void
outputs_source_error(const char *cause, void *arg)
{
	struct outputs		*out = arg;

	framesock_source_error(out->srv, cause);
}

/*
 * The status line for systemctl status: frame rate and subscribers, of
 * the frame socket and of the H.264 socket alike.
 */
void
outputs_status(char *buf, size_t len, void *arg)
{
	struct outputs_status	*st = arg;
	double			 now = mono_sec();
	unsigned long long	 frames = st->out->pictures;
	int			 subs = framesock_subscribers(st->srv) +
				    h264_subscribers(st->out->h264) +
				    h264_subscribers(st->out->h264_sub);
	const char		*problem = framesock_problem(st->srv);
	double			 fps = 0;

	if (st->when > 0 && now > st->when)
		fps = (frames - st->frames) / (now - st->when);
	st->frames = frames;
	st->when = now;
	if (problem != NULL && subs > 0)
		snprintf(buf, len, "source failing: %s", problem);
	else if (!st->src->running)
		snprintf(buf, len, subs ? "starting the source for %d "
		    "subscriber%s" : "idle, source stopped", subs,
		    subs == 1 ? "" : "s");
	else if (subs == 0)
		snprintf(buf, len, "no subscribers, source stopping soon");
	else if (framesock_refused(st->srv) > 0)
		snprintf(buf, len, "streaming %.0f fps to %d subscriber%s, "
		    "%llu refused at --max-subscribers", fps, subs,
		    subs == 1 ? "" : "s", framesock_refused(st->srv));
	else
		snprintf(buf, len, "streaming %.0f fps to %d subscriber%s",
		    fps, subs, subs == 1 ? "" : "s");
}

