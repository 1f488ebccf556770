/* SPDX-License-Identifier: ISC */
/* frame_part.c: writes and parses the frame socket's multipart part headers. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "frame_part.h"
#include "timeval.h"

/* Writes the part header for a JPEG of jpeg_len bytes. */
int
frame_part_header(char *buf, size_t size, size_t jpeg_len, uint64_t seq,
    const struct timeval *ts)
{
	int	 n;

	n = snprintf(buf, size, "--" FRAME_PART_BOUNDARY "\r\n"
	    "Content-Type: image/jpeg\r\n"
	    "Content-Length: %zu\r\n"
	    "X-Frame-Seq: %llu\r\n"
	    "X-Timestamp: %lld.%06ld\r\n"
	    "\r\n", jpeg_len, (unsigned long long)seq,
	    (long long)ts->tv_sec, (long)ts->tv_usec);
	if (n < 0 || (size_t)n >= size)
		return (-1);
	return (n);
}

/* Parses an unsigned decimal of the whole value [p, end); -1 if malformed. */
static int
frame_part_number(const char *p, const char *end, unsigned long long max,
    unsigned long long *out)
{
	unsigned long long	 v = 0;

	if (p == end)
		return (-1);
	for (; p < end; p++) {
		if (!isdigit((unsigned char)*p))
			return (-1);
		if (v > (max - (*p - '0')) / 10)
			return (-1);
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return (0);
}

/*
 * Parses "SECONDS.MICROSECONDS" (1 to 6 decimals, or none); seconds past
 * what time_t holds (2038 where it has 32 bits) are refused.
 */
static int
frame_part_time(const char *p, const char *end, struct timeval *tv)
{
	const char		*dot;
	unsigned long long	 sec, usec = 0;
	size_t			 digits;

	dot = memchr(p, '.', end - p);
	if (frame_part_number(p, dot ? dot : end, 1ULL << 40, &sec) == -1)
		return (-1);
	if (dot != NULL) {
		digits = end - dot - 1;
		if (digits < 1 || digits > 6 ||
		    frame_part_number(dot + 1, end, 999999, &usec) == -1)
			return (-1);
		for (; digits < 6; digits++)
			usec *= 10;
	}
	return (timeval_set(tv, sec, usec));
}

/* The fields a reader knows, each allowed once. */
#define FRAME_PART_HAVE_LEN	0x1
#define FRAME_PART_HAVE_SEQ	0x2
#define FRAME_PART_HAVE_TS	0x4

/* Handles one "Name: value" line of a part header. */
static int
frame_part_field(const char *line, const char *end, size_t max_jpeg,
    struct frame_part_info *info, int *have, char *cause, size_t causelen)
{
	const char		*colon, *v, *c;
	size_t			 nlen;
	unsigned long long	 n;
	int			 bit = 0;

	if ((colon = memchr(line, ':', end - line)) == NULL) {
		snprintf(cause, causelen, "header line without colon");
		return (-1);
	}
	nlen = colon - line;
	for (c = line; c < colon; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			break;
	if (nlen == 0 || c != colon) {
		snprintf(cause, causelen, "bad header name");
		return (-1);
	}
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
#define FIELD(name) (nlen == sizeof(name) - 1 && \
	strncasecmp(line, name, nlen) == 0)
	if (FIELD("Content-Length")) {
		bit = FRAME_PART_HAVE_LEN;
		if (frame_part_number(v, end, max_jpeg, &n) == -1 || n == 0) {
			snprintf(cause, causelen, "bad or oversized "
			    "Content-Length (limit %zu)", max_jpeg);
			return (-1);
		}
		info->jpeg_len = n;
	} else if (FIELD("X-Frame-Seq")) {
		bit = FRAME_PART_HAVE_SEQ;
		if (frame_part_number(v, end, UINT64_MAX, &n) == -1) {
			snprintf(cause, causelen, "bad X-Frame-Seq");
			return (-1);
		}
		info->seq = n;
	} else if (FIELD("X-Timestamp")) {
		bit = FRAME_PART_HAVE_TS;
		if (frame_part_time(v, end, &info->ts) == -1) {
			snprintf(cause, causelen, "bad X-Timestamp");
			return (-1);
		}
	}
#undef FIELD
	if (*have & bit) {
		snprintf(cause, causelen, "repeated %.*s", (int)nlen, line);
		return (-1);
	}
	*have |= bit;
	return (0);
}

/* Says whether [line, eol) is the boundary, spaces and tabs allowed after. */
static int
frame_part_boundary(const char *line, const char *eol)
{
	const char	 boundary[] = "--" FRAME_PART_BOUNDARY;
	size_t		 n = sizeof(boundary) - 1;

	if ((size_t)(eol - line) < n || memcmp(line, boundary, n) != 0)
		return (0);
	for (line += n; line < eol; line++)
		if (*line != ' ' && *line != '\t')
			return (0);
	return (1);
}

/*
 * capd's "Refused: REASON" line in place of a part (docs/frames.md): the
 * cause becomes "capd refused: REASON", printable ASCII only.
 */
static int
frame_part_refused(const char *line, const char *eol, char *cause,
    size_t causelen)
{
	const char	 prefix[] = FRAME_PART_REFUSED;
	size_t		 n = sizeof(prefix) - 1, o;

	if ((size_t)(eol - line) < n || memcmp(line, prefix, n) != 0)
		return (0);
	o = snprintf(cause, causelen, "capd refused: ");
	for (line += n; line < eol && o + 1 < causelen; line++)
		cause[o++] = (*line >= ' ' && *line < 0x7f) ? *line : '?';
	if (o < causelen)
		cause[o] = '\0';
	return (1);
}

/* Parses a part header at the start of data. */
int
frame_part_parse(const unsigned char *data, size_t len, size_t max_jpeg,
    struct frame_part_info *info, char *cause, size_t causelen)
{
	const char	*p = (const char *)data, *end, *nl, *eol, *line;
	size_t		 skip = 0, lim;
	int		 have = 0, first = 1;

	memset(info, 0, sizeof(*info));
	/* Blank lines (CR and LF bytes) before the boundary are skipped. */
	while (skip < len && (p[skip] == '\r' || p[skip] == '\n')) {
		if (skip == FRAME_PART_BLANK_MAX) {
			snprintf(cause, causelen, "over %d bytes of blank "
			    "lines", FRAME_PART_BLANK_MAX);
			return (-1);
		}
		skip++;
	}
	/* The header proper, boundary to empty line, has a limit of its own. */
	lim = len - skip < FRAME_PART_HEADER_MAX ? len :
	    skip + FRAME_PART_HEADER_MAX;
	end = p + lim;
	line = p + skip;
	for (;;) {
		if ((nl = memchr(line, '\n', end - line)) == NULL) {
			if (lim - skip < FRAME_PART_HEADER_MAX)
				return (0);	/* need more bytes */
			snprintf(cause, causelen, "part header over %d bytes",
			    FRAME_PART_HEADER_MAX);
			return (-1);
		}
		eol = (nl > line && nl[-1] == '\r') ? nl - 1 : nl;
		if (first) {
			if (frame_part_refused(line, eol, cause, causelen))
				return (-1);
			if (!frame_part_boundary(line, eol)) {
				snprintf(cause, causelen, "expected boundary "
				    "line \"--%s\"", FRAME_PART_BOUNDARY);
				return (-1);
			}
			first = 0;
		} else if (eol == line) {
			break;			/* empty line: end of header */
		} else if (frame_part_field(line, eol, max_jpeg, info,
		    &have, cause, causelen) == -1)
			return (-1);
		line = nl + 1;
	}
	if (!(have & FRAME_PART_HAVE_LEN)) {
		snprintf(cause, causelen, "part without Content-Length");
		return (-1);
	}
	info->hdr_len = nl + 1 - p;
	return (1);
}
