/* SPDX-License-Identifier: ISC */
/*
 * fakecam_h264.c: the fake camera's V4L2_PIX_FMT_H264 (FAKECAM_FORMATS=H264):
 * access units of an Annex-B file (FAKECAM_H264=FILE), each starting with
 * an AUD (x264's aud=1), one per buffer, looping.  Setting
 * V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME makes the next buffer the file's next
 * IDR, as a camera's encoder would make one; the file's GOP is what it is
 * (V4L2_CID_MPEG_VIDEO_H264_I_PERIOD is kept, not applied).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fakecam.h"

#define FAKECAM_H264_MAX	(64 << 20)	/* bytes of the file read */

static pthread_mutex_t	 h264_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char	*clip;
static size_t		 cliplen;
static int		 loaded;
static size_t		 pos[FAKECAM_NDEV];
static int		 force[FAKECAM_NDEV];

/* Reads FAKECAM_H264 once. */
static void
h264_load(void)
{
	const char	*path = getenv("FAKECAM_H264");
	unsigned char	*p;
	ssize_t		 n;
	int		 fd;

	loaded = 1;
	if (path == NULL || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		fakecam_log("h264: no FAKECAM_H264 file");
		return;
	}
	if ((clip = malloc(FAKECAM_H264_MAX)) != NULL) {
		while (cliplen < FAKECAM_H264_MAX && (n = read(fd, clip +
		    cliplen, FAKECAM_H264_MAX - cliplen)) > 0)
			cliplen += n;
		if ((p = realloc(clip, cliplen ? cliplen : 1)) != NULL)
			clip = p;
	}
	close(fd);
}

/* Where the access unit at off ends: the next AUD, or the end. */
static size_t
h264_au_end(size_t off)
{
	static const unsigned char	 aud[5] = { 0, 0, 0, 1, 9 };
	const unsigned char		*p;

	if (off + sizeof(aud) >= cliplen)
		return cliplen;
	p = memmem(clip + off + sizeof(aud), cliplen - off - sizeof(aud), aud,
	    sizeof(aud));
	return p != NULL ? (size_t)(p - clip) : cliplen;
}

/* Whether [off, end) holds an IDR slice. */
static int
h264_au_idr(size_t off, size_t end)
{
	size_t	 i;

	for (i = off; i + 3 < end; i++)
		if (clip[i] == 0 && clip[i + 1] == 0 && clip[i + 2] == 1 &&
		    (clip[i + 3] & 0x1f) == 5)
			return 1;
	return 0;
}

/* The next IDR is wanted on this device. */
void
fakecam_h264_force(int index)
{
	pthread_mutex_lock(&h264_lock);
	force[index % FAKECAM_NDEV] = 1;
	pthread_mutex_unlock(&h264_lock);
}

/* Copies the device's next access unit into out; its length or -1. */
long
fakecam_h264_draw(int index, unsigned char *out, size_t outsize)
{
	size_t	 off, end, n, tries;
	int	 d = index % FAKECAM_NDEV;

	pthread_mutex_lock(&h264_lock);
	if (!loaded)
		h264_load();
	if (cliplen == 0) {
		pthread_mutex_unlock(&h264_lock);
		return -1;
	}
	off = pos[d] < cliplen ? pos[d] : 0;
	end = h264_au_end(off);
	for (tries = 0; force[d] && !h264_au_idr(off, end) &&
	    tries < cliplen; tries++) {
		off = end < cliplen ? end : 0;
		end = h264_au_end(off);
	}
	force[d] = 0;
	n = end - off;
	pos[d] = end;
	if (n > outsize) {
		pthread_mutex_unlock(&h264_lock);
		return -1;
	}
	memcpy(out, clip + off, n);
	pthread_mutex_unlock(&h264_lock);
	return n;
}
