/* SPDX-License-Identifier: ISC */
/*
 * source_test.c: the built-in test pattern: moving colour bars and a
 * bouncing box, with the frame number and the wall-clock time to the
 * millisecond drawn large, encoded with TurboJPEG.  Filming a clock beside a
 * viewer showing it measures the glass-to-glass latency.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <turbojpeg.h>

#include "log.h"
#include "source.h"
#include "timeval.h"

struct test_state {
	struct event	*ev_tick;
	tjhandle	 tj;
	unsigned char	*planes[3];
	int		 pw[3], ph[3];
	unsigned char	*jpeg;
	unsigned long	 jpeg_cap;
	unsigned long	 n;		/* frames drawn */
};

/* BT.601 colour bars: white, yellow, cyan, green, magenta, red, blue, black. */
static const unsigned char test_bars[8][3] = {
	{ 235, 128, 128 }, { 210, 16, 146 }, { 170, 166, 16 },
	{ 145, 54, 34 }, { 106, 202, 222 }, { 81, 90, 240 },
	{ 41, 240, 110 }, { 16, 128, 128 },
};

/* Seven-segment patterns for 0-9: bits a b c d e f g. */
static const unsigned char test_segs[10] = {
	0x3f, 0x06, 0x5b, 0x4f, 0x66, 0x6d, 0x7d, 0x07, 0x7f, 0x6f,
};

/* Fills a rectangle of plane p, clipped. */
static void
test_fill(struct test_state *ts, int p, int x, int y, int w, int h,
    unsigned char v)
{
	int	 r;

	if (x < 0) { w += x; x = 0; }
	if (y < 0) { h += y; y = 0; }
	if (x + w > ts->pw[p])
		w = ts->pw[p] - x;
	if (y + h > ts->ph[p])
		h = ts->ph[p] - y;
	if (w <= 0 || h <= 0)
		return;
	for (r = y; r < y + h; r++)
		memset(ts->planes[p] + (size_t)r * ts->pw[p] + x, v, w);
}

/* Fills a rectangle in all planes with a YUV colour (4:2:0). */
static void
test_box(struct test_state *ts, int x, int y, int w, int h, unsigned char yv,
    unsigned char u, unsigned char v)
{
	test_fill(ts, 0, x, y, w, h, yv);
	test_fill(ts, 1, x / 2, y / 2, (w + 1) / 2, (h + 1) / 2, u);
	test_fill(ts, 2, x / 2, y / 2, (w + 1) / 2, (h + 1) / 2, v);
}

/* Draws a string of digits, ':' and '.' as seven-segment glyphs. */
static void
test_text(struct test_state *ts, int x, int y, int dh, const char *s)
{
	int	 dw = dh / 2, t = dh / 10 > 2 ? dh / 10 : 2, m = (dh - t) / 2;
	int	 bits;

	for (; *s != '\0'; s++) {
		if (*s == ':' || *s == '.') {
			if (*s == ':')
				test_box(ts, x, y + dh / 3, t, t, 235, 128, 128);
			test_box(ts, x, y + dh - t, t, t, 235, 128, 128);
			x += 3 * t;
			continue;
		}
		bits = (*s >= '0' && *s <= '9') ? test_segs[*s - '0'] : 0x40;
		if (bits & 0x01) test_box(ts, x, y, dw, t, 235, 128, 128);
		if (bits & 0x02) test_box(ts, x + dw - t, y, t, m + t, 235, 128, 128);
		if (bits & 0x04) test_box(ts, x + dw - t, y + m, t, dh - m, 235, 128, 128);
		if (bits & 0x08) test_box(ts, x, y + dh - t, dw, t, 235, 128, 128);
		if (bits & 0x10) test_box(ts, x, y + m, t, dh - m, 235, 128, 128);
		if (bits & 0x20) test_box(ts, x, y, t, m + t, 235, 128, 128);
		if (bits & 0x40) test_box(ts, x, y + m, dw, t, 235, 128, 128);
		x += dw + 2 * t;
	}
}

