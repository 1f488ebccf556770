/* SPDX-License-Identifier: ISC */
/*
 * sdp_offer.c: a WebRTC offer read line by line into struct sdp_offer.
 * Every read is bounded by the line's length; nothing is assumed to be
 * NUL-terminated.  No I/O.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "sdp_offer.h"

/* A part of a line: a pointer and a length, never NUL-terminated. */
struct sdp_offer_str {
	const char	*p;
	size_t		 n;
};

/* Cuts the next space-separated token off s into tok; 0 when none. */
static int
sdp_offer_token(struct sdp_offer_str *s, struct sdp_offer_str *tok)
{
	while (s->n > 0 && *s->p == ' ') {
		s->p++;
		s->n--;
	}
	tok->p = s->p;
	tok->n = 0;
	while (s->n > 0 && *s->p != ' ') {
		s->p++;
		s->n--;
		tok->n++;
	}
	return (tok->n > 0);
}

/* Says whether s is exactly the NUL-terminated word w. */
static int
sdp_offer_is(const struct sdp_offer_str *s, const char *w)
{
	return (s->n == strlen(w) && memcmp(s->p, w, s->n) == 0);
}

/* Reads a decimal number of at most max; -1 if s is not one. */
static long long
sdp_offer_num(const struct sdp_offer_str *s, long long max)
{
	long long	 v = 0;
	size_t		 i;

	if (s->n == 0 || s->n > 10)
		return (-1);
	for (i = 0; i < s->n; i++) {
		if (s->p[i] < '0' || s->p[i] > '9')
			return (-1);
		v = v * 10 + (s->p[i] - '0');
		if (v > max)
			return (-1);
	}
	return (v);
}

