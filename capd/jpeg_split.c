/* SPDX-License-Identifier: ISC */
/*
 * jpeg_split.c: splits concatenated JPEGs by walking their markers.
 *
 * A state machine fed chunk by chunk.  Bytes of the frame being read stay in
 * the caller's chunk; only what is left of it when a chunk ends is appended
 * to an internal buffer, so a frame wholly inside one chunk is delivered
 * from the chunk itself without a copy.  Entropy-coded data and garbage are
 * scanned with memchr for 0xFF; segments are skipped by their length.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jpeg_seg.h"
#include "jpeg_split.h"

#define JPEG_SPLIT_BUF0	65536	/* initial buffer size */

enum jpeg_split_state {
	JS_SEEK,	/* between frames, looking for FF */
	JS_SEEK_FF,	/* between frames, after FF: SOI? */
	JS_MARK,	/* in a frame, a marker's FF expected */
	JS_MARK_FF,	/* after FF where a marker is expected */
	JS_LEN1,	/* first byte of a segment length */
	JS_LEN2,	/* second byte of a segment length */
	JS_SKIP,	/* inside a segment's payload */
	JS_ECS,		/* entropy-coded data after SOS */
	JS_ECS_FF	/* after FF in entropy-coded data */
};

struct jpeg_split {
	size_t			 max_frame;
	unsigned char		*buf;		/* frame so far, earlier chunks */
	size_t			 buflen;
	size_t			 bufsize;
	enum jpeg_split_state	 state;
	int			 marker;	/* segment being skipped */
	size_t			 skip;		/* its bytes left */
	int			 discard;	/* oversize: walk, do not keep */
	int			 seen_sos;
	struct jpeg_split_stats	 st;
};

/* One feed() call: the chunk and where the current frame begins in it. */
struct jpeg_split_run {
	const unsigned char	*data;
	const unsigned char	*fstart;
	jpeg_split_cb		 cb;
	void			*arg;
	int			 frames;
	int			 nomem;
};

/* Creates a splitter keeping at most max_frame bytes. */
struct jpeg_split *
jpeg_split_new(size_t max_frame)
{
	struct jpeg_split	*js;

	if ((js = calloc(1, sizeof(*js))) == NULL)
		return (NULL);
	js->max_frame = max_frame;
	js->bufsize = max_frame < JPEG_SPLIT_BUF0 ? max_frame : JPEG_SPLIT_BUF0;
	if (js->bufsize < 16)
		js->bufsize = 16;
	if ((js->buf = malloc(js->bufsize)) == NULL) {
		free(js);
		return (NULL);
	}
	js->state = JS_SEEK;
	return (js);
}

/* Frees a splitter and its buffer. */
void
jpeg_split_free(struct jpeg_split *js)
{
	if (js == NULL)
		return;
	free(js->buf);
	free(js);
}

/* Appends n bytes to the frame buffer (n fits under max_frame). */
static int
jpeg_split_append(struct jpeg_split *js, const unsigned char *p, size_t n)
{
	size_t		 want = js->buflen + n, size;
	unsigned char	*nbuf;

	if (want > js->bufsize) {
		size = js->bufsize * 2;
		if (size < want)
			size = want;
		if (size > js->max_frame)
			size = js->max_frame;
		if ((nbuf = realloc(js->buf, size)) == NULL)
			return (-1);
		js->buf = nbuf;
		js->bufsize = size;
	}
	memcpy(js->buf + js->buflen, p, n);
	js->buflen += n;
	return (0);
}

/* Tells whether the splitter is inside a frame. */
static int
jpeg_split_inframe(const struct jpeg_split *js)
{
	return (js->state != JS_SEEK && js->state != JS_SEEK_FF);
}

/* Abandons the current frame and goes back to looking for SOI. */
static void
jpeg_split_drop(struct jpeg_split *js, uint64_t *counter)
{
	if (!js->discard && counter != NULL)
		(*counter)++;
	js->discard = 0;
	js->buflen = 0;
	js->state = JS_SEEK;
}

/*
 * Abandons the current frame, which ends before p, for the reason counted
 * by counter; a frame already past max_frame counts as oversize, however
 * the input was cut into chunks.
 */
static void
jpeg_split_abandon(struct jpeg_split *js, struct jpeg_split_run *r,
    const unsigned char *p, uint64_t *counter)
{
	if (js->buflen + (p - r->fstart) > js->max_frame)
		counter = &js->st.dropped_oversize;
	jpeg_split_drop(js, counter);
}

/* Starts a frame whose SOI code byte (D8) is at q. */
static void
jpeg_split_begin(struct jpeg_split *js, struct jpeg_split_run *r,
    const unsigned char *q)
{
	if (jpeg_split_inframe(js))
		jpeg_split_abandon(js, r, q, &js->st.dropped_truncated);
	js->discard = 0;
	js->seen_sos = 0;
	js->buflen = 0;
	if (q > r->data)
		r->fstart = q - 1;
	else {
		/* The FF ended the previous chunk. */
		js->buf[0] = 0xff;
		js->buflen = 1;
		r->fstart = q;
	}
	js->state = JS_MARK;
}

