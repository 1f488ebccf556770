/* SPDX-License-Identifier: ISC */
/*
 * h264_http.c: /stream.h264 and /stream.mp4.  One subscription to capd's
 * H.264 socket per camera (common/media/h264_feed.c), cut into access units once
 * and muxed into fMP4 once: every viewer sends the same frames by
 * reference, whole units in order (common/frame/fanout.c), each in one sendmsg
 * (viewer.c).  A viewer starts at an IDR, after the init segment (MP4) or a
 * delimiter (raw); one that falls behind skips to a later IDR, and one
 * that takes nothing for --stream-timeout seconds is dropped by the
 * connection's write timeout.  Nobody waits for anybody else.  The
 * sub-stream (/sub.h264, /sub.mp4) is a second such handler on capd's
 * sub-stream socket.
 */
#include <sys/queue.h>
#include <sys/stat.h>

#include <stdlib.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "fanout.h"
#include "frame.h"
#include "h264_feed.h"
#include "log.h"

#include "cam.h"
#include "h264_http.h"
#include "reply.h"
#include "viewer.h"
#include "web.h"

struct h264_http {
	struct cam			*cam;
	const char			*path;	/* capd's socket, or NULL */
	struct h264_feed		*feed;
	struct viewer_set		 viewers;	/* form 1: MP4 */
	/* The picture its SPS last gave (width 0: none), and the socket's
	 * file then: capd's stream keeps its size while that stays. */
	int				 width, height, fps;
	dev_t				 dev;
	ino_t				 ino;
	struct timespec			 ctime;
	int				 learning;	/* wants the feed for it */
	struct event			*ev_learn;	/* its deadline */
};

static void	h264_http_on_unit(const struct h264_unit *, void *);
static void	h264_http_on_end(const char *, void *);
static void	h264_http_on_learn(evutil_socket_t, short, void *);
static void	h264_http_learnt(struct h264_http *);

/* A viewer left: its camera's admission and its want of units end. */
static void
h264_http_on_leave(void *arg)
{
	struct h264_http	*hh = arg;

	cam_release(hh->cam);
	h264_feed_unwant(hh->feed);
}

/* Creates the camera's handler state and its (unconnected) feed. */
struct h264_http *
h264_http_new(struct cam *cam, const char *path)
{
	struct h264_http	*hh;

	if ((hh = calloc(1, sizeof(*hh))) == NULL)
		return (NULL);
	hh->cam = cam;
	hh->path = path;
	viewer_set_init(&hh->viewers, cam->w, "H.264 viewer", 0,
	    h264_http_on_leave, hh);
	if (path != NULL && ((hh->feed = h264_feed_new(cam->w->base, path,
	    h264_http_on_unit, h264_http_on_end, hh)) == NULL ||
	    (hh->ev_learn = evtimer_new(cam->w->base, h264_http_on_learn,
	    hh)) == NULL)) {
		h264_feed_free(hh->feed);
		free(hh);
		return (NULL);
	}
	if (hh->feed != NULL)
		h264_feed_set_name(hh->feed, "httpd");
	cam->sets[cam->nsets++] = &hh->viewers;
	return (hh);
}

/* Viewers connected. */
int
h264_http_clients(const struct h264_http *hh)
{
	return (hh != NULL ? viewer_count(&hh->viewers) : 0);
}

/* Ends every stream and frees. */
void
h264_http_free(struct h264_http *hh)
{
	if (hh == NULL)
		return;
	h264_http_learnt(hh);
	viewer_end_all(&hh->viewers);
	if (hh->ev_learn != NULL)
		event_free(hh->ev_learn);
	h264_feed_free(hh->feed);
	free(hh);
}

/* The feed broke: viewers wait on their connections for it to go on. */
static void
h264_http_on_end(const char *cause, void *arg)
{
	static struct log_rate	 lr = LOG_RATE_INIT("H.264 stream breaks");
	struct h264_http	*hh = arg;

	if (viewer_count(&hh->viewers) > 0)
		log_rate_info(&lr, "camera %s: H.264 %sstream ended (%s): %d "
		    "viewers wait for it", hh->cam->name,
		    hh == hh->cam->h264sub ? "sub-" : "", cause,
		    viewer_count(&hh->viewers));
}

/* Keeps the picture of the feed's stream, if it has one. */
static void
h264_http_keep(struct h264_http *hh)
{
	struct stat	 sb;
	int		 w, h, fps;

	if (h264_feed_picture(hh->feed, &w, &h, &fps) == -1 ||
	    stat(hh->path, &sb) == -1)
		return;
	hh->width = w;
	hh->height = h;
	hh->fps = fps;
	hh->dev = sb.st_dev;
	hh->ino = sb.st_ino;
	hh->ctime = sb.st_ctim;
}

/* Learning ends: the feed is no longer wanted for it. */
static void
h264_http_learnt(struct h264_http *hh)
{
	if (!hh->learning)
		return;
	hh->learning = 0;
	evtimer_del(hh->ev_learn);
	h264_feed_unwant(hh->feed);
}

/* No IDR came in time: the picture stays unknown. */
static void
h264_http_on_learn(evutil_socket_t fd, short what, void *arg)
{
	h264_http_learnt(arg);
}

