/* SPDX-License-Identifier: ISC */
/*
 * clients.c: the long-lived clients of each camera, as its handlers count
 * them, and their sums over every camera.
 */
#include "cam.h"
#include "clients.h"
#include "h264_http.h"
#include "mjpeg.h"
#include "stills.h"
#include "web.h"

/* Stream clients of one camera, MJPEG and H.264. */
int
clients_streams(const struct cam *c)
{
	return (mjpeg_clients(c->mjpeg) + h264_http_clients(c->h264) +
	    h264_http_clients(c->h264sub));
}

/* H.264 stream clients of one camera. */
int
clients_h264(const struct cam *c)
{
	return (h264_http_clients(c->h264) + h264_http_clients(c->h264sub));
}

/* Stills waiting on one camera. */
int
clients_stills(const struct cam *c)
{
	return (stills_waiting(c->stills));
}

/* Watchers of one camera's stills (watchers.h). */
int
clients_watchers(const struct cam *c)
{
	return (stills_watchers(c->stills));
}

/* The sum of count over every camera. */
static int
clients_sum(const struct web *w, int (*count)(const struct cam *))
{
	int	 i, n = 0;

	for (i = 0; i < w->ncams; i++)
		n += count(w->cams[i]);
	return (n);
}

/* Stream clients of every camera. */
int
clients_streams_all(const struct web *w)
{
	return (clients_sum(w, clients_streams));
}

/* H.264 stream clients of every camera. */
int
clients_h264_all(const struct web *w)
{
	return (clients_sum(w, clients_h264));
}

/* Stills waiting on every camera. */
int
clients_stills_all(const struct web *w)
{
	return (clients_sum(w, clients_stills));
}

/* Watchers of every camera's stills. */
int
clients_watchers_all(const struct web *w)
{
	return (clients_sum(w, clients_watchers));
}
