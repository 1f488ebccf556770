/* SPDX-License-Identifier: ISC */
/*
 * camera_api.h: capd's status and settings through httpd (docs/httpd.md):
 * GET /api/camera, PATCH /api/camera/settings forwarded to capd's control
 * socket (admins only, JSON, same origin), and capd's truth for
 * /api/status.
 */
#ifndef HTTPD_CAMERA_API_H
#define HTTPD_CAMERA_API_H

struct evhttp_request;
struct web;

/* GET /api/camera: {"status": ..., "settings": ..., "admin": bool}. */
void	camera_api_get(struct web *w, struct evhttp_request *req,
	    const char *query);
/* PATCH /api/camera/settings. */
void	camera_api_patch(struct web *w, struct evhttp_request *req,
	    const char *query);
/* GET /api/status: asks capd first, then answers (api_status_with). */
void	camera_api_status(struct web *w, struct evhttp_request *req,
	    const char *query);
/* True for the path that takes PATCH. */
int	camera_api_patch_path(const char *path);
/* True if the request's user may change settings. */
int	camera_api_admin(struct web *w, struct evhttp_request *req);
/* True if a browser's request comes from this server's own pages. */
int	camera_api_same_origin(struct evhttp_request *req);

#endif
