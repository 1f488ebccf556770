/* SPDX-License-Identifier: ISC */
/* fmp4.c: fragmented MP4 through libavformat into a memory buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/mem.h>
#include <libavutil/log.h>

#include <event2/buffer.h>

#include "annexb.h"
#include "fmp4.h"

#define FMP4_IOBUF	65536
#define FMP4_MAX	(64 << 20)	/* bytes held at most */

/* A step of the capture clock beyond this (microseconds) is a jump. */
#define FMP4_JUMP_US		10000000
/* A frame's time after a jump (microseconds): 1/30 s. */
#define FMP4_FRAME_US		33333

struct fmp4 {
	AVFormatContext	*fmt;
	AVStream	*st;
	AVPacket	*pkt;
	unsigned char	*out;		/* bytes not taken yet */
	size_t		 len, size, taken;
	int		 failed;	/* out of memory while writing */
	uint64_t	 first_us;	/* the first unit's capture time */
	int64_t		 last_dts;	/* 90 kHz, from first_us */
	int		 frames;
	int		 width, height;	/* from the SPS */
	int		 fps;		/* its timing, rounded; 0 if none */
};

/* libavformat's write callback: appends to out. */
static int
fmp4_write(void *arg, uint8_t *buf, int n)
{
	struct fmp4	*m = arg;
	unsigned char	*p;
	size_t		 size;

	if (m->taken > 0) {
		memmove(m->out, m->out + m->taken, m->len - m->taken);
		m->len -= m->taken;
		m->taken = 0;
	}
	if (m->len + n > m->size) {
		size = m->size ? m->size : FMP4_IOBUF;
		while (size < m->len + n)
			size *= 2;
		if (size > FMP4_MAX || (p = realloc(m->out, size)) == NULL) {
			m->failed = 1;
			return (AVERROR(ENOMEM));
		}
		m->out = p;
		m->size = size;
	}
	memcpy(m->out + m->len, buf, n);
	m->len += n;
	return (n);
}

/*
 * The picture size and frame rate from the SPS (its VUI timing, when it
 * has one), through libavcodec's parser.
 */
static int
fmp4_size(struct fmp4 *m, const unsigned char *au, size_t len)
{
	AVCodecParserContext	*pc;
	AVCodecContext		*ctx;
	uint8_t			*data;
	int			 size;
	long			 den;

	if ((pc = av_parser_init(AV_CODEC_ID_H264)) == NULL)
		return (-1);
	if ((ctx = avcodec_alloc_context3(NULL)) == NULL) {
		av_parser_close(pc);
		return (-1);
	}
	pc->flags |= PARSER_FLAG_COMPLETE_FRAMES;
	av_parser_parse2(pc, ctx, &data, &size, au, (int)len, AV_NOPTS_VALUE,
	    AV_NOPTS_VALUE, 0);
	m->width = pc->width;
	m->height = pc->height;
	/*
	 * Parsers from before ticks_per_frame's deprecation give the field
	 * rate here (ticks_per_frame being 1 in a context of no codec);
	 * since, the frame rate.
	 */
	den = ctx->framerate.den;
#ifndef FF_API_TICKS_PER_FRAME
	den *= 2;
#endif
	if (ctx->framerate.num > 0 && den > 0)
		m->fps = (int)((double)ctx->framerate.num / den + 0.5);
	av_parser_close(pc);
	avcodec_free_context(&ctx);
	return (m->width > 0 && m->height > 0 ? 0 : -1);
}

/* Copies the SPS and PPS of an access unit (Annex-B) as extradata. */
static int
fmp4_extradata(AVCodecParameters *par, const unsigned char *au, size_t len)
{
	struct annexb_nal	 nal;
	size_t			 pos = 0, n = 0;
	uint8_t			*x;

	if ((x = av_mallocz(len + 4 * 16 + AV_INPUT_BUFFER_PADDING_SIZE)) ==
	    NULL)
		return (-1);
	while (annexb_next(au, len, &pos, &nal) == 0) {
		if (nal.type != ANNEXB_SPS && nal.type != ANNEXB_PPS)
			continue;
		memcpy(x + n, "\0\0\0\1", 4);
		memcpy(x + n + 4, au + nal.off, nal.len);
		n += 4 + nal.len;
	}
	par->extradata = x;
	par->extradata_size = (int)n;
	return (n > 0 ? 0 : -1);
}

