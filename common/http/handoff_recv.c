/* SPDX-License-Identifier: ISC */
/*
 * handoff_recv.c: the receiving end of a handoff (docs/handoff.md):
 * accepts httpd on a SOCK_SEQPACKET Unix socket, checks its credentials,
 * and hands each record with its descriptor to the callback it was given.
 */
#include <sys/ioctl.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "handoff_rec.h"
#include "handoff_recv.h"
#include "log.h"
#include "unixsock.h"

#define HANDOFF_RECV_LINKS_MAX		8	/* httpd processes at once */
#define HANDOFF_RECV_BATCH		64	/* records per wake-up */
#define HANDOFF_RECV_GROUP		"campipe"

struct handoff_recv_link {
	TAILQ_ENTRY(handoff_recv_link)	 entry;
	struct handoff_recv		*a;
	struct event		*ev;
	int			 fd;
};

struct handoff_recv {
	struct event_base	*base;
	handoff_recv_cb		 take;		/* each one handed over */
	void			*arg;
	char			*path;
	struct evconnlistener	*listener;
	uid_t			 uid;		/* allowed besides root */
	TAILQ_HEAD(, handoff_recv_link) links;
	size_t			 nlinks;
};

static void	handoff_recv_accept(struct evconnlistener *, evutil_socket_t,
		    struct sockaddr *, int, void *);

/* Listens on path. */
struct handoff_recv *
handoff_recv_new(struct event_base *base, const char *path,
    const char *owner, handoff_recv_cb take, void *arg, char *cause,
    size_t causelen)
{
	struct handoff_recv	*a;
	struct group		*gr;
	char			 why[256];
	int			 fd;

	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->path = strdup(path)) == NULL) {
		free(a);
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	a->base = base;
	a->take = take;
	a->arg = arg;
	a->uid = geteuid();
	TAILQ_INIT(&a->links);
	if ((fd = unixsock_listen_type(path, SOCK_SEQPACKET, 0660, owner, why,
	    sizeof(why))) == -1) {
		snprintf(cause, causelen, "--handoff: %s", why);
		free(a->path);
		free(a);
		return (NULL);
	}
	if ((gr = getgrnam(HANDOFF_RECV_GROUP)) != NULL &&
	    chown(path, (uid_t)-1, gr->gr_gid) == -1)
		log_warn("%s: group %s", path, HANDOFF_RECV_GROUP);
	a->listener = evconnlistener_new(base, handoff_recv_accept, a,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
	if (a->listener == NULL) {
		snprintf(cause, causelen, "--handoff: cannot accept");
		close(fd);
		unlink(path);
		free(a->path);
		free(a);
		return (NULL);
	}
	return (a);
}

/* Closes one link to httpd. */
static void
handoff_recv_link_free(struct handoff_recv_link *l)
{
	TAILQ_REMOVE(&l->a->links, l, entry);
	l->a->nlinks--;
	event_free(l->ev);
	close(l->fd);
	free(l);
}

/* Closes everything. */
void
handoff_recv_free(struct handoff_recv *a)
{
	struct handoff_recv_link	*l;

	if (a == NULL)
		return;
	while ((l = TAILQ_FIRST(&a->links)) != NULL)
		handoff_recv_link_free(l);
	evconnlistener_free(a->listener);
	unlink(a->path);
	free(a->path);
	free(a);
}

/* The user allowed besides root. */
void
handoff_recv_allow(struct handoff_recv *a, uid_t uid)
{
	a->uid = uid;
}

/* Closes every descriptor a message carried. */
static void
handoff_recv_close_fds(struct msghdr *msg)
{
	struct cmsghdr	*cm;
	int		*fds;
	size_t		 n, i;

	for (cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		fds = (int *)CMSG_DATA(cm);
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++)
			close(fds[i]);
	}
}

