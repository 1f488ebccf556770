/* SPDX-License-Identifier: ISC */
/*
 * source_v4l2.c: a V4L2 camera (--source v4l2:/dev/videoN).  Negotiates
 * the format and frame rate (logging what was asked and what was given),
 * streams through mmap buffers with the device in the event loop, and
 * hands each buffer back at once.  MJPEG passes through (standard Huffman
 * tables added when missing); YUYV/UYVY/RGB24 are encoded, and YUYV/UYVY
 * also go raw to the H.264 encoder while it runs (JPEG then only made
 * while the frame socket has subscribers).  Flips go to
 * the driver's controls when it has them (the rest is done losslessly on
 * the JPEG by source_emit).  A camera missing, busy, unplugged or silent
 * gives one log line; it is reopened with backoff and frames resume.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/videodev2.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "backoff.h"
#include "jpeg_dht.h"
#include "log.h"
#include "source.h"
#include "source_v4l2.h"
#include "timeval.h"
#include "yuyv.h"

#define V4L2_NBUF		4
#define V4L2_BACKOFF_MIN	250	/* ms */
#define V4L2_BACKOFF_MAX	5000
#define V4L2_SILENCE		5	/* s without a frame: camera lost */

struct v4l2_state {
	int			 fd;
	struct event		*ev_read, *ev_retry;
	struct backoff		 backoff;
	struct {
		void		*mem;
		size_t		 len;
	}			 bufs[V4L2_NBUF];
	unsigned int		 nbufs;
	uint32_t		 pixfmt;
	int			 width, height, stride;
	struct source_v4l2_yuv	*yuv;
	unsigned char		*dht;		/* frame with tables added */
	size_t			 dhtsize;
	char			 failure[256];	/* the outage being retried */
	int			 opened_once;
};

/* Formats in order of preference: passthrough first. */
static const uint32_t v4l2_prefer[] = {
	V4L2_PIX_FMT_MJPEG, V4L2_PIX_FMT_JPEG, V4L2_PIX_FMT_YUYV,
	V4L2_PIX_FMT_UYVY, V4L2_PIX_FMT_RGB24, V4L2_PIX_FMT_BGR24
};

static void	v4l2_fail(struct source *, const char *);

/* A fourcc as text. */
static const char *
v4l2_fcc(uint32_t f, char buf[5])
{
	snprintf(buf, 5, "%c%c%c%c", f & 0xff, (f >> 8) & 0xff,
	    (f >> 16) & 0xff, (f >> 24) & 0xff);
	return (buf);
}

/* ioctl, retried on EINTR. */
static int
v4l2_ioctl(int fd, unsigned long req, void *arg)
{
	int	 r;

	do
		r = ioctl(fd, req, arg);
	while (r == -1 && errno == EINTR);
	return (r);
}

/* Closes the device: streaming stopped, buffers unmapped. */
static void
v4l2_close(struct v4l2_state *vs)
{
	uint32_t	 type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	unsigned int	 i;

	if (vs->ev_read != NULL) {
		event_free(vs->ev_read);
		vs->ev_read = NULL;
	}
	if (vs->fd != -1)
		(void)v4l2_ioctl(vs->fd, VIDIOC_STREAMOFF, &type);
	for (i = 0; i < vs->nbufs; i++)
		munmap(vs->bufs[i].mem, vs->bufs[i].len);
	vs->nbufs = 0;
	if (vs->fd != -1) {
		close(vs->fd);
		vs->fd = -1;
	}
}

/* Picks the best format the device offers; 0 if none is usable. */
static uint32_t
v4l2_pick_format(int fd, int h264)
{
	struct v4l2_fmtdesc	 d;
	size_t			 i, best = sizeof(v4l2_prefer) / sizeof(v4l2_prefer[0]);

	memset(&d, 0, sizeof(d));
	d.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	for (d.index = 0; v4l2_ioctl(fd, VIDIOC_ENUM_FMT, &d) == 0; d.index++) {
		/* --source-format h264: that format, nothing else. */
		if (h264) {
			if (d.pixelformat == V4L2_PIX_FMT_H264)
				return (d.pixelformat);
			continue;
		}
		for (i = 0; i < best; i++)
			if (v4l2_prefer[i] == d.pixelformat)
				best = i;
	}
	if (h264)
		return (0);
	return (best < sizeof(v4l2_prefer) / sizeof(v4l2_prefer[0]) ?
	    v4l2_prefer[best] : 0);
}

