/* SPDX-License-Identifier: ISC */
/*
 * h264_feed.c: one subscription to a camera's H.264 socket, cut into
 * access units offered once to every viewer as shared frames: raw Annex-B
 * and one fMP4 fragment each, from the camera's one muxer.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "annexb.h"
#include "fmp4.h"
#include "frame.h"
#include "frame_hello.h"
#include "frame_sub.h"
#include "h264_feed.h"
#include "h264_feed_cut.h"
#include "log.h"
#include "unixsock.h"

#define H264_FEED_AU_MAX	(4 << 20)	/* an access unit, at most */
#define H264_FEED_RETRY_MS	250		/* the first retry after a break */
#define H264_FEED_RETRY_MAX_MS	250		/* and the later ones */
#define H264_FEED_LINES_MAX	256		/* bytes of lines waiting */

struct h264_feed {
	struct event_base	*base;
	char			*path;
	struct bufferevent	*up;		/* capd's H.264 socket */
	struct event		*ev_linger;
	struct event		*ev_retry;	/* after a break */
	struct h264_feed_cut	 cut;
	int			 wanted;
	long			 told;		/* viewers last told to capd */
	char			 name[FRAME_HELLO_NAME_MAX + 1];
	uint64_t		 connects;
	h264_feed_unit_cb	 ucb;
	h264_feed_end_cb	 ecb;
	void			*arg;
};

static void	h264_feed_on_linger(evutil_socket_t, short, void *);
static void	h264_feed_on_retry(evutil_socket_t, short, void *);

/* Creates a feed, not connected. */
struct h264_feed *
h264_feed_new(struct event_base *base, const char *path,
    h264_feed_unit_cb ucb, h264_feed_end_cb ecb, void *arg)
{
	struct h264_feed	*hf;

	if ((hf = calloc(1, sizeof(*hf))) == NULL)
		return (NULL);
	hf->base = base;
	hf->ucb = ucb;
	hf->ecb = ecb;
	hf->arg = arg;
	if ((hf->path = strdup(path)) == NULL ||
	    h264_feed_cut_init(&hf->cut, H264_FEED_AU_MAX) == -1 ||
	    (hf->ev_linger = evtimer_new(base, h264_feed_on_linger,
	    hf)) == NULL ||
	    (hf->ev_retry = evtimer_new(base, h264_feed_on_retry,
	    hf)) == NULL) {
		h264_feed_free(hf);
		return (NULL);
	}
	return (hf);
}

/* Drops the connection only: the stream goes on after it. */
static void
h264_feed_drop(struct h264_feed *hf)
{
	if (hf->up != NULL) {
		bufferevent_free(hf->up);
		hf->up = NULL;
	}
}

/* Drops the connection and the muxer; the next unit starts anew. */
static void
h264_feed_close(struct h264_feed *hf)
{
	h264_feed_drop(hf);
	evtimer_del(hf->ev_linger);
	if (hf->ev_retry != NULL)
		evtimer_del(hf->ev_retry);
	h264_feed_cut_reset(&hf->cut);
}

/* Arms the next retry, ms from now. */
static void
h264_feed_retry_in(struct h264_feed *hf, int ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(hf->ev_retry, &tv);
}

/* Closes and frees. */
void
h264_feed_free(struct h264_feed *hf)
{
	if (hf == NULL)
		return;
	h264_feed_close(hf);
	if (hf->ev_linger != NULL)
		event_free(hf->ev_linger);
	if (hf->ev_retry != NULL)
		event_free(hf->ev_retry);
	h264_feed_cut_destroy(&hf->cut);
	free(hf->path);
	free(hf);
}

/*
 * The stream broke: with viewers, the feed connects again and goes on at
 * the next IDR (the muxer kept if nothing changed); without, it closes.
 */
static void
h264_feed_end(struct h264_feed *hf, const char *cause)
{
	log_debug("%s: %s: %s", __func__, hf->path, cause);
	if (hf->wanted > 0) {
		h264_feed_drop(hf);
		h264_feed_cut_resume(&hf->cut);
		h264_feed_retry_in(hf, H264_FEED_RETRY_MS);
	} else
		h264_feed_close(hf);
	hf->ecb(cause, hf->arg);
}

