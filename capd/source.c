/* source.c: picks a source by its spec and runs it on demand. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jpeg_xform.h"
#include "log.h"
#include "source.h"

static const struct source_ops *source_table[] = {
	&source_test_ops,
	&source_file_ops,
	&source_exec_ops,
	&source_v4l2_ops,
};

/* Creates and checks the source named by conf->spec. */
struct source *
source_new(struct event_base *base, const struct source_conf *conf,
    source_frame_cb fcb, source_error_cb ecb, void *arg, char *cause,
    size_t causelen)
{
	const struct source_ops	*ops = NULL;
	struct source		*src;
	size_t			 i, n;

	for (i = 0; i < sizeof(source_table) / sizeof(source_table[0]); i++) {
		n = strlen(source_table[i]->prefix);
		if (strncmp(conf->spec, source_table[i]->prefix, n) == 0 &&
		    (source_table[i]->prefix[n - 1] == ':' ||
		    conf->spec[n] == '\0')) {
			ops = source_table[i];
			break;
		}
	}
	if (ops == NULL) {
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
	if (ops->init(src, cause, causelen) == -1) {
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
	jpeg_xform_free(src->xform);
	free(src);
}

/* Starts producing frames. */
int
source_start(struct source *src, char *cause, size_t causelen)
{
	if (src->running)
		return (0);
	if (src->ops->start(src, cause, causelen) == -1)
		return (-1);
	src->running = 1;
	return (0);
}

/* Stops producing frames. */
void
source_stop(struct source *src)
{
	if (!src->running)
		return;
	src->ops->stop(src);
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
		log_warnx("frame dropped: %s", cause);
		return (NULL);
	}
	if ((n = jpeg_xform_apply(src->xform, jpeg, *len, &out, cause,
	    sizeof(cause))) == -1) {
		log_warnx("frame dropped: %s", cause);
		return (NULL);
	}
	*len = n;
	return (out);
}

/* Hands a JPEG to capd, flipped and rotated as asked. */
void
source_emit(struct source *src, const unsigned char *jpeg, size_t len,
    const struct timeval *ts)
{
	if (len > src->conf->max_frame) {
		log_warnx("frame of %zu bytes over --max-frame-size %zu: "
		    "dropped", len, src->conf->max_frame);
		return;
	}
	if (!jpeg_xform_identity(src->xf_hflip, src->xf_vflip,
	    src->xf_rotate)) {
		if ((jpeg = source_xform(src, jpeg, &len)) == NULL)
			return;
	}
	src->frame_cb(jpeg, len, ts, src->cb_arg);
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