/* Starts the muxer and writes the init segment. */
struct fmp4 *
fmp4_new(const unsigned char *idr, size_t len, char *cause, size_t causelen)
{
	struct fmp4	*m;
	AVDictionary	*opts = NULL;
	unsigned char	*iobuf = NULL;
	int		 r;

	/*
	 * The muxer logs each guessed duration it corrects, up to one line a
	 * frame per viewer: errors come back through cause instead.
	 */
	av_log_set_level(AV_LOG_FATAL);
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	if (fmp4_size(m, idr, len) == -1) {
		snprintf(cause, causelen, "no SPS with a picture size");
		goto fail;
	}
	if (avformat_alloc_output_context2(&m->fmt, NULL, "mp4", NULL) < 0 ||
	    (m->st = avformat_new_stream(m->fmt, NULL)) == NULL ||
	    (m->pkt = av_packet_alloc()) == NULL ||
	    (iobuf = av_malloc(FMP4_IOBUF)) == NULL ||
	    (m->fmt->pb = avio_alloc_context(iobuf, FMP4_IOBUF, 1, m, NULL,
	    fmp4_write, NULL)) == NULL) {
		av_free(iobuf);
		snprintf(cause, causelen, "out of memory");
		goto fail;
	}
	m->st->codecpar->codec_type = AVMEDIA_TYPE_VIDEO;
	m->st->codecpar->codec_id = AV_CODEC_ID_H264;
	m->st->codecpar->width = m->width;
	m->st->codecpar->height = m->height;
	m->st->time_base = (AVRational){ 1, 90000 };
	if (fmp4_extradata(m->st->codecpar, idr, len) == -1) {
		snprintf(cause, causelen, "no SPS and PPS");
		goto fail;
	}
	av_dict_set(&opts, "movflags",
	    "empty_moov+default_base_moof+frag_custom", 0);
	r = avformat_write_header(m->fmt, &opts);
	av_dict_free(&opts);
	if (r < 0 || m->failed) {
		snprintf(cause, causelen, "mp4 header: %s", av_err2str(r));
		goto fail;
	}
	avio_flush(m->fmt->pb);
	return (m);
fail:
	fmp4_free(m);
	return (NULL);
}

