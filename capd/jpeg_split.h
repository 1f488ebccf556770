/* SPDX-License-Identifier: ISC */
/*
 * jpeg_split.h: splits a byte stream of concatenated JPEGs (an MJPEG pipe
 * from rpicam-vid, ffmpeg, a file) into whole frames, by walking JPEG
 * markers: segment lengths, then entropy-coded data with FF00 stuffing, RSTn
 * and FF fill bytes.  Never searches for FF D9 (EXIF thumbnails inside APP1
 * contain whole JPEGs).  No I/O: bytes in, frames out through a callback.
 *
 * Garbage between frames is skipped without being buffered.  A frame cut
 * short by a new SOI is dropped (truncated); a frame growing past max_frame
 * is dropped and the splitter resynchronises on the next SOI.  Memory is
 * bounded by max_frame.  A frame with bad segment structure, or with no
 * scan (SOS) before EOI, is dropped as corrupt.  Frames and counters do not
 * depend on how the input is cut into chunks; a frame wholly inside one
 * chunk is handed to cb straight from that chunk, without a copy.
 */
#ifndef CAPD_JPEG_SPLIT_H
#define CAPD_JPEG_SPLIT_H

#include <stddef.h>
#include <stdint.h>

struct jpeg_split;

struct jpeg_split_stats {
	uint64_t	 frames;		/* whole frames delivered */
	uint64_t	 dropped_oversize;	/* frames over max_frame */
	uint64_t	 dropped_truncated;	/* frames cut by a new SOI or reset */
	uint64_t	 dropped_corrupt;	/* bad segment structure */
	uint64_t	 garbage_bytes;		/* bytes outside any frame */
};

/*
 * Called once per whole frame; data is valid only during the call, which
 * must not call back into the splitter.
 */
typedef void	(*jpeg_split_cb)(const unsigned char *data, size_t len,
		    void *arg);

/* Creates a splitter that keeps at most max_frame bytes.  NULL on ENOMEM. */
struct jpeg_split *jpeg_split_new(size_t max_frame);
void		 jpeg_split_free(struct jpeg_split *js);

/*
 * Feeds len bytes; calls cb for every frame completed by them, in order.
 * Returns the number of frames delivered, or -1 on ENOMEM.
 */
int		 jpeg_split_feed(struct jpeg_split *js, const unsigned char *data,
		    size_t len, jpeg_split_cb cb, void *arg);

/* Forgets any partial frame (counted as truncated), e.g. at end of input. */
void		 jpeg_split_reset(struct jpeg_split *js);

/* Copies the counters out. */
void		 jpeg_split_stats(const struct jpeg_split *js,
		    struct jpeg_split_stats *st);

#endif
