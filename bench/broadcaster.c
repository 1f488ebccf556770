/* SPDX-License-Identifier: ISC */
/*
 * broadcaster.c: the floor for fan-out on this machine.  A minimal server
 * that accepts TCP clients and, at a fixed rate, writes the same JPEG to
 * each with one sendmsg (a writev) per client per frame: as a WebSocket
 * binary message to clients whose request carries Sec-WebSocket-Key, as a
 * multipart part (HTTP/1.0 style, no chunking) to the others.  Each frame
 * gets a fresh campipe COM segment (seq and capture time) so loadgen
 * measures it exactly as it measures campipe.  Latest frame wins: a client
 * still writing an older frame skips the new one.
 *
 *   broadcaster [-p PORT] [-f FPS] [-j FILE.jpg] [-s WxH] [-q QUALITY]
 *
 * Prints "port N" on stdout once listening; counters on stderr at exit.
 */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/uio.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <turbojpeg.h>

#include "frame_part.h"
#include "jpeg_com.h"

#define BC_REQMAX	2048
#define BC_PREMAX	(FRAME_PART_HEADER_MAX + JPEG_COM_MAX + 16)
#define BC_WS_GUID	"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

/* One frame's per-frame bytes; the JPEG body after SOI is shared by all. */
struct bc_frame {
	int		 refs;
	unsigned char	 ws[BC_PREMAX];		/* WS header + SOI + COM */
	size_t		 wslen;
	unsigned char	 mj[BC_PREMAX];		/* part header + SOI + COM */
	size_t		 mjlen;
};

enum bc_mode { BC_HANDSHAKE, BC_WS, BC_MJPEG };

struct bc_client {
	int		 fd;
	enum bc_mode	 mode;
	char		 req[BC_REQMAX];
	size_t		 reqlen;
	struct bc_frame	*cur;		/* frame being written, or NULL */
	size_t		 off;		/* bytes of it written */
	int		 wantout;
	struct bc_client *next;
};

static unsigned char	*bc_body;	/* base JPEG after SOI */
static size_t		 bc_bodylen;
static struct bc_client	*bc_clients;
static int		 bc_ep;
static volatile sig_atomic_t bc_quit;
static unsigned long long bc_frames, bc_sends, bc_partial, bc_skipped;

/* Drops a reference to a frame. */
static void
bc_unref(struct bc_frame *f)
{
	if (f != NULL && --f->refs == 0)
		free(f);
}

/* Builds frame seq: COM segment with the capture time now, both framings. */
static struct bc_frame *
bc_frame_new(uint64_t seq)
{
	static const unsigned char soi[2] = { 0xff, 0xd8 };
	unsigned char	 com[JPEG_COM_MAX + 2];
	struct bc_frame	*f;
	struct timeval	 tv;
	long		 comlen;
	size_t		 jlen, h = 0;
	int		 n;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return (NULL);
	f->refs = 1;
	gettimeofday(&tv, NULL);
	comlen = jpeg_com_insert(com, sizeof(com), soi, 2, seq, &tv);
	jlen = comlen + bc_bodylen;
	f->ws[h++] = 0x82;
	if (jlen < 126)
		f->ws[h++] = jlen;
	else if (jlen < 65536) {
		f->ws[h++] = 126;
		f->ws[h++] = jlen >> 8;
		f->ws[h++] = jlen & 0xff;
	} else {
		f->ws[h++] = 127;
		for (n = 7; n >= 0; n--)
			f->ws[h++] = (uint64_t)jlen >> (8 * n);
	}
	memcpy(f->ws + h, com, comlen);
	f->wslen = h + comlen;
	n = frame_part_header((char *)f->mj, sizeof(f->mj), jlen, seq, &tv);
	memcpy(f->mj + n, com, comlen);
	f->mjlen = n + comlen;
	return (f);
}

/* Closes a client (unlinked later by the tick's sweep). */
static void
bc_close(struct bc_client *c)
{
	if (c->fd == -1)
		return;
	close(c->fd);
	c->fd = -1;
	bc_unref(c->cur);
	c->cur = NULL;
}

