/* SPDX-License-Identifier: ISC */
/* source.c: picks a source by its spec and runs it on demand. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "jpeg_size.h"
#include "jpeg_xform.h"
#include "log.h"
#include "source.h"
#include "yuyv.h"

static void	source_watch(evutil_socket_t, short, void *);

static const struct source_ops *source_table[] = {
	&source_test_ops,
	&source_file_ops,
	&source_exec_ops,
	&source_v4l2_ops,
};

/* The kind of source a spec names, or NULL. */
static const struct source_ops *
source_lookup(const char *spec)
{
	size_t	 i, n;

	for (i = 0; i < sizeof(source_table) / sizeof(source_table[0]); i++) {
		n = strlen(source_table[i]->prefix);
		if (strncmp(spec, source_table[i]->prefix, n) == 0 &&
		    (source_table[i]->prefix[n - 1] == ':' || spec[n] == '\0'))
			return (source_table[i]);
	}
	return (NULL);
}

/* Says whether spec names a kind of source (nothing is checked or opened). */
int
source_known(const char *spec)
{
	return (source_lookup(spec) != NULL);
}

/* Creates and checks the source named by conf->spec. */
struct source *
source_new(struct event_base *base, const struct source_conf *conf,
    source_frame_cb fcb, source_error_cb ecb, void *arg, char *cause,
    size_t causelen)
{
	const struct source_ops	*ops;
	struct source		*src;

	if ((ops = source_lookup(conf->spec)) == NULL) {
		snprintf(cause, causelen, "unknown source \"%s\" (expected "
		    "test, file:PATH, exec:COMMAND or v4l2:DEVICE)", conf->spec);
		return (NULL);
	}
	if ((src = calloc(1, sizeof(*src))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	src->ops = ops;
	src->conf = conf;
	src->base = base;
	src->arg = conf->spec + strlen(ops->prefix);
	src->frame_cb = fcb;
	src->error_cb = ecb;
	src->cb_arg = arg;
	src->xf_hflip = conf->hflip;
	src->xf_vflip = conf->vflip;
	src->xf_rotate = conf->rotate;
	if ((src->ev_watch = evtimer_new(base, source_watch, src)) == NULL) {
		snprintf(cause, causelen, "cannot create a timer");
		free(src);
		return (NULL);
	}
	if (ops->init(src, cause, causelen) == -1) {
		event_free(src->ev_watch);
		free(src);
		return (NULL);
	}
	return (src);
}

/* Stops and frees a source. */
void
source_free(struct source *src)
{
	if (src == NULL)
		return;
	source_stop(src);
	src->ops->destroy(src);
	event_free(src->ev_watch);
	jpeg_xform_free(src->xform);
	free(src);
}

/* Starts producing frames. */
int
source_start(struct source *src, char *cause, size_t causelen)
{
	struct timeval	 tv = { src->conf->watch_ms / 1000,
			    (src->conf->watch_ms % 1000) * 1000 };

	if (src->running)
		return (0);
	src->emitted = 0;
	if (src->ops->start(src, cause, causelen) == -1)
		return (-1);
	src->running = 1;
	if (src->conf->watch_ms > 0)
		evtimer_add(src->ev_watch, &tv);
	return (0);
}

/* Some time after the start: a source that gave no frame yet is failing. */
static void
source_watch(evutil_socket_t fd, short what, void *arg)
{
	struct source	*src = arg;

	if (src->running && src->emitted == 0)
		source_error(src, "no frame in %d.%d s since the start",
		    src->conf->watch_ms / 1000, src->conf->watch_ms % 1000 / 100);
}

/* Stops producing frames. */
void
source_stop(struct source *src)
{
	if (!src->running)
		return;
	src->ops->stop(src);
	evtimer_del(src->ev_watch);
	src->running = 0;
}

/* Applies changed flips and rotation from the next frame. */
void
source_reflip(struct source *src)
{
	if (src->running && src->ops->reflip != NULL) {
		src->ops->reflip(src);
		return;
	}
	src->xf_hflip = src->conf->hflip;
	src->xf_vflip = src->conf->vflip;
	src->xf_rotate = src->conf->rotate;
}

/* Frames dropped: the source's or outsiders' bytes, so rate-limited. */
static struct log_rate source_drops = LOG_RATE_INIT("dropped frames");

/* Flips and rotates a JPEG losslessly; NULL (logged) if it cannot. */
static const unsigned char *
source_xform(struct source *src, const unsigned char *jpeg, size_t *len)
{
	const unsigned char	*out;
	char			 cause[256];
	long			 n;

	if (src->xform != NULL && !jpeg_xform_is(src->xform, src->xf_hflip,
	    src->xf_vflip, src->xf_rotate)) {
		jpeg_xform_free(src->xform);
		src->xform = NULL;
	}
	if (src->xform == NULL && (src->xform = jpeg_xform_new(src->xf_hflip,
	    src->xf_vflip, src->xf_rotate, cause, sizeof(cause))) == NULL) {
		log_rate_warnx(&source_drops, "frame dropped: %s", cause);
		return (NULL);
	}
	jpeg_xform_set_max_pixels(src->xform, src->conf->max_pixels);
	if ((n = jpeg_xform_apply(src->xform, jpeg, *len, &out, cause,
	    sizeof(cause))) == -1) {
		log_rate_warnx(&source_drops, "frame dropped: %s", cause);
		return (NULL);
	}
	*len = n;
	return (out);
}

/* Checks, flips and rotates a JPEG; NULL (logged) if it is dropped. */
static const unsigned char *
source_check(struct source *src, const unsigned char *jpeg, size_t *lenp)
{
	size_t	 len = *lenp;
	int	 w, h;

	if (len > src->conf->max_frame) {
		log_rate_warnx(&source_drops, "frame of %zu bytes over "
		    "--max-frame-size %zu: dropped", len, src->conf->max_frame);
		return (NULL);
	}
	/* Before anything sizes buffers by the picture: the pixel budget. */
	if (src->conf->max_pixels != 0 &&
	    jpeg_size_parse(jpeg, len, &w, &h) == 0 &&
	    (unsigned long long)w * h > src->conf->max_pixels) {
		log_rate_warnx(&source_drops, "frame declaring %dx%d over "
		    "--max-pixels %llu: dropped", w, h, src->conf->max_pixels);
		return (NULL);
	}
	if (!jpeg_xform_identity(src->xf_hflip, src->xf_vflip,
	    src->xf_rotate))
		jpeg = source_xform(src, jpeg, lenp);
	return (jpeg);
}

/* Hands a JPEG to capd, flipped and rotated as asked. */
void
source_emit(struct source *src, const unsigned char *jpeg, size_t len,
    const struct timeval *ts)
{
	if ((jpeg = source_check(src, jpeg, &len)) == NULL)
		return;
	src->emitted++;
	src->frame_cb(jpeg, len, ts, src->cb_arg);
}

/* Lets sources hand uncompressed pictures to its outputs raw. */
void
source_set_raw(struct source *src, source_want_cb wcb, source_raw_cb rcb)
{
	src->want_cb = wcb;
	src->raw_cb = rcb;
}

/* What the outputs want of the next picture. */
int
source_wants(struct source *src)
{
	if (src->want_cb == NULL || src->raw_cb == NULL)
		return (SOURCE_WANT_JPEG);
	return (src->want_cb(src->cb_arg));
}

/* Hands capd a raw picture and its JPEG (or none). */
void
source_emit_raw(struct source *src, struct yuyv_pic *raw,
    const unsigned char *jpeg, size_t len, const struct timeval *ts)
{
	if (src->raw_cb == NULL) {
		if (jpeg != NULL)
			source_emit(src, jpeg, len, ts);
		return;
	}
	if (src->conf->max_pixels != 0 &&
	    (unsigned long long)raw->width * raw->height >
	    src->conf->max_pixels) {
		log_rate_warnx(&source_drops, "picture of %dx%d over "
		    "--max-pixels %llu: dropped", raw->width, raw->height,
		    src->conf->max_pixels);
		return;
	}
	if (jpeg != NULL)
		jpeg = source_check(src, jpeg, &len);
	raw->hflip = src->xf_hflip;
	raw->vflip = src->xf_vflip;
	raw->rotate = src->xf_rotate;
	src->emitted++;
	src->raw_cb(raw, jpeg, jpeg != NULL ? len : 0, ts, src->cb_arg);
}

/* Asks for an IDR where the source can. */
int
source_keyframe(struct source *src)
{
	if (!src->running || src->ops->keyframe == NULL)
		return (-1);
	return (src->ops->keyframe(src));
}

/* Hands an H.264 access unit to capd. */
void
source_emit_au(struct source *src, const unsigned char *au, size_t len,
    int idr, const struct timeval *ts)
{
	if (len > src->conf->max_frame) {
		log_rate_warnx(&source_drops, "access unit of %zu bytes over "
		    "--max-frame-size %zu: dropped", len, src->conf->max_frame);
		return;
	}
	src->emitted++;
	if (src->au_cb != NULL)
		src->au_cb(au, len, idr, ts, src->cb_arg);
}

/* Reports a failure. */
void
source_error(struct source *src, const char *fmt, ...)
{
	char	 cause[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(cause, sizeof(cause), fmt, ap);
	va_end(ap);
	if (src->error_cb != NULL)
		src->error_cb(cause, src->cb_arg);
	else
		log_warnx("%s", cause);
}