/* Sets format and frame rate, logging what was asked and what was given. */
static int
v4l2_negotiate(struct source *src, char *cause, size_t causelen)
{
	struct v4l2_state	*vs = src->priv;
	const struct source_conf *conf = src->conf;
	struct v4l2_format	 fmt;
	struct v4l2_streamparm	 parm;
	char			 a[5], b[5];
	int			 quiet = vs->opened_once;
	uint32_t		 want;

	if ((want = v4l2_pick_format(vs->fd, conf->format ==
	    SOURCE_H264)) == 0) {
		snprintf(cause, causelen, conf->format == SOURCE_H264 ?
		    "no H.264 format (--source-format h264)" :
		    "no MJPEG, YUYV, UYVY or RGB24 format");
		return (-1);
	}
	memset(&fmt, 0, sizeof(fmt));
	fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	fmt.fmt.pix.width = conf->width;
	fmt.fmt.pix.height = conf->height;
	fmt.fmt.pix.pixelformat = want;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	if (v4l2_ioctl(vs->fd, VIDIOC_S_FMT, &fmt) == -1) {
		snprintf(cause, causelen, "VIDIOC_S_FMT: %s", strerror(errno));
		return (-1);
	}
	vs->pixfmt = fmt.fmt.pix.pixelformat;
	vs->width = fmt.fmt.pix.width;
	vs->height = fmt.fmt.pix.height;
	vs->stride = fmt.fmt.pix.bytesperline;
	if ((conf->format == SOURCE_H264 ? vs->pixfmt != V4L2_PIX_FMT_H264 :
	    (vs->pixfmt != V4L2_PIX_FMT_MJPEG &&
	    vs->pixfmt != V4L2_PIX_FMT_JPEG &&
	    !source_v4l2_yuv_supported(vs->pixfmt))) || vs->width <= 0 ||
	    vs->height <= 0) {
		snprintf(cause, causelen, "driver gave unusable format %s %dx%d",
		    v4l2_fcc(vs->pixfmt, a), vs->width, vs->height);
		return (-1);
	}
	if (!quiet)
		log_info("v4l2: asked %dx%d %s, driver gave %dx%d %s%s",
		    conf->width, conf->height, v4l2_fcc(want, a), vs->width,
		    vs->height, v4l2_fcc(vs->pixfmt, b),
		    source_v4l2_yuv_supported(vs->pixfmt) ? " (encoded)" :
		    " (passed through)");

	memset(&parm, 0, sizeof(parm));
	parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	parm.parm.capture.timeperframe.numerator = 1;
	parm.parm.capture.timeperframe.denominator = conf->fps;
	if (v4l2_ioctl(vs->fd, VIDIOC_S_PARM, &parm) == -1) {
		if (!quiet)
			log_info("v4l2: asked %d fps, driver cannot set it: %s",
			    conf->fps, strerror(errno));
	} else if (!quiet && parm.parm.capture.timeperframe.numerator != 0)
		log_info("v4l2: asked %d fps, driver gave %u/%u s per frame",
		    conf->fps, parm.parm.capture.timeperframe.numerator,
		    parm.parm.capture.timeperframe.denominator);
	return (0);
}

/*
 * Sets the driver's flip controls for what they can do, and tells
 * source_emit what is left to do on the JPEG.  A 180 degree rotation is
 * both flips.
 */
static void
v4l2_flips(struct source *src)
{
	struct v4l2_state	*vs = src->priv;
	const struct source_conf *conf = src->conf;
	int			 h = conf->hflip, v = conf->vflip, rot = conf->rotate;
	int			 hh, hv;

	hh = source_v4l2_ctrl_has(vs->fd, V4L2_CID_HFLIP);
	hv = source_v4l2_ctrl_has(vs->fd, V4L2_CID_VFLIP);
	if (rot == 180 && hh && hv) {
		h = !h;
		v = !v;
		rot = 0;
	}
	if (hh) {
		(void)source_v4l2_ctrl_set(vs->fd, V4L2_CID_HFLIP, h);
		h = 0;
	}
	if (hv) {
		(void)source_v4l2_ctrl_set(vs->fd, V4L2_CID_VFLIP, v);
		v = 0;
	}
	src->xf_hflip = h;
	src->xf_vflip = v;
	src->xf_rotate = rot;
}

