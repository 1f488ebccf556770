/* SPDX-License-Identifier: ISC */
/*
 * sink.h: where the source's pictures go (the frame server, the H.264
 * socket, the control socket's frame rate), and capd's systemd status line
 * computed from them.
 */
#ifndef CAPD_SINK_H
#define CAPD_SINK_H

#include <sys/time.h>
#include <stddef.h>

struct control;
struct h264;
struct server;
struct source;
struct yuyv_pic;

/* What each frame goes to. */
struct sink {
	struct server	*srv;
	struct control	*ctl;
	struct h264	*h264;		/* NULL with --h264 off */
	unsigned long long pictures;	/* JPEG, raw or H.264: for the status */
};

/* What the status line is computed from. */
struct sink_status {
	struct server		*srv;
	struct source		*src;
	struct sink		*sink;
	unsigned long long	 frames;	/* sink->pictures at the last call */
	double			 when;		/* monotonic seconds */
};

/* The source's callbacks; arg is a struct sink. */
void	sink_frame(const unsigned char *jpeg, size_t len,
	    const struct timeval *ts, void *arg);
int	sink_wants(void *arg);
void	sink_raw(const struct yuyv_pic *raw, const unsigned char *jpeg,
	    size_t len, const struct timeval *ts, void *arg);
void	sink_au(const unsigned char *au, size_t len, int idr,
	    const struct timeval *ts, void *arg);
void	sink_source_error(const char *cause, void *arg);
/* Asks a source giving H.264 for an IDR; arg is the struct source. */
int	sink_keyframe(void *arg);
/* The STATUS= line (notify.h); arg is a struct sink_status. */
void	sink_status(char *buf, size_t len, void *arg);

#endif
