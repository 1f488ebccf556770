/* SPDX-License-Identifier: ISC */
/*
 * mjpeg.c: the MJPEG stream.  capd's parts are already HTTP multipart parts,
 * so each frame's whole buffer is relayed by reference.  Latest frame wins
 * per client (common/frame/fanout.c): one part in flight, one pending; a slow client
 * skips frames.  Each part goes out as viewer.c writes every stream: in one
 * sendmsg, with its chunk framing for HTTP/1.1 requests, raw until close
 * for HTTP/1.0 ones (mjpg-streamer's form).
 */
#include <sys/queue.h>
#include <stdlib.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "fanout.h"
#include "frame.h"

#include "cam.h"
#include "jpeg_feed.h"
#include "mjpeg.h"
#include "reply.h"
#include "viewer.h"
#include "web.h"

#define MJPEG_FPS_MAX		120

struct mjpeg {
	struct cam			*cam;
	struct viewer_set		 viewers;
};

/* A viewer left: its camera's admission and its want of frames end. */
static void
mjpeg_on_leave(void *arg)
{
	struct mjpeg	*m = arg;

	cam_release(m->cam);
	jpeg_feed_unwant(m->cam->feed);
}

static void	mjpeg_on_frame(struct frame *, void *);
static void	mjpeg_on_fail(const char *, int, void *);

/* Creates the stream handler state, listening to the camera. */
struct mjpeg *
mjpeg_new(struct cam *cam)
{
	struct cam_listener	 l = { mjpeg_on_frame, mjpeg_on_fail, NULL };
	struct mjpeg		*m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return (NULL);
	m->cam = cam;
	viewer_set_init(&m->viewers, cam->w, "stream client", 1,
	    mjpeg_on_leave, m);
	l.arg = m;
	if (cam_listen(cam, &l) == -1) {
		free(m);
		return (NULL);
	}
	cam->sets[cam->nsets++] = &m->viewers;
	return (m);
}

/* Stream clients connected. */
int
mjpeg_clients(const struct mjpeg *m)
{
	return (viewer_count(&m->viewers));
}

/* Ends every stream and frees. */
void
mjpeg_free(struct mjpeg *m)
{
	if (m == NULL)
		return;
	viewer_end_all(&m->viewers);
	free(m);
}

/* The camera's frame to every client: sent now, or kept as the pending one. */
static void
mjpeg_on_frame(struct frame *f, void *arg)
{
	struct mjpeg	*m = arg;

	viewer_offer(&m->viewers, f);
}

/* capd gives the camera no JPEG: every stream ends. */
static void
mjpeg_on_fail(const char *msg, int refused, void *arg)
{
	struct mjpeg	*m = arg;

	if (refused)
		viewer_end_all(&m->viewers);
}

/* Reads ?fps=N (1..MJPEG_FPS_MAX; 0 or absent: no cap).  -1 if bad. */
static int
mjpeg_query_fps(const char *query, unsigned *fps)
{
	struct evkeyvalq	 q;
	const char		*v;
	char			*end;
	long			 n = 0;
	int			 rc = 0;

	*fps = 0;
	if (query == NULL)
		return (0);
	TAILQ_INIT(&q);
	if (evhttp_parse_query_str(query, &q) == -1)
		return (-1);
	if ((v = evhttp_find_header(&q, "fps")) != NULL) {
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || n < 0 || n > MJPEG_FPS_MAX)
			rc = -1;
		else
			*fps = (unsigned)n;
	}
	evhttp_clear_headers(&q);
	return (rc);
}

/* The stream's response headers. */
static void
mjpeg_headers(struct evkeyvalq *h)
{
	evhttp_add_header(h, "Content-Type", MJPEG_CONTENT_TYPE);
	evhttp_add_header(h, "Cache-Control", "no-store, no-cache");
	evhttp_add_header(h, "Pragma", "no-cache");
}

/* Starts a stream for the request. */
void
mjpeg_handle(struct cam *cam, struct evhttp_request *req, const char *query)
{
	struct mjpeg			*m = cam->mjpeg;
	struct evkeyvalq		*h = evhttp_request_get_output_headers(req);
	struct viewer			*v;
	struct frame			*f;
	unsigned			 fps;

	if (mjpeg_query_fps(query, &fps) == -1) {
		reply_text(req, 400, "Bad Request",
		    "fps must be a whole number from 0 to 120");
		return;
	}
	if (cam->refusal[0] != '\0') {
		/* capd gives no JPEG: said at once; looked at again. */
		reply_text(req, 503, "Service Unavailable", cam->refusal);
		jpeg_feed_want(cam->feed);
		jpeg_feed_unwant(cam->feed);
		return;
	}
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		mjpeg_headers(h);
		evhttp_send_reply(req, 200, "OK", NULL);
		return;
	}
	viewer_make_room(cam->w, req);
	viewer_make_room_in(cam->w, cam->sets, cam->nsets,
	    cam->admit.n >= cam->admit.max, req);
	if (cam_admit(cam, req) == -1)
		return;
	if ((v = viewer_new(&m->viewers, req)) == NULL) {
		cam_release(cam);
		return;
	}
	mjpeg_headers(h);
	viewer_start(v, FANOUT_LATEST, fps, 0);
	jpeg_feed_want(cam->feed);
	if ((f = jpeg_feed_fresh(cam->feed)) != NULL && v->fan.sent == 0 &&
	    v->fan.pending == NULL)
		viewer_offer_one(v, f);
}