/* A unit cut: offered to every viewer. */
static void
h264_feed_on_unit(const struct h264_unit *u, void *arg)
{
	struct h264_feed	*hf = arg;

	hf->ucb(u, hf->arg);
}

/* Bytes from capd: every whole unit goes out. */
static void
h264_feed_on_read(struct bufferevent *bev, void *arg)
{
	static struct log_rate	 lr = LOG_RATE_INIT("H.264 feed failures");
	struct h264_feed	*hf = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	const unsigned char	*p;
	char			 cause[256];
	size_t			 len, used;

	while ((len = evbuffer_get_length(in)) > 0) {
		if ((p = evbuffer_pullup(in, -1)) == NULL) {
			h264_feed_end(hf, "out of memory");
			return;
		}
		if (h264_feed_cut_input(&hf->cut, p, len, &used,
		    h264_feed_on_unit, hf, cause, sizeof(cause)) == -1) {
			log_rate_warnx(&lr, "%s: %s", hf->path, cause);
			h264_feed_end(hf, cause);
			return;
		}
		evbuffer_drain(in, used);
		if (used == 0)
			break;
	}
}

/* capd's socket closed or failed. */
static void
h264_feed_on_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		h264_feed_end(arg, what & BEV_EVENT_EOF ? "capd closed" :
		    "capd's socket failed");
}

/* Names the subscriber to capd, sent after each connect. */
int
h264_feed_set_name(struct h264_feed *hf, const char *name)
{
	char	 buf[FRAME_HELLO_MAX];

	if (frame_hello_format(name, buf, sizeof(buf)) == -1)
		return (-1);
	snprintf(hf->name, sizeof(hf->name), "%s", name);
	return (0);
}

/* -1 and the cause of a failed allocation. */
static int
h264_feed_nomem(char *cause, size_t causelen)
{
	snprintf(cause, causelen, "out of memory");
	return (-1);
}

/* Tells capd how many people watch through this feed, if it changed. */
static void
h264_feed_tell(struct h264_feed *hf)
{
	char	 buf[FRAME_HELLO_MAX];
	int	 n;

	if (hf->up == NULL || hf->told == hf->wanted)
		return;
	if ((n = frame_hello_format_viewers(hf->wanted, buf,
	    sizeof(buf))) > 0 && bufferevent_write(hf->up, buf, n) == 0)
		hf->told = hf->wanted;
}

/*
 * Asks capd for an IDR now (docs/frames.md): the line goes at once, or
 * after the few lines already waiting for the loop; if the socket cannot
 * take it now, it is dropped.
 */
int
h264_feed_want_idr(struct h264_feed *hf, char *cause, size_t causelen)
{
	static const char	 line[] = FRAME_HELLO_IDR;
	struct evbuffer		*out;
	size_t			 waiting;
	ssize_t			 n;

	if (hf->up == NULL) {
		snprintf(cause, causelen, "%s: not connected", hf->path);
		return (-1);
	}
	out = bufferevent_get_output(hf->up);
	if ((waiting = evbuffer_get_length(out)) > 0) {
		if (waiting + FRAME_HELLO_IDR_LEN > H264_FEED_LINES_MAX) {
			snprintf(cause, causelen, "%s: capd reads nothing: "
			    "IDR request dropped", hf->path);
			return (-1);
		}
		return (bufferevent_write(hf->up, line, FRAME_HELLO_IDR_LEN) ==
		    0 ? 0 : h264_feed_nomem(cause, causelen));
	}
	n = send(bufferevent_getfd(hf->up), line, FRAME_HELLO_IDR_LEN,
	    MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n == -1) {
		snprintf(cause, causelen, "%s: %s%s", hf->path,
		    errno == EAGAIN ? "socket full" : strerror(errno),
		    ": IDR request dropped");
		return (-1);
	}
	/* A line is never cut: its rest waits for the loop. */
	if (n < FRAME_HELLO_IDR_LEN && bufferevent_write(hf->up,
	    line + n, FRAME_HELLO_IDR_LEN - n) == -1)
		return (h264_feed_nomem(cause, causelen));
	return (0);
}

