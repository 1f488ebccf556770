/* SPDX-License-Identifier: ISC */
/* prom.h: GET /metrics in the Prometheus text format. */
#ifndef HTTPD_PROM_H
#define HTTPD_PROM_H

struct evhttp_request;
struct web;

/* The counters of /api/status as Prometheus metrics. */
void	prom_handle(struct web *w, struct evhttp_request *req,
	    const char *query);

#endif