/* Requests, maps and queues the buffers, then starts streaming. */
static int
v4l2_stream(struct v4l2_state *vs, char *cause, size_t causelen)
{
	struct v4l2_requestbuffers	 rb;
	struct v4l2_buffer		 b;
	uint32_t			 type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	unsigned int			 i;

	memset(&rb, 0, sizeof(rb));
	rb.count = V4L2_NBUF;
	rb.type = type;
	rb.memory = V4L2_MEMORY_MMAP;
	if (v4l2_ioctl(vs->fd, VIDIOC_REQBUFS, &rb) == -1) {
		snprintf(cause, causelen, "VIDIOC_REQBUFS: %s", strerror(errno));
		return (-1);
	}
	if (rb.count > V4L2_NBUF)
		rb.count = V4L2_NBUF;
	for (i = 0; i < rb.count; i++) {
		memset(&b, 0, sizeof(b));
		b.type = type;
		b.memory = V4L2_MEMORY_MMAP;
		b.index = i;
		if (v4l2_ioctl(vs->fd, VIDIOC_QUERYBUF, &b) == -1) {
			snprintf(cause, causelen, "VIDIOC_QUERYBUF: %s",
			    strerror(errno));
			return (-1);
		}
		vs->bufs[i].len = b.length;
		vs->bufs[i].mem = mmap(NULL, b.length, PROT_READ | PROT_WRITE,
		    MAP_SHARED, vs->fd, b.m.offset);
		if (vs->bufs[i].mem == MAP_FAILED) {
			snprintf(cause, causelen, "mmap: %s", strerror(errno));
			return (-1);
		}
		vs->nbufs++;
		if (v4l2_ioctl(vs->fd, VIDIOC_QBUF, &b) == -1) {
			snprintf(cause, causelen, "VIDIOC_QBUF: %s",
			    strerror(errno));
			return (-1);
		}
	}
	if (v4l2_ioctl(vs->fd, VIDIOC_STREAMON, &type) == -1) {
		snprintf(cause, causelen, "VIDIOC_STREAMON: %s", strerror(errno));
		return (-1);
	}
	return (0);
}

/* The capture time of a buffer as wall-clock time. */
static void
v4l2_walltime(const struct v4l2_buffer *b, struct timeval *tv)
{
	struct timespec	 mono;
	struct timeval	 now, age;

	timeval_now(&now);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	if ((b->flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) !=
	    V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC || b->timestamp.tv_sec == 0) {
		*tv = now;
		return;
	}
	age.tv_sec = mono.tv_sec - b->timestamp.tv_sec;
	age.tv_usec = mono.tv_nsec / 1000 - b->timestamp.tv_usec;
	while (age.tv_usec < 0) {
		age.tv_usec += 1000000;
		age.tv_sec--;
	}
	if (age.tv_sec < 0 || age.tv_sec > 10)
		*tv = now;
	else
		timersub(&now, &age, tv);
}

/*
 * An uncompressed picture: raw to the H.264 encoder when it wants it
 * (YUYV/UYVY), encoded to JPEG when JPEG is wanted.
 */
static void
v4l2_frame_raw(struct source *src, const unsigned char *data, size_t len,
    const struct timeval *tv)
{
	static struct log_rate	 lr = LOG_RATE_INIT("v4l2 drops");
	struct v4l2_state	*vs = src->priv;
	struct yuyv_pic		 raw;
	const unsigned char	*jpeg = NULL;
	char			 cause[256];
	int			 want = source_wants(src);
	long			 n = 0;

	if (vs->pixfmt != V4L2_PIX_FMT_YUYV && vs->pixfmt != V4L2_PIX_FMT_UYVY)
		want = SOURCE_WANT_JPEG;
	if ((want & SOURCE_WANT_JPEG) && (n = source_v4l2_yuv_encode(vs->yuv,
	    vs->pixfmt, data, len, vs->width, vs->height, vs->stride,
	    src->conf->quality, &jpeg, cause, sizeof(cause))) == -1) {
		log_rate_warnx(&lr, "v4l2: frame dropped: %s", cause);
		jpeg = NULL;
	}
	if (!(want & SOURCE_WANT_RAW)) {
		if (jpeg != NULL)
			source_emit(src, jpeg, n, tv);
		return;
	}
	memset(&raw, 0, sizeof(raw));
	raw.data = data;
	raw.len = len;
	raw.width = vs->width;
	raw.height = vs->height;
	raw.stride = vs->stride;
	raw.uyvy = vs->pixfmt == V4L2_PIX_FMT_UYVY;
	source_emit_raw(src, &raw, jpeg, n, tv);
}

