/* SPDX-License-Identifier: ISC */
/* annexb_split.c: an outside H.264 Annex-B stream cut into access units. */
#include <stdlib.h>
#include <string.h>

#include "annexb.h"
#include "annexb_split.h"

#define SPLIT_PIECE	65536	/* bytes taken in at a time */

struct annexb_split {
	size_t			 max_au;
	unsigned char		*buf;		/* the unit being read, or */
	size_t			 len, cap;	/* garbage before any */
	size_t			 scan;		/* start codes looked for here */
	int			 in_unit;	/* buf holds a unit from 0 */
	int			 vcl, idr;	/* it holds a slice, an IDR */
	int			 oversize;	/* it is being thrown away */
	int			 synced;	/* an IDR went out since */
	int			 fresh;		/* nothing read since a reset */
	struct annexb_split_stats st;
};

/* Creates a splitter. */
struct annexb_split *
annexb_split_new(size_t max_au)
{
	struct annexb_split	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (NULL);
	s->max_au = max_au;
	s->fresh = 1;
	return (s);
}

/* Frees a splitter. */
void
annexb_split_free(struct annexb_split *s)
{
	if (s == NULL)
		return;
	free(s->buf);
	free(s);
}

/* Forgets the unit being read; the next one out must be an IDR. */
void
annexb_split_reset(struct annexb_split *s)
{
	s->len = s->scan = 0;
	s->in_unit = s->vcl = s->idr = s->oversize = s->synced = 0;
	s->fresh = 1;
}

/* Counters. */
void
annexb_split_stats(const struct annexb_split *s, struct annexb_split_stats *st)
{
	*st = s->st;
}

/* Drops n bytes before any unit, counting those that are not zeros. */
static void
split_garbage(struct annexb_split *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s->buf[i] != 0)
			s->st.garbage_bytes++;
	memmove(s->buf, s->buf + n, s->len - n);
	s->len -= n;
	s->scan = s->scan > n ? s->scan - n : 0;
}

/* Drops the first n bytes of the buffer. */
static void
split_drop(struct annexb_split *s, size_t n)
{
	memmove(s->buf, s->buf + n, s->len - n);
	s->len -= n;
	s->scan = s->scan > n ? s->scan - n : 0;
}

/* Whether a NAL unit of this type (and first slice byte) opens a unit. */
static int
split_begins(int type, unsigned char b1)
{
	switch (type) {
	case ANNEXB_AUD:
	case ANNEXB_SPS:
	case ANNEXB_PPS:
	case ANNEXB_SEI:
	case 14: case 15: case 16: case 17: case 18:
		return (1);
	case 1: case 2: case 3: case 4: case 5:
		/* first_mb_in_slice, ue(v): 0 is the single bit 1. */
		return ((b1 & 0x80) != 0);
	}
	return (0);
}

/* The unit in buf[0, end) is complete: hands it out or drops it. */
static void
split_unit(struct annexb_split *s, size_t end, annexb_split_cb cb, void *arg)
{
	while (end > 0 && s->buf[end - 1] == 0)
		end--;
	if (s->oversize || end > s->max_au) {
		s->st.dropped_oversize++;
		s->synced = 0;
		return;
	}
	if (!s->synced && !s->idr) {
		s->st.dropped_unsynced++;
		return;
	}
	s->synced = 1;
	s->st.units++;
	cb(s->buf, end, s->idr, arg);
}

/* Looks at the start codes that arrived; hands out complete units. */
static void
split_parse(struct annexb_split *s, annexb_split_cb cb, void *arg)
{
	unsigned char	*p;
	size_t		 i, h, k;
	int		 type;

	for (;;) {
		i = s->scan;
		while (i + 3 <= s->len) {
			p = memchr(s->buf + i, 0, s->len - i - 2);
			if (p == NULL) {
				i = s->len - 2;
				break;
			}
			i = p - s->buf;
			if (s->buf[i + 1] == 0 && s->buf[i + 2] == 1)
				break;
			i++;
		}
		if (i + 3 > s->len) {
			/* The last two bytes may begin a start code. */
			s->scan = i;
			break;
		}
		h = i + 3;
		if (h >= s->len) {
			s->scan = i;
			break;
		}
		type = s->buf[h] & 0x1f;
		if (type >= 1 && type <= 5 && h + 1 >= s->len) {
			s->scan = i;
			break;
		}
		if (!s->in_unit) {
			split_garbage(s, i);
			s->in_unit = 1;
			s->vcl = s->idr = s->oversize = 0;
			i = 0;
		} else if (s->vcl && split_begins(type, s->buf[i + 4 <
		    s->len ? i + 4 : i + 3])) {
			split_unit(s, i, cb, arg);
			split_drop(s, i);
			s->vcl = s->idr = s->oversize = 0;
			i = 0;
		}
		if (type >= 1 && type <= 5)
			s->vcl = 1;
		if (type == ANNEXB_IDR)
			s->idr = 1;
		/* A header byte 00 may begin the next start code. */
		s->scan = i + 3;
	}
	if (!s->in_unit) {
		/* Garbage: only what may begin a start code is kept. */
		split_garbage(s, s->scan);
		return;
	}
	/*
	 * Too big, counting what surely belongs to it (a start code may be
	 * arriving after it), or flooding zeros: read on for its end
	 * without keeping it.
	 */
	for (k = s->scan; k > 0 && s->buf[k - 1] == 0; k--)
		;
	if (s->oversize || k > s->max_au ||
	    s->len > s->max_au + 2 * SPLIT_PIECE) {
		s->oversize = 1;
		split_drop(s, s->scan);
	}
}

/* Feeds bytes; hands out each complete unit. */
int
annexb_split_feed(struct annexb_split *s, const unsigned char *buf,
    size_t len, annexb_split_cb cb, void *arg)
{
	unsigned char	*n;
	size_t		 piece, want;

	while (len > 0) {
		piece = len < SPLIT_PIECE ? len : SPLIT_PIECE;
		if (s->cap - s->len < piece) {
			want = s->len + piece;
			if ((n = realloc(s->buf, want)) == NULL) {
				annexb_split_reset(s);
				return (-1);
			}
			s->buf = n;
			s->cap = want;
		}
		memcpy(s->buf + s->len, buf, piece);
		if (s->fresh && s->len + piece >= 3) {
			s->fresh = 0;
			s->st.jpeg = s->buf[0] == 0xff && s->buf[1] == 0xd8 &&
			    s->buf[2] == 0xff;
		}
		s->len += piece;
		buf += piece;
		len -= piece;
		split_parse(s, cb, arg);
	}
	return (0);
}

/* The stream ended: the unit being read is whole if it holds a slice. */
void
annexb_split_flush(struct annexb_split *s, annexb_split_cb cb, void *arg)
{
	struct annexb_info	 info;

	/* A slice header that came last was not looked at yet. */
	if (s->in_unit && !s->oversize) {
		annexb_scan(s->buf, s->len, &info);
		s->vcl = info.vcl;
		s->idr = info.idr;
	}
	if (s->in_unit && s->vcl)
		split_unit(s, s->len, cb, arg);
	s->len = s->scan = 0;
	s->in_unit = s->vcl = s->idr = s->oversize = 0;
}
