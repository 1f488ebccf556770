/* SPDX-License-Identifier: ISC */
/*
 * media.h: rtcd's media.  Per camera: capd's H.264 packetized once as
 * plaintext RTP (rtp_stream.h, no prefix), kept about a second for NACKs
 * (rtp_history.h), and the camera's limit on keyframe requests.  Per
 * session: the payload type rewritten, SRTP, batches sent to the address
 * ICE nominated while it has consent, sender reports, and the viewer's
 * RTCP (NACK, PLI, FIR, receiver reports).
 */
#ifndef RTCD_MEDIA_H
#define RTCD_MEDIA_H

#include <sys/queue.h>
#include <stddef.h>
#include <stdint.h>

#include "camname.h"
#include "rtcp_fb.h"
#include "rtp_history.h"
#include "rtp_stream.h"

struct peer;
struct state;

#define MEDIA_BATCH		32	/* packets per sendmmsg */
#define MEDIA_SR_FIRST		5	/* sender reports a second apart */
#define MEDIA_SR_FIRST_MS	1000
#define MEDIA_SR_MS		5000	/* then this far apart */
#define MEDIA_CNAME		"campipe"
/* Until the stream's SPS is known: what capd's default encoder says. */
#define MEDIA_DEFAULT_PLID	{ 0x42, 0xe0, 0x1f }

/* One camera's media. */
struct media_cam {
	struct state		*st;
	char			 name[CAMNAME_MAX + 1];
	struct rtp_stream	*rs;
	struct rtp_stream_viewer viewer;	/* the fan-out to sessions */
	struct rtp_history	 history;
	struct rtcp_fb_limit	 limit;
	TAILQ_HEAD(, peer)	 peers;		/* joined */
	size_t			 npeers;	/* joined */
	size_t			 nwant;		/* sessions holding it */
	uint64_t		 idr_requests;
};

/* Every camera's media, not connected yet.  0, or -1 with cause. */
int	media_init(struct state *st, char *cause, size_t causelen);
/* Frees every camera's media; sessions are gone. */
void	media_free(struct state *st);
/* A session holds the camera (capd connected): 0, or -1 with cause. */
int	media_want(struct media_cam *mc, char *cause, size_t causelen);
void	media_unwant(struct media_cam *mc);
/*
 * The profile-level-id bytes to answer with: the stream's SPS once it
 * has had an IDR, else MEDIA_DEFAULT_PLID.  1 from the SPS, 0 default.
 */
int	media_profile(const struct media_cam *mc, uint8_t plid[3]);
/* The camera's SSRC. */
uint32_t media_ssrc(const struct media_cam *mc);
/* A keyed session takes every unit from the next IDR (asked for now). */
void	media_join(struct peer *p, uint64_t now_ms);
void	media_leave(struct peer *p);
/* A viewer's SRTCP packet, unprotected: acted on. */
void	media_rtcp(struct peer *p, const unsigned char *rtcp, size_t len,
	    uint64_t now_ms);
/* A sender report when due. */
void	media_sender_report(struct peer *p, uint64_t now_ms);
/* Held keyframe requests that are due go to capd. */
void	media_tick(struct state *st, uint64_t now_ms);

#endif
