/* SPDX-License-Identifier: ISC */
/*
 * annexb_split.h: splits an H.264 Annex-B byte stream from outside (a
 * camera, rpicam-vid --codec h264 --inline -o -, a file) into access
 * units, fed in pieces of any size.  A unit ends where the next begins:
 * at an AUD, SPS, PPS, SEI (or NAL types 14 to 18), or at a slice whose
 * first_mb_in_slice is 0, once the unit holds a slice.  Memory is bounded:
 * a unit over max_au bytes is dropped, and so is every unit after it up to
 * the next one holding an IDR slice (the first units of a stream too), so
 * that what comes out always decodes.  No I/O.
 */
#ifndef CAPD_ANNEXB_SPLIT_H
#define CAPD_ANNEXB_SPLIT_H

#include <stddef.h>
#include <stdint.h>

struct annexb_split;

/* What the splitter threw away, counted since it was created. */
struct annexb_split_stats {
	uint64_t	 units;			/* handed out */
	uint64_t	 dropped_oversize;	/* over max_au */
	uint64_t	 dropped_unsynced;	/* before an IDR */
	uint64_t	 garbage_bytes;		/* not zero, before a start code */
	int		 jpeg;			/* garbage began FF D8 FF */
};

/* Receives one access unit (NAL units with their start codes). */
typedef void	(*annexb_split_cb)(const unsigned char *au, size_t len,
		    int idr, void *arg);

/* A splitter for units of at most max_au bytes; NULL when out of memory. */
struct annexb_split *annexb_split_new(size_t max_au);
void		 annexb_split_free(struct annexb_split *s);
/*
 * Feeds len bytes; cb gets each unit that is complete.  Returns 0, or -1
 * when out of memory (the unit being read is dropped).
 */
int		 annexb_split_feed(struct annexb_split *s,
		    const unsigned char *buf, size_t len, annexb_split_cb cb,
		    void *arg);
/* The stream ended: hands out the unit being read if it holds a slice. */
void		 annexb_split_flush(struct annexb_split *s, annexb_split_cb cb,
		    void *arg);
/* Forgets the unit being read; the next unit handed out is an IDR. */
void		 annexb_split_reset(struct annexb_split *s);
void		 annexb_split_stats(const struct annexb_split *s,
		    struct annexb_split_stats *st);

#endif
