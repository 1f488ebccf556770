/* SPDX-License-Identifier: ISC */
/* frame_sub.c: a libevent subscription to capd's frame socket. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "backoff.h"
#include "frame.h"
#include "frame_part.h"
#include "frame_sub.h"
#include "frame_hello.h"
#include "log.h"
#include "unixsock.h"

#define FRAME_SUB_BACKOFF_MIN	100	/* ms */
#define FRAME_SUB_BACKOFF_MAX	250	/* ms: a restarted capd is seen soon */
#define FRAME_SUB_HEAD_READ	4096	/* bytes read while expecting a header */
#define FRAME_SUB_READS		16	/* reads per wake-up, for fairness */

struct frame_sub {
	struct event_base	*base;
	char			*path;
	size_t			 max_frame;
	frame_sub_frame_cb	 fcb;
	frame_sub_state_cb	 scb;
	void			*arg;

	enum frame_sub_state	 state;
	int			 fd;
	struct event		*ev_read;
	struct event		*ev_retry;
	struct backoff		 backoff;

	struct evbuffer		*in;		/* bytes before a part's body */
	unsigned char		*cur;		/* part being read, or NULL */
	size_t			 cur_have;
	size_t			 cur_total;
	struct frame_part_info	 info;

	struct frame		*latest;
	char			 cause[256];
	unsigned long long	 frames;
	unsigned long long	 reconnects;
	char			 hello[FRAME_HELLO_MAX];	/* "" or the line */
	long			(*viewers_cb)(void *);
	void			*viewers_arg;
	long			 viewers_said;	/* -1: not on this connection */
};

/* Tells capd how many viewers this subscriber serves, when it changed. */
static void
frame_sub_say_viewers(struct frame_sub *fs)
{
	char	 line[FRAME_HELLO_MAX];
	long	 n;
	int	 len;

	if (fs->viewers_cb == NULL || fs->fd == -1)
		return;
	n = fs->viewers_cb(fs->viewers_arg);
	if (n == fs->viewers_said ||
	    (len = frame_hello_format_viewers(n, line, sizeof(line))) == -1)
		return;
	/* capd reads what subscribers write at once: a short line fits. */
	if (write(fs->fd, line, len) == len)
		fs->viewers_said = n;
}

static void	frame_sub_connect(struct frame_sub *);

/* Changes state and tells the owner. */
static void
frame_sub_set_state(struct frame_sub *fs, enum frame_sub_state st)
{
	if (fs->state == st)
		return;
	fs->state = st;
	if (fs->scb != NULL)
		fs->scb(st, fs->cause, fs->arg);
}

/* Closes the connection and forgets any partial part. */
static void
frame_sub_close(struct frame_sub *fs)
{
	if (fs->ev_read != NULL) {
		event_free(fs->ev_read);
		fs->ev_read = NULL;
	}
	if (fs->fd != -1) {
		close(fs->fd);
		fs->fd = -1;
	}
	free(fs->cur);
	fs->cur = NULL;
	evbuffer_drain(fs->in, evbuffer_get_length(fs->in));
}

/* Records why the link failed, closes it and schedules a retry. */
static void
frame_sub_fail(struct frame_sub *fs, const char *fmt, ...)
{
	struct timeval	 tv;
	va_list		 ap;
	char		 cause[sizeof(fs->cause)];

	va_start(ap, fmt);
	vsnprintf(cause, sizeof(cause), fmt, ap);
	va_end(ap);
	/* capd's refusal comes at each retry: said when it changes. */
	if (strcmp(cause, fs->cause) != 0 || (fs->state !=
	    FRAME_SUB_CONNECTING && strncmp(cause, "capd refused: ", 14) != 0))
		log_warnx("frame socket %s: %s", fs->path, cause);
	snprintf(fs->cause, sizeof(fs->cause), "%s", cause);
	frame_sub_close(fs);
	frame_sub_set_state(fs, FRAME_SUB_CONNECTING);
	backoff_next(&fs->backoff, &tv);
	evtimer_add(fs->ev_retry, &tv);
}

