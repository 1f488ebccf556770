/* SPDX-License-Identifier: ISC */
/*
 * h264_ws.h: the H.264 WebSocket (the stream path + ".h264", by default
 * /stream.h264): capd's H.264 socket muxed into fragmented MP4 for Media
 * Source Extensions, one binary message for the init segment, then one
 * per access unit.  One subscription to capd and one muxer per camera;
 * each viewer starts at an IDR and, when it falls behind, goes on from a
 * later one.
 */
#ifndef WSD_H264_WS_H
#define WSD_H264_WS_H

#include <stddef.h>

struct client;
struct h264_unit;

/*
 * Joins the client, whose WebSocket was just accepted (and counted by
 * connset_join), to its camera's H.264 feed.  0, or -1 with cause (capd
 * unreachable, out of memory).
 */
int	h264_ws_open(struct client *c, char *cause, size_t causelen);
/* Leaves the feed (the session is over). */
void	h264_ws_close(struct client *c);
/* The camera's feed callbacks (arg: the camera). */
void	h264_ws_on_unit(const struct h264_unit *u, void *arg);
void	h264_ws_on_end(const char *cause, void *arg);

#endif
