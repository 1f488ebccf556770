/* SPDX-License-Identifier: ISC */
/*
 * handoff.c: httpd's end of a handoff (docs/handoff.md), one instance per
 * target (wsd, rtcd).  The client's socket is taken from evhttp without a
 * byte or a shutdown reaching the client: the descriptor is duplicated, a
 * spare descriptor is moved onto its number, and evhttp frees its
 * connection on the spare.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>

#include "connpool.h"
#include "handoff.h"
#include "handoff_rec.h"
#include "log.h"
#include "unixsock.h"
#include "mono.h"
#include "reply.h"

#define HANDOFF_SNDBUF	16384	/* the kernel doubles it */

const struct handoff_kind handoff_wsd = {
	"--ws-handoff", "WebSocket", "WebSocket relay unavailable"
};
const struct handoff_kind handoff_rtcd = {
	"--rtc-handoff", "WebRTC", "WebRTC service unavailable"
};

struct handoff_job {
	TAILQ_ENTRY(handoff_job) entry;
	int			 fd;		/* the client */
	uint64_t		 deadline;	/* monotonic ms */
	struct connpool_entry	 addr;		/* its address, as pools count */
	size_t			 len;
	uint8_t			 rec[HANDOFF_REC_MAX];
};

struct handoff {
	struct event_base	*base;
	const struct handoff_kind *kind;
	char			*path;
	int			 link;		/* to the peer, or -1 */
	struct event		*ev_link;
	struct event		*ev_timer;	/* the oldest job's deadline */
	int			 spare;		/* moved onto taken numbers */
	TAILQ_HEAD(, handoff_job) jobs;
	size_t			 njobs;
	unsigned long long	 sent;
	unsigned long long	 refused;
};

static void	handoff_on_link(evutil_socket_t, short, void *);
static void	handoff_on_timer(evutil_socket_t, short, void *);

/* Creates the handoff; the peer is connected at the first handoff. */
struct handoff *
handoff_new(struct event_base *base, const char *path,
    const struct handoff_kind *kind, char *cause, size_t causelen)
{
	struct sockaddr_un	 sun;
	struct handoff		*h;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(cause, causelen, "%s: path of %zu bytes too long "
		    "(at most %zu)", kind->option, strlen(path),
		    sizeof(sun.sun_path) - 1);
		return (NULL);
	}
	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (h->path = strdup(path)) == NULL) {
		free(h);
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	h->base = base;
	h->kind = kind;
	h->link = -1;
	TAILQ_INIT(&h->jobs);
	h->spare = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	h->ev_timer = evtimer_new(base, handoff_on_timer, h);
	if (h->spare == -1 || h->ev_timer == NULL) {
		snprintf(cause, causelen, "%s: %s", kind->option,
		    strerror(errno));
		handoff_free(h);
		return (NULL);
	}
	return (h);
}

