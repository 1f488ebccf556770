/* SPDX-License-Identifier: ISC */
/* source_v4l2.h: the V4L2 camera source's pieces, shared inside capd. */
#ifndef CAPD_SOURCE_V4L2_H
#define CAPD_SOURCE_V4L2_H

#include <stdint.h>
#include <stdio.h>

struct source;
/* The open camera's descriptor, or -1 when closed or not v4l2:. */
int	source_v4l2_fd(const struct source *src);
/* ioctl, retried on EINTR. */
int	source_v4l2_ioctl(int fd, unsigned long req, void *arg);

/* source_v4l2_fmt.c */
/* The best format the device offers (only H.264 if h264); 0 if none. */
uint32_t source_v4l2_fmt_pick(int fd, int h264);
/* A fourcc as text, in buf. */
const char *source_v4l2_fmt_name(uint32_t f, char buf[5]);

/* source_v4l2_ctrl.c */
/* The v4l2-ctl style name of a control ("Horizontal Flip": horizontal_flip). */
void	source_v4l2_ctrl_name(const char *in, char *out, size_t size);
int	source_v4l2_ctrl_has(int fd, uint32_t id);
int	source_v4l2_ctrl_set(int fd, uint32_t id, int64_t value);
int	source_v4l2_ctrl_apply(int fd, char **ctrls, int quiet);
int	source_v4l2_ctrl_list(int fd, FILE *f);
/* --list-controls: opens dev and prints its controls; -1 and cause. */
int	source_v4l2_ctrl_list_dev(const char *dev, FILE *f, char *cause,
	    size_t causelen);

/* source_v4l2_yuv.c: packed YUV or RGB frames to JPEG. */
struct source_v4l2_yuv;
struct source_v4l2_yuv *source_v4l2_yuv_new(void);
void	source_v4l2_yuv_free(struct source_v4l2_yuv *);
/* Tells whether pixfmt can be encoded. */
int	source_v4l2_yuv_supported(uint32_t pixfmt);
/* Encodes one frame; returns the JPEG's length (valid until the next call). */
long	source_v4l2_yuv_encode(struct source_v4l2_yuv *, uint32_t pixfmt,
	    const unsigned char *data, size_t len, int width, int height,
	    int stride, int quality, const unsigned char **jpeg, char *cause,
	    size_t causelen);

/* source_v4l2_h264.c: the camera's own H.264 (--source-format h264). */
struct source_conf;
struct timeval;
void	source_v4l2_h264_setup(int fd, const struct source_conf *conf,
	    int quiet);
int	source_v4l2_h264_keyframe(int fd);
void	source_v4l2_h264_frame(struct source *src, const unsigned char *data,
	    size_t len, const struct timeval *tv);

#endif
