/* SPDX-License-Identifier: ISC */
/*
 * outputs.h: where the source's pictures go (the frame socket, the H.264
 * socket, the control socket's frame rate), and capd's systemd status line
 * computed from them.
 */
#ifndef CAPD_OUTPUTS_H
#define CAPD_OUTPUTS_H

#include <sys/time.h>
#include <stddef.h>

struct control;
struct framesock;
struct h264;
struct source;
struct yuyv_pic;

/* What each frame goes to. */
struct outputs {
	struct framesock	*srv;
	struct control	*ctl;
	struct h264	*h264;		/* NULL with --h264 off */
	struct h264	*h264_sub;	/* NULL without --h264-sub */
	unsigned long long pictures;	/* JPEG, raw or H.264: for the status */
};

/* What the status line is computed from. */
struct outputs_status {
	struct framesock		*srv;
	struct source		*src;
	struct outputs		*out;
	unsigned long long	 frames;	/* its pictures at the last call */
	double			 when;		/* monotonic seconds */
};

/* The source's callbacks; arg is a struct outputs. */
void	outputs_frame(const unsigned char *jpeg, size_t len,
	    const struct timeval *ts, void *arg);
int	outputs_wants(void *arg);
void	outputs_raw(const struct yuyv_pic *raw, const unsigned char *jpeg,
	    size_t len, const struct timeval *ts, void *arg);
void	outputs_au(const unsigned char *au, size_t len, int idr,
	    const struct timeval *ts, void *arg);
void	outputs_source_error(const char *cause, void *arg);
/* Asks a source giving H.264 for an IDR; arg is the struct source. */
int	outputs_keyframe(void *arg);
/* The STATUS= line (notify.h); arg is a struct outputs_status. */
void	outputs_status(char *buf, size_t len, void *arg);

#endif
