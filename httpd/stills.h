/* SPDX-License-Identifier: ISC */
/*
 * stills.h: GET /pi.jpg, one camera's.  The latest frame at once while frames flow;
 * otherwise requests wait together for the first frame of one capture.
 */
#ifndef HTTPD_STILLS_H
#define HTTPD_STILLS_H

struct cam;
struct evhttp_request;
struct frame;
struct stills;
struct web;

struct stills	*stills_new(struct cam *cam);
/* Answers every waiting request with 503 and frees. */
void		 stills_free(struct stills *s);
/* Handles one still request (GET or HEAD). */
void		 stills_handle(struct cam *cam, struct evhttp_request *req,
		    const char *query);
/* Serves f to every waiting request. */
void		 stills_on_frame(struct stills *s, struct frame *f);
/* Answers every waiting request with 503 and reason. */
void		 stills_fail(struct stills *s, const char *reason);
/* Requests waiting for a frame. */
int		 stills_waiting(const struct stills *s);

#endif