/* Asks for (or stops asking for) writability. */
static void
bc_want_out(struct bc_client *c, int on)
{
	struct epoll_event	 ev = { .events = on ? EPOLLOUT : EPOLLIN,
				    .data.ptr = c };

	if (c->wantout == on)
		return;
	c->wantout = on;
	epoll_ctl(bc_ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Writes what is left of the client's frame with one sendmsg. */
static void
bc_send(struct bc_client *c)
{
	static const char	 crlf[2] = "\r\n";
	struct iovec		 iov[3];
	struct msghdr		 msg;
	size_t			 total, skip;
	ssize_t			 n;
	int			 i, k = 0;

	if (c->mode == BC_WS) {
		iov[0].iov_base = c->cur->ws;
		iov[0].iov_len = c->cur->wslen;
		iov[1].iov_base = bc_body;
		iov[1].iov_len = bc_bodylen;
		k = 2;
	} else {
		iov[0].iov_base = c->cur->mj;
		iov[0].iov_len = c->cur->mjlen;
		iov[1].iov_base = bc_body;
		iov[1].iov_len = bc_bodylen;
		iov[2].iov_base = (void *)crlf;
		iov[2].iov_len = 2;
		k = 3;
	}
	for (i = 0, total = 0; i < k; i++)
		total += iov[i].iov_len;
	for (i = 0, skip = c->off; skip >= iov[i].iov_len; i++)
		skip -= iov[i].iov_len;
	iov[i].iov_base = (char *)iov[i].iov_base + skip;
	iov[i].iov_len -= skip;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov + i;
	msg.msg_iovlen = k - i;
	bc_sends++;
	if ((n = sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT)) == -1) {
		if (errno != EAGAIN && errno != EINTR)
			bc_close(c);
		else
			bc_want_out(c, 1);
		return;
	}
	c->off += n;
	if (c->off < total) {
		bc_partial++;
		bc_want_out(c, 1);
		return;
	}
	bc_unref(c->cur);
	c->cur = NULL;
	bc_want_out(c, 0);
}

/* Reads the request head and answers it: 101 WebSocket or 200 multipart. */
static void
bc_handshake(struct bc_client *c)
{
	unsigned char	 md[SHA_DIGEST_LENGTH], acc[64];
	char		 buf[512], key[128], *p, *e;
	ssize_t		 n;
	int		 len;

	n = recv(c->fd, c->req + c->reqlen, sizeof(c->req) - 1 - c->reqlen,
	    MSG_DONTWAIT);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			bc_close(c);
		return;
	}
	c->reqlen += n;
	c->req[c->reqlen] = '\0';
	if (strstr(c->req, "\r\n\r\n") == NULL) {
		if (c->reqlen == sizeof(c->req) - 1)
			bc_close(c);
		return;
	}
	if ((p = strcasestr(c->req, "\nSec-WebSocket-Key:")) != NULL) {
		p += 19;
		p += strspn(p, " \t");
		e = p + strcspn(p, " \t\r\n");
		snprintf(key, sizeof(key), "%.*s" BC_WS_GUID, (int)(e - p), p);
		SHA1((unsigned char *)key, strlen(key), md);
		EVP_EncodeBlock(acc, md, sizeof(md));
		len = snprintf(buf, sizeof(buf), "HTTP/1.1 101 Switching "
		    "Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
		    "Sec-WebSocket-Accept: %s\r\n\r\n", acc);
		c->mode = BC_WS;
	} else {
		len = snprintf(buf, sizeof(buf), "HTTP/1.0 200 OK\r\n"
		    "Content-Type: multipart/x-mixed-replace; boundary="
		    FRAME_PART_BOUNDARY "\r\nCache-Control: no-store\r\n"
		    "Connection: close\r\n\r\n");
		c->mode = BC_MJPEG;
	}
	if (send(c->fd, buf, len, MSG_NOSIGNAL) != len)
		bc_close(c);
}

/* Accepts every pending connection. */
static void
bc_accept(int lfd)
{
	struct bc_client	*c;
	struct epoll_event	 ev = { .events = EPOLLIN };
	int			 fd, one = 1;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) != -1) {
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->fd = fd;
		c->next = bc_clients;
		bc_clients = c;
		ev.data.ptr = c;
		epoll_ctl(bc_ep, EPOLL_CTL_ADD, fd, &ev);
	}
}

/* A tick: a new frame for every client that is free; frees closed ones. */
static void
bc_tick(uint64_t seq)
{
	struct bc_client	*c, **pp;
	struct bc_frame		*f;

	if ((f = bc_frame_new(seq)) == NULL)
		return;
	bc_frames++;
	for (pp = &bc_clients; (c = *pp) != NULL; ) {
		if (c->fd == -1) {
			*pp = c->next;
			free(c);
			continue;
		}
		pp = &c->next;
		if (c->mode == BC_HANDSHAKE)
			continue;
		if (c->cur != NULL) {
			bc_skipped++;
			continue;
		}
		c->cur = f;
		f->refs++;
		c->off = 0;
		bc_send(c);
	}
	bc_unref(f);
}

