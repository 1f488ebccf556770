/* SPDX-License-Identifier: ISC */
/*
 * mjpeg.h: GET /stream.mjpg, multipart/x-mixed-replace relayed from capd's
 * parts.  Latest frame wins per client: one part in flight, one pending.
 */
#ifndef HTTPD_MJPEG_H
#define HTTPD_MJPEG_H

struct cam;
struct evhttp_request;
struct mjpeg;
struct web;

#define MJPEG_CONTENT_TYPE "multipart/x-mixed-replace;boundary=campipe"

/* The camera's MJPEG stream, told of its frames (cam_listen). */
struct mjpeg	*mjpeg_new(struct cam *cam);
/* Ends every stream and frees. */
void		 mjpeg_free(struct mjpeg *m);
/* Starts a stream for one request (GET), or answers HEAD. */
void		 mjpeg_handle(struct cam *cam, struct evhttp_request *req,
		    const char *query);
/* Stream clients connected. */
int		 mjpeg_clients(const struct mjpeg *m);

#endif
