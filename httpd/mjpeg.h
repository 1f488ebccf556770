/* SPDX-License-Identifier: ISC */
/*
 * mjpeg.h: GET /stream.mjpg, multipart/x-mixed-replace relayed from capd's
 * parts.  Latest frame wins per client: one part in flight, one pending.
 */
#ifndef HTTPD_MJPEG_H
#define HTTPD_MJPEG_H

struct cam;
struct evhttp_request;
struct frame;
struct mjpeg;
struct web;

#define MJPEG_CONTENT_TYPE "multipart/x-mixed-replace;boundary=campipe"

struct mjpeg	*mjpeg_new(struct cam *cam);
/* Ends every stream and frees. */
void		 mjpeg_free(struct mjpeg *m);
/* Ends every stream (their responses end). */
void		 mjpeg_end(struct mjpeg *m);
/* Starts a stream for one request (GET), or answers HEAD. */
void		 mjpeg_handle(struct cam *cam, struct evhttp_request *req,
		    const char *query);
/* Offers f to every stream client. */
void		 mjpeg_on_frame(struct mjpeg *m, struct frame *f);
/* Stream clients connected. */
int		 mjpeg_clients(const struct mjpeg *m);

#endif
