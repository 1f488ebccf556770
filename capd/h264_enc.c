/* SPDX-License-Identifier: ISC */
/*
 * h264_enc.c: the H.264 encoder thread: a JPEG (decoded) or a raw packed
 * 4:2:2 camera picture (converted) to YUV 4:2:0, to libavcodec.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <turbojpeg.h>

#include "annexb.h"
#include "h264_enc.h"
#include "log.h"
#include "yuyv.h"

#define H264_ENC_QUEUE	32	/* access units waiting for the loop */
#define H264_ENC_PTS	16	/* frames the encoder may hold */
#define H264_ENC_PS_MAX	1024	/* SPS and PPS kept for IDRs */
#define H264_ENC_HW	"h264_v4l2m2m"
#define H264_ENC_HWDEV	"/dev/video11"	/* the Pi's encoder */

struct h264_enc {
	struct h264_enc_conf	 conf;
	pthread_t		 thread;
	int			 pipe[2];
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cond;
	/* Under mtx: */
	int			 stop;
	int			 want_idr;
	unsigned char		*in;		/* the latest picture */
	size_t			 inlen, insize;
	struct yuyv_pic		 inraw;		/* data NULL: in is a JPEG */
	int			 ready;		/* in not taken yet */
	uint64_t		 inseq;
	struct timeval		 ints;
	unsigned long long	 skipped;
	struct h264_au		 q[H264_ENC_QUEUE];
	int			 qhead, qlen, lost;
	/* The worker's own: */
	unsigned char		*work;
	size_t			 worksize;
	tjhandle		 tj;
	unsigned char		*planes[3];
	size_t			 planesize;
	AVCodecContext		*ctx;
	AVFrame			*frame;
	AVPacket		*pkt;
	int			 width, height;	/* the encoder's, even */
	int			 failed;	/* at this size */
	int64_t			 pts;
	struct {
		int64_t		 pts;
		uint64_t	 seq;
		struct timeval	 ts;
		int		 raw;
	}			 pend[H264_ENC_PTS];
	int			 lastraw;	/* the input kind logged */
	unsigned char		 ps[H264_ENC_PS_MAX];
	size_t			 pslen;
};

/* Queues an access unit (or a failure) for the loop and wakes it. */
static void
h264_enc_push(struct h264_enc *e, struct h264_au *au)
{
	pthread_mutex_lock(&e->mtx);
	if (e->qlen == H264_ENC_QUEUE) {
		free(au->buf);
		e->lost = 1;
	} else {
		au->lost = e->lost;
		e->lost = 0;
		e->q[(e->qhead + e->qlen++) % H264_ENC_QUEUE] = *au;
	}
	pthread_mutex_unlock(&e->mtx);
	(void)!write(e->pipe[1], "", 1);
}

/* Reports a failure to the loop. */
static void
h264_enc_fail(struct h264_enc *e, const char *cause)
{
	struct h264_au	 au;

	memset(&au, 0, sizeof(au));
	snprintf(au.cause, sizeof(au.cause), "%s", cause);
	h264_enc_push(e, &au);
}

