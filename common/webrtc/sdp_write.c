/* SPDX-License-Identifier: ISC */
/*
 * sdp_write.c: the lines the camera's answer and offer share, written
 * into a caller's buffer.  The rules are in docs/webrtc.md.  No I/O.
 */
#include <arpa/inet.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sdp_write.h"

#define SDP_WRITE_NAME		64	/* cname, msid: token-chars */
#define SDP_WRITE_TYPEPREF	126	/* host (RFC 8445 5.1.2.2) */

/* Starts the text. */
void
sdp_write_init(struct sdp_write *w, char *buf, size_t size)
{
	w->buf = buf;
	w->size = size;
	w->used = 0;
	w->over = size == 0;
}

/* Appends formatted text. */
void
sdp_write_put(struct sdp_write *w, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 left = w->size - w->used;
	int	 n;

	if (w->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->used, left, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= left)
		w->over = 1;
	else
		w->used += (size_t)n;
}

/* Ends the text. */
int
sdp_write_end(struct sdp_write *w, const char *toosmall, const char **cause)
{
	if (w->over || w->size == 0 || w->used > 0x7fffffff) {
		if (w->size > 0)
			w->buf[0] = '\0';
		*cause = toosmall;
		return (-1);
	}
	return ((int)w->used);
}

/* Says whether s is min to max chars, ICE chars or token chars. */
static int
sdp_write_word(const char *s, size_t min, size_t max, int ice)
{
	size_t	 n;

	if (s == NULL || (n = strlen(s)) < min || n > max)
		return (0);
	if (ice)
		return (strspn(s, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/") == n);
	return (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789!#$%&'*+-.^_`{|}~") == n);
}

/* The address family of addr. */
int
sdp_write_family(const char *addr)
{
	unsigned char	 b[16];

	if (addr == NULL)
		return (0);
	if (inet_pton(AF_INET, addr, b) == 1)
		return (4);
	if (inet_pton(AF_INET6, addr, b) == 1)
		return (6);
	return (0);
}

/* The priority of our i-th host candidate, one component. */
uint32_t
sdp_write_priority(size_t i)
{
	uint32_t	 local = i < 65535 ? 65535 - (uint32_t)i : 0;

	return ((uint32_t)SDP_WRITE_TYPEPREF << 24 | local << 8 | (256 - 1));
}

/* Checks our inputs. */
const char *
sdp_write_check(const struct sdp_answer *a, int offer)
{
	size_t	 i;

#define SDP_WRITE_WHY(why) (offer ? "cs offer: " why : "sdp answer: " why)
	if (!sdp_write_word(a->ice_ufrag, 4, 256, 1))
		return (SDP_WRITE_WHY("ice-ufrag is not 4 to 256 ICE chars"));
	if (!sdp_write_word(a->ice_pwd, 22, 256, 1))
		return (SDP_WRITE_WHY("ice-pwd is not 22 to 256 ICE chars"));
	if (a->fingerprint == NULL)
		return (SDP_WRITE_WHY("no fingerprint"));
	if (!sdp_write_word(a->cname, 1, SDP_WRITE_NAME, 0) ||
	    !sdp_write_word(a->msid_stream, 1, SDP_WRITE_NAME, 0) ||
	    !sdp_write_word(a->msid_track, 1, SDP_WRITE_NAME, 0))
		return (SDP_WRITE_WHY("cname or msid is not 1 to 64 token "
		    "chars"));
	if (a->session_id >= (uint64_t)1 << 63)
		return (SDP_WRITE_WHY("session id over 2^63 - 1"));
	if (a->cands == NULL || a->ncands == 0 ||
	    a->ncands > SDP_ANSWER_CANDS)
		return (SDP_WRITE_WHY("not 1 to 8 candidates"));
	for (i = 0; i < a->ncands; i++)
		if (sdp_write_family(a->cands[i].addr) == 0 ||
		    a->cands[i].port == 0)
			return (SDP_WRITE_WHY("a candidate is not an IP "
			    "address and a port"));
#undef SDP_WRITE_WHY
	return (NULL);
}

/* Writes the session's lines. */
void
sdp_write_session(struct sdp_write *w, const struct sdp_answer *a,
    const char *bundle_mid)
{
	sdp_write_put(w, "v=0\r\no=- %llu %llu IN IP4 0.0.0.0\r\ns=-\r\n"
	    "t=0 0\r\n", (unsigned long long)a->session_id,
	    (unsigned long long)a->version);
	if (bundle_mid != NULL)
		sdp_write_put(w, "a=group:BUNDLE %s\r\n", bundle_mid);
	sdp_write_put(w, "a=ice-lite\r\n");
}

/* Writes the candidates: one UDP component each, then their end. */
static void
sdp_write_cands(struct sdp_write *w, const struct sdp_answer *a)
{
	size_t	 i, f;

	for (i = 0; i < a->ncands; i++) {
		/* The same base address, the same foundation. */
		for (f = 0; f < i; f++)
			if (strcmp(a->cands[f].addr, a->cands[i].addr) == 0)
				break;
		sdp_write_put(w, "a=candidate:%zu 1 udp %u %s %u typ host\r\n",
		    f + 1, sdp_write_priority(i), a->cands[i].addr,
		    a->cands[i].port);
	}
	sdp_write_put(w, "a=end-of-candidates\r\n");
}

/* Writes the video section. */
void
sdp_write_video(struct sdp_write *w, const struct sdp_answer *a,
    const struct sdp_write_video *v)
{
	const struct sdp_answer_cand	*d = &a->cands[0];
	size_t				 i;
	int				 v6;

	v6 = sdp_write_family(d->addr) == 6;

	sdp_write_put(w, "m=video %u %s %u\r\nc=IN %s %s\r\n", d->port,
	    v->proto, v->pt, v6 ? "IP6" : "IP4", d->addr);
	sdp_write_put(w, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n"
	    "a=fingerprint:sha-256 ", a->ice_ufrag, a->ice_pwd);
	for (i = 0; i < SDP_OFFER_FPLEN; i++)
		sdp_write_put(w, "%02X%s", a->fingerprint[i],
		    i + 1 < SDP_OFFER_FPLEN ? ":" : "\r\n");
	sdp_write_put(w, "a=setup:%s\r\n", v->setup);
	if (v->mid[0] != '\0')
		sdp_write_put(w, "a=mid:%s\r\n", v->mid);
	if (v->ext_abs_capture != 0)
		sdp_write_put(w, "a=extmap:%u " SDP_EXT_URI_ABS_CAPTURE_TIME
		    "\r\n", v->ext_abs_capture);
	sdp_write_put(w, "a=sendonly\r\na=msid:%s %s\r\na=rtcp-mux\r\n",
	    a->msid_stream, a->msid_track);
	if (v->rtcp_rsize)
		sdp_write_put(w, "a=rtcp-rsize\r\n");
	sdp_write_put(w, "a=rtpmap:%u H264/90000\r\n", v->pt);
	if (v->fb & SDP_FB_NACK)
		sdp_write_put(w, "a=rtcp-fb:%u nack\r\n", v->pt);
	if (v->fb & SDP_FB_PLI)
		sdp_write_put(w, "a=rtcp-fb:%u nack pli\r\n", v->pt);
	if (v->fb & SDP_FB_FIR)
		sdp_write_put(w, "a=rtcp-fb:%u ccm fir\r\n", v->pt);
	sdp_write_put(w, "a=fmtp:%u %spacketization-mode=1;"
	    "profile-level-id=%02x%02x%02x\r\n", v->pt, v->level_asym ?
	    "level-asymmetry-allowed=1;" : "", v->plid[0], v->plid[1],
	    v->plid[2]);
	sdp_write_put(w, "a=ssrc:%u cname:%s\r\na=ssrc:%u msid:%s %s\r\n",
	    a->ssrc, a->cname, a->ssrc, a->msid_stream, a->msid_track);
	sdp_write_cands(w, a);
}
