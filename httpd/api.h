/* SPDX-License-Identifier: ISC */
/* api.h: GET /api/status, /api/cameras and /api/config, JSON for pages and tools. */
#ifndef HTTPD_API_H
#define HTTPD_API_H

struct cam;
struct evhttp_request;
struct json_t;
struct web;
struct web_capd;

/* The camera's state and frames; the daemon's clients, bytes, uptime,
 * version. */
void	api_status(struct cam *cam, struct evhttp_request *req,
	    const char *query);
/* The same, with capd's GET /status document (or NULL) and, when capd
 * was asked, what the asking found (capd_unreachable). */
void	api_status_with(struct cam *cam, struct evhttp_request *req,
	    struct json_t *capd, const struct web_capd *seen);
/* Every camera: name, state, clients, URLs. */
void	api_cameras(struct web *w, struct evhttp_request *req,
	    const char *query);
/* What the viewer needs to find wsd (its port, the camera's path) and the
 * camera's URLs. */
void	api_config(struct cam *cam, struct evhttp_request *req,
	    const char *query);

#endif
