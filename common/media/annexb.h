/* SPDX-License-Identifier: ISC */
/*
 * annexb.h: H.264 Annex-B byte streams as capd's h264.sock carries them
 * (docs/frames.md): NAL units behind start codes, the campipe SEI
 * (user_data_unregistered holding "campipe seq=S t=SEC.USEC") and the
 * access units capd writes.  No I/O; pure functions on buffers.
 */
#ifndef CAMPIPE_ANNEXB_H
#define CAMPIPE_ANNEXB_H

#include <sys/time.h>
#include <stddef.h>
#include <stdint.h>

/* NAL unit types used here (H.264 table 7-1). */
#define ANNEXB_SLICE		1
#define ANNEXB_IDR		5
#define ANNEXB_SEI		6
#define ANNEXB_SPS		7
#define ANNEXB_PPS		8
#define ANNEXB_AUD		9

/* The UUID of the campipe SEI message, 16 bytes. */
extern const unsigned char annexb_uuid[16];

/* Bytes the campipe SEI NAL unit takes at most, start code included. */
#define ANNEXB_SEI_MAX		96
/* The access unit delimiter capd writes, 00 00 00 01 09 F0: its length. */
#define ANNEXB_AUD_LEN		6
/* What annexb_au_build adds at most to its input: two AUDs and SEI. */
#define ANNEXB_AU_EXTRA		(2 * ANNEXB_AUD_LEN + ANNEXB_SEI_MAX)

struct annexb_nal {
	size_t		 off;		/* NAL header byte, after the start code */
	size_t		 len;		/* to the last non-zero byte */
	int		 type;		/* nal_unit_type, 0-31 */
};

/* What an access unit (or any run of NAL units) holds. */
struct annexb_info {
	int		 nals;
	int		 idr;		/* an IDR slice */
	int		 vcl;		/* any slice */
	int		 sps, pps, aud;
	int		 sei;		/* a campipe SEI that parsed */
	uint64_t	 seq;		/* from it */
	struct timeval	 ts;
};

/*
 * Finds the next NAL unit at or after *pos (a start code 00 00 01, with
 * any leading zeros).  Returns 0 and advances *pos past it, or -1 when no
 * NAL unit is left.  Empty NAL units (start code then start code) are
 * skipped.
 */
int	annexb_next(const unsigned char *buf, size_t len, size_t *pos,
	    struct annexb_nal *nal);

/*
 * Writes the campipe SEI NAL unit, 4-byte start code first, into out.
 * Returns its length, or -1 if out is too small or ts out of range.
 */
long	annexb_sei_build(unsigned char *out, size_t outsize, uint64_t seq,
	    const struct timeval *ts);

/*
 * Reads a SEI NAL unit (header byte included, emulation prevention bytes
 * in place) and looks for the campipe user_data_unregistered message.
 * 0 with seq and ts, or -1 if there is none or it is malformed.
 */
int	annexb_sei_parse(const unsigned char *nal, size_t len, uint64_t *seq,
	    struct timeval *ts);

/* Scans a buffer of NAL units and says what it holds. */
void	annexb_scan(const unsigned char *buf, size_t len,
	    struct annexb_info *info);

/*
 * Writes one access unit of the h264.sock stream from an encoder's output
 * for one picture: an AUD, then the input's NAL units with 4-byte start
 * codes (its own AUDs dropped), with ps (SPS and PPS, Annex-B) inserted
 * before an IDR slice that has none, the campipe SEI right before the
 * first slice, and at the end the next unit's AUD, so that a reader
 * knows this one is whole as it arrives.  Enough room for out:
 * 2 * (len + pslen) + ANNEXB_AU_EXTRA (start codes may grow from 3 to 4
 * bytes).  Returns the bytes written, or -1 if the input has no slice,
 * out is too small, or ts is out of range.
 */
long	annexb_au_build(unsigned char *out, size_t outsize,
	    const unsigned char *in, size_t len, const unsigned char *ps,
	    size_t pslen, uint64_t seq, const struct timeval *ts);

/*
 * For a reader of the h264.sock stream: buf starts with an access unit
 * (its AUD); returns where the next one starts (its AUD), or 0 if buf does
 * not hold the whole unit yet.
 */
size_t	annexb_au_end(const unsigned char *buf, size_t len);

#endif