/* A whole part is in fs->cur: checks the trailer and hands the frame out. */
static int
frame_sub_deliver(struct frame_sub *fs)
{
	struct frame	*f;
	unsigned char	*buf = fs->cur;
	size_t		 total = fs->cur_total;

	fs->cur = NULL;
	if (buf[total - 2] != '\r' || buf[total - 1] != '\n') {
		free(buf);
		frame_sub_fail(fs, "part of %zu bytes not followed by CRLF",
		    fs->info.jpeg_len);
		return (-1);
	}
	f = frame_adopt(buf, total, fs->info.hdr_len, fs->info.jpeg_len,
	    fs->info.seq, &fs->info.ts);
	if (f == NULL) {
		free(buf);
		frame_sub_fail(fs, "out of memory");
		return (-1);
	}
	fs->frames++;
	backoff_reset(&fs->backoff);
	fs->cause[0] = '\0';
	frame_unref(fs->latest);
	fs->latest = f;
	frame_sub_set_state(fs, FRAME_SUB_STREAMING);
	frame_ref(f);
	frame_sub_say_viewers(fs);
	if (fs->fcb != NULL)
		fs->fcb(f, fs->arg);
	frame_unref(f);
	return (0);
}

/* Parses part headers out of fs->in, delivering parts already complete. */
static int
frame_sub_parse(struct frame_sub *fs)
{
	unsigned char	*data;
	size_t		 len, n;
	char		 cause[128];
	int		 r;

	while (fs->cur == NULL && (len = evbuffer_get_length(fs->in)) > 0) {
		n = len < FRAME_PART_BLANK_MAX + FRAME_PART_HEADER_MAX ? len :
		    FRAME_PART_BLANK_MAX + FRAME_PART_HEADER_MAX;
		data = evbuffer_pullup(fs->in, n);
		r = frame_part_parse(data, n, fs->max_frame, &fs->info, cause,
		    sizeof(cause));
		if (r == 0)
			return (0);
		if (r == -1) {
			frame_sub_fail(fs, "%s%s", strncmp(cause, "capd "
			    "refused: ", 14) == 0 ? "" : "malformed part: ",
			    cause);
			return (-1);
		}
		fs->cur_total = fs->info.hdr_len + fs->info.jpeg_len + 2;
		if ((fs->cur = malloc(fs->cur_total)) == NULL) {
			frame_sub_fail(fs, "out of memory");
			return (-1);
		}
		fs->cur_have = evbuffer_remove(fs->in, fs->cur,
		    fs->cur_total);
		if (fs->cur_have == fs->cur_total &&
		    frame_sub_deliver(fs) == -1)
			return (-1);
	}
	return (0);
}

/* Reads from capd: headers through fs->in, bodies straight into the part. */
static void
frame_sub_read(evutil_socket_t fd, short what, void *arg)
{
	struct frame_sub	*fs = arg;
	ssize_t			 n;
	int			 i;

	for (i = 0; i < FRAME_SUB_READS; i++) {
		if (fs->cur == NULL)
			n = evbuffer_read(fs->in, fd, FRAME_SUB_HEAD_READ);
		else
			n = read(fd, fs->cur + fs->cur_have,
			    fs->cur_total - fs->cur_have);
		if (n == 0) {
			frame_sub_fail(fs, "capd closed the connection");
			return;
		}
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			frame_sub_fail(fs, "read: %s", strerror(errno));
			return;
		}
		if (fs->cur != NULL) {
			fs->cur_have += n;
			if (fs->cur_have < fs->cur_total)
				continue;
			if (frame_sub_deliver(fs) == -1)
				return;
		}
		if (frame_sub_parse(fs) == -1)
			return;
	}
}

/* Retry timer. */
static void
frame_sub_retry(evutil_socket_t fd, short what, void *arg)
{
	frame_sub_connect(arg);
}

/* Connects to capd's socket. */
static void
frame_sub_connect(struct frame_sub *fs)
{
	frame_sub_close(fs);
	if ((fs->fd = unixsock_connect(fs->path)) == -1) {
		if (errno == ENAMETOOLONG)
			frame_sub_fail(fs, "socket path too long");
		else
			frame_sub_fail(fs, "connect: %s", strerror(errno));
		return;
	}
	fs->ev_read = event_new(fs->base, fs->fd, EV_READ | EV_PERSIST,
	    frame_sub_read, fs);
	if (fs->ev_read == NULL || event_add(fs->ev_read, NULL) == -1) {
		frame_sub_fail(fs, "cannot add read event");
		return;
	}
	/* A fresh Unix socket takes these few bytes whole, or not at all. */
	if (fs->hello[0] != '\0' && write(fs->fd, fs->hello,
	    strlen(fs->hello)) == -1)
		log_debug("%s: cannot name myself: %s", __func__,
		    strerror(errno));
	fs->viewers_said = -1;
	frame_sub_say_viewers(fs);
	if (fs->state == FRAME_SUB_CONNECTING && fs->frames > 0)
		fs->reconnects++;
	log_debug("%s: connected to %s", __func__, fs->path);
	frame_sub_set_state(fs, FRAME_SUB_CONNECTED);
}