/* Answers a client 503 straight on its socket and closes it. */
static void
handoff_refuse_fd(struct handoff *h, int fd)
{
	char	 msg[256];
	int	 n;

	n = snprintf(msg, sizeof(msg), "HTTP/1.1 503 Service Unavailable\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n"
	    "Connection: close\r\n\r\n%s\n",
	    strlen(h->kind->unavailable) + 1, h->kind->unavailable);
	h->refused++;
	if (n > 0 && (size_t)n < sizeof(msg))
		(void)send(fd, msg, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	shutdown(fd, SHUT_WR);
	close(fd);
}

/* The link is gone: every waiting client gets 503. */
static void
handoff_down(struct handoff *h)
{
	struct handoff_job	*j;

	if (h->link != -1) {
		event_free(h->ev_link);
		h->ev_link = NULL;
		close(h->link);
		h->link = -1;
	}
	while ((j = TAILQ_FIRST(&h->jobs)) != NULL) {
		TAILQ_REMOVE(&h->jobs, j, entry);
		handoff_refuse_fd(h, j->fd);
		free(j);
	}
	h->njobs = 0;
	evtimer_del(h->ev_timer);
}

/* Closes the link; waiting clients get 503. */
void
handoff_free(struct handoff *h)
{
	if (h == NULL)
		return;
	handoff_down(h);
	if (h->ev_timer != NULL)
		event_free(h->ev_timer);
	if (h->spare != -1)
		close(h->spare);
	free(h->path);
	free(h);
}

/* Connects to the peer if not connected.  0, or -1 with cause. */
static int
handoff_connect(struct handoff *h, char *cause, size_t causelen)
{
	int			 fd, sndbuf = HANDOFF_SNDBUF;

	if (h->link != -1)
		return (0);
	if ((fd = unixsock_connect_type(h->path, SOCK_SEQPACKET)) == -1) {
		snprintf(cause, causelen, "%s: %s", h->path, strerror(errno));
		return (-1);
	}
	/* The kernel's queue stays small; ours is bounded and timed. */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	h->ev_link = event_new(h->base, fd, EV_READ | EV_PERSIST,
	    handoff_on_link, h);
	if (h->ev_link == NULL || event_add(h->ev_link, NULL) == -1) {
		snprintf(cause, causelen, "cannot watch %s", h->path);
		if (h->ev_link != NULL)
			event_free(h->ev_link);
		h->ev_link = NULL;
		close(fd);
		return (-1);
	}
	h->link = fd;
	log_info("handoff link to %s open", h->path);
	return (0);
}

/* Sends one record with its descriptor: 1 sent, 0 try later, -1 link down. */
static int
handoff_send(struct handoff *h, int fd, const uint8_t *rec, size_t len)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int))];
	}			 cbuf;
	struct cmsghdr		*cm;
	struct msghdr		 msg;
	struct iovec		 iov;

	memset(&msg, 0, sizeof(msg));
	memset(&cbuf, 0, sizeof(cbuf));
	iov.iov_base = (void *)rec;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(h->link, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
		    errno == ENOBUFS)
			return (0);
		log_warn("handoff link to %s", h->path);
		return (-1);
	}
	h->sent++;
	close(fd);
	return (1);
}

/* Arms the timer for the oldest waiting job. */
static void
handoff_arm(struct handoff *h)
{
	struct handoff_job	*j = TAILQ_FIRST(&h->jobs);
	struct timeval		 tv;
	uint64_t		 now = mono_ms(), ms;

	if (j == NULL) {
		evtimer_del(h->ev_timer);
		return;
	}
	ms = j->deadline > now ? j->deadline - now : 0;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(h->ev_timer, &tv);
}

/* Sends what waits, in order, while the socket takes it. */
static void
handoff_flush(struct handoff *h)
{
	struct handoff_job	*j;
	int			 rc;

	while ((j = TAILQ_FIRST(&h->jobs)) != NULL) {
		if ((rc = handoff_send(h, j->fd, j->rec, j->len)) == 0)
			break;
		if (rc == -1) {
			handoff_down(h);
			return;
		}
		TAILQ_REMOVE(&h->jobs, j, entry);
		h->njobs--;
		free(j);
	}
	if (h->link != -1)
		event_del(h->ev_link);
	if (h->link != -1) {
		event_assign(h->ev_link, h->base, h->link, EV_READ | EV_PERSIST |
		    (h->njobs > 0 ? EV_WRITE : 0), handoff_on_link, h);
		event_add(h->ev_link, NULL);
	}
	handoff_arm(h);
}

/* The link is writable again, or the peer closed it. */
static void
handoff_on_link(evutil_socket_t fd, short what, void *arg)
{
	struct handoff	*h = arg;
	char		 c;
	ssize_t		 n;

	if (what & EV_READ) {
		n = recv(fd, &c, 1, MSG_DONTWAIT);
		if (n == 0 || (n == -1 && errno != EAGAIN &&
		    errno != EWOULDBLOCK && errno != EINTR)) {
			log_info("handoff link to %s closed", h->path);
			handoff_down(h);
			return;
		}
	}
	if (what & EV_WRITE)
		handoff_flush(h);
}

