/* SPDX-License-Identifier: ISC */
/*
 * handshakes.c: WebSocket handshakes per second against one address.
 *
 *   handshakes [-c CONCURRENCY] [-d SEC] HOST:PORT/PATH
 *
 * Keeps CONCURRENCY connections (default 32) each doing: connect, send an
 * upgrade request, read the response head, close with a reset (no
 * TIME_WAIT piles up), then start again.  Counts 101 answers completed in
 * the -d seconds (default 3) and anything else as an error.  One epoll
 * thread; prints one JSON line: {"handshakes":N,"errors":N,"seconds":S,
 * "rate":R}, preceded by "#window start" and followed by "#window end" so
 * a driver samples CPU over exactly the window.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HS_MAXCONC	1024

struct hs_conn {
	int	 fd;
	size_t	 sent;
	size_t	 got;
	char	 buf[1024];
};

static struct sockaddr_in	 hs_addr;
static char			 hs_req[512];
static size_t			 hs_reqlen;
static int			 hs_ep;

/* Monotonic seconds. */
static double
hs_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* Starts a connection in slot c. */
static void
hs_start(struct hs_conn *c)
{
	struct epoll_event	 ev;
	int			 one = 1;

	c->sent = c->got = 0;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->fd == -1) {
		perror("socket");
		exit(1);
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *)&hs_addr, sizeof(hs_addr)) == -1 &&
	    errno != EINPROGRESS) {
		perror("connect");
		exit(1);
	}
	ev.events = EPOLLOUT | EPOLLIN;
	ev.data.ptr = c;
	epoll_ctl(hs_ep, EPOLL_CTL_ADD, c->fd, &ev);
}

/* Ends a connection with a reset. */
static void
hs_end(struct hs_conn *c)
{
	struct linger	 l = { 1, 0 };

	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(c->fd);
}

/* Progress on c: 1 a 101 came, -1 an error, 0 not yet. */
static int
hs_step(struct hs_conn *c, unsigned events)
{
	struct epoll_event	 ev;
	ssize_t			 n;

	if (c->sent < hs_reqlen) {
		n = send(c->fd, hs_req + c->sent, hs_reqlen - c->sent,
		    MSG_NOSIGNAL);
		if (n == -1)
			return (errno == EAGAIN || errno == EINPROGRESS ?
			    0 : -1);
		c->sent += n;
		if (c->sent == hs_reqlen) {
			ev.events = EPOLLIN;
			ev.data.ptr = c;
			epoll_ctl(hs_ep, EPOLL_CTL_MOD, c->fd, &ev);
		}
		return (0);
	}
	if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		return (0);
	n = recv(c->fd, c->buf + c->got, sizeof(c->buf) - 1 - c->got, 0);
	if (n <= 0)
		return (n == -1 && errno == EAGAIN ? 0 : -1);
	c->got += n;
	c->buf[c->got] = '\0';
	if (strstr(c->buf, "\r\n\r\n") == NULL)
		return (c->got < sizeof(c->buf) - 1 ? 0 : -1);
	return (strncmp(c->buf, "HTTP/1.1 101 ", 13) == 0 ? 1 : -1);
}

int
main(int argc, char *argv[])
{
	static struct hs_conn	 conns[HS_MAXCONC];
	struct epoll_event	 evs[64];
	char			 host[64], *colon, *slash;
	double			 dur = 3, t0, t1 = 0, end;
	long			 ok = 0, errs = 0;
	int			 conc = 32, ch, i, n, rc, started = 0;

	while ((ch = getopt(argc, argv, "c:d:")) != -1) {
		if (ch == 'c')
			conc = atoi(optarg);
		else if (ch == 'd')
			dur = atof(optarg);
		else
			goto usage;
	}
	if (optind != argc - 1 || conc < 1 || conc > HS_MAXCONC || dur <= 0)
		goto usage;
	snprintf(host, sizeof(host), "%s", argv[optind]);
	if ((colon = strchr(host, ':')) == NULL ||
	    (slash = strchr(colon, '/')) == NULL)
		goto usage;
	*colon = '\0';
	hs_addr.sin_family = AF_INET;
	hs_addr.sin_port = htons(atoi(colon + 1));
	if (inet_pton(AF_INET, host, &hs_addr.sin_addr) != 1)
		goto usage;
	hs_reqlen = snprintf(hs_req, sizeof(hs_req), "GET %s HTTP/1.1\r\n"
	    "Host: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	    "Sec-WebSocket-Version: 13\r\n\r\n", slash, host,
	    ntohs(hs_addr.sin_port));
	if ((hs_ep = epoll_create1(0)) == -1) {
		perror("epoll_create1");
		return (1);
	}
	for (i = 0; i < conc; i++)
		hs_start(&conns[i]);
	/* Half a second of warm-up, then the window. */
	t0 = hs_now() + 0.5;
	end = t0 + dur;
	for (;;) {
		if (!started && hs_now() >= t0) {
			started = 1;
			ok = errs = 0;
			printf("#window start\n");
			fflush(stdout);
		}
		if ((t1 = hs_now()) >= end)
			break;
		n = epoll_wait(hs_ep, evs, 64, 100);
		for (i = 0; i < n; i++) {
			struct hs_conn *c = evs[i].data.ptr;

			if ((rc = hs_step(c, evs[i].events)) == 0)
				continue;
			if (rc == 1)
				ok++;
			else
				errs++;
			hs_end(c);
			hs_start(c);
		}
	}
	printf("#window end\n{\"handshakes\":%ld,\"errors\":%ld,"
	    "\"seconds\":%.3f,\"rate\":%.1f}\n", ok, errs, t1 - t0,
	    ok / (t1 - t0));
	return (0);
usage:
	fprintf(stderr, "usage: handshakes [-c N] [-d SEC] HOST:PORT/PATH\n");
	return (2);
}