/* Creates a stopped subscription. */
struct frame_sub *
frame_sub_new(struct event_base *base, const char *path, size_t max_frame,
    frame_sub_frame_cb fcb, frame_sub_state_cb scb, void *arg)
{
	struct frame_sub	*fs;

	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return (NULL);
	fs->base = base;
	fs->fd = -1;
	fs->max_frame = max_frame;
	fs->fcb = fcb;
	fs->scb = scb;
	fs->arg = arg;
	backoff_init(&fs->backoff, FRAME_SUB_BACKOFF_MIN, FRAME_SUB_BACKOFF_MAX);
	fs->state = FRAME_SUB_STOPPED;
	if ((fs->path = strdup(path)) == NULL ||
	    (fs->in = evbuffer_new()) == NULL ||
	    (fs->ev_retry = evtimer_new(base, frame_sub_retry, fs)) == NULL) {
		frame_sub_free(fs);
		return (NULL);
	}
	return (fs);
}

/* Frees a subscription. */
void
frame_sub_free(struct frame_sub *fs)
{
	if (fs == NULL)
		return;
	if (fs->in != NULL)
		frame_sub_close(fs);
	if (fs->ev_retry != NULL)
		event_free(fs->ev_retry);
	if (fs->in != NULL)
		evbuffer_free(fs->in);
	frame_unref(fs->latest);
	free(fs->path);
	free(fs);
}

/* Names the subscription to capd (docs/frames.md) from the next connect. */
int
frame_sub_set_name(struct frame_sub *fs, const char *name)
{
	if (frame_hello_format(name, fs->hello, sizeof(fs->hello)) == -1) {
		fs->hello[0] = '\0';
		return (-1);
	}
	return (0);
}

/* How many viewers this subscriber serves, told to capd as it changes. */
void
frame_sub_set_viewers_cb(struct frame_sub *fs, long (*cb)(void *), void *arg)
{
	fs->viewers_cb = cb;
	fs->viewers_arg = arg;
}

/* Connects if not already wanted. */
void
frame_sub_start(struct frame_sub *fs)
{
	if (fs->state != FRAME_SUB_STOPPED)
		return;
	backoff_reset(&fs->backoff);
	fs->state = FRAME_SUB_CONNECTING;
	frame_sub_connect(fs);
}

/* Disconnects and stops retrying. */
void
frame_sub_stop(struct frame_sub *fs)
{
	if (fs->state == FRAME_SUB_STOPPED)
		return;
	evtimer_del(fs->ev_retry);
	frame_sub_close(fs);
	fs->cause[0] = '\0';
	frame_sub_set_state(fs, FRAME_SUB_STOPPED);
}

/* Current state. */
enum frame_sub_state
frame_sub_state(const struct frame_sub *fs)
{
	return (fs->state);
}

/* Name of a state. */
const char *
frame_sub_state_name(enum frame_sub_state st)
{
	switch (st) {
	case FRAME_SUB_STOPPED:
		return ("stopped");
	case FRAME_SUB_CONNECTING:
		return ("connecting");
	case FRAME_SUB_CONNECTED:
		return ("connected");
	case FRAME_SUB_STREAMING:
		return ("streaming");
	}
	return ("unknown");
}

/* The last frame received, or NULL. */
struct frame *
frame_sub_latest(const struct frame_sub *fs)
{
	return (fs->latest);
}

/* Last failure. */
const char *
frame_sub_cause(const struct frame_sub *fs)
{
	return (fs->cause);
}

/* Frames received. */
unsigned long long
frame_sub_frames(const struct frame_sub *fs)
{
	return (fs->frames);
}

/* Reconnections after a frame was received. */
unsigned long long
frame_sub_reconnects(const struct frame_sub *fs)
{
	return (fs->reconnects);
}