/* Turns one filled buffer into a JPEG and emits it. */
static void
v4l2_frame(struct source *src, const unsigned char *data, size_t len,
    const struct timeval *tv)
{
	struct v4l2_state	*vs = src->priv;
	const unsigned char	*jpeg = data;
	long			 n = len;

	if (vs->pixfmt == V4L2_PIX_FMT_H264) {
		source_v4l2_h264_frame(src, data, len, tv);
		return;
	}
	if (source_v4l2_yuv_supported(vs->pixfmt)) {
		v4l2_frame_raw(src, data, len, tv);
		return;
	}
	if (len < 4 || data[0] != 0xff || data[1] != 0xd8) {
		log_debug("v4l2: buffer without a JPEG dropped");
		return;
	} else if (jpeg_dht_needed(data, len)) {
		if (vs->dhtsize < len + JPEG_DHT_SIZE) {
			free(vs->dht);
			vs->dhtsize = len + JPEG_DHT_SIZE;
			if ((vs->dht = malloc(vs->dhtsize)) == NULL) {
				vs->dhtsize = 0;
				return;
			}
		}
		if ((n = jpeg_dht_insert(vs->dht, vs->dhtsize, data, len)) == -1) {
			log_debug("v4l2: malformed JPEG dropped");
			return;
		}
		jpeg = vs->dht;
	}
	source_emit(src, jpeg, n, tv);
}

/* The device is readable: dequeue, emit and requeue every ready buffer. */
static void
v4l2_readable(evutil_socket_t fd, short what, void *arg)
{
	struct source		*src = arg;
	struct v4l2_state	*vs = src->priv;
	struct v4l2_buffer	 b;
	struct timeval		 tv;
	char			 cause[128];

	if (what & EV_TIMEOUT) {
		v4l2_fail(src, "no frame for " "5 s (DQBUF timeout)");
		return;
	}
	for (;;) {
		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		if (v4l2_ioctl(vs->fd, VIDIOC_DQBUF, &b) == -1) {
			if (errno == EAGAIN)
				return;
			snprintf(cause, sizeof(cause), "VIDIOC_DQBUF: %s",
			    strerror(errno));
			v4l2_fail(src, cause);
			return;
		}
		if (b.index < vs->nbufs && !(b.flags & V4L2_BUF_FLAG_ERROR) &&
		    b.bytesused > 0 && b.bytesused <= vs->bufs[b.index].len) {
			v4l2_walltime(&b, &tv);
			v4l2_frame(src, vs->bufs[b.index].mem, b.bytesused, &tv);
		}
		if (vs->failure[0] != '\0') {
			log_info("v4l2: %s: streaming again", src->arg);
			vs->failure[0] = '\0';
			backoff_reset(&vs->backoff);
		}
		if (v4l2_ioctl(vs->fd, VIDIOC_QBUF, &b) == -1) {
			snprintf(cause, sizeof(cause), "VIDIOC_QBUF: %s",
			    strerror(errno));
			v4l2_fail(src, cause);
			return;
		}
	}
}

/* Opens and sets up the camera, streaming from the event loop. */
static int
v4l2_open(struct source *src, char *cause, size_t causelen)
{
	struct v4l2_state	*vs = src->priv;
	struct v4l2_capability	 cap;
	struct timeval		 silence = { V4L2_SILENCE, 0 };
	uint32_t		 caps;

	if ((vs->fd = open(src->arg, O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1) {
		snprintf(cause, causelen, "%s: %s", src->arg, errno == EBUSY ?
		    "busy (another program has the camera)" : strerror(errno));
		return (-1);
	}
	memset(&cap, 0, sizeof(cap));
	if (v4l2_ioctl(vs->fd, VIDIOC_QUERYCAP, &cap) == -1) {
		snprintf(cause, causelen, "%s: not a V4L2 device: %s",
		    src->arg, strerror(errno));
		goto fail;
	}
	caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps :
	    cap.capabilities;
	if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING)) {
		snprintf(cause, causelen, "%s: not a streaming capture device",
		    src->arg);
		goto fail;
	}
	if (!vs->opened_once)
		log_info("v4l2: %s: %s (%s)", src->arg, cap.card, cap.driver);
	if (v4l2_negotiate(src, cause, causelen) == -1)
		goto fail;
	source_v4l2_ctrl_apply(vs->fd, src->conf->ctrls, vs->opened_once);
	v4l2_flips(src);
	if (vs->pixfmt == V4L2_PIX_FMT_H264)
		source_v4l2_h264_setup(vs->fd, src->conf, vs->opened_once);
	if (v4l2_stream(vs, cause, causelen) == -1)
		goto fail;
	vs->ev_read = event_new(src->base, vs->fd, EV_READ | EV_PERSIST,
	    v4l2_readable, src);
	if (vs->ev_read == NULL || event_add(vs->ev_read, &silence) == -1) {
		snprintf(cause, causelen, "cannot watch the device");
		goto fail;
	}
	vs->opened_once = 1;
	return (0);
fail:
	v4l2_close(vs);
	return (-1);
}

