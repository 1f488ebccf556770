/* SPDX-License-Identifier: ISC */
/*
 * sdp_answer.c: a send-only H.264 answer to a WebRTC offer, written into
 * a caller's buffer.  The rules are in docs/webrtc.md, "SDP offer and
 * answer".  No I/O.
 */
#include <arpa/inet.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sdp_answer.h"

#define SDP_ANSWER_NAME		64	/* cname, msid: token-chars */
#define SDP_ANSWER_TYPEPREF	126	/* host (RFC 8445 5.1.2.2) */

/* The answer as it is written: the caller's buffer and what is left. */
struct sdp_answer_out {
	char	*buf;
	size_t	 size, used;
	int	 over;		/* something did not fit */
};

/* Appends formatted text, or marks the output over. */
static void __attribute__((format(printf, 2, 3)))
sdp_answer_put(struct sdp_answer_out *w, const char *fmt, ...)
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

/* Says whether s is 1 to max chars, ICE chars or token chars. */
static int
sdp_answer_word(const char *s, size_t min, size_t max, int ice)
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

/* 4 or 6 for an IPv4 or IPv6 address in text, else 0. */
static int
sdp_answer_family(const char *addr)
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

/* Our DTLS role. */
enum sdp_offer_setup
sdp_answer_setup(enum sdp_offer_setup offered)
{
	if (offered == SDP_SETUP_PASSIVE)
		return (SDP_SETUP_ACTIVE);
	if (offered == SDP_SETUP_HOLDCONN)
		return (SDP_SETUP_HOLDCONN);
	return (SDP_SETUP_PASSIVE);	/* actpass, active, none */
}

/* The priority of our i-th host candidate, one component. */
uint32_t
sdp_answer_priority(size_t i)
{
	uint32_t	 local = i < 65535 ? 65535 - (uint32_t)i : 0;

	return ((uint32_t)SDP_ANSWER_TYPEPREF << 24 | local << 8 | (256 - 1));
}

/* Checks the inputs; NULL, or why they cannot make an answer. */
static const char *
sdp_answer_check(const struct sdp_answer *a, const struct sdp_offer *o,
    const struct sdp_offer_choice *c)
{
	const struct sdp_offer_media	*m;
	size_t				 i;

	if (c->media >= o->nmedia)
		return ("sdp answer: the choice is not of this offer");
	m = &o->media[c->media];
	if (m->kind != SDP_KIND_VIDEO || !m->pt[c->pt & 0x7f].listed ||
	    c->pt > 127)
		return ("sdp answer: the choice is not of this offer");
	if (sdp_answer_setup(m->setup) == SDP_SETUP_HOLDCONN)
		return ("sdp answer: the offer's a=setup is holdconn");
	if (!sdp_answer_word(a->ice_ufrag, 4, 256, 1))
		return ("sdp answer: ice-ufrag is not 4 to 256 ICE chars");
	if (!sdp_answer_word(a->ice_pwd, 22, 256, 1))
		return ("sdp answer: ice-pwd is not 22 to 256 ICE chars");
	if (a->fingerprint == NULL)
		return ("sdp answer: no fingerprint");
	if (!sdp_answer_word(a->cname, 1, SDP_ANSWER_NAME, 0) ||
	    !sdp_answer_word(a->msid_stream, 1, SDP_ANSWER_NAME, 0) ||
	    !sdp_answer_word(a->msid_track, 1, SDP_ANSWER_NAME, 0))
		return ("sdp answer: cname or msid is not 1 to 64 token chars");
	if (a->session_id >= (uint64_t)1 << 63)
		return ("sdp answer: session id over 2^63 - 1");
	if (a->cands == NULL || a->ncands == 0 ||
	    a->ncands > SDP_ANSWER_CANDS)
		return ("sdp answer: not 1 to 8 candidates");
	for (i = 0; i < a->ncands; i++)
		if (sdp_answer_family(a->cands[i].addr) == 0 ||
		    a->cands[i].port == 0)
			return ("sdp answer: a candidate is not an IP "
			    "address and a port");
	return (NULL);
}

/* Writes a rejected section: port 0, its media, proto, format and mid. */
static void
sdp_answer_reject(struct sdp_answer_out *w, const struct sdp_offer_media *m)
{
	sdp_answer_put(w, "m=%s 0 %s %s\r\nc=IN IP4 0.0.0.0\r\n", m->media,
	    m->proto, m->fmt0);
	if (m->mid[0] != '\0')
		sdp_answer_put(w, "a=mid:%s\r\n", m->mid);
	sdp_answer_put(w, "a=inactive\r\n");
}

