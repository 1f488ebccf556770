/* SPDX-License-Identifier: ISC */
/* whep_reply.c: HTTP answers written without blocking, then the close. */
#include <sys/socket.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "whep_reply.h"
#include "state.h"

/* The reason phrase of status. */
const char *
whep_reply_reason(int status)
{
	switch (status) {
	case 200: return ("OK");
	case 201: return ("Created");
	case 204: return ("No Content");
	case 400: return ("Bad Request");
	case 403: return ("Forbidden");
	case 404: return ("Not Found");
	case 405: return ("Method Not Allowed");
	case 406: return ("Not Acceptable");
	case 411: return ("Length Required");
	case 413: return ("Content Too Large");
	case 415: return ("Unsupported Media Type");
	case 431: return ("Request Header Fields Too Large");
	case 501: return ("Not Implemented");
	case 503: return ("Service Unavailable");
	default: return ("Internal Server Error");
	}
}

/* Ends an answer: its socket closed. */
static void
whep_reply_end(struct whep_reply *r)
{
	TAILQ_REMOVE(&r->st->replies, r, entry);
	r->st->nreplies--;
	event_free(r->ev);
	shutdown(r->fd, SHUT_WR);
	close(r->fd);
	free(r->buf);
	free(r);
}

/* Writes what it can: 1 when all is written, 0 to wait, -1 on error. */
static int
whep_reply_write(int fd, const char *buf, size_t len, size_t *off)
{
	ssize_t	 n;

	while (*off < len) {
		n = send(fd, buf + *off, len - *off, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return (0);
		if (n <= 0)
			return (-1);
		*off += (size_t)n;
	}
	return (1);
}

/* The socket can take more, or the time is up. */
static void
whep_reply_on_event(evutil_socket_t fd, short what, void *arg)
{
	static struct log_rate	 lr = LOG_RATE_INIT("slow HTTP readers");
	struct whep_reply		*r = arg;

	if (what & EV_TIMEOUT) {
		log_rate_info(&lr, "an HTTP answer not read in %d s: closed",
		    WHEP_REPLY_TIMEOUT_SEC);
		whep_reply_end(r);
		return;
	}
	if (whep_reply_write(r->fd, r->buf, r->len, &r->off) != 0)
		whep_reply_end(r);
}

/* Answers and closes. */
void
whep_reply_send(struct state *st, int fd, int status, const char *headers,
    const char *ctype, const char *body, size_t bodylen)
{
	static struct log_rate	 lr = LOG_RATE_INIT("HTTP answers dropped");
	struct timeval		 tv = { WHEP_REPLY_TIMEOUT_SEC, 0 };
	struct whep_reply		*r;
	char			 head[WHEP_REPLY_HEAD_MAX], ct[128] = "";
	size_t			 off = 0, hl, total;
	char			*buf;
	int			 n;

	if (ctype != NULL)
		snprintf(ct, sizeof(ct), "Content-Type: %s\r\n", ctype);
	n = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\n%s"
	    "Content-Length: %zu\r\nCache-Control: no-store\r\n%s"
	    "Connection: close\r\n\r\n", status, whep_reply_reason(status), ct,
	    body != NULL ? bodylen : 0, headers != NULL ? headers : "");
	if (n < 0 || (size_t)n >= sizeof(head))
		fatalx("%s: head too long", __func__);
	hl = (size_t)n;
	if (body == NULL)
		bodylen = 0;
	total = hl + bodylen;
	if ((buf = malloc(total)) == NULL) {
		close(fd);
		return;
	}
	memcpy(buf, head, hl);
	if (bodylen != 0)
		memcpy(buf + hl, body, bodylen);
	if (whep_reply_write(fd, buf, total, &off) != 0 ||
	    st->nreplies >= STATE_REPLIES_MAX ||
	    (r = calloc(1, sizeof(*r))) == NULL) {
		if (off < total && st->nreplies >= STATE_REPLIES_MAX)
			log_rate_warnx(&lr, "%zu HTTP answers being written: "
			    "one closed unwritten", st->nreplies);
		shutdown(fd, SHUT_WR);
		close(fd);
		free(buf);
		return;
	}
	r->st = st;
	r->fd = fd;
	r->buf = buf;
	r->len = total;
	r->off = off;
	if ((r->ev = event_new(st->base, fd, EV_WRITE | EV_PERSIST,
	    whep_reply_on_event, r)) == NULL || event_add(r->ev, &tv) == -1) {
		if (r->ev != NULL)
			event_free(r->ev);
		close(fd);
		free(buf);
		free(r);
		return;
	}
	TAILQ_INSERT_TAIL(&st->replies, r, entry);
	st->nreplies++;
}

/* A one-line text answer. */
void
whep_reply_text(struct state *st, int fd, int status, const char *msg)
{
	char	 body[512];
	int	 n;

	n = snprintf(body, sizeof(body), "%s\n", msg);
	if (n < 0 || (size_t)n >= sizeof(body))
		n = (int)sizeof(body) - 1;
	whep_reply_send(st, fd, status, NULL, "text/plain; charset=utf-8", body,
	    (size_t)n);
}

/* Closes every answer still being written. */
void
whep_reply_free_all(struct state *st)
{
	struct whep_reply	*r;

	while ((r = TAILQ_FIRST(&st->replies)) != NULL)
		whep_reply_end(r);
}
