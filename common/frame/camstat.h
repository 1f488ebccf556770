/* SPDX-License-Identifier: ISC */
/*
 * camstat.h: capd's status (GET /status on the control socket,
 * docs/control.md) as last seen, for daemons whose status pages and
 * systemd STATUS= lines are synchronous.  Refreshed on demand, at most once
 * a second, never polled in the background.
 */
#ifndef CAMPIPE_CAMSTAT_H
#define CAMPIPE_CAMSTAT_H

#include <stddef.h>

struct camstat;
struct event_base;
struct json_t;

#define CAMSTAT_FRESH	1.0	/* seconds an answer is good for */

/* For capd's control socket at sock (kept, not copied).  NULL on ENOMEM. */
struct camstat	*camstat_new(struct event_base *base, const char *sock);
void		 camstat_free(struct camstat *cs);
/* Asks capd again unless an answer is fresh or a request is out. */
void		 camstat_refresh(struct camstat *cs);
/*
 * The last answer (a GET /status object, owned by cs) and its age in
 * seconds; NULL if capd never answered or its last answer failed.
 */
struct json_t	*camstat_get(struct camstat *cs, double *age);
/*
 * "streaming, 640x480, 30 fps, 2 viewers", "stopped", "failing: CAUSE";
 * -1 if capd's status is unknown.
 */
int		 camstat_line(struct camstat *cs, char *buf, size_t len);

#endif
