/* SPDX-License-Identifier: ISC */
/*
 * stream.h: one camera's H.264 as rtspd serves it: one feed of capd's
 * socket (h264_feed.h), each access unit packetized once (rtp_h264.h)
 * into one shared frame whose packets every viewer is sent, the stream's
 * SPS and PPS for DESCRIBE, and the counts for sender reports.  Held
 * while anyone wants it; when capd goes away it connects again, and its
 * viewers go on from the next IDR, their sequence numbers and clock
 * unbroken.
 */
#ifndef RTSPD_STREAM_H
#define RTSPD_STREAM_H

#include <sys/queue.h>
#include <stddef.h>
#include <stdint.h>

#include "camname.h"
#include "rtcp.h"
#include "rtp_h264.h"

struct event;
struct event_base;
struct frame;
struct h264_feed;

#define STREAM_PREFIX		4	/* RTSP's interleaved header */
#define STREAM_PARAM_MAX	256	/* bytes of SPS or PPS kept */
#define STREAM_CHANNELS		4	/* interleaved variants per unit */

/* One access unit as packets. */
struct stream_unit {
	struct frame		*f;	/* each packet after "$", 0, length */
	const struct rtp_pkt	*pkts;	/* RTP packets within f->buf */
	size_t			 npkts;
	int			 idr;
	uint16_t		 seq;	/* of its first packet */
	uint32_t		 ts;
};

/* A viewer, known by its callbacks. */
struct stream_viewer {
	TAILQ_ENTRY(stream_viewer) entry;
	void		(*on_unit)(const struct stream_unit *u, void *arg);
	void		*arg;
};

/* Someone waiting for the SPS and PPS (a DESCRIBE). */
struct stream_waiter {
	TAILQ_ENTRY(stream_waiter) entry;
	void		(*on_params)(void *arg);
	void		*arg;
	int		 waiting;
};

struct stream {
	char			 name[CAMNAME_MAX + 1];
	struct h264_feed	*feed;
	struct rtp_h264		 rtp;
	struct rtp_out		 out;
	uint32_t		 ts_offset;
	unsigned char		 sps[STREAM_PARAM_MAX], pps[STREAM_PARAM_MAX];
	size_t			 spslen, ppslen;
	int			 have_params;	/* from this connection */
	uint64_t		 last_us;	/* the last unit's capture */
	uint32_t		 last_ts;
	struct frame		*variant[STREAM_CHANNELS]; /* of the unit */
	unsigned		 variant_ch[STREAM_CHANNELS];
	TAILQ_HEAD(, stream_viewer) viewers;
	TAILQ_HEAD(, stream_waiter) waiters;
	size_t			 nviewers;
	uint64_t		 units, ends;
};

/* A stream of capd's H.264 socket at path; NULL with cause. */
struct stream	*stream_new(struct event_base *base, const char *name,
		    const char *path, size_t mtu, char *cause,
		    size_t causelen);
void		 stream_free(struct stream *s);
/* Held by one more session: connects if needed.  0, or -1 with cause. */
int		 stream_want(struct stream *s, char *cause, size_t causelen);
void		 stream_unwant(struct stream *s);
/*
 * The SPS and PPS when the stream is connected and has had an IDR: 1,
 * else 0.  Pointers into s.
 */
int		 stream_params(const struct stream *s,
		    const unsigned char **sps, size_t *spslen,
		    const unsigned char **pps, size_t *ppslen);
/* w->on_params is called once the SPS and PPS are known (and s held). */
void		 stream_wait(struct stream *s, struct stream_waiter *w);
void		 stream_unwait(struct stream *s, struct stream_waiter *w);
/* A viewer takes every unit from now on. */
void		 stream_join(struct stream *s, struct stream_viewer *v);
void		 stream_leave(struct stream *s, struct stream_viewer *v);
/*
 * The unit's frame with channel in its interleaved headers: u->f for 0,
 * else made once per unit and channel (or per viewer beyond
 * STREAM_CHANNELS).  A new reference, or NULL when out of memory.
 */
struct frame	*stream_channel(struct stream *s, const struct stream_unit *u,
		    unsigned channel);
/* What a sender report says now (Unix time now_us); cname not set. */
void		 stream_sender(const struct stream *s, uint64_t now_us,
		    struct rtcp_sender *out);

#endif