/* Says whether c is an SDP token-char (RFC 8866 section 9). */
static int
sdp_offer_tokenchar(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`{|}~", c) != NULL);
}

/* What sdp_offer_copy takes. */
#define SDP_OFFER_TOK		0	/* token-chars */
#define SDP_OFFER_ICECHARS	1	/* 4 or more ice-chars (RFC 8839) */
#define SDP_OFFER_PROTO		2	/* tokens joined by '/' */

/*
 * Copies s into out (size bytes) if it is 1 to size - 1 chars of the
 * kind asked.  0 or -1.
 */
static int
sdp_offer_copy(const struct sdp_offer_str *s, char *out, size_t size,
    int kind)
{
	size_t	 i;
	char	 c;

	if (s->n == 0 || s->n >= size ||
	    (kind == SDP_OFFER_ICECHARS && s->n < 4))
		return (-1);
	for (i = 0; i < s->n; i++) {
		c = s->p[i];
		if (kind == SDP_OFFER_ICECHARS ? !((c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '+' || c == '/') : (c == '\0' ||
		    (!sdp_offer_tokenchar(c) &&
		    !(kind == SDP_OFFER_PROTO && c == '/'))))
			return (-1);
	}
	memcpy(out, s->p, s->n);
	out[s->n] = '\0';
	return (0);
}

/* The value of one hex digit, either case, or -1. */
static int
sdp_offer_hex(char c)
{
	static const char	 digits[] = "0123456789abcdef";
	const char		*at;

	if (c == '\0' || (at = strchr(digits, tolower((unsigned char)c))) ==
	    NULL)
		return (-1);
	return ((int)(at - digits));
}

/* Reads n bytes of hex pairs, separated by sep if not NUL.  0 or -1. */
static int
sdp_offer_hexbytes(const struct sdp_offer_str *s, uint8_t *out, size_t n,
    char sep)
{
	size_t	 i, step = sep != '\0' ? 3 : 2;
	int	 hi, lo;

	if (n == 0 || s->n != n * step - (sep != '\0'))
		return (-1);
	for (i = 0; i < n; i++) {
		hi = sdp_offer_hex(s->p[i * step]);
		lo = sdp_offer_hex(s->p[i * step + 1]);
		if (hi < 0 || lo < 0 || (sep != '\0' && i + 1 < n &&
		    s->p[i * step + 2] != sep))
			return (-1);
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (0);
}

/* Reads a=fingerprint's value, keeping a SHA-256 one.  0 or -1. */
static int
sdp_offer_fingerprint(struct sdp_offer_str v, int *has, uint8_t *fp)
{
	struct sdp_offer_str	 hash, hex;

	if (!sdp_offer_token(&v, &hash) || !sdp_offer_token(&v, &hex) ||
	    sdp_offer_token(&v, &v))
		return (-1);
	if (hash.n != 7 || strncasecmp(hash.p, "sha-256", 7) != 0)
		return (0);	/* another hash: not ours to check */
	if (sdp_offer_hexbytes(&hex, fp, SDP_OFFER_FPLEN, ':') == -1)
		return (-1);
	*has = 1;
	return (0);
}

/* Reads a=setup's value.  0 or -1. */
static int
sdp_offer_setup(const struct sdp_offer_str *v, enum sdp_offer_setup *setup)
{
	if (sdp_offer_is(v, "actpass"))
		*setup = SDP_SETUP_ACTPASS;
	else if (sdp_offer_is(v, "active"))
		*setup = SDP_SETUP_ACTIVE;
	else if (sdp_offer_is(v, "passive"))
		*setup = SDP_SETUP_PASSIVE;
	else if (sdp_offer_is(v, "holdconn"))
		*setup = SDP_SETUP_HOLDCONN;
	else
		return (-1);
	return (0);
}

/* Reads the m= line into a new section.  0 or -1. */
static int
sdp_offer_m(struct sdp_offer_media *m, struct sdp_offer_str v)
{
	struct sdp_offer_str	 tok, port;
	const char		*slash;
	long long		 pt;

	memset(m, 0, sizeof(*m));
	if (!sdp_offer_token(&v, &tok) || sdp_offer_copy(&tok, m->media,
	    sizeof(m->media), SDP_OFFER_TOK) == -1)
		return (-1);
	if (strcmp(m->media, "video") == 0)
		m->kind = SDP_KIND_VIDEO;
	else if (strcmp(m->media, "audio") == 0)
		m->kind = SDP_KIND_AUDIO;
	else if (strcmp(m->media, "application") == 0)
		m->kind = SDP_KIND_APPLICATION;
	if (!sdp_offer_token(&v, &port))
		return (-1);
	if ((slash = memchr(port.p, '/', port.n)) != NULL)
		port.n = (size_t)(slash - port.p);	/* number of ports */
	if ((pt = sdp_offer_num(&port, 65535)) == -1)
		return (-1);
	m->port = (uint16_t)pt;
	if (!sdp_offer_token(&v, &tok) || sdp_offer_copy(&tok, m->proto,
	    sizeof(m->proto), SDP_OFFER_PROTO) == -1)
		return (-1);
	m->rtp = strstr(m->proto, "RTP/") != NULL;
	if (!sdp_offer_token(&v, &tok) || sdp_offer_copy(&tok, m->fmt0,
	    sizeof(m->fmt0), SDP_OFFER_TOK) == -1)
		return (-1);
	if (!m->rtp)
		return (0);
	do {
		if ((pt = sdp_offer_num(&tok, 127)) == -1)
			return (-1);
		if (!m->pt[pt].listed) {
			m->pt[pt].listed = 1;
			m->pt[pt].pmode = -1;
			m->pt[pt].apt = -1;
			m->order[m->npt++] = (uint8_t)pt;
		}
	} while (sdp_offer_token(&v, &tok));
	return (0);
}

/*
 * Cuts "PT " off an rtpmap, fmtp or rtcp-fb value; the payload type, 128
 * for '*' where star is allowed, or -1.
 */
static long long
sdp_offer_pt(struct sdp_offer_str *v, int star)
{
	struct sdp_offer_str	 tok;

	if (!sdp_offer_token(v, &tok))
		return (-1);
	if (star && sdp_offer_is(&tok, "*"))
		return (128);
	return (sdp_offer_num(&tok, 127));
}

/* Reads "ENC/CLOCK[/CHANNELS]" into p.  0 or -1. */
static int
sdp_offer_rtpmap(struct sdp_offer_pt *p, struct sdp_offer_str v)
{
	struct sdp_offer_str	 tok, part;
	const char		*slash;
	long long		 n;
	int			 i;

	if (!sdp_offer_token(&v, &tok) || sdp_offer_token(&v, &part))
		return (-1);
	for (i = 0; i < 3; i++) {
		part.p = tok.p;
		slash = memchr(tok.p, '/', tok.n);
		part.n = slash != NULL ? (size_t)(slash - tok.p) : tok.n;
		if (i == 0 && sdp_offer_copy(&part, p->enc, sizeof(p->enc),
		    SDP_OFFER_TOK) == -1)
			return (-1);
		if (i == 1 && (n = sdp_offer_num(&part, 4294967295LL)) == -1)
			return (-1);
		if (i == 1)
			p->clock = (uint32_t)n;
		if (i == 2 && (n = sdp_offer_num(&part, 255)) == -1)
			return (-1);
		if (i == 2)
			p->channels = (uint8_t)n;
		if (slash == NULL)
			break;
		tok.n -= part.n + 1;
		tok.p = slash + 1;
	}
	if (i == 0 || slash != NULL)
		return (-1);
	p->rtpmap = 1;
	return (0);
}

/* Reads one fmtp parameter, "key=value", that H.264 or rtx uses. */
static void
sdp_offer_param(struct sdp_offer_pt *p, struct sdp_offer_str kv)
{
	struct sdp_offer_str	 k, val;
	const char		*eq;
	long long		 n;

	while (kv.n > 0 && *kv.p == ' ') {
		kv.p++;
		kv.n--;
	}
	while (kv.n > 0 && kv.p[kv.n - 1] == ' ')
		kv.n--;
	if ((eq = memchr(kv.p, '=', kv.n)) == NULL)
		return;
	k.p = kv.p;
	k.n = (size_t)(eq - kv.p);
	val.p = eq + 1;
	val.n = kv.n - k.n - 1;
	if (k.n == 18 && strncasecmp(k.p, "packetization-mode", 18) == 0) {
		if ((n = sdp_offer_num(&val, 2)) == -1)
			p->bad = 1;
		else
			p->pmode = (int8_t)n;
	} else if (k.n == 16 && strncasecmp(k.p, "profile-level-id",
	    16) == 0) {
		if (sdp_offer_hexbytes(&val, p->plid, 3, '\0') == -1)
			p->bad = 1;
		else
			p->has_plid = 1;
	} else if (k.n == 23 && strncasecmp(k.p, "level-asymmetry-allowed",
	    23) == 0) {
		if ((n = sdp_offer_num(&val, 1)) == -1)
			p->bad = 1;
		else
			p->level_asym = (uint8_t)n;
	} else if (k.n == 3 && strncasecmp(k.p, "apt", 3) == 0) {
		if ((n = sdp_offer_num(&val, 127)) == -1)
			p->bad = 1;
		else
			p->apt = (int16_t)n;
	}
}

/* Reads an fmtp's parameters, separated by ';'. */
static void
sdp_offer_fmtp(struct sdp_offer_pt *p, struct sdp_offer_str v)
{
	struct sdp_offer_str	 kv;
	const char		*semi;

	while (v.n > 0) {
		kv.p = v.p;
		semi = memchr(v.p, ';', v.n);
		kv.n = semi != NULL ? (size_t)(semi - v.p) : v.n;
		sdp_offer_param(p, kv);
		if (semi == NULL)
			break;
		v.n -= kv.n + 1;
		v.p = semi + 1;
	}
}

/* The SDP_FB_* bit of an rtcp-fb value, or 0. */
static uint8_t
sdp_offer_fb(struct sdp_offer_str v)
{
	struct sdp_offer_str	 type, param, more;
	int			 has;

	if (!sdp_offer_token(&v, &type))
		return (0);
	has = sdp_offer_token(&v, &param);
	if (sdp_offer_token(&v, &more))
		return (0);
	if (sdp_offer_is(&type, "nack"))
		return (!has ? SDP_FB_NACK : sdp_offer_is(&param, "pli") ?
		    SDP_FB_PLI : 0);
	if (sdp_offer_is(&type, "ccm"))
		return (has && sdp_offer_is(&param, "fir") ? SDP_FB_FIR : 0);
	if (!has && sdp_offer_is(&type, "goog-remb"))
		return (SDP_FB_REMB);
	if (!has && sdp_offer_is(&type, "transport-cc"))
		return (SDP_FB_TWCC);
	return (0);
}

#define SDP_OFFER_EXP	"http://www.webrtc.org/experiments/rtp-hdrext/"

/* Reads an extmap, keeping the id of an extension we know.  0 or -1. */
static int
sdp_offer_extmap(struct sdp_offer_media *m, struct sdp_offer_str v)
{
	static const char *const uris[SDP_EXT_COUNT] = {
		[SDP_EXT_MID] = "urn:ietf:params:rtp-hdrext:sdes:mid",
		[SDP_EXT_ABS_CAPTURE_TIME] = SDP_EXT_URI_ABS_CAPTURE_TIME,
		[SDP_EXT_ABS_SEND_TIME] = SDP_OFFER_EXP "abs-send-time",
		[SDP_EXT_TWCC] = ("http://www.ietf.org/id/"
		    "draft-holmer-rmcat-transport-wide-cc-extensions-01"),
		[SDP_EXT_TOFFSET] = "urn:ietf:params:rtp-hdrext:toffset",
		[SDP_EXT_PLAYOUT_DELAY] = SDP_OFFER_EXP "playout-delay",
	};
	struct sdp_offer_str	 id, uri;
	const char		*slash;
	long long		 n;
	size_t			 i;

	if (!sdp_offer_token(&v, &id) || !sdp_offer_token(&v, &uri))
		return (-1);
	if ((slash = memchr(id.p, '/', id.n)) != NULL)
		id.n = (size_t)(slash - id.p);	/* a direction */
	if ((n = sdp_offer_num(&id, 255)) < 1)
		return (-1);
	for (i = 0; i < SDP_EXT_COUNT; i++)
		if (sdp_offer_is(&uri, uris[i]))
			m->ext[i] = (uint16_t)n;
	return (0);
}

/* Reads a=group; the first BUNDLE group's mids are kept.  0 or -1. */
static int
sdp_offer_group(struct sdp_offer *o, struct sdp_offer_str v)
{
	struct sdp_offer_str	 tok;

	if (!sdp_offer_token(&v, &tok))
		return (-1);
	if (!sdp_offer_is(&tok, "BUNDLE") || o->bundle)
		return (0);
	o->bundle = 1;
	while (sdp_offer_token(&v, &tok)) {
		if (o->nbundle == SDP_OFFER_MEDIA)
			return (-1);
		if (sdp_offer_copy(&tok, o->bundle_mid[o->nbundle],
		    SDP_OFFER_TOKEN, SDP_OFFER_TOK) == -1)
			return (-1);
		o->nbundle++;
	}
	return (0);
}

/*
 * Reads an a= line of the session (m NULL) or of section m.  0, or -1
 * with cause.
 */
static int
sdp_offer_attr(struct sdp_offer *o, struct sdp_offer_media *m,
    struct sdp_offer_str a, const char **cause)
{
	struct sdp_offer_str	 name, v;
	const char		*colon;
	long long		 pt;

	name.p = a.p;
	colon = memchr(a.p, ':', a.n);
	name.n = colon != NULL ? (size_t)(colon - a.p) : a.n;
	v.p = colon != NULL ? colon + 1 : a.p + a.n;
	v.n = a.n - name.n - (colon != NULL);

#define SDP_OFFER_BAD(what) do { *cause = "the offer has a bad " what;	\
	return (-1); } while (0)
	if (sdp_offer_is(&name, "ice-ufrag")) {
		if (sdp_offer_copy(&v, m ? m->ice_ufrag : o->ice_ufrag,
		    SDP_OFFER_ICE, SDP_OFFER_ICECHARS) == -1)
			SDP_OFFER_BAD("a=ice-ufrag");
	} else if (sdp_offer_is(&name, "ice-pwd")) {
		if (v.n < 22 || sdp_offer_copy(&v, m ? m->ice_pwd :
		    o->ice_pwd, SDP_OFFER_ICE, SDP_OFFER_ICECHARS) == -1)
			SDP_OFFER_BAD("a=ice-pwd");
	} else if (sdp_offer_is(&name, "ice-options")) {
		while (sdp_offer_token(&v, &name))
			if (sdp_offer_is(&name, "trickle"))
				o->ice_trickle = 1;
	} else if (sdp_offer_is(&name, "ice-lite"))
		o->ice_lite = 1;
	else if (sdp_offer_is(&name, "fingerprint")) {
		if (sdp_offer_fingerprint(v, m ? &m->has_fp : &o->has_fp,
		    m ? m->fp : o->fp) == -1)
			SDP_OFFER_BAD("a=fingerprint");
	} else if (sdp_offer_is(&name, "setup")) {
		if (sdp_offer_setup(&v, m ? &m->setup : &o->setup) == -1)
			SDP_OFFER_BAD("a=setup");
	} else if (m == NULL) {
		if (sdp_offer_is(&name, "group") &&
		    sdp_offer_group(o, v) == -1)
			SDP_OFFER_BAD("a=group");
	} else if (sdp_offer_is(&name, "mid")) {
		if (sdp_offer_copy(&v, m->mid, sizeof(m->mid),
		    SDP_OFFER_TOK) == -1)
			SDP_OFFER_BAD("a=mid");
	} else if (sdp_offer_is(&name, "sendrecv"))
		m->dir = SDP_DIR_SENDRECV;
	else if (sdp_offer_is(&name, "sendonly"))
		m->dir = SDP_DIR_SENDONLY;
	else if (sdp_offer_is(&name, "recvonly"))
		m->dir = SDP_DIR_RECVONLY;
	else if (sdp_offer_is(&name, "inactive"))
		m->dir = SDP_DIR_INACTIVE;
	else if (sdp_offer_is(&name, "rtcp-mux"))
		m->rtcp_mux = 1;
	else if (sdp_offer_is(&name, "rtcp-rsize"))
		m->rtcp_rsize = 1;
	else if (sdp_offer_is(&name, "extmap")) {
		if (sdp_offer_extmap(m, v) == -1)
			SDP_OFFER_BAD("a=extmap");
	} else if (m->rtp && sdp_offer_is(&name, "rtpmap")) {
		if ((pt = sdp_offer_pt(&v, 0)) == -1)
			SDP_OFFER_BAD("a=rtpmap");
		if (m->pt[pt].listed && sdp_offer_rtpmap(&m->pt[pt], v) == -1)
			SDP_OFFER_BAD("a=rtpmap");
	} else if (m->rtp && sdp_offer_is(&name, "fmtp")) {
		if ((pt = sdp_offer_pt(&v, 0)) == -1)
			SDP_OFFER_BAD("a=fmtp");
		if (m->pt[pt].listed)
			sdp_offer_fmtp(&m->pt[pt], v);
	} else if (m->rtp && sdp_offer_is(&name, "rtcp-fb")) {
		if ((pt = sdp_offer_pt(&v, 1)) == -1)
			SDP_OFFER_BAD("a=rtcp-fb");
		if (pt == 128)
			m->fb_all |= sdp_offer_fb(v);
		else if (m->pt[pt].listed)
			m->pt[pt].fb |= sdp_offer_fb(v);
	}
#undef SDP_OFFER_BAD
	return (0);
}

/* Fills each section's ICE and DTLS fields from the session's; checks. */
static int
sdp_offer_finish(struct sdp_offer *o, const char **cause)
{
	struct sdp_offer_media	*m;
	size_t			 i, j;

	if (o->nmedia == 0) {
		*cause = "the offer has no m= section";
		return (-1);
	}
	for (i = 0; i < o->nmedia; i++) {
		m = &o->media[i];
		if (m->ice_ufrag[0] == '\0')
			memcpy(m->ice_ufrag, o->ice_ufrag, SDP_OFFER_ICE);
		if (m->ice_pwd[0] == '\0')
			memcpy(m->ice_pwd, o->ice_pwd, SDP_OFFER_ICE);
		if (!m->has_fp && o->has_fp) {
			m->has_fp = 1;
			memcpy(m->fp, o->fp, SDP_OFFER_FPLEN);
		}
		if (m->setup == SDP_SETUP_NONE)
			m->setup = o->setup;
		for (j = 0; j < o->nbundle && m->mid[0] != '\0'; j++)
			if (strcmp(o->bundle_mid[j], m->mid) == 0)
				m->bundled = 1;
		for (j = 0; j < i && m->mid[0] != '\0'; j++)
			if (strcmp(o->media[j].mid, m->mid) == 0) {
				*cause = "the offer repeats an a=mid";
				return (-1);
			}
		if (m->port == 0)
			continue;
		if (m->ice_ufrag[0] == '\0')
			*cause = "the offer has no a=ice-ufrag";
		else if (m->ice_pwd[0] == '\0')
			*cause = "the offer has no a=ice-pwd";
		else if (!m->has_fp)
			*cause = "the offer has no a=fingerprint:sha-256";
		else
			continue;
		return (-1);
	}
	return (0);
}

/* Reads the offer. */
int
sdp_offer_parse(struct sdp_offer *o, const char *buf, size_t len,
    const char **cause)
{
	struct sdp_offer_media	*m = NULL;
	struct sdp_offer_str	 line, v;
	const char		*end, *nl;
	size_t			 i, nlines = 0;

	memset(o, 0, sizeof(*o));
	if (len > SDP_OFFER_MAX) {
		*cause = "the offer is over 16384 bytes";
		return (-1);
	}
	for (end = buf + len; buf < end; buf = nl + 1) {
		if ((nl = memchr(buf, '\n', (size_t)(end - buf))) == NULL) {
			*cause = "the offer's last line has no line end";
			return (-1);
		}
		line.p = buf;
		line.n = (size_t)(nl - buf);
		if (line.n > 0 && line.p[line.n - 1] == '\r')
			line.n--;
		if (line.n == 0)
			continue;
		if (++nlines > SDP_OFFER_LINES) {
			*cause = "the offer is over 1024 lines";
			return (-1);
		}
		for (i = 0; i < line.n; i++)
			if (((unsigned char)line.p[i] < 0x20 &&
			    line.p[i] != '\t') || line.p[i] == 0x7f) {
				*cause = "the offer has a control character";
				return (-1);
			}
		if (line.n < 2 || line.p[0] < 'a' || line.p[0] > 'z' ||
		    line.p[1] != '=') {
			*cause = "the offer has a line not TYPE=VALUE";
			return (-1);
		}
		v.p = line.p + 2;
		v.n = line.n - 2;
		if (nlines == 1 && (line.p[0] != 'v' ||
		    !sdp_offer_is(&v, "0"))) {
			*cause = "the offer does not begin with v=0";
			return (-1);
		}
		if (line.p[0] == 'm') {
			if (o->nmedia == SDP_OFFER_MEDIA) {
				*cause = "the offer has over 16 m= sections";
				return (-1);
			}
			m = &o->media[o->nmedia++];
			if (sdp_offer_m(m, v) == -1) {
				*cause = "the offer has a bad m= line";
				return (-1);
			}
		} else if (line.p[0] == 'a' &&
		    sdp_offer_attr(o, m, v, cause) == -1)
			return (-1);
	}
	if (nlines == 0) {
		*cause = "the offer is empty";
		return (-1);
	}
	return (sdp_offer_finish(o, cause));
}
