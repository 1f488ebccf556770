/* SPDX-License-Identifier: ISC */
/* files.h: static files from --www, never anything outside it. */
#ifndef HTTPD_FILES_H
#define HTTPD_FILES_H

struct evhttp_request;
struct web;

/* Serves the file named by the request's path (GET or HEAD). */
void	files_handle(struct web *w, struct evhttp_request *req,
	    const char *rawpath);
/* Content-Type for a file name, by extension. */
const char *files_type(const char *name);

#endif
