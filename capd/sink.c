/* SPDX-License-Identifier: ISC */
/*
 * sink.c: the source's callbacks, handing each picture to the frame
 * server, the H.264 socket and the control socket; and the systemd status
 * line.
 */
#include <sys/time.h>

#include <stdint.h>
#include <stdio.h>

#include "control.h"
#include "frame.h"
#include "h264.h"
#include "mono.h"
#include "server.h"
#include "sink.h"
#include "source.h"

/* Frame callback from the source. */
void
sink_frame(const unsigned char *jpeg, size_t len, const struct timeval *ts,
    void *arg)
{
	struct sink		*sink = arg;
	unsigned long long	 n = server_frames(sink->srv);

	server_publish(sink->srv, jpeg, len, ts);
	h264_feed(sink->h264, server_latest(sink->srv));
	if (server_frames(sink->srv) == n)
		return;
	sink->pictures++;
	if (sink->ctl != NULL)
		control_on_frame(sink->ctl);
}

/*
 * What the source should make of its next picture: raw for the H.264
 * encoder while it runs, JPEG while the frame socket has subscribers (or
 * whenever the encoder takes no raw pictures).
 */
int
sink_wants(void *arg)
{
	struct sink		*sink = arg;

	if (!h264_wants_raw(sink->h264))
		return (SOURCE_WANT_JPEG);
	return (SOURCE_WANT_RAW |
	    (server_subscribers(sink->srv) > 0 ? SOURCE_WANT_JPEG : 0));
}

/* A raw picture from the source, with its JPEG or none. */
void
sink_raw(const struct yuyv_pic *raw, const unsigned char *jpeg, size_t len,
    const struct timeval *ts, void *arg)
{
	struct sink		*sink = arg;
	unsigned long long	 n = server_frames(sink->srv);
	uint64_t		 seq = 0;

	if (jpeg != NULL) {
		server_publish(sink->srv, jpeg, len, ts);
		if (server_frames(sink->srv) != n)
			seq = server_latest(sink->srv)->seq;
	} else
		seq = server_count(sink->srv);
	if (seq == 0)
		return;
	h264_feed_raw(sink->h264, raw, seq, ts);
	sink->pictures++;
	if (sink->ctl != NULL)
		control_on_frame(sink->ctl);
}

/* Access unit callback from a source giving H.264. */
void
sink_au(const unsigned char *au, size_t len, int idr,
    const struct timeval *ts, void *arg)
{
	struct sink		*sink = arg;

	server_source_alive(sink->srv);
	h264_feed_au(sink->h264, au, len, idr, ts);
	sink->pictures++;
	if (sink->ctl != NULL)
		control_on_frame(sink->ctl);
}

/* Asks a source giving H.264 for an IDR. */
int
sink_keyframe(void *arg)
{
	return (source_keyframe(arg));
}

/* Error callback from the source. */
void
sink_source_error(const char *cause, void *arg)
{
	struct sink		*sink = arg;

	server_source_error(sink->srv, cause);
}

/*
 * The status line for systemctl status: frame rate and subscribers, of
 * the frame socket and of the H.264 socket alike.
 */
void
sink_status(char *buf, size_t len, void *arg)
{
	struct sink_status	*st = arg;
	double			 now = mono_sec();
	unsigned long long	 frames = st->sink->pictures;
	int			 subs = server_subscribers(st->srv) +
				    h264_subscribers(st->sink->h264);
	const char		*problem = server_problem(st->srv);
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
	else if (server_refused(st->srv) > 0)
		snprintf(buf, len, "streaming %.0f fps to %d subscriber%s, "
		    "%llu refused at --max-subscribers", fps, subs,
		    subs == 1 ? "" : "s", server_refused(st->srv));
	else
		snprintf(buf, len, "streaming %.0f fps to %d subscriber%s",
		    fps, subs, subs == 1 ? "" : "s");
}

