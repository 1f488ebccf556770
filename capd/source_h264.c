/* SPDX-License-Identifier: ISC */
/*
 * source_h264.c: an H.264 Annex-B byte stream from outside (a command's
 * stdout, a file) cut into access units for source_emit_au(), each
 * stamped with the time its last byte arrived.  What the splitter drops
 * (bytes that are not H.264, units over --max-frame-size, units before an
 * IDR) is said in one line at most every few seconds.
 */
#include <stdlib.h>
#include <string.h>

#include "annexb_split.h"
#include "log.h"
#include "mono.h"
#include "source.h"
#include "timeval.h"

#define SOURCE_H264_LOG_MS	5000	/* between lines about drops */
#define SOURCE_H264_GARBAGE	4096	/* bytes of garbage worth a line */

struct source_h264 {
	struct source		*src;
	struct annexb_split	*split;
	struct annexb_split_stats logged;	/* counted in lines already */
	uint64_t		 logged_ms;
	int			 said_jpeg;
};

/* A new cutter for src's stream. */
struct source_h264 *
source_h264_new(struct source *src)
{
	struct source_h264	*sh;

	if ((sh = calloc(1, sizeof(*sh))) == NULL)
		return (NULL);
	sh->src = src;
	if ((sh->split = annexb_split_new(src->conf->max_frame)) == NULL) {
		free(sh);
		return (NULL);
	}
	return (sh);
}

/* Frees it. */
void
source_h264_free(struct source_h264 *sh)
{
	if (sh == NULL)
		return;
	annexb_split_free(sh->split);
	free(sh);
}

/* One line for what was dropped since the last, at most every few s. */
static void
source_h264_log(struct source_h264 *sh, int now)
{
	struct annexb_split_stats st;
	uint64_t		 ms = mono_ms();

	annexb_split_stats(sh->split, &st);
	if (st.jpeg && !sh->said_jpeg) {
		/* Once: the likely mistake, said plainly. */
		log_warnx("%s: the stream is JPEG, not H.264 Annex-B: drop "
		    "--source-format h264, or make the command write H.264",
		    sh->src->conf->spec);
		sh->said_jpeg = 1;
	}
	if (!now && sh->logged_ms != 0 &&
	    ms - sh->logged_ms < SOURCE_H264_LOG_MS)
		return;
	if (st.garbage_bytes - sh->logged.garbage_bytes >=
	    SOURCE_H264_GARBAGE && !st.jpeg)
		log_warnx("%s: %llu bytes that are not H.264 Annex-B (no "
		    "start code 00 00 01) dropped", sh->src->conf->spec,
		    (unsigned long long)(st.garbage_bytes -
		    sh->logged.garbage_bytes));
	else
		st.garbage_bytes = sh->logged.garbage_bytes;
	if (st.dropped_oversize > sh->logged.dropped_oversize)
		log_warnx("%s: %llu access unit(s) over --max-frame-size %zu "
		    "dropped, and those after up to the next IDR",
		    sh->src->conf->spec, (unsigned long long)
		    (st.dropped_oversize - sh->logged.dropped_oversize),
		    sh->src->conf->max_frame);
	if (st.dropped_unsynced > sh->logged.dropped_unsynced)
		log_info("%s: %llu access unit(s) before an IDR skipped",
		    sh->src->conf->spec, (unsigned long long)
		    (st.dropped_unsynced - sh->logged.dropped_unsynced));
	if (st.garbage_bytes != sh->logged.garbage_bytes ||
	    st.dropped_oversize != sh->logged.dropped_oversize ||
	    st.dropped_unsynced != sh->logged.dropped_unsynced)
		sh->logged_ms = ms;
	sh->logged = st;
}

/* Each whole access unit, stamped now. */
static void
source_h264_unit(const unsigned char *au, size_t len, int idr, void *arg)
{
	struct source_h264	*sh = arg;
	struct timeval		 tv;

	timeval_now(&tv);
	source_emit_au(sh->src, au, len, idr, &tv);
}

/* Feeds bytes of the stream. */
void
source_h264_feed(struct source_h264 *sh, const unsigned char *buf,
    size_t len)
{
	static struct log_rate	 lr = LOG_RATE_INIT("h264 source memory");

	if (annexb_split_feed(sh->split, buf, len, source_h264_unit, sh) == -1)
		log_rate_warnx(&lr, "%s: out of memory cutting access units",
		    sh->src->conf->spec);
	source_h264_log(sh, 0);
}

/* The stream ended or broke off: the next unit out is an IDR. */
void
source_h264_end(struct source_h264 *sh, int flush)
{
	if (flush)
		annexb_split_flush(sh->split, source_h264_unit, sh);
	annexb_split_reset(sh->split);
	source_h264_log(sh, 1);
}

struct source_h264_index {
	const unsigned char	*map;
	size_t			 size, from;
	source_h264_index_cb	 cb;
	void			*arg;
};

/* A unit the splitter found: where it lies in the mapping. */
static void
source_h264_place(const unsigned char *au, size_t len, int idr, void *arg)
{
	struct source_h264_index	*ix = arg;
	const unsigned char		*p;

	/* A unit is a run of the stream's own bytes, after the last. */
	p = memmem(ix->map + ix->from, ix->size - ix->from, au, len);
	if (p == NULL)
		return;
	ix->from = p - ix->map + len;
	ix->cb(p - ix->map, len, idr, ix->arg);
}

/* Cuts a whole mapped stream into access units, each by its place. */
void
source_h264_index(const unsigned char *map, size_t size, size_t max_au,
    source_h264_index_cb cb, void *arg)
{
	struct source_h264_index	 ix = { map, size, 0, cb, arg };
	struct annexb_split		*split;

	if ((split = annexb_split_new(max_au)) == NULL)
		return;
	annexb_split_feed(split, map, size, source_h264_place, &ix);
	annexb_split_flush(split, source_h264_place, &ix);
	annexb_split_free(split);
}
