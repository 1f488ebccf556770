/* SPDX-License-Identifier: ISC */
/* jpeg_com.c: the campipe COM segment with a frame's sequence and time. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "jpeg_com.h"
#include "jpeg_seg.h"
#include "timeval.h"

#define JPEG_COM_PREFIX		"campipe "
#define JPEG_COM_PREFIXLEN	(sizeof(JPEG_COM_PREFIX) - 1)

/* Tells whether a segment is a campipe COM segment. */
static int
jpeg_com_ours(const struct jpeg_seg *seg)
{
	return (seg->marker == JPEG_SEG_COM &&
	    seg->len >= JPEG_COM_PREFIXLEN &&
	    memcmp(seg->data, JPEG_COM_PREFIX, JPEG_COM_PREFIXLEN) == 0);
}

/* Writes "campipe seq=S t=SEC.USEC" into text. */
int
jpeg_com_format(char *text, size_t size, uint64_t seq,
    const struct timeval *ts)
{
	int	 n;

	if (ts->tv_sec < 0 || ts->tv_usec < 0 || ts->tv_usec > 999999)
		return (-1);
	n = snprintf(text, size, JPEG_COM_PREFIX "seq=%" PRIu64
	    " t=%lld.%06ld", seq, (long long)ts->tv_sec, (long)ts->tv_usec);
	if (n < 0 || (size_t)n >= size)
		return (-1);
	return (n);
}

/* Copies jpeg into out with the campipe COM segment right after SOI. */
long
jpeg_com_insert(unsigned char *out, size_t outsize, const unsigned char *jpeg,
    size_t len, uint64_t seq, const struct timeval *ts)
{
	char		 text[JPEG_COM_MAX];
	struct jpeg_seg	 seg;
	size_t		 off = 2, rest, seglen;
	int		 n;

	if (len < 2 || jpeg[0] != 0xff || jpeg[1] != JPEG_SEG_SOI)
		return (-1);
	if ((n = jpeg_com_format(text, sizeof(text) - 3, seq, ts)) == -1)
		return (-1);
	seglen = (size_t)n + 4;

	/* An earlier campipe COM right after SOI is replaced. */
	if (jpeg_seg_next(jpeg, len, &off, &seg) == 0 && seg.pos == 2 &&
	    jpeg_com_ours(&seg))
		rest = seg.end;
	else
		rest = 2;
	if (outsize < 2 + seglen + (len - rest))
		return (-1);

	out[0] = 0xff;
	out[1] = JPEG_SEG_SOI;
	out[2] = 0xff;
	out[3] = JPEG_SEG_COM;
	out[4] = (n + 2) >> 8;
	out[5] = (n + 2) & 0xff;
	memcpy(out + 6, text, n);
	memcpy(out + 2 + seglen, jpeg + rest, len - rest);
	return ((long)(2 + seglen + len - rest));
}

/* Reads an unsigned decimal number of 1 to maxdigits digits at *p. */
static int
jpeg_com_number(const unsigned char **p, const unsigned char *end,
    int maxdigits, uint64_t *v)
{
	int	 n = 0, d;

	*v = 0;
	while (*p < end && **p >= '0' && **p <= '9') {
		d = **p - '0';
		if (++n > maxdigits || *v > (UINT64_MAX - d) / 10)
			return (-1);
		*v = *v * 10 + d;
		(*p)++;
	}
	return (n > 0 ? n : -1);
}

/* Reads the literal string s at *p. */
static int
jpeg_com_literal(const unsigned char **p, const unsigned char *end,
    const char *s)
{
	size_t	 n = strlen(s);

	if ((size_t)(end - *p) < n || memcmp(*p, s, n) != 0)
		return (-1);
	*p += n;
	return (0);
}

/* Parses "campipe seq=S t=SEC.USEC" from a COM payload. */
int
jpeg_com_text(const unsigned char *p, size_t len, uint64_t *seq,
    struct timeval *ts)
{
	const unsigned char	*end = p + len;
	uint64_t		 s, sec, usec;

	if (jpeg_com_literal(&p, end, JPEG_COM_PREFIX "seq=") == -1 ||
	    jpeg_com_number(&p, end, 20, &s) == -1 ||
	    jpeg_com_literal(&p, end, " t=") == -1 ||
	    jpeg_com_number(&p, end, 18, &sec) == -1 ||
	    jpeg_com_literal(&p, end, ".") == -1 ||
	    jpeg_com_number(&p, end, 6, &usec) != 6 || p != end)
		return (-1);
	if (timeval_set(ts, sec, usec) == -1)
		return (-1);
	*seq = s;
	return (0);
}

/* Finds and reads the campipe COM segment before SOS. */
int
jpeg_com_parse(const unsigned char *jpeg, size_t len, uint64_t *seq,
    struct timeval *ts)
{
	struct jpeg_seg	 seg;
	size_t		 off = 2;

	if (len < 2 || jpeg[0] != 0xff || jpeg[1] != JPEG_SEG_SOI)
		return (-1);
	while (jpeg_seg_next(jpeg, len, &off, &seg) == 0) {
		if (seg.marker == JPEG_SEG_SOS || seg.marker == JPEG_SEG_EOI ||
		    seg.marker == JPEG_SEG_SOI)
			break;
		if (jpeg_com_ours(&seg))
			return (jpeg_com_text(seg.data, seg.len, seq, ts));
	}
	return (-1);
}
