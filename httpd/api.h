/* api.h: GET /api/status, /api/cameras and /api/config, JSON for pages and tools. */
#ifndef HTTPD_API_H
#define HTTPD_API_H

struct evhttp_request;
struct web;

/* Camera state, frames, clients, bytes, uptime, version. */
void	api_status(struct web *w, struct evhttp_request *req,
	    const char *query);
/* Every camera: name, state, clients, URLs. */
void	api_cameras(struct web *w, struct evhttp_request *req,
	    const char *query);
/* What the viewer needs to find wsd: its port and path. */
void	api_config(struct web *w, struct evhttp_request *req,
	    const char *query);

#endif