/* Schedules the next attempt to open the camera. */
static void
v4l2_schedule(struct source *src)
{
	struct v4l2_state	*vs = src->priv;
	struct timeval		 tv;

	backoff_next(&vs->backoff, &tv);
	evtimer_add(vs->ev_retry, &tv);
}

/* Records an outage (one log line for all of it), then retries. */
static void
v4l2_fail(struct source *src, const char *cause)
{
	struct v4l2_state	*vs = src->priv;

	v4l2_close(vs);
	if (vs->failure[0] == '\0') {
		source_error(src, "%s (retrying)", cause);
		snprintf(vs->failure, sizeof(vs->failure), "%s", cause);
	} else
		log_debug("v4l2: still failing: %s", cause);
	v4l2_schedule(src);
}

/* Retry timer: opens the camera again. */
static void
v4l2_retry(evutil_socket_t fd, short what, void *arg)
{
	struct source	*src = arg;
	char		 cause[256];

	if (v4l2_open(src, cause, sizeof(cause)) == -1)
		v4l2_fail(src, cause);
}

static int
v4l2_init(struct source *src, char *cause, size_t causelen)
{
	struct v4l2_state	*vs;

	if (src->arg[0] != '/') {
		snprintf(cause, causelen, "v4l2: \"%s\" is not a device path "
		    "(v4l2:/dev/videoN)", src->arg);
		return (-1);
	}
	if ((vs = calloc(1, sizeof(*vs))) == NULL ||
	    (vs->yuv = source_v4l2_yuv_new()) == NULL) {
		free(vs);
		snprintf(cause, causelen, "out of memory");
		return (-1);
	}
	vs->fd = -1;
	backoff_init(&vs->backoff, V4L2_BACKOFF_MIN, V4L2_BACKOFF_MAX);
	if ((vs->ev_retry = evtimer_new(src->base, v4l2_retry, src)) == NULL) {
		source_v4l2_yuv_free(vs->yuv);
		free(vs);
		snprintf(cause, causelen, "out of memory");
		return (-1);
	}
	src->priv = vs;
	return (0);
}

/* Starts: a camera that cannot be opened yet is retried in the background. */
static int
v4l2_start(struct source *src, char *cause, size_t causelen)
{
	struct v4l2_state	*vs = src->priv;
	char			 why[256];

	vs->failure[0] = '\0';
	backoff_reset(&vs->backoff);
	if (v4l2_open(src, why, sizeof(why)) == -1)
		v4l2_fail(src, why);
	return (0);
}

static void
v4l2_stop(struct source *src)
{
	struct v4l2_state	*vs = src->priv;

	evtimer_del(vs->ev_retry);
	v4l2_close(vs);
}

static void
v4l2_destroy(struct source *src)
{
	struct v4l2_state	*vs = src->priv;

	v4l2_stop(src);
	event_free(vs->ev_retry);
	source_v4l2_yuv_free(vs->yuv);
	free(vs->dht);
	free(vs);
}

/* --list-controls: opens dev and prints its controls. */
int
source_v4l2_list_controls(const char *dev, FILE *f, char *cause,
    size_t causelen)
{
	int	 fd;

	if ((fd = open(dev, O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1) {
		snprintf(cause, causelen, "%s: %s", dev, strerror(errno));
		return (-1);
	}
	source_v4l2_ctrl_list(fd, f);
	close(fd);
	return (0);
}

/* The conf's flips changed: to the driver if the camera is open. */
static void
v4l2_reflip(struct source *src)
{
	struct v4l2_state	*vs = src->priv;

	if (vs->fd != -1)
		v4l2_flips(src);
}

/* Asks the camera for an IDR now. */
static int
v4l2_keyframe(struct source *src)
{
	struct v4l2_state	*vs = src->priv;

	return (source_v4l2_h264_keyframe(vs->fd));
}

/* The open camera's descriptor, or -1 (for its controls). */
int
source_v4l2_fd(const struct source *src)
{
	const struct v4l2_state	*vs = src->priv;

	return (src->ops == &source_v4l2_ops ? vs->fd : -1);
}

const struct source_ops source_v4l2_ops = {
	.prefix = "v4l2:",
	.init = v4l2_init,
	.start = v4l2_start,
	.stop = v4l2_stop,
	.destroy = v4l2_destroy,
	.reflip = v4l2_reflip,
	.keyframe = v4l2_keyframe,
};
