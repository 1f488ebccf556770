/* SPDX-License-Identifier: ISC */
/*
 * frame_part.h: the frame socket's part framing (docs/frames.md), written
 * and parsed without I/O.  A part is:
 *
 *   --campipe\r\n
 *   Content-Type: image/jpeg\r\n
 *   Content-Length: N\r\n
 *   X-Frame-Seq: S\r\n
 *   X-Timestamp: SECONDS.MICROSECONDS\r\n
 *   \r\n
 *   N bytes of JPEG
 *   \r\n
 */
#ifndef CAMPIPE_FRAME_PART_H
#define CAMPIPE_FRAME_PART_H

#include <sys/time.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_PART_BOUNDARY	"campipe"
#define FRAME_PART_HEADER_MAX	1024	/* boundary line to empty line */
#define FRAME_PART_BLANK_MAX	64	/* CR and LF bytes before the boundary */
#define FRAME_PART_TRAILER	"\r\n"
/* capd's line instead of a first part when it gives no JPEG. */
#define FRAME_PART_REFUSED	"Refused: "

struct frame_part_info {
	size_t		 hdr_len;	/* bytes before the JPEG */
	size_t		 jpeg_len;	/* Content-Length */
	uint64_t	 seq;		/* X-Frame-Seq, 0 if absent */
	struct timeval	 ts;		/* X-Timestamp, 0 if absent */
};

/*
 * Writes the part header for a JPEG of jpeg_len bytes into buf.  Returns
 * its length, or -1 if size is too small.
 */
int	frame_part_header(char *buf, size_t size, size_t jpeg_len,
	    uint64_t seq, const struct timeval *ts);

/*
 * Parses a part header at the start of data by the reader's rules of
 * docs/frames.md: up to FRAME_PART_BLANK_MAX CR and LF bytes before the
 * boundary, a header of at most FRAME_PART_HEADER_MAX bytes from the
 * boundary line to the empty line, names in any case, Content-Length
 * required (1 to max_jpeg), X-Frame-Seq and X-Timestamp optional, each
 * known field once, unknown fields ignored.  Returns 1 when a complete
 * header was parsed (info filled; the whole part is info->hdr_len +
 * info->jpeg_len + 2 bytes, counting the blank lines in hdr_len), 0 when
 * more bytes are needed, -1 on a header that breaks the rules (cause
 * filled; a "Refused: REASON" line where the boundary belongs gives -1 and
 * the cause "capd refused: REASON").  A caller passing FRAME_PART_BLANK_MAX + FRAME_PART_HEADER_MAX
 * bytes or more always gets 1 or -1.
 */
int	frame_part_parse(const unsigned char *data, size_t len,
	    size_t max_jpeg, struct frame_part_info *info, char *cause,
	    size_t causelen);

#endif
