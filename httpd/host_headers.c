/* SPDX-License-Identifier: ISC */
/* host_headers.c: the Host rule and the security headers of every answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "http_host.h"
#include "log.h"

#include "host_headers.h"
#include "reply.h"
#include "web.h"

struct host_headers {
	const struct web_conf	*conf;
	struct http_host_names	 names;
};

/* Builds the list of names this server answers to. */
struct host_headers *
host_headers_new(const struct web_conf *conf, char *cause, size_t causelen)
{
	struct host_headers	*b;

	if ((b = calloc(1, sizeof(*b))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	b->conf = conf;
	if (http_host_names_init(&b->names, conf->server_names,
	    conf->nserver_names, cause, causelen) == -1) {
		free(b);
		return (NULL);
	}
	return (b);
}

/* Frees the list. */
void
host_headers_free(struct host_headers *b)
{
	if (b == NULL)
		return;
	http_host_names_clear(&b->names);
	free(b);
}

/*
 * The policy: everything from this origin only, pictures also from blob:
 * (stills are shown through object URLs), connections to this origin and
 * to wsd's port on the host the page was asked for (CSP host sources
 * cannot name an IPv6 literal: then wsd's port on any host).
 */
static void
host_headers_csp(struct host_headers *b, const char *host, char *buf,
    size_t len)
{
	char	 name[256], ws[600] = "";
	int	 port;

	if (b->conf->ws_port > 0) {
		if (host == NULL || http_host_split(host, name, sizeof(name),
		    &port) == -1 || name[0] == '[')
			snprintf(name, sizeof(name), "*");
		snprintf(ws, sizeof(ws), " ws://%s:%d wss://%s:%d", name,
		    b->conf->ws_port, name, b->conf->ws_port);
	}
	/* media-src blob: for the H.264 mode's MediaSource. */
	snprintf(buf, len, "default-src 'self'; img-src 'self' blob:; "
	    "media-src 'self' blob:; "
	    "connect-src 'self'%s; object-src 'none'; base-uri 'none'; "
	    "form-action 'self'; frame-ancestors %s", ws,
	    b->conf->frame_ancestors != NULL ? b->conf->frame_ancestors :
	    "'self'");
}

/* Adds the headers and checks the Host. */
int
host_headers_check(struct host_headers *b, struct evhttp_request *req)
{
	struct evkeyvalq		*h = evhttp_request_get_output_headers(req);
	const struct evhttp_uri		*uri = evhttp_request_get_evhttp_uri(req);
	const char			*host = NULL;
	char				 csp[1024];

	/* An absolute-form target's authority replaces Host (RFC 9112). */
	if (uri != NULL && evhttp_uri_get_scheme(uri) != NULL)
		host = evhttp_uri_get_host(uri);
	if (host == NULL)
		host = evhttp_find_header(evhttp_request_get_input_headers(req),
		    "Host");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	if (host != NULL && !http_host_allowed(host, &b->names)) {
		log_debug("421 for Host %.100s", host);
		evhttp_add_header(h, "Content-Security-Policy",
		    "default-src 'none'; frame-ancestors 'none'");
		reply_text(req, 421, "Misdirected Request",
		    "unknown host name: add it with --server-name");
		return (-1);
	}
	host_headers_csp(b, host, csp, sizeof(csp));
	evhttp_add_header(h, "Content-Security-Policy", csp);
	return (0);
}
