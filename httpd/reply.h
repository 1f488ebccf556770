/* SPDX-License-Identifier: ISC */
/*
 * reply.h: the answers every handler sends: short text replies (errors,
 * 503 reasons), whole bodies framed for HEAD too, and the one that closes
 * the connection after it.
 */
#ifndef HTTPD_REPLY_H
#define HTTPD_REPLY_H

struct evbuffer;
struct evhttp_request;

/* Sends a short text/plain reply (errors, 503 reasons), framed. */
void	reply_text(struct evhttp_request *req, int code, const char *reason,
	    const char *text);
/* Sends a complete answer; HEAD gets its headers only. */
void	reply_send(struct evhttp_request *req, int code, const char *reason,
	    struct evbuffer *body);
/* Sends a short text/plain reply, then closes the connection. */
void	reply_close(struct evhttp_request *req, int code, const char *reason,
	    const char *text);
/* From a close callback: frees req if libevent left it to us. */
void	reply_release(struct evhttp_request *req);

#endif
