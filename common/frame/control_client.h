/* SPDX-License-Identifier: ISC */
/*
 * control_client.h: one request to capd's control socket (docs/control.md)
 * from httpd or wsd, in the caller's libevent loop: connects, writes the
 * request with "Connection: close", reads the answer to the end (bounded)
 * and calls back once.
 */
#ifndef CAMPIPE_CONTROL_CLIENT_H
#define CAMPIPE_CONTROL_CLIENT_H

#include <stddef.h>

#define CONTROL_CLIENT_MAX_REPLY	(256 * 1024)
#define CONTROL_CLIENT_TIMEOUT		5	/* seconds for the whole request */

struct event_base;
struct control_client;

/*
 * The answer: status 100-599 with its body, or status -1 and cause (capd
 * unreachable, timed out, a malformed answer).  body is valid during the
 * call.
 */
typedef void	(*control_client_cb)(int status, const char *body,
		    size_t len, const char *cause, void *arg);

/*
 * Starts "METHOD PATH" on the socket at sock, with a JSON body if body is
 * not NULL.  The callback always comes later from the loop, never during
 * this call.  NULL on ENOMEM.
 */
struct control_client *control_client_request(struct event_base *base,
		    const char *sock, const char *method, const char *path,
		    const char *body, size_t bodylen, control_client_cb cb,
		    void *arg);
/*
 * The default control socket for a frame socket (a static buffer):
 * DIR/control.sock for DIR/frames.sock, else NAME-control.sock beside
 * NAME.sock.
 */
const char	*control_client_path(const char *frames);
/* True if a request's Content-Type value (or NULL) is application/json. */
int		 control_client_json_type(const char *ct);
/* Abandons a request: its callback will not be called. */
void		 control_client_cancel(struct control_client *cc);

#endif