/* One access unit, one fragment. */
int
fmp4_add(struct fmp4 *m, const unsigned char *au, size_t len, int idr,
    uint64_t ts_us, char *cause, size_t causelen)
{
	AVRational	 us = { 1, 1000000 };
	int64_t		 dts, jump;
	int		 r;

	if (m->frames == 0)
		m->first_us = ts_us;
	/*
	 * The capture time on the 90 kHz clock, strictly rising as the muxer
	 * wants: a clock stepped back a little, or two units within one tick,
	 * move it on by a tick.  A clock that jumps (the system clock set by
	 * NTP on a Pi without a real-time clock, a camera started again) goes
	 * on a frame later, from a new origin: no sample may last longer than
	 * the muxer's 32 bits, and the picture should not stall for the gap.
	 */
	jump = av_rescale_q(FMP4_JUMP_US, us, m->st->time_base);
	dts = av_rescale_q((int64_t)(ts_us - m->first_us), us,
	    m->st->time_base);
	if (m->frames == 0)
		dts = 0;
	else if (dts > m->last_dts + jump || dts < m->last_dts - jump) {
		dts = m->last_dts + av_rescale_q(FMP4_FRAME_US, us,
		    m->st->time_base);
		m->first_us = ts_us - (uint64_t)av_rescale_q(dts,
		    m->st->time_base, us);
	} else if (dts <= m->last_dts)
		dts = m->last_dts + 1;
	if ((r = av_new_packet(m->pkt, (int)len)) < 0) {
		snprintf(cause, causelen, "out of memory");
		return (-1);
	}
	memcpy(m->pkt->data, au, len);
	m->pkt->stream_index = 0;
	m->pkt->pts = m->pkt->dts = dts;
	/*
	 * Until the next unit comes, the last interval is the best guess.  The
	 * muxer times each fragment by the durations before it, correcting a
	 * guess that overran: a decode time stays within a frame interval of
	 * the capture time.
	 */
	m->pkt->duration = m->frames > 0 ? dts - m->last_dts :
	    av_rescale_q(FMP4_FRAME_US, us, m->st->time_base);
	if (idr)
		m->pkt->flags |= AV_PKT_FLAG_KEY;
	m->last_dts = dts;
	m->frames++;
	r = av_write_frame(m->fmt, m->pkt);
	av_packet_unref(m->pkt);
	if (r >= 0)
		r = av_write_frame(m->fmt, NULL);	/* the fragment */
	if (r < 0 || m->failed) {
		snprintf(cause, causelen, "mp4: %s", r < 0 ? av_err2str(r) :
		    "out of memory");
		return (-1);
	}
	avio_flush(m->fmt->pb);
	return (0);
}

/* Hands out what was written since the last call. */
void
fmp4_take(struct fmp4 *m, const unsigned char **p, size_t *len)
{
	*p = m->out + m->taken;
	*len = m->len - m->taken;
	m->taken = m->len;
}

/* Frees the muxer (no trailer: the stream just ends). */
void
fmp4_free(struct fmp4 *m)
{
	if (m == NULL)
		return;
	if (m->fmt != NULL) {
		if (m->fmt->pb != NULL) {
			av_freep(&m->fmt->pb->buffer);
			avio_context_free(&m->fmt->pb);
		}
		avformat_free_context(m->fmt);
	}
	av_packet_free(&m->pkt);
	free(m->out);
	free(m);
}

/* Muxes the whole access units at the front of in. */
int
fmp4_feed(struct fmp4 **m, struct evbuffer *in, size_t max_au,
    fmp4_out_cb out, void *arg, char *cause, size_t causelen)
{
	struct annexb_info	 info;
	const unsigned char	*p, *o;
	size_t			 len, end, olen;

	for (;;) {
		len = evbuffer_get_length(in);
		if (len == 0)
			return (0);
		if ((p = evbuffer_pullup(in, -1)) == NULL) {
			snprintf(cause, causelen, "out of memory");
			return (-1);
		}
		/* A whole unit too long is refused as one still coming. */
		end = annexb_au_end(p, len);
		if ((end == 0 ? len : end) > max_au) {
			snprintf(cause, causelen, "access unit over %zu bytes",
			    max_au);
			return (-1);
		}
		if (end == 0)
			return (0);
		annexb_scan(p, end, &info);
		if (*m == NULL) {
			if ((*m = fmp4_new(p, end, cause, causelen)) == NULL)
				return (-1);
			fmp4_take(*m, &o, &olen);
			if (out(o, olen, arg) == -1) {
				snprintf(cause, causelen, "cannot send");
				return (-1);
			}
		}
		if (fmp4_add(*m, p, end, info.idr, (uint64_t)info.ts.tv_sec *
		    1000000 + info.ts.tv_usec, cause, causelen) == -1)
			return (-1);
		evbuffer_drain(in, end);
		fmp4_take(*m, &o, &olen);
		if (out(o, olen, arg) == -1) {
			snprintf(cause, causelen, "cannot send");
			return (-1);
		}
	}
}

/* The stream's picture, as its SPS says. */
void
fmp4_picture(const struct fmp4 *m, int *width, int *height, int *fps)
{
	*width = m->width;
	*height = m->height;
	*fps = m->fps;
}
