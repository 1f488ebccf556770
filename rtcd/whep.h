/* SPDX-License-Identifier: ISC */
/*
 * whep.h: the HTTP exchanges httpd hands to rtcd (docs/webrtc.md): WHEP
 * offers answered with a session, its PATCH and DELETE, and the status.
 * Each connection gets one answer and is closed.
 */
#ifndef RTCD_WHEP_H
#define RTCD_WHEP_H

struct handoff_rec;

/* A connection handed over with its record (handoff_recv_cb). */
void	whep_take(int fd, const struct handoff_rec *rec, void *arg);

#endif
