/* SPDX-License-Identifier: ISC */
/*
 * jpeg_dht.h: the standard Huffman tables (ITU-T T.81 Annex K.3) for JPEGs
 * that come without them.
 *
 * Many UVC cameras send MJPEG frames with no DHT segment: the decoder is
 * expected to use the tables of Annex K.3 (the "MJPEG" convention, also in
 * the AVI1 APP0 profile).  Browsers and most image libraries do not, so
 * such frames get the tables inserted as one 420-byte DHT segment (FF C4,
 * length 418, then luminance DC, luminance AC, chrominance DC, chrominance
 * AC; table classes/ids 0x00, 0x10, 0x01, 0x11) placed right before the
 * first SOS.  No I/O; pure functions on buffers.
 */
#ifndef CAPD_JPEG_DHT_H
#define CAPD_JPEG_DHT_H

#include <stddef.h>

#define JPEG_DHT_SIZE	420	/* the inserted segment, marker included */

/* The standard DHT segment itself (JPEG_DHT_SIZE bytes, from FF C4). */
extern const unsigned char jpeg_dht_standard[JPEG_DHT_SIZE];

/*
 * Tells whether jpeg is a Huffman-coded sequential JPEG (SOF0 or SOF1)
 * whose first SOS comes with no DHT segment before it.  Returns 1 if so,
 * 0 otherwise (tables present, another coding, malformed, no SOS).
 */
int	jpeg_dht_needed(const unsigned char *jpeg, size_t len);

/*
 * Copies jpeg into out with the standard DHT segment inserted right before
 * the first SOS; call it when jpeg_dht_needed() says so.  out must have
 * room for len + JPEG_DHT_SIZE bytes and must not overlap jpeg.  Returns
 * the bytes written, or -1 if jpeg does not start with SOI, its segments
 * before SOS are malformed, it has no SOS, or out is too small.
 */
long	jpeg_dht_insert(unsigned char *out, size_t outsize,
	    const unsigned char *jpeg, size_t len);

#endif
