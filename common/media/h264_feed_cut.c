/* SPDX-License-Identifier: ISC */
/*
 * h264_feed_cut.c: access units cut from the H.264 socket's stream and
 * made into shared raw and fMP4 frames, once for every viewer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annexb.h"
#include "fmp4.h"
#include "frame.h"
#include "h264_feed_cut.h"

static const unsigned char h264_feed_cut_aud[ANNEXB_AUD_LEN] = {
	0x00, 0x00, 0x00, 0x01, 0x09, 0xf0
};

/* A frame holding a copy of len bytes of p, sent whole. */
static struct frame *
h264_feed_cut_frame(const unsigned char *p, size_t len,
    const unsigned char *tail, size_t tlen, uint64_t seq,
    const struct timeval *ts)
{
	unsigned char	*buf;
	struct frame	*f;

	if ((buf = malloc(len + tlen)) == NULL)
		return (NULL);
	memcpy(buf, p, len);
	if (tlen > 0)
		memcpy(buf + len, tail, tlen);
	if ((f = frame_adopt(buf, len + tlen, 0, len + tlen, seq, ts)) == NULL)
		free(buf);
	return (f);
}

/* Sets up a cutter. */
int
h264_feed_cut_init(struct h264_feed_cut *c, size_t max_au)
{
	struct timeval	 tv = { 0, 0 };

	memset(c, 0, sizeof(*c));
	c->max_au = max_au;
	c->aud = h264_feed_cut_frame(h264_feed_cut_aud, ANNEXB_AUD_LEN, NULL,
	    0, 0, &tv);
	return (c->aud != NULL ? 0 : -1);
}

/* Frees what the cutter holds. */
void
h264_feed_cut_destroy(struct h264_feed_cut *c)
{
	h264_feed_cut_reset(c);
	frame_unref(c->aud);
	c->aud = NULL;
}

/* Forgets the stream: its muxer and init segment. */
void
h264_feed_cut_reset(struct h264_feed_cut *c)
{
	fmp4_free(c->mux);
	c->mux = NULL;
	frame_unref(c->init);
	c->init = NULL;
	c->resuming = 0;
}

/* The picture of the stream's current muxer: 0, or -1 before its IDR. */
int
h264_feed_cut_picture(const struct h264_feed_cut *c, int *width,
    int *height, int *fps)
{
	if (c->mux == NULL)
		return (-1);
	fmp4_picture(c->mux, width, height, fps);
	return (0);
}

/* The stream goes on after a break, from its next IDR. */
void
h264_feed_cut_resume(struct h264_feed_cut *c)
{
	if (c->mux != NULL)
		c->resuming = 1;
}

/*
 * At the first IDR after a break: a muxer for it, kept only if its init
 * segment differs from the one viewers have.  0, or -1 with cause.
 */
static int
h264_feed_cut_recheck(struct h264_feed_cut *c, const unsigned char *au,
    size_t len, const struct timeval *ts, int *newinit, char *cause,
    size_t causelen)
{
	struct fmp4		*m;
	struct frame		*init;
	const unsigned char	*o;
	size_t			 olen;

	*newinit = 0;
	c->resuming = 0;
	if ((m = fmp4_new(au, len, cause, causelen)) == NULL)
		return (-1);
	fmp4_take(m, &o, &olen);
	if (c->init != NULL && c->init->len == olen &&
	    memcmp(c->init->buf, o, olen) == 0) {
		fmp4_free(m);
		return (0);
	}
	if ((init = h264_feed_cut_frame(o, olen, NULL, 0, 0, ts)) == NULL) {
		fmp4_free(m);
		snprintf(cause, causelen, "out of memory");
		return (-1);
	}
	fmp4_free(c->mux);
	frame_unref(c->init);
	c->mux = m;
	c->init = init;
	c->newinits++;
	*newinit = 1;
	return (0);
}

/* Makes one unit's frames and hands them out.  0, or -1 with cause. */
static int
h264_feed_cut_unit(struct h264_feed_cut *c, const unsigned char *au,
    size_t len, h264_feed_unit_cb cb, void *arg, char *cause,
    size_t causelen)
{
	struct annexb_info	 info;
	struct h264_unit	 u;
	const unsigned char	*o;
	size_t			 olen, skip = 0;
	uint64_t		 us;
	int			 newinit = 0;

	annexb_scan(au, len, &info);
	if ((c->mux == NULL || c->resuming) && !info.idr) {
		c->skipped++;
		return (0);
	}
	if (c->resuming && h264_feed_cut_recheck(c, au, len, &info.ts,
	    &newinit, cause, causelen) == -1)
		return (-1);
	if (c->mux == NULL) {
		if ((c->mux = fmp4_new(au, len, cause, causelen)) == NULL)
			return (-1);
		fmp4_take(c->mux, &o, &olen);
		if ((c->init = h264_feed_cut_frame(o, olen, NULL, 0, 0,
		    &info.ts)) == NULL)
			goto nomem;
	}
	us = (uint64_t)info.ts.tv_sec * 1000000 + info.ts.tv_usec;
	if (fmp4_add(c->mux, au, len, info.idr, us, cause, causelen) == -1)
		return (-1);
	fmp4_take(c->mux, &o, &olen);
	memset(&u, 0, sizeof(u));
	u.idr = info.idr;
	u.newinit = newinit;
	u.seq = info.sei ? info.seq : 0;
	if (len >= ANNEXB_AUD_LEN &&
	    memcmp(au, h264_feed_cut_aud, ANNEXB_AUD_LEN) == 0)
		skip = ANNEXB_AUD_LEN;
	/* The next unit's delimiter follows this one's bytes in au. */
	if ((u.raw = h264_feed_cut_frame(au + skip, len - skip, au + len,
	    ANNEXB_AUD_LEN, u.seq, &info.ts)) == NULL ||
	    (u.frag = h264_feed_cut_frame(o, olen, NULL, 0, u.seq,
	    &info.ts)) == NULL) {
		frame_unref(u.raw);
		goto nomem;
	}
	c->units++;
	cb(&u, arg);
	frame_unref(u.raw);
	frame_unref(u.frag);
	return (0);
nomem:
	snprintf(cause, causelen, "out of memory");
	return (-1);
}

/* Cuts and hands out the whole units at the front of p. */
int
h264_feed_cut_input(struct h264_feed_cut *c, const unsigned char *p,
    size_t len, size_t *used, h264_feed_unit_cb cb, void *arg, char *cause,
    size_t causelen)
{
	size_t	 off = 0, end;

	*used = 0;
	while (off < len) {
		end = annexb_au_end(p + off, len - off);
		if ((end == 0 ? len - off : end) > c->max_au) {
			snprintf(cause, causelen, "access unit over %zu bytes",
			    c->max_au);
			return (-1);
		}
		/* Whole once the next delimiter is all there. */
		if (end == 0 || len - off < end + ANNEXB_AUD_LEN)
			break;
		if (h264_feed_cut_unit(c, p + off, end, cb, arg, cause,
		    causelen) == -1)
			return (-1);
		off += end;
		*used = off;
	}
	return (0);
}
