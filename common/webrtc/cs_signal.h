/* SPDX-License-Identifier: ISC */
/*
 * cs_signal.h: camera-streamer's WebRTC signalling, the JSON bodies of
 * POST /webrtc that Mainsail, Fluidd, OctoPrint and camera-streamer's own
 * page send: read strictly with bounds, and the replies written as
 * camera-streamer writes them.  No I/O.  docs/webrtc.md, "camera-streamer's
 * signalling", has every message.
 */
#ifndef CAMPIPE_CS_SIGNAL_H
#define CAMPIPE_CS_SIGNAL_H

#include <stddef.h>

#include "sdp_offer.h"

#define CS_SIGNAL_MAX		16384	/* bytes of a message */
#define CS_SIGNAL_ID		65	/* an id: 1 to 64 chars and NUL */
#define CS_SIGNAL_CANDS		16	/* candidates in one message */
#define CS_SIGNAL_CANDLEN	512	/* bytes of one candidate line */
#define CS_SIGNAL_SERVERS	16	/* iceServers entries */

/* What an empty reply ("answer", "remote_candidate" taken) says. */
#define CS_SIGNAL_DONE		"{}"

enum cs_signal_type {
	CS_SIGNAL_REQUEST,		/* the viewer asks for our offer */
	CS_SIGNAL_ANSWER,		/* the viewer's answer to it */
	CS_SIGNAL_REMOTE_CANDIDATE,	/* the viewer's trickled candidates */
	CS_SIGNAL_OFFER			/* the viewer offers: WHEP's way */
};

/* One message as read. */
struct cs_signal_msg {
	enum cs_signal_type type;
	char		 id[CS_SIGNAL_ID];	/* answer, remote_candidate */
	char		 sdp[SDP_OFFER_MAX + 1]; /* offer, answer; NUL-ended */
	size_t		 sdplen;
	size_t		 ncands;	/* remote_candidate: how many */
	size_t		 nend;		/* of them, "" (end of candidates) */
};

/*
 * Reads len bytes of a message body into m.  0, or -1 with a one-line
 * cause: over CS_SIGNAL_MAX bytes, not one JSON object, no "type" string
 * or one we do not know, a field missing, of the wrong kind or out of its
 * bounds.  Members we do not read are skipped.
 */
int	cs_signal_parse(struct cs_signal_msg *m, const char *buf, size_t len,
	    const char **cause);

/*
 * Writes the reply to "request": {"iceServers":[],"id":ID,"sdp":SDP,
 * "type":"offer"}, into buf (NUL-terminated).  Its length, or -1 with
 * cause (buf too small, id or sdp out of bounds).
 */
int	cs_signal_offer(const char *id, const char *sdp, char *buf, size_t len,
	    const char **cause);

/* Writes the reply to "offer": {"iceServers":[],"sdp":SDP,"type":"answer"}. */
int	cs_signal_answer(const char *sdp, char *buf, size_t len,
	    const char **cause);

/* The name of a type, as the messages spell it. */
const char *cs_signal_type_name(enum cs_signal_type type);

#endif
