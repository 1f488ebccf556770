/* SPDX-License-Identifier: ISC */
/*
 * source_v4l2_h264.c: a V4L2 camera's own H.264 (--source-format h264):
 * its GOP bounded by --h264-gop where the driver lets it
 * (V4L2_CID_MPEG_VIDEO_H264_I_PERIOD), an IDR asked for at once for a new
 * viewer (V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME), each buffer one access unit.
 */
#include <linux/videodev2.h>

#include <errno.h>
#include <string.h>

#include "annexb.h"
#include "log.h"
#include "source.h"
#include "source_v4l2.h"

/* Bounds the camera's GOP to --h264-gop; says what it could not do. */
void
source_v4l2_h264_setup(int fd, const struct source_conf *conf, int quiet)
{
	long long	 period;

	period = (long long)conf->fps * conf->gop_ms / 1000;
	if (period < 1)
		period = 1;
	if (!source_v4l2_ctrl_has(fd, V4L2_CID_MPEG_VIDEO_H264_I_PERIOD)) {
		if (!quiet)
			log_info("v4l2: the camera cannot bound its GOP "
			    "(no h264_i_frame_period control): --h264-gop "
			    "not applied");
		return;
	}
	if (source_v4l2_ctrl_set(fd, V4L2_CID_MPEG_VIDEO_H264_I_PERIOD,
	    period) == -1 && !quiet)
		log_info("v4l2: h264_i_frame_period %lld: %s", period,
		    strerror(errno));
	else if (!quiet)
		log_info("v4l2: an IDR every %lld frames (--h264-gop)", period);
}

/* Asks the camera for an IDR now; -1 if it cannot. */
int
source_v4l2_h264_keyframe(int fd)
{
	if (fd == -1)
		return (-1);
	return (source_v4l2_ctrl_set(fd, V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME,
	    1));
}

/* One buffer, one access unit: to capd if it holds a slice. */
void
source_v4l2_h264_frame(struct source *src, const unsigned char *data,
    size_t len, const struct timeval *tv)
{
	static struct log_rate	 lr = LOG_RATE_INIT("v4l2 h264 drops");
	struct annexb_info	 info;

	annexb_scan(data, len, &info);
	if (!info.vcl) {
		log_rate_warnx(&lr, "v4l2: buffer of %zu bytes without an "
		    "H.264 slice dropped", len);
		return;
	}
	source_emit_au(src, data, len, info.idr, tv);
}