/* Connects to capd's socket unless connected.  0, or -1 with cause. */
static int
h264_feed_connect(struct h264_feed *hf, char *cause, size_t causelen)
{
	char	 line[FRAME_HELLO_MAX];
	int	 fd, n;

	if (hf->up == NULL) {
		if ((fd = unixsock_connect(hf->path)) == -1) {
			snprintf(cause, causelen, "%s: %s", hf->path,
			    strerror(errno));
			return (-1);
		}
		if ((hf->up = bufferevent_socket_new(hf->base, fd,
		    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
			close(fd);
			snprintf(cause, causelen, "out of memory");
			return (-1);
		}
		hf->connects++;
		hf->told = -1;
		if (hf->name[0] != '\0' && (n = frame_hello_format(hf->name,
		    line, sizeof(line))) > 0)
			bufferevent_write(hf->up, line, n);
		bufferevent_setcb(hf->up, h264_feed_on_read, NULL,
		    h264_feed_on_event, hf);
		bufferevent_setwatermark(hf->up, EV_READ, 0,
		    H264_FEED_AU_MAX + ANNEXB_AU_EXTRA);
		bufferevent_enable(hf->up, EV_READ);
	}
	return (0);
}

/*
 * One more viewer: connects if not connected.  While a break is waited
 * out (others want it already) the newcomer waits too.
 */
int
h264_feed_want(struct h264_feed *hf, char *cause, size_t causelen)
{
	evtimer_del(hf->ev_linger);
	if (h264_feed_connect(hf, cause, causelen) == -1 && hf->wanted == 0)
		return (-1);
	hf->wanted++;
	h264_feed_tell(hf);
	return (0);
}

/* Connects again after a break, while someone still wants the stream. */
static void
h264_feed_on_retry(evutil_socket_t fd, short what, void *arg)
{
	struct h264_feed	*hf = arg;
	char			 cause[256];

	if (hf->wanted == 0 || hf->up != NULL)
		return;
	if (h264_feed_connect(hf, cause, sizeof(cause)) == -1) {
		log_debug("%s: %s", __func__, cause);
		h264_feed_retry_in(hf, H264_FEED_RETRY_MAX_MS);
		return;
	}
	h264_feed_tell(hf);
}

/* The linger after the last viewer has passed. */
static void
h264_feed_on_linger(evutil_socket_t fd, short what, void *arg)
{
	struct h264_feed	*hf = arg;

	if (hf->wanted == 0)
		h264_feed_close(hf);
}

/* One viewer less: disconnects a second after the last. */
void
h264_feed_unwant(struct h264_feed *hf)
{
	struct timeval	 tv = { FRAME_SUB_LINGER_MS / 1000,
	    (FRAME_SUB_LINGER_MS % 1000) * 1000 };

	if (hf->wanted > 0 && --hf->wanted == 0) {
		if (hf->up != NULL)
			evtimer_add(hf->ev_linger, &tv);
		else
			h264_feed_close(hf);	/* nobody waits out a break */
	}
	h264_feed_tell(hf);
}

/* The current init segment, or NULL. */
struct frame *
h264_feed_init(const struct h264_feed *hf)
{
	return (hf->cut.init);
}

/* The current stream's picture size and frame rate. */
int
h264_feed_picture(const struct h264_feed *hf, int *width, int *height,
    int *fps)
{
	return (h264_feed_cut_picture(&hf->cut, width, height, fps));
}

/* A lone access unit delimiter. */
struct frame *
h264_feed_aud(const struct h264_feed *hf)
{
	return (hf->cut.aud);
}

/* Viewers wanting it. */
int
h264_feed_wanted(const struct h264_feed *hf)
{
	return (hf->wanted);
}

/* Connected to capd. */
int
h264_feed_connected(const struct h264_feed *hf)
{
	return (hf->up != NULL);
}

/* Units received. */
uint64_t
h264_feed_units(const struct h264_feed *hf)
{
	return (hf->cut.units);
}

/* Connections made. */
uint64_t
h264_feed_connects(const struct h264_feed *hf)
{
	return (hf->connects);
}

