/* SPDX-License-Identifier: ISC */
/*
 * files.c: static files from the --www root.  The request path is decoded
 * by urlpath_decode, the result resolved with realpath and checked to lie
 * under the root, so "..", encoded dots and slashes, NUL and symlinks that
 * lead out all end in 404.  ETag and Last-Modified allow 304 answers.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "log.h"

#include "files.h"
#include "timeval.h"
#include "urlpath.h"
#include "reply.h"
#include "web.h"

static const struct {
	const char	*ext;
	const char	*type;
} files_types[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "htm", "text/html; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "mjs", "text/javascript; charset=utf-8" },
	{ "json", "application/json" },
	{ "webmanifest", "application/manifest+json" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "svg", "image/svg+xml" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "webp", "image/webp" },
	{ "ico", "image/x-icon" },
	{ "wasm", "application/wasm" },
	{ "woff2", "font/woff2" },
};

/* Content-Type for a file name, by extension. */
const char *
files_type(const char *name)
{
	const char	*dot = strrchr(name, '.');
	size_t		 i;

	if (dot != NULL && strchr(dot, '/') == NULL) {
		for (i = 0; i < sizeof(files_types) / sizeof(files_types[0]);
		    i++) {
			if (strcasecmp(dot + 1, files_types[i].ext) == 0)
				return (files_types[i].type);
		}
	}
	return ("application/octet-stream");
}

/* True if the request's validators match the file: answer 304. */
static int
files_not_modified(struct evhttp_request *req, const char *etag,
    const struct stat *st)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	const char		*v;
	struct tm		 tm;
	time_t			 t;

	if ((v = evhttp_find_header(in, "If-None-Match")) != NULL)
		return (strcmp(v, "*") == 0 || strstr(v, etag) != NULL);
	if ((v = evhttp_find_header(in, "If-Modified-Since")) != NULL) {
		memset(&tm, 0, sizeof(tm));
		if (strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm) == NULL)
			return (0);
		t = timegm(&tm);
		return (st->st_mtime <= t);
	}
	return (0);
}

/* Resolves a decoded path under the root; -1 if it is not a file there. */
static int
files_resolve(struct web *w, const char *path, char *real)
{
	char	 full[PATH_MAX];
	size_t	 rootlen = strlen(w->wwwroot);
	int	 n;

	n = snprintf(full, sizeof(full), "%s%s%s", w->wwwroot, path,
	    path[strlen(path) - 1] == '/' ? "index.html" : "");
	if (n < 0 || (size_t)n >= sizeof(full))
		return (-1);
	if (realpath(full, real) == NULL)
		return (-1);
	if (strncmp(real, w->wwwroot, rootlen) != 0 || real[rootlen] != '/') {
		log_debug("%s: %s leaves the root", __func__, path);
		return (-1);
	}
	return (0);
}

/* Serves one static file. */
void
files_handle(struct web *w, struct evhttp_request *req, const char *rawpath)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct evbuffer		*body = NULL;
	struct stat		 st;
	struct tm		 tm;
	char			 path[PATH_MAX], real[PATH_MAX], v[128];
	int			 fd;

	memset(&st, 0, sizeof(st));
	if (urlpath_decode(rawpath, path, sizeof(path)) == -1 ||
	    files_resolve(w, path, real) == -1 ||
	    (fd = open(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		reply_text(req, 404, "Not Found", "not found");
		return;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		if (S_ISDIR(st.st_mode) && snprintf(v, sizeof(v), "%s/",
		    rawpath) < (int)sizeof(v)) {
			evhttp_add_header(h, "Location", v);
			reply_text(req, 301, "Moved Permanently", v);
		} else
			reply_text(req, 404, "Not Found", "not found");
		return;
	}
	snprintf(v, sizeof(v), "\"%llx-%llx-%llx\"",
	    (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
	    (unsigned long long)timeval_ms_timespec(&st.st_mtim));
	evhttp_add_header(h, "ETag", v);
	gmtime_r(&st.st_mtime, &tm);
	strftime(v, sizeof(v), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	evhttp_add_header(h, "Last-Modified", v);
	evhttp_add_header(h, "Cache-Control", "no-cache");
	if (files_not_modified(req, evhttp_find_header(h, "ETag"), &st)) {
		close(fd);
		evhttp_send_reply(req, 304, "Not Modified", NULL);
		return;
	}
	evhttp_add_header(h, "Content-Type", files_type(real));
	snprintf(v, sizeof(v), "%lld", (long long)st.st_size);
	evhttp_add_header(h, "Content-Length", v);
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD ||
	    st.st_size == 0)
		close(fd);
	else if ((body = evbuffer_new()) == NULL ||
	    evbuffer_add_file(body, fd, 0, st.st_size) == -1) {
		if (body != NULL)
			evbuffer_free(body);
		close(fd);
		reply_text(req, 500, "Internal Server Error",
		    "cannot read file");
		return;
	} else
		w->stats.bytes_files += st.st_size;
	evhttp_send_reply(req, 200, "OK", body);
	if (body != NULL)
		evbuffer_free(body);
}
