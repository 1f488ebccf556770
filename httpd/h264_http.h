/* SPDX-License-Identifier: ISC */
/*
 * h264_http.h: /stream.h264 and /stream.mp4, capd's H.264 socket relayed
 * over HTTP as a raw Annex-B stream or muxed into fragmented MP4, for each
 * camera (/cam/NAME/stream.h264).  One subscription to capd and one muxer
 * per camera, whatever the number of viewers; each viewer starts at an IDR
 * and, when it falls behind, goes on from a later one (common/frame/fanout.h).
 * /sub.h264 and /sub.mp4 do the same for capd's sub-stream (--h264-sub).
 */
#ifndef HTTPD_H264_HTTP_H
#define HTTPD_H264_HTTP_H

struct cam;
struct evhttp_request;
struct h264_http;

#define H264_HTTP_LEARN_MS	3000	/* for a stream's first IDR */

/* The H.264 streams of one camera from capd's socket path (cam->h264path,
 * or cam->h264subpath), which may be NULL: it has none. */
struct h264_http *h264_http_new(struct cam *cam, const char *path);
/* Ends every stream and frees. */
void		 h264_http_free(struct h264_http *hh);
/* GET /stream.h264: raw Annex-B. */
void		 h264_http_raw(struct cam *cam, struct evhttp_request *req,
		    const char *query);
/* GET /stream.mp4: fragmented MP4, one fragment per frame. */
void		 h264_http_mp4(struct cam *cam, struct evhttp_request *req,
		    const char *query);
/* GET /sub.h264 and /sub.mp4: the same for the sub-stream. */
void		 h264_http_sub_raw(struct cam *cam, struct evhttp_request *req,
		    const char *query);
void		 h264_http_sub_mp4(struct cam *cam, struct evhttp_request *req,
		    const char *query);
/*
 * The stream's picture size and frame rate (0 when its SPS has none), as
 * its SPS last said while capd's socket has stayed the same file: 1; 0
 * while it is being learned; -1 when unknown.  hh may be NULL.
 */
int		 h264_http_picture(struct h264_http *hh, int *width,
		    int *height, int *fps);
/*
 * Learns the picture unless it is known or being learned: wants the feed
 * (capd counts it a viewer, and encodes) up to its first IDR, for at most
 * H264_HTTP_LEARN_MS.  hh may be NULL.
 */
void		 h264_http_learn(struct h264_http *hh);
/* Viewers connected. */
int		 h264_http_clients(const struct h264_http *hh);

#endif
