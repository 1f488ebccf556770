/* SPDX-License-Identifier: ISC */
/*
 * rtp_stream.c: one camera's H.264, packetized once for every viewer.
 */
#include <sys/queue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "frame.h"
#include "h264_feed.h"
#include "log.h"
#include "rtcp.h"
#include "rtp_h264.h"
#include "rtp_stream.h"

#define RTP_STREAM_PT		96

/* Drops the interleaved variants of the last unit. */
static void
rtp_stream_drop_variants(struct rtp_stream *s)
{
	int	 i;

	for (i = 0; i < RTP_STREAM_CHANNELS; i++) {
		frame_unref(s->variant[i]);
		s->variant[i] = NULL;
	}
}

/* 90 kHz units of a Unix time in microseconds, on the stream's clock. */
static uint32_t
rtp_stream_rtp_time(const struct rtp_stream *s, uint64_t us)
{
	return ((uint32_t)(us * 9 / 100) + s->ts_offset);
}

/* Keeps the SPS and PPS of an IDR unit, and wakes whoever waits. */
static void
rtp_stream_keep_params(struct rtp_stream *s, const unsigned char *au, size_t len)
{
	const unsigned char	*sps, *pps;
	size_t			 spslen, ppslen;
	struct rtp_stream_waiter	*w;

	if (!rtp_h264_params(au, len, &sps, &spslen, &pps, &ppslen) ||
	    spslen > RTP_STREAM_PARAM_MAX || ppslen > RTP_STREAM_PARAM_MAX)
		return;
	memcpy(s->sps, sps, spslen);
	s->spslen = spslen;
	memcpy(s->pps, pps, ppslen);
	s->ppslen = ppslen;
	s->have_params = 1;
	while ((w = TAILQ_FIRST(&s->waiters)) != NULL) {
		TAILQ_REMOVE(&s->waiters, w, entry);
		w->waiting = 0;
		w->on_params(w->arg);
	}
}

/* An access unit from the feed: packetized once, offered to every viewer. */
static void
rtp_stream_on_unit(const struct h264_unit *hu, void *arg)
{
	static struct log_rate	 lr = LOG_RATE_INIT("RTP packetizing");
	struct rtp_stream		*s = arg;
	struct rtp_stream_viewer	*v, *next;
	struct rtp_stream_unit	 u;
	struct frame		*raw = hu->raw;
	char			 cause[256];
	size_t			 i, off, plen;
	uint64_t		 us;

	us = (uint64_t)raw->ts.tv_sec * 1000000 + (uint64_t)raw->ts.tv_usec;
	if (hu->idr)
		rtp_stream_keep_params(s, raw->buf, raw->len);
	memset(&u, 0, sizeof(u));
	u.idr = hu->idr;
	u.seq = s->rtp.seq;
	u.ts = rtp_stream_rtp_time(s, us);
	u.capture_us = us;
	if (rtp_h264_unit(&s->rtp, raw->buf, raw->len, u.ts, s->prefix,
	    &s->out, cause, sizeof(cause)) == -1) {
		log_rate_warnx(&lr, "camera %s: %s", s->name, cause);
		return;
	}
	if (s->out.npkts == 0)
		return;
	for (i = 0; s->prefix == RTP_STREAM_RTSP && i < s->out.npkts; i++) {
		off = s->out.pkts[i].off;
		plen = s->out.pkts[i].len;
		s->out.buf[off - 4] = '$';
		s->out.buf[off - 3] = 0;
		s->out.buf[off - 2] = (unsigned char)(plen >> 8);
		s->out.buf[off - 1] = (unsigned char)plen;
	}
	if ((u.f = frame_adopt(s->out.buf, s->out.len, 0, s->out.len,
	    hu->seq, &raw->ts)) == NULL) {
		log_rate_warnx(&lr, "camera %s: out of memory", s->name);
		return;
	}
	/* The buffer is the frame's now: the next unit gets a new one. */
	s->out.buf = NULL;
	s->out.cap = s->out.len = 0;
	u.pkts = s->out.pkts;
	u.npkts = s->out.npkts;
	s->last_us = us;
	s->last_ts = u.ts;
	s->units++;
	rtp_stream_drop_variants(s);
	for (v = TAILQ_FIRST(&s->viewers); v != NULL; v = next) {
		next = TAILQ_NEXT(v, entry);
		v->on_unit(&u, v->arg);
	}
	frame_unref(u.f);
}

/* capd's stream ended: viewers wait for it to come back. */
static void
rtp_stream_on_end(const char *cause, void *arg)
{
	static struct log_rate	 lr = LOG_RATE_INIT("H.264 stream breaks");
	struct rtp_stream		*s = arg;

	s->have_params = 0;
	s->ends++;
	rtp_stream_drop_variants(s);
	if (h264_feed_wanted(s->feed) > 0)
		log_rate_info(&lr, "camera %s: H.264 stream ended (%s): "
		    "waiting for it", s->name, cause);
}

