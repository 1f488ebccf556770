/* SPDX-License-Identifier: ISC */
/*
 * source.h: where capd's frames come from.  A source runs in capd's event
 * loop, is started when the first subscriber arrives and stopped after the
 * idle delay; it hands each JPEG it produces to source_emit().
 */
#ifndef CAPD_SOURCE_H
#define CAPD_SOURCE_H

#include <sys/time.h>
#include <stddef.h>

struct event_base;
struct source;
struct yuyv_pic;

/* Configuration shared by every source: kept apart from runtime state. */
struct source_conf {
	const char	*spec;		/* "test", "file:PATH", "exec:CMD", "v4l2:DEV" */
	int		 width, height;	/* --size */
	int		 fps;		/* --fps */
	int		 quality;	/* --quality, for sources that encode */
	size_t		 max_frame;	/* --max-frame-size */
	unsigned long long max_pixels;	/* --max-pixels: larger frames dropped */
	int		 watch_ms;	/* no frame this long after start: said */
	int		 hflip, vflip;	/* --hflip, --vflip */
	int		 rotate;	/* --rotate: 0, 90, 180, 270 */
	char		**ctrls;	/* --ctrl NAME=VALUE, NULL-terminated */
	int		 format;	/* --source-format: what it gives */
	int		 gop_ms;	/* --h264-gop, for a camera's H.264 */
};

/* What a source gives (--source-format). */
#define SOURCE_JPEG	0	/* pictures: JPEG, or raw frames encoded */
#define SOURCE_H264	1	/* H.264 access units, passed through */

/* Receives each JPEG (ts = capture time); data is valid during the call. */
typedef void	(*source_frame_cb)(const unsigned char *jpeg, size_t len,
		    const struct timeval *ts, void *arg);
/*
 * Told when a running source fails (camera gone, command died).  The
 * source itself retries with backoff while started; this is for logs and
 * status only.
 */
typedef void	(*source_error_cb)(const char *cause, void *arg);
/*
 * Receives each H.264 access unit of a SOURCE_H264 source (Annex-B, as
 * the source gave it; the first of a start is an IDR); valid during the
 * call.
 */
typedef void	(*source_au_cb)(const unsigned char *au, size_t len, int idr,
		    const struct timeval *ts, void *arg);

/*
 * What the sink wants of a source's next picture: SOURCE_WANT_JPEG, and
 * SOURCE_WANT_RAW when a source with uncompressed pictures should hand
 * them over as they are (for the H.264 encoder).
 */
#define SOURCE_WANT_JPEG	0x1
#define SOURCE_WANT_RAW		0x2
typedef int	(*source_want_cb)(void *arg);
/*
 * Receives a raw picture (flips and rotation still to do, as the picture
 * says) with its JPEG, jpeg NULL when none was wanted or it was dropped.
 * Both are valid during the call.
 */
typedef void	(*source_raw_cb)(const struct yuyv_pic *raw,
		    const unsigned char *jpeg, size_t len,
		    const struct timeval *ts, void *arg);

struct source_ops {
	const char	*prefix;	/* "test", "file:", "exec:", "v4l2:" */
	/* Checks the spec and allocates state; no device opened yet. */
	int		(*init)(struct source *, char *cause, size_t causelen);
	/* Starts producing frames (opens the camera, runs the command). */
	int		(*start)(struct source *, char *cause, size_t causelen);
	/* Stops: camera closed, child gone.  Idempotent. */
	void		(*stop)(struct source *);
	void		(*destroy)(struct source *);
	/* Optional: the conf's flips changed while running. */
	void		(*reflip)(struct source *);
	/* Optional, SOURCE_H264: asks for an IDR at once; -1 if it cannot. */
	int		(*keyframe)(struct source *);
};

struct source {
	const struct source_ops	*ops;
	const struct source_conf *conf;
	struct event_base	*base;
	const char		*arg;	/* spec after the prefix */
	source_frame_cb		 frame_cb;
	source_error_cb		 error_cb;
	source_au_cb		 au_cb;		/* set by the owner */
	void			*cb_arg;
	void			*priv;	/* the source's own state */
	int			 running;
	/*
	 * Flips and rotation left to do losslessly on each JPEG in
	 * source_emit(): the conf's, unless the source did part itself
	 * (a camera's flip controls).
	 */
	int			 xf_hflip, xf_vflip, xf_rotate;
	struct jpeg_xform	*xform;
	struct event		*ev_watch;	/* no frame since the start? */
	source_want_cb		 want_cb;	/* NULL: JPEG only */
	source_raw_cb		 raw_cb;
	unsigned long long	 emitted;	/* frames since the start */
};

/* Says whether spec names a kind of source; nothing is checked or opened. */
int		 source_known(const char *spec);
/*
 * Creates the source named by conf->spec; checks it (file exists, command
 * found) without starting it.  Returns NULL and fills cause on error.
 */
struct source	*source_new(struct event_base *base,
		    const struct source_conf *conf, source_frame_cb fcb,
		    source_error_cb ecb, void *arg, char *cause,
		    size_t causelen);
void		 source_free(struct source *src);
int		 source_start(struct source *src, char *cause, size_t causelen);
void		 source_stop(struct source *src);
/* The conf's flips or rotation changed: applied from the next frame. */
void		 source_reflip(struct source *src);

/* Lets sources with uncompressed pictures hand them to the sink raw. */
void		 source_set_raw(struct source *src, source_want_cb wcb,
		    source_raw_cb rcb);

/* For source implementations: SOURCE_WANT_* for the next picture. */
int		 source_wants(struct source *src);
/*
 * For source implementations: hands capd a raw picture (wanted raw) and
 * its JPEG (NULL if not wanted); raw's flips are filled in here.
 */
void		 source_emit_raw(struct source *src, struct yuyv_pic *raw,
		    const unsigned char *jpeg, size_t len,
		    const struct timeval *ts);
/* For source implementations: hands a JPEG to capd. */
void		 source_emit(struct source *src, const unsigned char *jpeg,
		    size_t len, const struct timeval *ts);
/* SOURCE_H264: asks the source for an IDR; -1 if it cannot (it comes
 * when the source sends one). */
int		 source_keyframe(struct source *src);
/* For source implementations: hands an H.264 access unit to capd. */
void		 source_emit_au(struct source *src, const unsigned char *au,
		    size_t len, int idr, const struct timeval *ts);

/*
 * source_h264.c: for exec: and file:, an outside Annex-B stream cut into
 * access units (capd/annexb_split.c), with rate-limited lines about
 * what was dropped.
 */
struct source_h264;
struct source_h264 *source_h264_new(struct source *src);
void		 source_h264_free(struct source_h264 *sh);
/* Feeds bytes of the stream; emits each whole access unit. */
void		 source_h264_feed(struct source_h264 *sh,
		    const unsigned char *buf, size_t len);
/* The stream ended (flush: its last unit is whole) or broke off. */
void		 source_h264_end(struct source_h264 *sh, int flush);

/* file:'s index: each access unit of a mapped stream, by its place. */
typedef void	(*source_h264_index_cb)(size_t off, size_t len, int idr,
		    void *arg);
void		 source_h264_index(const unsigned char *map, size_t size,
		    size_t max_au, source_h264_index_cb cb, void *arg);

/* For source implementations: reports a failure. */
void		 source_error(struct source *src, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

extern const struct source_ops source_test_ops;
extern const struct source_ops source_file_ops;
extern const struct source_ops source_exec_ops;
extern const struct source_ops source_v4l2_ops;

#endif