/* Reads the base JPEG from a file, or encodes a test pattern. */
static void
bc_load(const char *path, int w, int h, int q)
{
	unsigned char	*rgb, *jpeg = NULL;
	unsigned long	 jlen = 0;
	tjhandle	 tj;
	FILE		*fp;
	long		 n;
	int		 i;

	if (path != NULL) {
		if ((fp = fopen(path, "rb")) == NULL ||
		    fseek(fp, 0, SEEK_END) == -1 || (n = ftell(fp)) < 4 ||
		    (jpeg = malloc(n)) == NULL || fseek(fp, 0, SEEK_SET) ||
		    fread(jpeg, 1, n, fp) != (size_t)n) {
			fprintf(stderr, "broadcaster: cannot read %s\n", path);
			exit(1);
		}
		fclose(fp);
		jlen = n;
	} else {
		if ((rgb = malloc((size_t)w * h * 3)) == NULL ||
		    (tj = tjInitCompress()) == NULL)
			exit(1);
		for (i = 0; i < w * h * 3; i++)
			rgb[i] = (i / 3 % w) ^ (i / 3 / w) ^ (i * 7 % 13);
		if (tjCompress2(tj, rgb, w, 0, h, TJPF_RGB, &jpeg, &jlen,
		    TJSAMP_420, q, TJFLAG_FASTDCT) == -1)
			exit(1);
		free(rgb);
		tjDestroy(tj);
	}
	if (jpeg[0] != 0xff || jpeg[1] != 0xd8) {
		fprintf(stderr, "broadcaster: not a JPEG\n");
		exit(1);
	}
	bc_body = jpeg + 2;
	bc_bodylen = jlen - 2;
}

/* Signal handler: ends the loop. */
static void
bc_stop(int sig)
{
	bc_quit = 1;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof(sin);
	struct epoll_event	 ev, evs[256];
	struct itimerspec	 its;
	struct rlimit		 rl;
	struct bc_client	*c;
	const char		*file = NULL;
	uint64_t		 ticks, seq = 0;
	int			 lfd, tfd, ch, i, n, one = 1;
	int			 port = 0, fps = 30, w = 640, h = 480, q = 80;

	while ((ch = getopt(argc, argv, "p:f:j:s:q:")) != -1) {
		switch (ch) {
		case 'p': port = atoi(optarg); break;
		case 'f': fps = atoi(optarg); break;
		case 'j': file = optarg; break;
		case 's':
			if (sscanf(optarg, "%dx%d", &w, &h) != 2)
				goto usage;
			break;
		case 'q': q = atoi(optarg); break;
		default:
		usage:
			fprintf(stderr, "usage: broadcaster [-p PORT] [-f FPS] "
			    "[-j FILE.jpg] [-s WxH] [-q QUALITY]\n");
			return (2);
		}
	}
	if (fps < 1 || fps > 1000 || w < 16 || h < 16)
		goto usage;
	bc_load(file, w, h, q);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGTERM, bc_stop);
	signal(SIGINT, bc_stop);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 4096) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &slen) == -1) {
		perror("broadcaster: listen");
		return (1);
	}
	printf("port %d\n", ntohs(sin.sin_port));
	fflush(stdout);
	bc_ep = epoll_create1(0);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	its.it_interval.tv_sec = 0;
	its.it_interval.tv_nsec = 1000000000L / fps;
	its.it_value = its.it_interval;
	timerfd_settime(tfd, 0, &its, NULL);
	ev.events = EPOLLIN;
	ev.data.ptr = &lfd;
	epoll_ctl(bc_ep, EPOLL_CTL_ADD, lfd, &ev);
	ev.data.ptr = &tfd;
	epoll_ctl(bc_ep, EPOLL_CTL_ADD, tfd, &ev);
	while (!bc_quit) {
		if ((n = epoll_wait(bc_ep, evs, 256, 1000)) == -1 &&
		    errno != EINTR)
			break;
		for (i = 0; i < n; i++) {
			if (evs[i].data.ptr == &lfd)
				bc_accept(lfd);
			else if (evs[i].data.ptr == &tfd) {
				if (read(tfd, &ticks, sizeof(ticks)) > 0)
					bc_tick(++seq);
			} else {
				c = evs[i].data.ptr;
				if (c->fd == -1)
					continue;
				if (c->mode == BC_HANDSHAKE)
					bc_handshake(c);
				else if (c->cur != NULL &&
				    (evs[i].events & EPOLLOUT))
					bc_send(c);
				else if (evs[i].events & (EPOLLHUP | EPOLLERR))
					bc_close(c);
				else if (!c->wantout) {
					/* client bytes after the head: drop */
					char junk[512];
					if (recv(c->fd, junk, sizeof(junk),
					    MSG_DONTWAIT) == 0)
						bc_close(c);
				}
			}
		}
	}
	fprintf(stderr, "broadcaster: %llu frames, %llu sendmsg, %llu partial, "
	    "%llu skipped\n", bc_frames, bc_sends, bc_partial, bc_skipped);
	return (0);
}
