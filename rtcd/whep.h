/* SPDX-License-Identifier: ISC */
/*
 * whep.h: the HTTP exchanges httpd hands to rtcd (docs/webrtc.md): WHEP
 * offers answered with a session, its PATCH and DELETE, and the status;
 * what camera-streamer's signalling (signal.c) shares with them.  Each
 * connection gets one answer and is closed.
 */
#ifndef RTCD_WHEP_H
#define RTCD_WHEP_H

#include <stddef.h>

struct handoff_rec;
struct media_cam;
struct peer;
struct sdp_offer;
struct state;

/* A connection handed over with its record (handoff_recv_cb). */
void	whep_take(int fd, const struct handoff_rec *rec, void *arg);

/* Refuses a request: the status with a one-line cause, logged. */
void	whep_refuse(struct state *st, int fd, int status, const char *what,
	    const char *msg);

/* The camera a request names ("" the default), or NULL. */
struct media_cam *whep_camera(struct state *st, const char *name);

/* 1 if a new session for the record's client would be beyond the limits. */
int	whep_full(struct state *st, const struct handoff_rec *rec);

/*
 * Answers a parsed offer o (freed) for camera mc with a new session, its
 * answer in answer (PEER_ANSWER_MAX bytes, *n long).  The session, or NULL
 * with *status (406, 503) and cause.
 */
struct peer	*whep_answer_make(struct state *st, struct media_cam *mc,
		    struct sdp_offer *o, const struct handoff_rec *rec,
		    char *answer, int *n, int *status, char *cause,
		    size_t causelen);

#endif