/* The stream's picture: 1, 0 while learning it, -1 if unknown. */
int
h264_http_picture(struct h264_http *hh, int *width, int *height, int *fps)
{
	struct stat	 sb;

	if (hh == NULL || hh->feed == NULL)
		return (-1);
	h264_http_keep(hh);
	if (hh->width > 0 && stat(hh->path, &sb) == 0 &&
	    sb.st_dev == hh->dev && sb.st_ino == hh->ino &&
	    sb.st_ctim.tv_sec == hh->ctime.tv_sec &&
	    sb.st_ctim.tv_nsec == hh->ctime.tv_nsec) {
		*width = hh->width;
		*height = hh->height;
		*fps = hh->fps;
		return (1);
	}
	return (hh->learning ? 0 : -1);
}

/* Wants the feed up to its first IDR, unless the picture is known. */
void
h264_http_learn(struct h264_http *hh)
{
	struct timeval	 tv = { H264_HTTP_LEARN_MS / 1000,
	    (H264_HTTP_LEARN_MS % 1000) * 1000 };
	char		 cause[256];
	int		 w, h, fps;

	if (hh == NULL || hh->feed == NULL || hh->learning ||
	    h264_http_picture(hh, &w, &h, &fps) == 1)
		return;
	if (h264_feed_want(hh->feed, cause, sizeof(cause)) == -1) {
		log_debug("%s: %s", __func__, cause);
		return;
	}
	hh->learning = 1;
	evtimer_add(hh->ev_learn, &tv);
}

/* One access unit for every viewer: each gets its form of it, in order. */
static void
h264_http_on_unit(const struct h264_unit *u, void *arg)
{
	struct h264_http	*hh = arg;
	struct frame		*units[2], *heads[2];

	if (hh->learning && u->idr) {
		h264_http_keep(hh);
		h264_http_learnt(hh);
	}

	/* Raw from a delimiter; MP4 fragments after the init segment. */
	units[0] = u->raw;
	units[1] = u->frag;
	heads[0] = h264_feed_aud(hh->feed);
	heads[1] = h264_feed_init(hh->feed);
	/* After a break with new parameters, MP4 viewers get the new init. */
	viewer_offer_unit(&hh->viewers, units, heads, u->idr,
	    u->newinit ? 1u << 1 : 0);
}

/*
 * Whether capd gives this camera no sub-stream: its H.264 socket is there
 * but the sub-stream's is not (capd runs without --h264-sub).
 */
static int
h264_http_no_sub(const struct cam *cam)
{
	struct stat	 sb;

	return (cam->h264path == NULL || cam->h264subpath == NULL ||
	    (stat(cam->h264subpath, &sb) == -1 &&
	    stat(cam->h264path, &sb) == 0));
}

/* Starts a stream of hh for the request: raw H.264, or fragmented MP4. */
static void
h264_http_start(struct cam *cam, struct h264_http *hh,
    struct evhttp_request *req, int mp4)
{
	struct evkeyvalq		*h = evhttp_request_get_output_headers(req);
	struct viewer			*v;
	char				 cause[256];

	if (cam->h264path == NULL || hh == NULL || hh->feed == NULL) {
		reply_text(req, 404, "Not Found",
		    "no H.264 for this camera");
		return;
	}
	if (hh == cam->h264sub && h264_http_no_sub(cam)) {
		reply_text(req, 404, "Not Found", "no sub-stream for this "
		    "camera (capd --h264-sub gives one)");
		return;
	}
	evhttp_add_header(h, "Content-Type", mp4 ? "video/mp4" :
	    "video/h264");
	evhttp_add_header(h, "Cache-Control", "no-store, no-cache");
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		evhttp_send_reply(req, 200, "OK", NULL);
		return;
	}
	viewer_make_room(cam->w, req);
	viewer_make_room_in(cam->w, cam->sets, cam->nsets,
	    cam->admit.n >= cam->admit.max, req);
	if (cam_admit(cam, req) == -1)
		return;
	if (h264_feed_want(hh->feed, cause, sizeof(cause)) == -1) {
		log_debug("%s: %s", __func__, cause);
		cam_release(cam);
		reply_text(req, 503, "Service Unavailable",
		    "the H.264 stream is not available");
		return;
	}
	if ((v = viewer_new(&hh->viewers, req)) == NULL) {
		h264_feed_unwant(hh->feed);
		cam_release(cam);
		return;
	}
	viewer_start(v, FANOUT_ORDERED, 0, mp4);
}

/* GET /stream.h264. */
void
h264_http_raw(struct cam *cam, struct evhttp_request *req, const char *query)
{
	h264_http_start(cam, cam->h264, req, 0);
}

/* GET /stream.mp4. */
void
h264_http_mp4(struct cam *cam, struct evhttp_request *req, const char *query)
{
	h264_http_start(cam, cam->h264, req, 1);
}

/* GET /sub.h264. */
void
h264_http_sub_raw(struct cam *cam, struct evhttp_request *req,
    const char *query)
{
	h264_http_start(cam, cam->h264sub, req, 0);
}

/* GET /sub.mp4. */
void
h264_http_sub_mp4(struct cam *cam, struct evhttp_request *req,
    const char *query)
{
	h264_http_start(cam, cam->h264sub, req, 1);
}