/* Draws one frame of the pattern for frame n at time tv. */
static void
test_draw(struct test_state *ts, unsigned long n, const struct timeval *tv)
{
	int		 w = ts->pw[0], h = ts->ph[0], x, p, bar, barw;
	int		 dh, bs, bx, span;
	unsigned char	*row;
	char		 line[64];
	struct tm	 tm;
	time_t		 sec = tv->tv_sec;

	/* Bars scroll by 4 pixels a frame: build one row per plane, copy it. */
	barw = w / 8 > 0 ? w / 8 : 1;
	for (p = 0; p < 3; p++) {
		row = ts->planes[p];
		for (x = 0; x < ts->pw[p]; x++) {
			bar = (((p ? x * 2 : x) + (int)(n * 4)) / barw) % 8;
			row[x] = test_bars[bar][p];
		}
		for (x = 1; x < ts->ph[p]; x++)
			memcpy(ts->planes[p] + (size_t)x * ts->pw[p], row,
			    ts->pw[p]);
	}
	/* A box bouncing along the bottom. */
	bs = h / 8;
	span = w - bs > 1 ? w - bs : 1;
	bx = (int)((n * 6) % (2 * span));
	if (bx >= span)
		bx = 2 * span - bx;
	test_box(ts, bx, h - bs - h / 16, bs, bs, 81, 90, 240);

	/* Frame number and time, large, on a dark panel. */
	dh = h / 5;
	if (dh > w * 9 / 84)
		dh = w * 9 / 84;
	localtime_r(&sec, &tm);
	test_box(ts, w / 20 - dh / 8, h / 10 - dh / 8, w - w / 10 + dh / 4,
	    2 * dh + dh / 2 + dh / 4, 16, 128, 128);
	snprintf(line, sizeof(line), "%08lu", n % 100000000);
	test_text(ts, w / 20, h / 10, dh, line);
	snprintf(line, sizeof(line), "%02d:%02d:%02d.%03ld", tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)tv->tv_usec / 1000);
	test_text(ts, w / 20, h / 10 + dh + dh / 2, dh, line);
}

/* Timer: draws, encodes and emits a frame. */
static void
test_tick(evutil_socket_t fd, short what, void *arg)
{
	struct source		*src = arg;
	struct test_state	*ts = src->priv;
	const struct source_conf *c = src->conf;
	unsigned long		 size = ts->jpeg_cap;
	struct timeval		 tv;

	timeval_now(&tv);
	test_draw(ts, ts->n++, &tv);
	if (tjCompressFromYUVPlanes(ts->tj, (const unsigned char **)ts->planes,
	    c->width, NULL, c->height, TJSAMP_420, &ts->jpeg, &size,
	    c->quality, TJFLAG_NOREALLOC | TJFLAG_FASTDCT) == -1) {
		source_error(src, "encode: %s", tjGetErrorStr2(ts->tj));
		return;
	}
	source_emit(src, ts->jpeg, size, &tv);
}

/* Checks the size. */
static int
test_init(struct source *src, char *cause, size_t causelen)
{
	const struct source_conf *c = src->conf;

	if (c->width < 64 || c->height < 48 || c->width > 7680 ||
	    c->height > 4320) {
		snprintf(cause, causelen, "test source: size %dx%d out of "
		    "range (64x48 to 7680x4320)", c->width, c->height);
		return (-1);
	}
	return (0);
}

/* Allocates planes and the encoder, and starts the timer. */
static int
test_start(struct source *src, char *cause, size_t causelen)
{
	const struct source_conf *c = src->conf;
	struct test_state	*ts;
	struct timeval		 tv = { 0, 1000000 / c->fps };
	int			 p;

	if ((ts = calloc(1, sizeof(*ts))) == NULL)
		goto nomem;
	src->priv = ts;
	for (p = 0; p < 3; p++) {
		ts->pw[p] = tjPlaneWidth(p, c->width, TJSAMP_420);
		ts->ph[p] = tjPlaneHeight(p, c->height, TJSAMP_420);
		if ((ts->planes[p] = malloc((size_t)ts->pw[p] * ts->ph[p])) ==
		    NULL)
			goto nomem;
	}
	ts->jpeg_cap = tjBufSize(c->width, c->height, TJSAMP_420);
	if ((ts->jpeg = tjAlloc(ts->jpeg_cap)) == NULL ||
	    (ts->tj = tjInitCompress()) == NULL)
		goto nomem;
	ts->ev_tick = event_new(src->base, -1, EV_PERSIST, test_tick, src);
	if (ts->ev_tick == NULL || event_add(ts->ev_tick, &tv) == -1)
		goto nomem;
	test_tick(-1, 0, src);		/* the first frame at once */
	return (0);
nomem:
	snprintf(cause, causelen, "test source: out of memory");
	src->ops->stop(src);
	return (-1);
}

/* Stops the timer and frees the buffers. */
static void
test_stop(struct source *src)
{
	struct test_state	*ts = src->priv;
	int			 p;

	if (ts == NULL)
		return;
	if (ts->ev_tick != NULL)
		event_free(ts->ev_tick);
	if (ts->tj != NULL)
		tjDestroy(ts->tj);
	tjFree(ts->jpeg);
	for (p = 0; p < 3; p++)
		free(ts->planes[p]);
	free(ts);
	src->priv = NULL;
}

/* Nothing beyond stop. */
static void
test_destroy(struct source *src)
{
	test_stop(src);
}

const struct source_ops source_test_ops = {
	.prefix = "test",
	.init = test_init,
	.start = test_start,
	.stop = test_stop,
	.destroy = test_destroy,
};