/* Waiting jobs past their deadline get 503. */
static void
handoff_on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct handoff		*h = arg;
	struct handoff_job	*j;
	uint64_t		 now = mono_ms();

	while ((j = TAILQ_FIRST(&h->jobs)) != NULL && j->deadline <= now) {
		TAILQ_REMOVE(&h->jobs, j, entry);
		h->njobs--;
		handoff_refuse_fd(h, j->fd);
		free(j);
	}
	handoff_arm(h);
}

/* Whether a comma-separated header value holds token (any case). */
static int
handoff_has_token(const char *v, const char *token)
{
	size_t	 n = strlen(token), k;

	while (v != NULL && *v != '\0') {
		v += strspn(v, " \t,");
		k = strcspn(v, ",");
		while (k > 0 && (v[k - 1] == ' ' || v[k - 1] == '\t'))
			k--;
		if (k == n && strncasecmp(v, token, n) == 0)
			return (1);
		v += strcspn(v, ",");
	}
	return (0);
}

/* Whether req asks for a WebSocket. */
int
handoff_is_upgrade(struct evhttp_request *req)
{
	struct evkeyvalq	*hdrs = evhttp_request_get_input_headers(req);
	struct evkeyval		*kv;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET)
		return (0);
	TAILQ_FOREACH(kv, hdrs, next)
		if (strcasecmp(kv->key, "Upgrade") == 0 &&
		    handoff_has_token(kv->value, "websocket"))
			return (1);
	return (0);
}

/* The method's name as a request line spells it, or NULL. */
static const char *
handoff_method(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET:
		return ("GET");
	case EVHTTP_REQ_POST:
		return ("POST");
	case EVHTTP_REQ_PATCH:
		return ("PATCH");
	case EVHTTP_REQ_DELETE:
		return ("DELETE");
	case EVHTTP_REQ_OPTIONS:
		return ("OPTIONS");
	default:
		return (NULL);
	}
}

/* Writes req's head again (docs/handoff.md).  Its length, or -1: too long. */
static int
handoff_head(struct evhttp_request *req, char *buf, size_t len)
{
	struct evkeyval	*kv;
	const char	*method;
	size_t		 n;
	int		 k;

	if ((method = handoff_method(evhttp_request_get_command(req))) == NULL)
		return (-1);
	k = snprintf(buf, len, "%s %s HTTP/%d.%d\r\n", method,
	    evhttp_request_get_uri(req), req->major, req->minor);
	if (k < 0 || (size_t)k >= len)
		return (-1);
	n = k;
	TAILQ_FOREACH(kv, evhttp_request_get_input_headers(req), next) {
		k = snprintf(buf + n, len - n, "%s: %s\r\n", kv->key,
		    kv->value);
		if (k < 0 || (size_t)k >= len - n)
			return (-1);
		n += k;
	}
	if (len - n < 3)
		return (-1);
	memcpy(buf + n, "\r\n", 3);
	return ((int)(n + 2));
}

/*
 * Takes the client's socket from evhttp: a descriptor of our own for it,
 * and evhttp's connection freed on the spare moved onto the old number,
 * so that its shutdown and close reach nothing of the client's.
 */
static int
handoff_take(struct handoff *h, struct evhttp_connection *evcon,
    struct bufferevent *bev)
{
	int	 fd = bufferevent_getfd(bev), own;

	/* Out of the event loop first, while the number is still its own. */
	bufferevent_disable(bev, EV_READ | EV_WRITE);
	if ((own = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1)
		return (-1);
	if (dup3(h->spare, fd, O_CLOEXEC) == -1) {
		close(own);
		return (-1);
	}
	evhttp_connection_free(evcon);
	return (own);
}

/* How many waiting jobs come from e's address (an IPv6 /64 as one). */
static size_t
handoff_waiting(const struct handoff *h, const struct connpool_entry *e)
{
	const struct handoff_job	*j;
	size_t				 n = 0;

	TAILQ_FOREACH(j, &h->jobs, entry)
		if (memcmp(j->addr.key, e->key, sizeof(e->key)) == 0)
			n++;
	return (n);
}

/*
 * Builds j's record of req: its head written again and the body evhttp
 * read.  0, or -1 when req has been answered.
 */
static int
handoff_record(struct handoff_job *j, struct evhttp_request *req,
    const struct sockaddr *client, const char *user)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	const uint8_t	*body = NULL;
	char		 head[HANDOFF_REC_HEAD_MAX + 1], cause[256];
	size_t		 blen = evbuffer_get_length(in);
	int		 hlen, len;

