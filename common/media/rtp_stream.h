/* SPDX-License-Identifier: ISC */
/*
 * rtp_stream.h: one camera's H.264 as RTP for every viewer of a daemon
 * (rtspd, rtcd): one feed of capd's socket (h264_feed.h), each access
 * unit packetized once (rtp_h264.h) into one shared frame whose packets
 * every viewer is sent, the stream's SPS and PPS (for RTSP's DESCRIBE,
 * WebRTC's profile), and the counts for sender reports.  Each packet lies
 * after a prefix: RTSP's interleaved header (RTP_STREAM_RTSP, filled in),
 * or none.  Held
 * while anyone wants it; when capd goes away it connects again, and its
 * viewers go on from the next IDR, their sequence numbers and clock
 * unbroken.
 */
#ifndef CAMPIPE_RTP_STREAM_H
#define CAMPIPE_RTP_STREAM_H

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

#define RTP_STREAM_RTSP		4	/* prefix: RTSP's interleaved header */
#define RTP_STREAM_PARAM_MAX	256	/* bytes of SPS or PPS kept */
#define RTP_STREAM_CHANNELS		4	/* interleaved variants per unit */

/* One access unit as packets. */
struct rtp_stream_unit {
	struct frame		*f;	/* each packet after "$", 0, length */
	const struct rtp_pkt	*pkts;	/* RTP packets within f->buf */
	size_t			 npkts;
	int			 idr;
	uint16_t		 seq;	/* of its first packet */
	uint32_t		 ts;
	uint64_t		 capture_us;	/* Unix time, capd's stamp */
};

/* A viewer, known by its callbacks. */
struct rtp_stream_viewer {
	TAILQ_ENTRY(rtp_stream_viewer) entry;
	void		(*on_unit)(const struct rtp_stream_unit *u, void *arg);
	void		*arg;
};

/* Someone waiting for the SPS and PPS (a DESCRIBE). */
struct rtp_stream_waiter {
	TAILQ_ENTRY(rtp_stream_waiter) entry;
	void		(*on_params)(void *arg);
	void		*arg;
	int		 waiting;
};

struct rtp_stream {
	char			 name[CAMNAME_MAX + 1];
	size_t			 prefix;	/* bytes before each packet */
	struct h264_feed	*feed;
	struct rtp_h264		 rtp;
	struct rtp_out		 out;
	uint32_t		 ts_offset;
	unsigned char		 sps[RTP_STREAM_PARAM_MAX], pps[RTP_STREAM_PARAM_MAX];
	size_t			 spslen, ppslen;
	int			 have_params;	/* from this connection */
	uint64_t		 last_us;	/* the last unit's capture */
	uint32_t		 last_ts;
	struct frame		*variant[RTP_STREAM_CHANNELS]; /* of the unit */
	unsigned		 variant_ch[RTP_STREAM_CHANNELS];
	TAILQ_HEAD(, rtp_stream_viewer) viewers;
	TAILQ_HEAD(, rtp_stream_waiter) waiters;
	size_t			 nviewers;
	uint64_t		 units, ends;
};

/*
 * A stream of camera name's H.264 socket at path for subscriber (the
 * daemon's name to capd), each packet after prefix bytes (0, or
 * RTP_STREAM_RTSP: "$", channel 0, length); NULL with cause.
 */
struct rtp_stream	*rtp_stream_new(struct event_base *base, const char *name,
		    const char *path, const char *subscriber, size_t prefix,
		    size_t mtu, char *cause, size_t causelen);
void		 rtp_stream_free(struct rtp_stream *s);
/* Held by one more session: connects if needed.  0, or -1 with cause. */
int		 rtp_stream_want(struct rtp_stream *s, char *cause, size_t causelen);
void		 rtp_stream_unwant(struct rtp_stream *s);
/*
 * The SPS and PPS when the stream is connected and has had an IDR: 1,
 * else 0.  Pointers into s.
 */
int		 rtp_stream_params(const struct rtp_stream *s,
		    const unsigned char **sps, size_t *spslen,
		    const unsigned char **pps, size_t *ppslen);
/* w->on_params is called once the SPS and PPS are known (and s held). */
void		 rtp_stream_wait(struct rtp_stream *s, struct rtp_stream_waiter *w);
void		 rtp_stream_unwait(struct rtp_stream *s, struct rtp_stream_waiter *w);
/* A viewer takes every unit from now on. */
void		 rtp_stream_join(struct rtp_stream *s, struct rtp_stream_viewer *v);
void		 rtp_stream_leave(struct rtp_stream *s, struct rtp_stream_viewer *v);
/*
 * With prefix RTP_STREAM_RTSP, the unit's frame with channel in its
 * interleaved headers: u->f for 0,
 * else made once per unit and channel (or per viewer beyond
 * RTP_STREAM_CHANNELS).  A new reference, or NULL when out of memory.
 */
struct frame	*rtp_stream_channel(struct rtp_stream *s, const struct rtp_stream_unit *u,
		    unsigned channel);
/* What a sender report says now (Unix time now_us); cname not set. */
void		 rtp_stream_sender(const struct rtp_stream *s, uint64_t now_us,
		    struct rtcp_sender *out);

#endif