/* Writes the candidates: one UDP component each, then their end. */
static void
sdp_answer_cands(struct sdp_answer_out *w, const struct sdp_answer *a)
{
	size_t	 i, f;

	for (i = 0; i < a->ncands; i++) {
		/* The same base address, the same foundation. */
		for (f = 0; f < i; f++)
			if (strcmp(a->cands[f].addr, a->cands[i].addr) == 0)
				break;
		sdp_answer_put(w, "a=candidate:%zu 1 udp %u %s %u typ host\r\n",
		    f + 1, sdp_answer_priority(i), a->cands[i].addr,
		    a->cands[i].port);
	}
	sdp_answer_put(w, "a=end-of-candidates\r\n");
}

/* Writes the accepted video section. */
static void
sdp_answer_video(struct sdp_answer_out *w, const struct sdp_answer *a,
    const struct sdp_offer_media *m, const struct sdp_offer_choice *c)
{
	static const char *const setup[] = {
		[SDP_SETUP_ACTIVE] = "active", [SDP_SETUP_PASSIVE] = "passive"
	};
	const struct sdp_answer_cand	*d = &a->cands[0];
	size_t				 i;
	int				 v6;

	v6 = sdp_answer_family(d->addr) == 6;

	sdp_answer_put(w, "m=video %u %s %u\r\nc=IN %s %s\r\n", d->port,
	    m->proto, c->pt, v6 ? "IP6" : "IP4", d->addr);
	sdp_answer_put(w, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n"
	    "a=fingerprint:sha-256 ", a->ice_ufrag, a->ice_pwd);
	for (i = 0; i < SDP_OFFER_FPLEN; i++)
		sdp_answer_put(w, "%02X%s", a->fingerprint[i],
		    i + 1 < SDP_OFFER_FPLEN ? ":" : "\r\n");
	sdp_answer_put(w, "a=setup:%s\r\n", setup[sdp_answer_setup(m->setup)]);
	if (m->mid[0] != '\0')
		sdp_answer_put(w, "a=mid:%s\r\n", m->mid);
	if (m->ext[SDP_EXT_ABS_CAPTURE_TIME] != 0)
		sdp_answer_put(w, "a=extmap:%u " SDP_EXT_URI_ABS_CAPTURE_TIME
		    "\r\n", m->ext[SDP_EXT_ABS_CAPTURE_TIME]);
	sdp_answer_put(w, "a=sendonly\r\na=msid:%s %s\r\na=rtcp-mux\r\n",
	    a->msid_stream, a->msid_track);
	if (m->rtcp_rsize)
		sdp_answer_put(w, "a=rtcp-rsize\r\n");
	sdp_answer_put(w, "a=rtpmap:%u H264/90000\r\n", c->pt);
	if (c->fb & SDP_FB_NACK)
		sdp_answer_put(w, "a=rtcp-fb:%u nack\r\n", c->pt);
	if (c->fb & SDP_FB_PLI)
		sdp_answer_put(w, "a=rtcp-fb:%u nack pli\r\n", c->pt);
	if (c->fb & SDP_FB_FIR)
		sdp_answer_put(w, "a=rtcp-fb:%u ccm fir\r\n", c->pt);
	sdp_answer_put(w, "a=fmtp:%u %spacketization-mode=1;"
	    "profile-level-id=%02x%02x%02x\r\n", c->pt, c->level_asym ?
	    "level-asymmetry-allowed=1;" : "", c->plid[0], c->plid[1],
	    c->plid[2]);
	sdp_answer_put(w, "a=ssrc:%u cname:%s\r\na=ssrc:%u msid:%s %s\r\n",
	    a->ssrc, a->cname, a->ssrc, a->msid_stream, a->msid_track);
	sdp_answer_cands(w, a);
}

/* Writes the answer. */
int
sdp_answer_write(const struct sdp_answer *a, const struct sdp_offer *o,
    const struct sdp_offer_choice *c, char *buf, size_t len,
    const char **cause)
{
	struct sdp_answer_out		 w = { buf, len, 0, len == 0 };
	const struct sdp_offer_media	*m;
	size_t				 i;

	if ((*cause = sdp_answer_check(a, o, c)) != NULL)
		return (-1);
	m = &o->media[c->media];
	sdp_answer_put(&w, "v=0\r\no=- %llu %llu IN IP4 0.0.0.0\r\ns=-\r\n"
	    "t=0 0\r\n", (unsigned long long)a->session_id,
	    (unsigned long long)a->version);
	if (m->bundled)
		sdp_answer_put(&w, "a=group:BUNDLE %s\r\n", m->mid);
	sdp_answer_put(&w, "a=ice-lite\r\n");
	for (i = 0; i < o->nmedia; i++) {
		if (i == c->media)
			sdp_answer_video(&w, a, m, c);
		else
			sdp_answer_reject(&w, &o->media[i]);
	}
	if (w.over || len == 0 || w.used > 0x7fffffff) {
		if (len > 0)
			buf[0] = '\0';
		*cause = "sdp answer: the buffer is too small";
		return (-1);
	}
	return ((int)w.used);
}
