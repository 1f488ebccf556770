/* SPDX-License-Identifier: ISC */
/*
 * sdp.c: the session description of one H.264 track (RFC 4566, RFC 6184
 * section 8), written into a caller's buffer, no I/O.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "sdp.h"

/* Where the description is written, and whether it still fits. */
struct sdp_buf {
	char	*p;
	size_t	 len, pos;
	int	 full;
};

/* Appends formatted text; sets full when it does not fit. */
static void __attribute__((format(printf, 2, 3)))
sdp_add(struct sdp_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (b->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->pos, b->len - b->pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->len - b->pos)
		b->full = 1;
	else
		b->pos += n;
}

/* Appends the base64 of n bytes; sets full when it does not fit. */
static void
sdp_base64(struct sdp_buf *b, const unsigned char *p, size_t n)
{
	if (b->full)
		return;
	if (n > INT_MAX / 2 || (n + 2) / 3 * 4 >= b->len - b->pos) {
		b->full = 1;
		return;
	}
	b->pos += EVP_EncodeBlock((unsigned char *)b->p + b->pos, p, (int)n);
}

/* Says whether s is non-empty printable ASCII, spaces allowed or not. */
static int
sdp_printable(const char *s, int spaces)
{
	if (s == NULL || *s == '\0')
		return (0);
	for (; *s != '\0'; s++)
		if (*s < (spaces ? 0x20 : 0x21) || *s > 0x7e)
			return (0);
	return (1);
}

/* Fails with a reason. */
static int
sdp_fail(const char *why, char *cause, size_t causelen)
{
	snprintf(cause, causelen, "sdp: %s", why);
	return (-1);
}

/* Writes the description. */
int
sdp_write(const struct sdp_h264 *s, char *buf, size_t len, char *cause,
    size_t causelen)
{
	struct sdp_buf	 b = { buf, len, 0, 0 };
	const char	*ip = s->ipv6 ? "IP6" : "IP4";

	if (s->sps == NULL || s->spslen < 4)
		return (sdp_fail("SPS under 4 bytes", cause, causelen));
	if (s->pps == NULL || s->ppslen == 0)
		return (sdp_fail("empty PPS", cause, causelen));
	if (!sdp_printable(s->name, 1))
		return (sdp_fail("name empty or not printable ASCII", cause,
		    causelen));
	if (!sdp_printable(s->addr, 0))
		return (sdp_fail("address empty or not printable ASCII",
		    cause, causelen));
	if (!sdp_printable(s->control, 0))
		return (sdp_fail("control empty or not printable ASCII",
		    cause, causelen));
	if (s->pt < 96 || s->pt > 127)
		return (sdp_fail("payload type not 96 to 127", cause,
		    causelen));
	if (len == 0)
		return (sdp_fail("buffer too small", cause, causelen));

	sdp_add(&b, "v=0\r\no=- %llu %llu IN %s %s\r\ns=%s\r\n",
	    (unsigned long long)s->session_id, (unsigned long long)s->version,
	    ip, s->addr, s->name);
	sdp_add(&b, "c=IN %s %s\r\nt=0 0\r\na=tool:campipe\r\n"
	    "a=range:npt=now-\r\na=control:*\r\n", ip,
	    s->ipv6 ? "::" : "0.0.0.0");
	sdp_add(&b, "m=video 0 RTP/AVP %u\r\na=rtpmap:%u H264/90000\r\n"
	    "a=fmtp:%u packetization-mode=1;profile-level-id=%02X%02X%02X;"
	    "sprop-parameter-sets=", s->pt, s->pt, s->pt, s->sps[1],
	    s->sps[2], s->sps[3]);
	sdp_base64(&b, s->sps, s->spslen);
	sdp_add(&b, ",");
	sdp_base64(&b, s->pps, s->ppslen);
	sdp_add(&b, "\r\na=control:%s\r\n", s->control);
	if (b.full || b.pos > INT_MAX) {
		buf[0] = '\0';
		return (sdp_fail("buffer too small", cause, causelen));
	}
	return ((int)b.pos);
}