	if ((hlen = handoff_head(req, head, sizeof(head))) == -1) {
		reply_text(req, 431, "Request Header Fields Too Large",
		    "request head too large");
		return (-1);
	}
	if (blen > 0 && (body = evbuffer_pullup(in, blen)) == NULL) {
		reply_text(req, 503, "Service Unavailable", "out of memory");
		return (-1);
	}
	len = handoff_rec_build(j->rec, sizeof(j->rec), client, user, head,
	    hlen, body, blen, cause, sizeof(cause));
	if (len == -1) {
		reply_text(req, 400, "Bad Request", cause);
		return (-1);
	}
	j->len = len;
	return (0);
}

/* Hands req's connection over, or answers it. */
void
handoff_request(struct handoff *h, struct evhttp_request *req,
    const struct sockaddr *client, const char *user)
{
	static struct log_rate	 lr = LOG_RATE_INIT_BURST("handoff failures",
	    5);
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent	*bev;
	struct handoff_job	*j;
	char			 cause[256];
	int			 fd, rc;

	if (evcon == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evcon)) == NULL) {
		reply_text(req, 500, "Internal Server Error", "no socket");
		return;
	}
	if (evbuffer_get_length(bufferevent_get_input(bev)) > 0) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
		reply_text(req, 400, "Bad Request", evbuffer_get_length(
		    evhttp_request_get_input_buffer(req)) > 0 ?
		    "data after the request body" :
		    "data after the request head");
		return;
	}
	if ((j = malloc(sizeof(*j))) == NULL) {
		reply_text(req, 503, "Service Unavailable", "out of memory");
		return;
	}
	if (handoff_record(j, req, client, user) == -1) {
		free(j);
		return;
	}
	connpool_entry_init(&j->addr, client, sizeof(struct sockaddr_storage));
	if (handoff_connect(h, cause, sizeof(cause)) == -1 ||
	    h->njobs >= HANDOFF_QUEUE_MAX ||
	    handoff_waiting(h, &j->addr) >= HANDOFF_QUEUE_PER_ADDR) {
		if (h->link != -1)
			snprintf(cause, sizeof(cause), "%zu handoffs waiting, "
			    "%zu from this address", h->njobs,
			    handoff_waiting(h, &j->addr));
		log_rate_warnx(&lr, "%s refused: %s", h->kind->what, cause);
		free(j);
		h->refused++;
		reply_text(req, 503, "Service Unavailable",
		    h->kind->unavailable);
		return;
	}
	if ((fd = handoff_take(h, evcon, bev)) == -1) {
		log_warn("handoff: cannot take the socket");
		free(j);
		reply_text(req, 503, "Service Unavailable",
		    h->kind->unavailable);
		return;
	}
	/* req and evcon are gone. */
	if (h->njobs == 0 &&
	    (rc = handoff_send(h, fd, j->rec, j->len)) != 0) {
		free(j);
		if (rc == -1) {
			handoff_refuse_fd(h, fd);
			handoff_down(h);
		}
		return;
	}
	j->fd = fd;
	j->deadline = mono_ms() + HANDOFF_QUEUE_MS;
	TAILQ_INSERT_TAIL(&h->jobs, j, entry);
	h->njobs++;
	handoff_flush(h);
}

/* Counters for /api/status. */
void
handoff_counts(const struct handoff *h, unsigned long long *sent,
    unsigned long long *refused)
{
	*sent = h->sent;
	*refused = h->refused;
}
