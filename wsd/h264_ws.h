/* SPDX-License-Identifier: ISC */
/*
 * h264_ws.h: the H.264 WebSocket (the stream path + ".h264", by default
 * /stream.h264): capd's H.264 socket muxed into fragmented MP4 for Media
 * Source Extensions, one binary message for the init segment, then one
 * per frame.  Each viewer holds its own subscription to capd, which starts
 * it at an IDR and, when it falls behind, resumes it at the next one.
 */
#ifndef WSD_H264_WS_H
#define WSD_H264_WS_H

struct client;

/*
 * Subscribes the client, whose WebSocket was just accepted (and counted
 * by relay_join), to its camera's H.264 socket.  0, or -1 with cause
 * (capd unreachable, out of memory).
 */
int	h264_ws_open(struct client *c, char *cause, size_t causelen);
/* The client's output emptied: reading from capd goes on. */
void	h264_ws_drained(struct client *c);
/* Ends the subscription (the session is over). */
void	h264_ws_close(struct client *c);

#endif