/* Creates a stream, not connected. */
struct rtp_stream *
rtp_stream_new(struct event_base *base, const char *name, const char *path,
    const char *subscriber, size_t prefix, size_t mtu, char *cause,
    size_t causelen)
{
	struct rtp_stream	*s;
	uint32_t	 ssrc, seq;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->prefix = prefix;
	TAILQ_INIT(&s->viewers);
	TAILQ_INIT(&s->waiters);
	rtp_out_init(&s->out);
	ssrc = arc4random();
	seq = arc4random();
	s->ts_offset = arc4random();
	rtp_h264_init(&s->rtp, ssrc, (uint16_t)seq, RTP_STREAM_PT, mtu);
	if ((s->feed = h264_feed_new(base, path, rtp_stream_on_unit,
	    rtp_stream_on_end, s)) == NULL) {
		rtp_stream_free(s);
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	h264_feed_set_name(s->feed, subscriber);
	return (s);
}

/* Frees; viewers and waiters are gone. */
void
rtp_stream_free(struct rtp_stream *s)
{
	if (s == NULL)
		return;
	h264_feed_free(s->feed);
	rtp_stream_drop_variants(s);
	rtp_out_free(&s->out);
	free(s);
}

/* Held by one more session. */
int
rtp_stream_want(struct rtp_stream *s, char *cause, size_t causelen)
{
	return (h264_feed_want(s->feed, cause, causelen));
}

/* Held by one session less. */
void
rtp_stream_unwant(struct rtp_stream *s)
{
	h264_feed_unwant(s->feed);
}

/* The SPS and PPS, when known. */
int
rtp_stream_params(const struct rtp_stream *s, const unsigned char **sps,
    size_t *spslen, const unsigned char **pps, size_t *ppslen)
{
	if (!s->have_params || !h264_feed_connected(s->feed))
		return (0);
	*sps = s->sps;
	*spslen = s->spslen;
	*pps = s->pps;
	*ppslen = s->ppslen;
	return (1);
}

/* Waits for the SPS and PPS. */
void
rtp_stream_wait(struct rtp_stream *s, struct rtp_stream_waiter *w)
{
	if (w->waiting)
		return;
	TAILQ_INSERT_TAIL(&s->waiters, w, entry);
	w->waiting = 1;
}

/* Waits no more. */
void
rtp_stream_unwait(struct rtp_stream *s, struct rtp_stream_waiter *w)
{
	if (!w->waiting)
		return;
	TAILQ_REMOVE(&s->waiters, w, entry);
	w->waiting = 0;
}

/* A viewer joins. */
void
rtp_stream_join(struct rtp_stream *s, struct rtp_stream_viewer *v)
{
	TAILQ_INSERT_TAIL(&s->viewers, v, entry);
	s->nviewers++;
}

/* A viewer leaves. */
void
rtp_stream_leave(struct rtp_stream *s, struct rtp_stream_viewer *v)
{
	TAILQ_REMOVE(&s->viewers, v, entry);
	s->nviewers--;
}

/* The unit's frame with channel in its interleaved headers. */
struct frame *
rtp_stream_channel(struct rtp_stream *s, const struct rtp_stream_unit *u,
    unsigned channel)
{
	unsigned char	*buf;
	struct frame	*f;
	size_t		 i;
	int		 slot = -1;

	if (channel == 0)
		return (frame_ref(u->f));
	for (i = 0; i < RTP_STREAM_CHANNELS; i++) {
		if (s->variant[i] != NULL && s->variant_ch[i] == channel)
			return (frame_ref(s->variant[i]));
		if (s->variant[i] == NULL && slot == -1)
			slot = (int)i;
	}
	if ((buf = malloc(u->f->len)) == NULL)
		return (NULL);
	memcpy(buf, u->f->buf, u->f->len);
	for (i = 0; i < u->npkts; i++)
		buf[u->pkts[i].off - 3] = (unsigned char)channel;
	if ((f = frame_adopt(buf, u->f->len, 0, u->f->len, u->f->seq,
	    &u->f->ts)) == NULL) {
		free(buf);
		return (NULL);
	}
	if (slot != -1) {
		s->variant[slot] = frame_ref(f);
		s->variant_ch[slot] = channel;
	}
	return (f);
}

/* What a sender report says now. */
void
rtp_stream_sender(const struct rtp_stream *s, uint64_t now_us,
    struct rtcp_sender *out)
{
	memset(out, 0, sizeof(*out));
	out->ssrc = s->rtp.ssrc;
	out->ntp = rtcp_ntp(now_us);
	out->rtp_ts = s->last_us == 0 ? rtp_stream_rtp_time(s, now_us) :
	    s->last_ts + (uint32_t)((int64_t)(now_us - s->last_us) * 9 / 100);
	out->packets = s->rtp.packets;
	out->octets = s->rtp.octets;
}
