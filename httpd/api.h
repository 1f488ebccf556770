/* api.h: GET /api/status and /api/config, JSON for pages and tools. */
#ifndef HTTPD_API_H
#define HTTPD_API_H

struct evhttp_request;
struct json_t;
struct web;

/* Camera state, frames, clients, bytes, uptime, version. */
void	api_status(struct web *w, struct evhttp_request *req,
	    const char *query);
/* The same, with capd's GET /status document (or NULL). */
void	api_status_with(struct web *w, struct evhttp_request *req,
	    struct json_t *capd);
/* What the viewer needs to find wsd: its port and path. */
void	api_config(struct web *w, struct evhttp_request *req,
	    const char *query);

#endif
