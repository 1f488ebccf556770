/* SPDX-License-Identifier: ISC */
/*
 * clients.h: the long-lived clients of each camera and of all of them,
 * counted for /api/status, /metrics and the status line: stream clients
 * (MJPEG and H.264), H.264's alone, stills waiting for a frame, and the
 * addresses that fetched a still lately.
 */
#ifndef HTTPD_CLIENTS_H
#define HTTPD_CLIENTS_H

struct cam;
struct web;

/* One camera's. */
int	clients_streams(const struct cam *c);
int	clients_h264(const struct cam *c);
int	clients_stills(const struct cam *c);
int	clients_watchers(const struct cam *c);
/* Every camera's. */
int	clients_streams_all(const struct web *w);
int	clients_h264_all(const struct web *w);
int	clients_stills_all(const struct web *w);
int	clients_watchers_all(const struct web *w);

#endif
