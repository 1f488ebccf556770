/* SPDX-License-Identifier: ISC */
/*
 * jpeg_com.h: the campipe COM segment that carries a frame's sequence number
 * and capture time inside the JPEG itself, right after SOI:
 *
 *   FF FE <len16> "campipe seq=42 t=1764057600.123456"
 *
 * No I/O; pure functions on buffers.
 */
#ifndef CAMPIPE_JPEG_COM_H
#define CAMPIPE_JPEG_COM_H

#include <sys/time.h>
#include <stddef.h>
#include <stdint.h>

#define JPEG_COM_MAX	64	/* upper bound on the inserted segment */

/*
 * Copies jpeg into out with the campipe COM segment placed right after SOI.
 * A campipe COM segment already right after SOI is replaced, not repeated.
 * out must have room for len + JPEG_COM_MAX bytes.  Returns the bytes
 * written, or -1 if jpeg does not start with SOI (FF D8), out is too small,
 * or ts is out of range (negative, tv_usec over 999999, tv_sec over 18
 * digits).  out and jpeg must not overlap.
 */
long	jpeg_com_insert(unsigned char *out, size_t outsize,
	    const unsigned char *jpeg, size_t len, uint64_t seq,
	    const struct timeval *ts);

/*
 * Finds the campipe COM segment among the segments before SOS and reads it.
 * Returns 0 on success, -1 if there is none or it is malformed.
 */
int	jpeg_com_parse(const unsigned char *jpeg, size_t len, uint64_t *seq,
	    struct timeval *ts);

/*
 * Writes the text "campipe seq=S t=SEC.USEC" and a NUL into text.  Returns
 * its length without the NUL, or -1 if ts is out of range (as for
 * jpeg_com_insert) or size is too small.
 */
int	jpeg_com_format(char *text, size_t size, uint64_t seq,
	    const struct timeval *ts);
/*
 * Reads the text "campipe seq=S t=SEC.USEC" (exactly len bytes, no NUL),
 * as carried by the COM segment and the H.264 SEI.  0, or -1 if malformed.
 */
int	jpeg_com_text(const unsigned char *p, size_t len, uint64_t *seq,
	    struct timeval *ts);

#endif
