/* SPDX-License-Identifier: ISC */
/*
 * strict.c: raw request heads judged before evhttp reads them.  evhttp
 * folds obs-fold lines into the previous value, keeps whitespace before a
 * colon in the name, takes the first of two Content-Lengths and accepts
 * "+5", HTTP/1.2 or a missing Host, so the checks see the bytes instead:
 * each connection's bufferevent is made here (evhttp_set_bevcb) with a
 * callback on its input buffer that runs as bytes arrive, before evhttp's
 * read callback.  The stream is followed head, body (Content-Length; a
 * Transfer-Encoding is refused), head, so pipelined requests are judged
 * too.  State is kept per descriptor and recognised by the socket's inode,
 * which no other open socket shares.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include "http_strict.h"
#include "log.h"

#include "strict.h"

/* One connection's place in its byte stream. */
struct strict_conn {
	ino_t		 ino;
	dev_t		 dev;
	char		*head;		/* the head so far, max_head bytes */
	size_t		 len;
	uint64_t	 skip;		/* body bytes still to pass */
	int		 refused;
};

struct strict {
	size_t			 max_head;
	struct strict_conn	**conns;	/* by descriptor */
	size_t			 nconns;
};

/* The input callback has only the bufferevent: one server per process. */
static struct strict	*strict_self;

/* The state for fd's connection, reset when fd is a new socket; or NULL. */
static struct strict_conn *
strict_conn(struct strict *s, int fd)
{
	struct strict_conn	**n, *c;
	struct stat		 st;
	size_t			 want;

	if (fd < 0 || fstat(fd, &st) == -1)
		return (NULL);
	if ((size_t)fd >= s->nconns) {
		want = (size_t)fd + 64;
		if ((n = reallocarray(s->conns, want, sizeof(*n))) == NULL)
			return (NULL);
		memset(n + s->nconns, 0, (want - s->nconns) * sizeof(*n));
		s->conns = n;
		s->nconns = want;
	}
	if ((c = s->conns[fd]) == NULL &&
	    (c = s->conns[fd] = calloc(1, sizeof(*c))) == NULL)
		return (NULL);
	if (c->ino != st.st_ino || c->dev != st.st_dev) {
		free(c->head);
		memset(c, 0, sizeof(*c));
		c->ino = st.st_ino;
		c->dev = st.st_dev;
	}
	return (c);
}

/*
 * Answers a refused head straight on the socket (nothing of it reached
 * evhttp, whose output is empty unless an earlier pipelined answer is
 * still queued: then only the close) and shuts the socket, so evhttp
 * reads its end and frees the connection.
 */
static void
strict_refuse(struct bufferevent *bev, int status, const char *why)
{
	char	 buf[512];
	int	 n, fd = bufferevent_getfd(bev);

	n = snprintf(buf, sizeof(buf), "HTTP/1.1 %d %s\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n"
	    "Cache-Control: no-store\r\n\r\n%s\n", status,
	    status == 431 ? "Request Header Fields Too Large" : "Bad Request",
	    strlen(why) + 1, why);
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0 && n > 0 &&
	    (size_t)n < sizeof(buf))
		(void)send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	shutdown(fd, SHUT_RDWR);
}

/* Follows the stream over n new bytes; -1 once a head is refused. */
static int
strict_feed(struct strict *s, struct strict_conn *c, struct bufferevent *bev,
    struct evbuffer *in, size_t off, size_t n)
{
	struct evbuffer_ptr	 p;
	struct http_strict	 hs;
	char			 cause[128];
	size_t			 k, extra;
	int			 rc;

	while (n > 0) {
		if (c->skip > 0) {
			k = c->skip < n ? (size_t)c->skip : n;
			c->skip -= k;
			off += k;
			n -= k;
			continue;
		}
		if (c->head == NULL && (c->head = malloc(s->max_head)) == NULL)
			return (0);	/* unchecked rather than wedged */
		k = s->max_head - c->len < n ? s->max_head - c->len : n;
		if (evbuffer_ptr_set(in, &p, off, EVBUFFER_PTR_SET) == -1 ||
		    evbuffer_copyout_from(in, &p, c->head + c->len, k) !=
		    (ev_ssize_t)k)
			return (0);
		c->len += k;
		off += k;
		n -= k;
		if (c->len < s->max_head &&
		    memchr(c->head + c->len - k, '\n', k) == NULL)
			continue;
		rc = http_strict_head(c->head, c->len, s->max_head, &hs, cause,
		    sizeof(cause));
		if (rc == 0)
			continue;
		if (rc == -1) {
			log_debug("request head refused: %s", cause);
			strict_refuse(bev, hs.status, cause);
			return (-1);
		}
		/* Bytes after the head: body, then the next head. */
		extra = c->len - hs.head_len;
		c->skip = hs.body_len;
		k = c->skip < extra ? (size_t)c->skip : extra;
		c->skip -= k;
		memmove(c->head, c->head + hs.head_len + k, extra - k);
		c->len = extra - k;
		if (c->len == 0) {
			free(c->head);
			c->head = NULL;
		} else if (memchr(c->head, '\n', c->len) != NULL) {
			/* A whole pipelined head may sit there already. */
			n += c->len;
			off -= c->len;
			c->len = 0;
		}
	}
	return (0);
}

/* Bytes arrived on a connection (or evhttp took some: ignored). */
static void
strict_on_input(struct evbuffer *in, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct bufferevent	*bev = arg;
	struct strict		*s = strict_self;
	struct strict_conn	*c;
	size_t			 len;

	if (info->n_added == 0 || s == NULL)
		return;
	if ((c = strict_conn(s, bufferevent_getfd(bev))) == NULL ||
	    c->refused)
		return;
	len = evbuffer_get_length(in);
	if (len < info->n_added)
		return;
	if (strict_feed(s, c, bev, in, len - info->n_added,
	    info->n_added) == -1) {
		c->refused = 1;
		free(c->head);
		c->head = NULL;
		/* evhttp must not parse what was refused. */
		evbuffer_drain(in, evbuffer_get_length(in));
	}
}

/* evhttp wants a bufferevent for a new connection. */
struct bufferevent *
strict_bev(struct event_base *base, void *arg)
{
	struct bufferevent	*bev;

	if ((bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		return (NULL);
	if (evbuffer_add_cb(bufferevent_get_input(bev), strict_on_input,
	    bev) == NULL) {
		bufferevent_free(bev);
		return (NULL);
	}
	return (bev);
}

/* Watches every connection evhttp accepts from now on. */
struct strict *
strict_new(struct evhttp *http, size_t max_head)
{
	struct strict	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (NULL);
	s->max_head = max_head;
	strict_self = s;
	evhttp_set_bevcb(http, strict_bev, s);
	return (s);
}

/* Frees the state. */
void
strict_free(struct strict *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nconns; i++) {
		if (s->conns[i] != NULL)
			free(s->conns[i]->head);
		free(s->conns[i]);
	}
	free(s->conns);
	if (strict_self == s)
		strict_self = NULL;
	free(s);
}

/* True when req's connection had a head refused. */
int
strict_refused(struct strict *s, struct evhttp_request *req)
{
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	struct strict_conn		*c;

	if ((evcon = evhttp_request_get_connection(req)) == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evcon)) == NULL ||
	    (c = strict_conn(s, bufferevent_getfd(bev))) == NULL)
		return (0);
	return (c->refused);
}