/* Ends the current frame at p (just past EOI): delivers or drops it. */
static void
jpeg_split_end(struct jpeg_split *js, struct jpeg_split_run *r,
    const unsigned char *p)
{
	size_t	 n = p - r->fstart;

	if (js->discard || js->buflen + n > js->max_frame || !js->seen_sos) {
		jpeg_split_abandon(js, r, p, &js->st.dropped_corrupt);
		return;
	}
	if (js->buflen == 0)
		r->cb(r->fstart, n, r->arg);
	else if (jpeg_split_append(js, r->fstart, n) == -1) {
		r->nomem = 1;
		jpeg_split_drop(js, &js->st.dropped_truncated);
		return;
	} else
		r->cb(js->buf, js->buflen, r->arg);
	js->st.frames++;
	r->frames++;
	jpeg_split_drop(js, NULL);
}

/*
 * Handles the marker code c read at p[-1] after an FF in a frame; ecs tells
 * whether it follows entropy-coded data.
 */
static void
jpeg_split_marker(struct jpeg_split *js, struct jpeg_split_run *r,
    const unsigned char *p, int c, int ecs)
{
	if (c == 0xff)
		return;			/* fill byte: still after FF */
	if (c == JPEG_SEG_SOI)
		jpeg_split_begin(js, r, p - 1);
	else if (c == JPEG_SEG_EOI)
		jpeg_split_end(js, r, p);
	else if (ecs && (c == 0x00 || (c >= 0xd0 && c <= 0xd7)))
		js->state = JS_ECS;	/* stuffing or RSTn */
	else if (c == 0x00)
		jpeg_split_abandon(js, r, p, &js->st.dropped_corrupt);
	else if (jpeg_seg_standalone(c))
		js->state = JS_MARK;
	else {
		js->marker = c;
		js->state = JS_LEN1;
	}
}

/* Keeps what is left of the current frame when a chunk ends. */
static void
jpeg_split_keep(struct jpeg_split *js, struct jpeg_split_run *r,
    const unsigned char *end)
{
	size_t	 n = end - r->fstart;

	if (!jpeg_split_inframe(js) || js->discard || n == 0)
		return;
	if (js->buflen + n > js->max_frame)
		js->st.dropped_oversize++;
	else if (jpeg_split_append(js, r->fstart, n) == -1) {
		r->nomem = 1;
		js->st.dropped_truncated++;
	} else
		return;
	/* Walk the rest of the frame without keeping it. */
	js->discard = 1;
	js->buflen = 0;
}

/* Feeds a chunk; calls cb for each frame it completes. */
int
jpeg_split_feed(struct jpeg_split *js, const unsigned char *data, size_t len,
    jpeg_split_cb cb, void *arg)
{
	struct jpeg_split_run	 r = { data, data, cb, arg, 0, 0 };
	const unsigned char	*p = data, *end = data + len, *q;
	size_t			 n;
	int			 c;

	while (p < end) {
		switch (js->state) {
		case JS_SEEK:
			if ((q = memchr(p, 0xff, end - p)) == NULL) {
				js->st.garbage_bytes += end - p;
				p = end;
				break;
			}
			js->st.garbage_bytes += q - p;
			p = q + 1;
			js->state = JS_SEEK_FF;
			break;
		case JS_SEEK_FF:
			c = *p++;
			if (c == JPEG_SEG_SOI)
				jpeg_split_begin(js, &r, p - 1);
			else if (c == 0xff)
				js->st.garbage_bytes++;
			else {
				js->st.garbage_bytes += 2;
				js->state = JS_SEEK;
			}
			break;
		case JS_MARK:
			if (*p != 0xff) {
				/* Not a marker: rescan this byte for SOI. */
				jpeg_split_abandon(js, &r, p,
				    &js->st.dropped_corrupt);
				break;
			}
			p++;
			js->state = JS_MARK_FF;
			break;
		case JS_MARK_FF:
			c = *p++;
			jpeg_split_marker(js, &r, p, c, 0);
			break;
		case JS_LEN1:
			js->skip = (size_t)*p++ << 8;
			js->state = JS_LEN2;
			break;
		case JS_LEN2:
			js->skip |= *p++;
			if (js->skip < 2) {
				jpeg_split_abandon(js, &r, p,
				    &js->st.dropped_corrupt);
				break;
			}
			js->skip -= 2;
			js->state = JS_SKIP;
			/* FALLTHROUGH */
		case JS_SKIP:
			n = end - p;
			if (n > js->skip)
				n = js->skip;
			p += n;
			js->skip -= n;
			if (js->skip > 0)
				break;
			if (js->marker == JPEG_SEG_SOS) {
				js->seen_sos = 1;
				js->state = JS_ECS;
			} else
				js->state = JS_MARK;
			break;
		case JS_ECS:
			if ((q = memchr(p, 0xff, end - p)) == NULL) {
				p = end;
				break;
			}
			p = q + 1;
			js->state = JS_ECS_FF;
			break;
		case JS_ECS_FF:
			c = *p++;
			jpeg_split_marker(js, &r, p, c, 1);
			break;
		}
	}
	jpeg_split_keep(js, &r, end);
	if (r.nomem) {
		errno = ENOMEM;
		return (-1);
	}
	return (r.frames);
}

/* Forgets a partial frame, counting it as truncated. */
void
jpeg_split_reset(struct jpeg_split *js)
{
	if (js->state == JS_SEEK_FF)
		js->st.garbage_bytes++;
	if (jpeg_split_inframe(js))
		jpeg_split_drop(js, &js->st.dropped_truncated);
	js->state = JS_SEEK;
}

/* Copies the counters out. */
void
jpeg_split_stats(const struct jpeg_split *js, struct jpeg_split_stats *st)
{
	*st = js->st;
}
