/* SPDX-License-Identifier: ISC */
/*
 * stills.h: GET /pi.jpg, one camera's.  The latest frame at once while frames flow;
 * otherwise requests wait together for the first frame of one capture.
 */
#ifndef HTTPD_STILLS_H
#define HTTPD_STILLS_H

struct cam;
struct evhttp_request;
struct stills;
struct web;

/* The camera's stills, told of its frames (cam_listen). */
struct stills	*stills_new(struct cam *cam);
/* Answers every waiting request with 503 and frees. */
void		 stills_free(struct stills *s);
/* Handles one still request (GET or HEAD). */
void		 stills_handle(struct cam *cam, struct evhttp_request *req,
		    const char *query);
/* Requests waiting for a frame. */
int		 stills_waiting(const struct stills *s);
/* Watchers: addresses that fetched a still lately (watchers.h). */
int		 stills_watchers(const struct stills *s);

#endif
