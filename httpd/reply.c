/* SPDX-License-Identifier: ISC */
/*
 * reply.c: the answers every handler sends, framed the same way whatever
 * the method and the HTTP version.
 */
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "reply.h"

/* Sends a short text/plain reply, framed even to HEAD and CONNECT. */
void
reply_text(struct evhttp_request *req, int code, const char *reason,
    const char *text)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct evbuffer		*b = NULL;
	char			 len[32];

	evhttp_remove_header(h, "Content-Type");
	evhttp_remove_header(h, "Content-Length");
	evhttp_remove_header(h, "Transfer-Encoding");
	evhttp_add_header(h, "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(h, "Cache-Control", "no-store");
	snprintf(len, sizeof(len), "%zu", strlen(text) + 1);
	evhttp_add_header(h, "Content-Length", len);
	if (evhttp_request_get_command(req) != EVHTTP_REQ_HEAD &&
	    (b = evbuffer_new()) != NULL)
		evbuffer_add_printf(b, "%s\n", text);
	evhttp_send_reply(req, code, reason, b);
	if (b != NULL)
		evbuffer_free(b);
}

/*
 * Sends a complete answer, always framed (evhttp leaves the length out in
 * HTTP/1.0); to HEAD the same headers with the length of the body it
 * leaves out (evhttp would send the body to HEAD too).
 */
void
reply_send(struct evhttp_request *req, int code, const char *reason,
    struct evbuffer *body)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	char			 len[32];

	evhttp_remove_header(h, "Content-Length");
	snprintf(len, sizeof(len), "%zu",
	    body != NULL ? evbuffer_get_length(body) : 0);
	evhttp_add_header(h, "Content-Length", len);
	evhttp_send_reply(req, code, reason,
	    evhttp_request_get_command(req) == EVHTTP_REQ_HEAD ? NULL : body);
}

/*
 * Once an answer with Connection: close is out: shuts the socket, as
 * evhttp keeps a CONNECT request's connection open whatever it says;
 * evhttp then reads the end and frees the connection.
 */
static void
reply_on_sent_close(struct evhttp_request *req, void *arg)
{
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;

	if ((evcon = evhttp_request_get_connection(req)) != NULL &&
	    (bev = evhttp_connection_get_bufferevent(evcon)) != NULL)
		shutdown(bufferevent_getfd(bev), SHUT_RDWR);
}

/* Sends a short text/plain reply, then closes the connection. */
void
reply_close(struct evhttp_request *req, int code, const char *reason,
    const char *text)
{
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Connection", "close");
	evhttp_request_set_on_complete_cb(req, reply_on_sent_close, NULL);
	reply_text(req, code, reason, text);
}

/*
 * From a connection's close callback: frees a request that libevent cut
 * from the closing connection while its answer was unfinished (libevent
 * leaves those to their owner); others libevent frees itself.
 */
void
reply_release(struct evhttp_request *req)
{
	if (evhttp_request_get_connection(req) == NULL)
		evhttp_request_free(req);
}