/* The one descriptor of a message, or -1 (all closed) if not exactly one. */
static int
handoff_recv_one_fd(struct msghdr *msg)
{
	struct cmsghdr	*cm = CMSG_FIRSTHDR(msg);
	int		 fd;

	if ((msg->msg_flags & MSG_CTRUNC) || cm == NULL ||
	    CMSG_NXTHDR(msg, cm) != NULL || cm->cmsg_level != SOL_SOCKET ||
	    cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int))) {
		handoff_recv_close_fds(msg);
		return (-1);
	}
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return (fd);
}

/*
 * Reads one record.  Returns 1 after a record (taken or dropped), 0 when
 * none is waiting, -1 when the link is gone.
 */
static int
handoff_recv_read_one(struct handoff_recv_link *l)
{
	static uint8_t		 buf[HANDOFF_REC_MAX + 1];
	static struct log_rate	 lr = LOG_RATE_INIT_BURST("bad handoffs", 10);
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(4 * sizeof(int))];
	}			 cbuf;
	struct handoff_rec	 rec;
	struct msghdr		 msg;
	struct iovec		 iov;
	char			 cause[128];
	ssize_t			 n;
	int			 fd;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	if ((n = recvmsg(l->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC)) == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return (0);
		log_warn("handoff link");
		return (-1);
	}
	if (n == 0)
		return (-1);
	if ((fd = handoff_recv_one_fd(&msg)) == -1) {
		log_rate_warnx(&lr, "handoff of %zd bytes without exactly one "
		    "descriptor: dropped", n);
		return (1);
	}
	if ((msg.msg_flags & MSG_TRUNC) || handoff_rec_parse(&rec, buf,
	    (size_t)n, cause, sizeof(cause)) == -1) {
		log_rate_warnx(&lr, "handoff dropped: %s",
		    (msg.msg_flags & MSG_TRUNC) ? "record too long" : cause);
		close(fd);
		return (1);
	}
	l->a->take(fd, &rec, l->a->arg);
	return (1);
}

/* Records are waiting (or the link closed). */
static void
handoff_recv_read(evutil_socket_t fd, short what, void *arg)
{
	struct handoff_recv_link	*l = arg;
	int			 i, rc = 1;

	for (i = 0; i < HANDOFF_RECV_BATCH && rc == 1; i++)
		rc = handoff_recv_read_one(l);
	if (rc == -1) {
		log_info("handoff link closed");
		handoff_recv_link_free(l);
	}
}

/* httpd connects: checked by its credentials. */
static void
handoff_recv_accept(struct evconnlistener *lst, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct handoff_recv		*a = arg;
	struct handoff_recv_link	*l;
	struct ucred		 cred;
	socklen_t		 len = sizeof(cred);

	memset(&cred, 0, sizeof(cred));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    (cred.uid != 0 && cred.uid != a->uid)) {
		log_warnx("handoff from uid %ld (pid %ld) refused: only root "
		    "or uid %ld may hand connections over",
		    len == sizeof(cred) ? (long)cred.uid : -1L,
		    len == sizeof(cred) ? (long)cred.pid : -1L, (long)a->uid);
		close(fd);
		return;
	}
	if (a->nlinks >= HANDOFF_RECV_LINKS_MAX ||
	    (l = calloc(1, sizeof(*l))) == NULL) {
		log_warnx("handoff from pid %ld refused: %zu links open",
		    (long)cred.pid, a->nlinks);
		close(fd);
		return;
	}
	l->a = a;
	l->fd = fd;
	if ((l->ev = event_new(a->base, fd, EV_READ | EV_PERSIST,
	    handoff_recv_read, l)) == NULL || event_add(l->ev, NULL) == -1) {
		if (l->ev != NULL)
			event_free(l->ev);
		close(fd);
		free(l);
		return;
	}
	TAILQ_INSERT_TAIL(&a->links, l, entry);
	a->nlinks++;
	log_info("handoff link from pid %ld (uid %ld)", (long)cred.pid,
	    (long)cred.uid);
}
