/* SPDX-License-Identifier: ISC */
/*
 * signal.h: camera-streamer's JSON signalling on POST /webrtc and
 * /cam/NAME/webrtc (docs/webrtc.md, "camera-streamer's signalling"):
 * "request" makes a session that offers, "answer" completes it,
 * "remote_candidate" is taken and not used (ICE-lite), "offer" is
 * answered as WHEP is.  One JSON answer per connection.
 */
#ifndef RTCD_SIGNAL_H
#define RTCD_SIGNAL_H

struct handoff_rec;
struct state;
struct whep_request;

/* A POST to the signalling route, its body whole in the record. */
void	signal_take(struct state *st, int fd, const struct whep_request *r,
	    const struct handoff_rec *rec);

#endif
