/* SPDX-License-Identifier: ISC */
/*
 * h264_pass.h: access units of a source that gives H.264 itself, made
 * into units of the h264.sock stream (docs/frames.md) without decoding or
 * encoding anything: an AUD first, the latest SPS and PPS before an IDR
 * that came without them, the campipe SEI before the first slice, the
 * source's own slices byte for byte.
 */
#ifndef CAPD_H264_PASS_H
#define CAPD_H264_PASS_H

#include <sys/time.h>
#include <stddef.h>
#include <stdint.h>

struct h264_pass;

struct h264_pass *h264_pass_new(void);
void		 h264_pass_free(struct h264_pass *p);
/*
 * Makes the h264.sock unit for the source's unit au, into a malloc'd *out
 * (the caller frees it).  Its length, or -1 if au holds no slice or memory
 * is short.  Keeps au's SPS and PPS for IDRs without them.
 */
long		 h264_pass_build(struct h264_pass *p, const unsigned char *au,
		    size_t len, uint64_t seq, const struct timeval *ts,
		    unsigned char **out);

#endif
