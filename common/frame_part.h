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
#define FRAME_PART_HEADER_MAX	1024	/* longest header parsed */
#define FRAME_PART_TRAILER	"\r\n"

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
 * Parses a part header at the start of data.  Leading CRLFs are allowed.
 * Returns 1 when a complete header was parsed (info filled; the whole part
 * is info->hdr_len + info->jpeg_len + 2 bytes, counting leading CRLFs in
 * hdr_len), 0 when more bytes are needed, -1 on a malformed header or one
 * longer than FRAME_PART_HEADER_MAX or a Content-Length over max_jpeg
 * (cause filled).
 */
int	frame_part_parse(const unsigned char *data, size_t len,
	    size_t max_jpeg, struct frame_part_info *info, char *cause,
	    size_t causelen);

#endif
