/* SPDX-License-Identifier: ISC */
/* control_client.c: one HTTP/1.1 request to capd's control socket. */
#include <sys/socket.h>

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "control_client.h"
#include "http_reply.h"
#include "unixsock.h"

struct control_client {
	struct event		*ev;
	int			 fd;
	struct evbuffer		*out, *in;
	control_client_cb	 cb;
	void			*arg;
	char			 cause[256];
	int			 failed;
};

/* Frees everything. */
static void
control_client_free(struct control_client *cc)
{
	if (cc->ev != NULL)
		event_free(cc->ev);
	if (cc->fd != -1)
		close(cc->fd);
	if (cc->out != NULL)
		evbuffer_free(cc->out);
	if (cc->in != NULL)
		evbuffer_free(cc->in);
	free(cc);
}

/* Calls back with the answer (or the failure) and frees. */
static void
control_client_done(struct control_client *cc)
{
	struct http_reply	 r;
	char			 cause[128];
	size_t			 len = evbuffer_get_length(cc->in);
	const char		*buf;

	if (cc->failed) {
		cc->cb(-1, NULL, 0, cc->cause, cc->arg);
	} else {
		buf = (const char *)evbuffer_pullup(cc->in, -1);
		if (buf == NULL || http_reply_parse(buf, len, &r, cause,
		    sizeof(cause)) == -1) {
			snprintf(cc->cause, sizeof(cc->cause), "capd's control "
			    "socket: %s", buf == NULL ? "no answer" : cause);
			cc->cb(-1, NULL, 0, cc->cause, cc->arg);
		} else
			cc->cb(r.status, buf + r.body_off, r.body_len, "",
			    cc->arg);
	}
	control_client_free(cc);
}

/* Writes the request, then reads the answer until capd closes. */
static void
control_client_io(evutil_socket_t fd, short what, void *arg)
{
	struct control_client	*cc = arg;
	int			 n;

	if (cc->failed) {
		control_client_done(cc);
		return;
	}
	if (what & EV_TIMEOUT) {
		snprintf(cc->cause, sizeof(cc->cause), "capd's control socket: "
		    "no answer in %d s", CONTROL_CLIENT_TIMEOUT);
		cc->failed = 1;
		control_client_done(cc);
		return;
	}
	if ((what & EV_WRITE) && evbuffer_get_length(cc->out) > 0) {
		if (evbuffer_write(cc->out, fd) == -1 && errno != EAGAIN &&
		    errno != EINTR) {
			snprintf(cc->cause, sizeof(cc->cause), "capd's control "
			    "socket: %s", strerror(errno));
			cc->failed = 1;
			control_client_done(cc);
			return;
		}
		if (evbuffer_get_length(cc->out) == 0)
			shutdown(fd, SHUT_WR);
	}
	if (what & EV_READ) {
		n = evbuffer_read(cc->in, fd, 65536);
		if (n == 0) {
			control_client_done(cc);
			return;
		}
		if ((n == -1 && errno != EAGAIN && errno != EINTR) ||
		    evbuffer_get_length(cc->in) > CONTROL_CLIENT_MAX_REPLY) {
			snprintf(cc->cause, sizeof(cc->cause), "capd's control "
			    "socket: %s", n == -1 ? strerror(errno) :
			    "answer too long");
			cc->failed = 1;
			control_client_done(cc);
			return;
		}
	}
}

/* Fails later from the loop, so the callback never runs during the call. */
static void
control_client_fail_soon(struct control_client *cc, const char *what)
{
	snprintf(cc->cause, sizeof(cc->cause), "capd unreachable (%s: %s)",
	    what, strerror(errno));
	cc->failed = 1;
	event_del(cc->ev);
	event_active(cc->ev, EV_TIMEOUT, 0);
}

/* Starts a request. */
struct control_client *
control_client_request(struct event_base *base, const char *sock,
    const char *method, const char *path, const char *body, size_t bodylen,
    control_client_cb cb, void *arg)
{
	struct control_client	*cc;
	struct timeval		 tv = { CONTROL_CLIENT_TIMEOUT, 0 };
	int			 e;

	if ((cc = calloc(1, sizeof(*cc))) == NULL)
		return (NULL);
	cc->fd = -1;
	cc->cb = cb;
	cc->arg = arg;
	if ((cc->out = evbuffer_new()) == NULL ||
	    (cc->in = evbuffer_new()) == NULL) {
		control_client_free(cc);
		return (NULL);
	}
	evbuffer_add_printf(cc->out, "%s %s HTTP/1.1\r\nHost: capd\r\n"
	    "Connection: close\r\n", method, path);
	if (body != NULL)
		evbuffer_add_printf(cc->out, "Content-Type: application/json"
		    "\r\nContent-Length: %zu\r\n", bodylen);
	evbuffer_add(cc->out, "\r\n", 2);
	if (body != NULL)
		evbuffer_add(cc->out, body, bodylen);

	cc->fd = unixsock_connect(sock);
	e = errno;
	cc->ev = event_new(base, cc->fd, EV_READ | EV_WRITE | EV_PERSIST,
	    control_client_io, cc);
	if (cc->ev == NULL) {
		control_client_free(cc);
		return (NULL);
	}
	if (cc->fd == -1) {
		errno = e;
		control_client_fail_soon(cc, sock);
	} else
		event_add(cc->ev, &tv);
	return (cc);
}

/* Abandons a request. */
void
control_client_cancel(struct control_client *cc)
{
	if (cc != NULL)
		control_client_free(cc);
}

/*
 * The default control socket for a frame socket: DIR/control.sock for
 * DIR/frames.sock, else NAME-control.sock beside NAME.sock (or NAME), so
 * that capds with their own frame sockets in one directory never meet.
 */
const char *
control_client_path(const char *frames)
{
	static char	 path[PATH_MAX];
	char		 dir[PATH_MAX], tmp[PATH_MAX], base[PATH_MAX];
	size_t		 n;

	snprintf(dir, sizeof(dir), "%s", frames);
	snprintf(tmp, sizeof(tmp), "%s", frames);
	snprintf(base, sizeof(base), "%s", basename(tmp));
	n = strlen(base);
	if (strcmp(base, "frames.sock") == 0)
		snprintf(path, sizeof(path), "%s/control.sock", dirname(dir));
	else {
		if (n > 5 && strcmp(base + n - 5, ".sock") == 0)
			base[n - 5] = '\0';
		snprintf(path, sizeof(path), "%s/%s-control.sock",
		    dirname(dir), base);
	}
	return (path);
}

/*
 * True if a Content-Type value is JSON: "application/json" in any case,
 * then nothing or parameters after optional whitespace.
 */
int
control_client_json_type(const char *ct)
{
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0)
		return (0);
	for (ct += 16; *ct == ' ' || *ct == '\t'; ct++)
		;
	return (*ct == '\0' || *ct == ';');
}