/* Opens one encoder by name at the current size. */
static AVCodecContext *
h264_enc_open1(struct h264_enc *e, const char *name, char *cause,
    size_t causelen)
{
	const AVCodec	*codec;
	AVCodecContext	*ctx;
	AVDictionary	*opts = NULL;
	long		 rate = e->conf.bitrate;
	int		 r;

	if ((codec = avcodec_find_encoder_by_name(name)) == NULL) {
		snprintf(cause, causelen, "no encoder %s in libavcodec", name);
		return (NULL);
	}
	if ((ctx = avcodec_alloc_context3(codec)) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	/* Default: 0.07 bits per pixel, 1.9 Mbit/s at 1280x720 30 fps. */
	if (rate == 0)
		rate = (long)((double)e->width * e->height * e->conf.fps *
		    0.07);
	ctx->width = e->width;
	ctx->height = e->height;
	ctx->pix_fmt = AV_PIX_FMT_YUV420P;
	/* JPEG's YUV is full range: said so in the SPS, not squeezed. */
	ctx->color_range = AVCOL_RANGE_JPEG;
	ctx->time_base = (AVRational){ 1, e->conf.fps };
	ctx->framerate = (AVRational){ e->conf.fps, 1 };
	ctx->gop_size = (int)((long long)e->conf.fps * e->conf.gop_ms / 1000);
	if (ctx->gop_size < 1)
		ctx->gop_size = 1;
	ctx->max_b_frames = 0;
	ctx->bit_rate = rate;
	ctx->rc_max_rate = rate;
	ctx->rc_buffer_size = rate;
	ctx->flags |= AV_CODEC_FLAG_LOW_DELAY;
	if (strcmp(e->conf.profile, "baseline") == 0)
		ctx->profile = FF_PROFILE_H264_CONSTRAINED_BASELINE;
	else if (strcmp(e->conf.profile, "main") == 0)
		ctx->profile = FF_PROFILE_H264_MAIN;
	else
		ctx->profile = FF_PROFILE_H264_HIGH;
	if (strcmp(name, "libx264") == 0) {
		av_dict_set(&opts, "preset", "veryfast", 0);
		av_dict_set(&opts, "tune", "zerolatency", 0);
		av_dict_set(&opts, "profile", e->conf.profile, 0);
		av_dict_set(&opts, "forced-idr", "1", 0);
	}
	r = avcodec_open2(ctx, codec, &opts);
	av_dict_free(&opts);
	if (r < 0) {
		snprintf(cause, causelen, "%s: %s", name, av_err2str(r));
		avcodec_free_context(&ctx);
		return (NULL);
	}
	return (ctx);
}

/* Keeps the SPS and PPS of buf (Annex-B) for IDRs that lack them. */
static void
h264_enc_keep_ps(struct h264_enc *e, const unsigned char *buf, size_t len)
{
	struct annexb_nal	 nal;
	size_t			 pos = 0, n = 0;

	while (annexb_next(buf, len, &pos, &nal) == 0) {
		if (nal.type != ANNEXB_SPS && nal.type != ANNEXB_PPS)
			continue;
		if (n + 4 + nal.len > sizeof(e->ps))
			return;
		memcpy(e->ps + n, "\0\0\0\1", 4);
		memcpy(e->ps + n + 4, buf + nal.off, nal.len);
		n += 4 + nal.len;
	}
	if (n > 0)
		e->pslen = n;
}

/* (Re)opens the encoder for a picture of w x h; -1 if it cannot. */
static int
h264_enc_open(struct h264_enc *e, int w, int h)
{
	char	 cause[256] = "";

	w &= ~1;
	h &= ~1;
	if (e->ctx != NULL && w == e->width && h == e->height)
		return (0);
	if (e->failed && w == e->width && h == e->height)
		return (-1);
	avcodec_free_context(&e->ctx);
	av_frame_free(&e->frame);
	e->width = w;
	e->height = h;
	e->failed = 1;
	e->pslen = 0;
	if (w < 16 || h < 16) {
		h264_enc_fail(e, "picture too small to encode");
		return (-1);
	}
	if (strcmp(e->conf.encoder, "auto") != 0)
		e->ctx = h264_enc_open1(e, e->conf.encoder, cause,
		    sizeof(cause));
	else {
		if (access(H264_ENC_HWDEV, F_OK) == 0 &&
		    (e->ctx = h264_enc_open1(e, H264_ENC_HW, cause,
		    sizeof(cause))) == NULL)
			log_info("h264: %s; trying libx264", cause);
		if (e->ctx == NULL)
			e->ctx = h264_enc_open1(e, "libx264", cause,
			    sizeof(cause));
	}
	if (e->ctx == NULL) {
		h264_enc_fail(e, cause);
		return (-1);
	}
	if ((e->frame = av_frame_alloc()) == NULL) {
		h264_enc_fail(e, "out of memory");
		return (-1);
	}
	e->frame->format = AV_PIX_FMT_YUV420P;
	e->frame->color_range = AVCOL_RANGE_JPEG;
	e->frame->width = w;
	e->frame->height = h;
	if (av_frame_get_buffer(e->frame, 0) < 0) {
		h264_enc_fail(e, "out of memory");
		return (-1);
	}
	if (e->ctx->extradata != NULL)
		h264_enc_keep_ps(e, e->ctx->extradata, e->ctx->extradata_size);
	e->failed = 0;
	log_info("%s: encoding %dx%d with %s", e->conf.name, w, h,
	    e->ctx->codec->name);
	return (0);
}

/*
 * The size a JPEG of w x h is decoded at: itself, or with conf's size the
 * largest TurboJPEG scaling factor (at most 1) whose picture fits in it,
 * else the smallest factor.
 */
static void
h264_enc_scaled(const struct h264_enc *e, int w, int h, int *sw, int *sh)
{
	tjscalingfactor	*sf;
	int		 i, n, x, y, small = -1;

	*sw = w;
	*sh = h;
	if (e->conf.width <= 0 || (w <= e->conf.width && h <= e->conf.height) ||
	    (sf = tjGetScalingFactors(&n)) == NULL)
		return;
	*sw = 0;
	for (i = 0; i < n; i++) {
		if (sf[i].num > sf[i].denom)
			continue;
		x = TJSCALED(w, sf[i]);
		y = TJSCALED(h, sf[i]);
		if (x <= e->conf.width && y <= e->conf.height && x > *sw) {
			*sw = x;
			*sh = y;
		}
		if (small == -1 || x < TJSCALED(w, sf[small]))
			small = i;
	}
	if (*sw == 0) {
		*sw = small != -1 ? TJSCALED(w, sf[small]) : w;
		*sh = small != -1 ? TJSCALED(h, sf[small]) : h;
	}
}

/*
 * One plane of sw x sh (stride sstride) into one of dw x dh: cropped when
 * at most a column and a row larger (an odd size), else the nearest
 * sample.
 */
static void
h264_enc_plane(unsigned char *d, int dstride, int dw, int dh,
    const unsigned char *src, int sstride, int sw, int sh)
{
	const unsigned char	*row;
	int			 x, y;

	for (y = 0; y < dh; y++, d += dstride) {
		if (sw - dw >= 0 && sw - dw <= 1 && sh - dh >= 0 &&
		    sh - dh <= 1) {
			memcpy(d, src + (size_t)y * sstride, dw);
			continue;
		}
		row = src + (size_t)(y * sh / dh) * sstride;
		for (x = 0; x < dw; x++)
			d[x] = row[x * sw / dw];
	}
}

/* Decodes the JPEG into the encoder's YUV 4:2:0 frame.  0 or -1. */
static int
h264_enc_decode(struct h264_enc *e, size_t len)
{
	int		 w, h, ss, cs, i, y, sw, sh;
	size_t		 need[3], total;

	if (tjDecompressHeader3(e->tj, e->work, len, &w, &h, &ss, &cs) != 0)
		return (-1);
	h264_enc_scaled(e, w, h, &sw, &sh);
	if (h264_enc_open(e, e->conf.width > 0 ? e->conf.width : w,
	    e->conf.height > 0 ? e->conf.height : h) == -1)
		return (-1);
	for (i = 0, total = 0; i < 3; i++) {
		need[i] = ss == TJSAMP_GRAY && i > 0 ? 0 :
		    tjPlaneSizeYUV(i, sw, 0, sh, ss);
		total += need[i];
	}
	if (total > e->planesize) {
		free(e->planes[0]);
		if ((e->planes[0] = malloc(total)) == NULL) {
			e->planesize = 0;
			return (-1);
		}
		e->planesize = total;
	}
	e->planes[1] = e->planes[0] + need[0];
	e->planes[2] = e->planes[1] + need[1];
	if (tjDecompressToYUVPlanes(e->tj, e->work, len, e->planes, sw, NULL,
	    sh, 0) != 0)
		return (-1);
	if (av_frame_make_writable(e->frame) < 0)
		return (-1);
	h264_enc_plane(e->frame->data[0], e->frame->linesize[0], e->width,
	    e->height, e->planes[0], tjPlaneWidth(0, sw, ss), sw, sh);
	/* Chroma: sampled to half size whatever the JPEG's subsampling. */
	for (i = 1; i < 3; i++) {
		if (ss == TJSAMP_GRAY) {
			for (y = 0; y < e->height / 2; y++)
				memset(e->frame->data[i] + (size_t)y *
				    e->frame->linesize[i], 128, e->width / 2);
			continue;
		}
		h264_enc_plane(e->frame->data[i], e->frame->linesize[i],
		    e->width / 2, e->height / 2, e->planes[i],
		    tjPlaneWidth(i, sw, ss), tjPlaneWidth(i, sw, ss),
		    tjPlaneHeight(i, sh, ss));
	}
	return (0);
}

/* Converts the raw picture into the encoder's frame.  0 or -1. */
static int
h264_enc_convert(struct h264_enc *e, const struct yuyv_pic *raw)
{
	static struct log_rate	 lr = LOG_RATE_INIT("h264 raw pictures");
	char			 cause[128];
	int			 w, h;

	if (yuyv_out_size(raw, &w, &h, cause, sizeof(cause)) == -1) {
		log_rate_warnx(&lr, "h264: %s", cause);
		return (-1);
	}
	if (h264_enc_open(e, w, h) == -1 ||
	    av_frame_make_writable(e->frame) < 0)
		return (-1);
	yuyv_to_i420(raw, e->frame->data, e->frame->linesize, w, h);
	return (0);
}

/* Turns the encoder's packets into access units for the loop. */
static void
h264_enc_drain(struct h264_enc *e)
{
	struct annexb_info	 info;
	struct h264_au		 au;
	long			 n;
	int			 i;

	while (avcodec_receive_packet(e->ctx, e->pkt) == 0) {
		memset(&au, 0, sizeof(au));
		for (i = 0; i < H264_ENC_PTS; i++)
			if (e->pend[i].pts == e->pkt->pts) {
				au.seq = e->pend[i].seq;
				au.ts = e->pend[i].ts;
				au.raw = e->pend[i].raw;
				break;
			}
		annexb_scan(e->pkt->data, e->pkt->size, &info);
		if (info.sps)
			h264_enc_keep_ps(e, e->pkt->data, e->pkt->size);
		au.len = 2 * ((size_t)e->pkt->size + e->pslen) +
		    ANNEXB_AU_EXTRA;
		if (i < H264_ENC_PTS && (au.buf = malloc(au.len)) != NULL &&
		    (n = annexb_au_build(au.buf, au.len, e->pkt->data,
		    e->pkt->size, e->ps, e->pslen, au.seq, &au.ts)) > 0) {
			au.len = n;
			au.idr = info.idr;
			h264_enc_push(e, &au);
		} else {
			free(au.buf);
			pthread_mutex_lock(&e->mtx);
			e->lost = 1;
			pthread_mutex_unlock(&e->mtx);
		}
		av_packet_unref(e->pkt);
	}
}

/* Encodes one picture taken from the input: raw, or else a JPEG. */
static void
h264_enc_one(struct h264_enc *e, size_t len, struct yuyv_pic *raw,
    uint64_t seq, const struct timeval *ts, int idr)
{
	int	 slot, r;

	if (raw->data != NULL) {
		raw->data = e->work;
		r = h264_enc_convert(e, raw);
	} else
		r = h264_enc_decode(e, len);
	if (r == -1 || e->ctx == NULL)
		return;
	if ((raw->data != NULL) != e->lastraw || e->pts == 0) {
		e->lastraw = raw->data != NULL;
		log_info("%s: input: %s", e->conf.name, !e->lastraw ? "JPEG, decoded" :
		    raw->uyvy ? "raw UYVY from the camera" :
		    "raw YUYV from the camera");
	}
	e->frame->pts = e->pts++;
	e->frame->pict_type = idr ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
	slot = (int)(e->frame->pts % H264_ENC_PTS);
	e->pend[slot].pts = e->frame->pts;
	e->pend[slot].seq = seq;
	e->pend[slot].ts = *ts;
	e->pend[slot].raw = e->lastraw;
	if (avcodec_send_frame(e->ctx, e->frame) < 0) {
		/* Reopened at the next frame. */
		avcodec_free_context(&e->ctx);
		h264_enc_fail(e, "the encoder refused a frame");
		return;
	}
	h264_enc_drain(e);
}

/* The worker: waits for a JPEG, encodes it, until told to stop. */
static void *
h264_enc_main(void *arg)
{
	struct h264_enc	*e = arg;
	unsigned char	*t;
	size_t		 len, ts_;
	uint64_t	 seq;
	struct timeval	 ts;
	struct yuyv_pic	 raw;
	int		 idr;

	for (;;) {
		pthread_mutex_lock(&e->mtx);
		while (!e->stop && !e->ready)
			pthread_cond_wait(&e->cond, &e->mtx);
		if (e->stop) {
			pthread_mutex_unlock(&e->mtx);
			break;
		}
		t = e->work;
		e->work = e->in;
		e->in = t;
		ts_ = e->worksize;
		e->worksize = e->insize;
		e->insize = ts_;
		len = e->inlen;
		seq = e->inseq;
		ts = e->ints;
		raw = e->inraw;
		idr = e->want_idr;
		e->want_idr = 0;
		e->ready = 0;
		pthread_mutex_unlock(&e->mtx);
		h264_enc_one(e, len, &raw, seq, &ts, idr);
	}
	avcodec_free_context(&e->ctx);
	av_frame_free(&e->frame);
	return (NULL);
}

/* Starts the worker thread. */
struct h264_enc *
h264_enc_start(const struct h264_enc_conf *conf, char *cause,
    size_t causelen)
{
	struct h264_enc	*e;

	if ((e = calloc(1, sizeof(*e))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	e->conf = *conf;
	e->pipe[0] = e->pipe[1] = -1;
	av_log_set_level(conf->verbose ? AV_LOG_INFO : AV_LOG_ERROR);
	if (pipe2(e->pipe, O_NONBLOCK | O_CLOEXEC) == -1 ||
	    (e->tj = tjInitDecompress()) == NULL ||
	    (e->pkt = av_packet_alloc()) == NULL) {
		snprintf(cause, causelen, "h264: cannot set up: %s",
		    strerror(errno));
		goto fail;
	}
	pthread_mutex_init(&e->mtx, NULL);
	pthread_cond_init(&e->cond, NULL);
	if ((errno = pthread_create(&e->thread, NULL, h264_enc_main, e))
	    != 0) {
		snprintf(cause, causelen, "h264: thread: %s", strerror(errno));
		pthread_mutex_destroy(&e->mtx);
		pthread_cond_destroy(&e->cond);
		goto fail;
	}
	pthread_setname_np(e->thread, conf->width > 0 ? "capd-h264-sub" :
	    "capd-h264");
	return (e);
fail:
	if (e->pipe[0] != -1) {
		close(e->pipe[0]);
		close(e->pipe[1]);
	}
	if (e->tj != NULL)
		tjDestroy(e->tj);
	av_packet_free(&e->pkt);
	free(e);
	return (NULL);
}

/* Stops and joins the worker; frees everything. */
void
h264_enc_stop(struct h264_enc *e)
{
	struct h264_au	 au;

	if (e == NULL)
		return;
	pthread_mutex_lock(&e->mtx);
	e->stop = 1;
	pthread_cond_signal(&e->cond);
	pthread_mutex_unlock(&e->mtx);
	pthread_join(e->thread, NULL);
	while (h264_enc_take(e, &au))
		free(au.buf);
	pthread_mutex_destroy(&e->mtx);
	pthread_cond_destroy(&e->cond);
	close(e->pipe[0]);
	close(e->pipe[1]);
	tjDestroy(e->tj);
	av_packet_free(&e->pkt);
	free(e->planes[0]);
	free(e->in);
	free(e->work);
	free(e);
}

/* The descriptor to poll. */
int
h264_enc_fd(const struct h264_enc *e)
{
	return (e->pipe[0]);
}

/* Copies a picture in for the worker, replacing one it did not take. */
static void
h264_enc_put_in(struct h264_enc *e, const unsigned char *data, size_t len,
    const struct yuyv_pic *raw, uint64_t seq, const struct timeval *ts)
{
	unsigned char	*p;

	pthread_mutex_lock(&e->mtx);
	if (len > e->insize) {
		if ((p = realloc(e->in, len)) == NULL) {
			pthread_mutex_unlock(&e->mtx);
			return;
		}
		e->in = p;
		e->insize = len;
	}
	if (e->ready)
		e->skipped++;
	memcpy(e->in, data, len);
	e->inlen = len;
	if (raw != NULL) {
		e->inraw = *raw;
		e->inraw.data = e->in;	/* a mark: moved with in */
		e->inraw.len = len;
	} else
		memset(&e->inraw, 0, sizeof(e->inraw));
	e->inseq = seq;
	e->ints = *ts;
	e->ready = 1;
	pthread_cond_signal(&e->cond);
	pthread_mutex_unlock(&e->mtx);
}

/* Gives the worker the latest JPEG. */
void
h264_enc_put(struct h264_enc *e, const unsigned char *jpeg, size_t len,
    uint64_t seq, const struct timeval *ts)
{
	h264_enc_put_in(e, jpeg, len, NULL, seq, ts);
}

/* Gives the worker the latest raw picture (one copy of its bytes). */
void
h264_enc_put_raw(struct h264_enc *e, const struct yuyv_pic *raw,
    uint64_t seq, const struct timeval *ts)
{
	size_t	 len = raw->len;

	/* Only the rows the picture uses: a padded last row is not copied. */
	if (raw->stride > 0 && raw->height > 0 && len >
	    (size_t)raw->stride * raw->height)
		len = (size_t)raw->stride * raw->height;
	h264_enc_put_in(e, raw->data, len, raw, seq, ts);
}

/* Asks for an IDR with the next frame. */
void
h264_enc_idr(struct h264_enc *e)
{
	pthread_mutex_lock(&e->mtx);
	e->want_idr = 1;
	pthread_mutex_unlock(&e->mtx);
}

/* Takes the oldest queued access unit. */
int
h264_enc_take(struct h264_enc *e, struct h264_au *au)
{
	char	 buf[64];
	int	 got = 0;

	while (read(e->pipe[0], buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&e->mtx);
	if (e->qlen > 0) {
		*au = e->q[e->qhead];
		e->qhead = (e->qhead + 1) % H264_ENC_QUEUE;
		e->qlen--;
		got = 1;
	}
	pthread_mutex_unlock(&e->mtx);
	return (got);
}

/* Frames replaced before the worker took them. */
unsigned long long
h264_enc_skipped(struct h264_enc *e)
{
	unsigned long long	 n;

	pthread_mutex_lock(&e->mtx);
	n = e->skipped;
	pthread_mutex_unlock(&e->mtx);
	return (n);
}
