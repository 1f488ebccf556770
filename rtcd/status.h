/* SPDX-License-Identifier: ISC */
/* status.h: rtcd's status as JSON (GET /api/webrtc, docs/webrtc.md). */
#ifndef RTCD_STATUS_H
#define RTCD_STATUS_H

#include <stddef.h>

struct state;

/* The status document, compact, for the caller to free; NULL if no memory. */
char	*status_json(const struct state *st);
/* One line for systemd's status. */
void	 status_line(char *buf, size_t len, void *arg);

#endif
