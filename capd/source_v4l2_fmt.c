/* SPDX-License-Identifier: ISC */
/*
 * source_v4l2_fmt.c: the camera's pixel formats: which one capd asks for,
 * and a format's name.
 */
#include <linux/videodev2.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "source_v4l2.h"

/* Formats in order of preference: passthrough first. */
static const uint32_t fmt_prefer[] = {
	V4L2_PIX_FMT_MJPEG, V4L2_PIX_FMT_JPEG, V4L2_PIX_FMT_YUYV,
	V4L2_PIX_FMT_UYVY, V4L2_PIX_FMT_RGB24, V4L2_PIX_FMT_BGR24
};

/* A fourcc as text. */
const char *
source_v4l2_fmt_name(uint32_t f, char buf[5])
{
	snprintf(buf, 5, "%c%c%c%c", f & 0xff, (f >> 8) & 0xff,
	    (f >> 16) & 0xff, (f >> 24) & 0xff);
	return (buf);
}

/* Picks the best format the device offers; 0 if none is usable. */
uint32_t
source_v4l2_fmt_pick(int fd, int h264)
{
	struct v4l2_fmtdesc	 d;
	size_t			 i, best = sizeof(fmt_prefer) / sizeof(fmt_prefer[0]);

	memset(&d, 0, sizeof(d));
	d.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	for (d.index = 0; source_v4l2_ioctl(fd, VIDIOC_ENUM_FMT, &d) == 0;
	    d.index++) {
		/* --source-format h264: that format, nothing else. */
		if (h264) {
			if (d.pixelformat == V4L2_PIX_FMT_H264)
				return (d.pixelformat);
			continue;
		}
		for (i = 0; i < best; i++)
			if (fmt_prefer[i] == d.pixelformat)
				best = i;
	}
	if (h264)
		return (0);
	return (best < sizeof(fmt_prefer) / sizeof(fmt_prefer[0]) ?
	    fmt_prefer[best] : 0);
}
