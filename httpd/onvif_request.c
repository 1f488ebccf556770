/* SPDX-License-Identifier: ISC */
/*
 * onvif_request.c: a bounded scanner of the XML that ONVIF clients send,
 * and the two readers on top of it: a SOAP request's action, profile and
 * UsernameToken, and a WS-Discovery Probe.  Element names are matched by
 * their local part; namespaces are not resolved (a client's prefixes are
 * its own, and no two ONVIF elements we read differ only by namespace).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "onvif_request.h"

struct onvif_xml;

/* Told of each start tag at depth (1: the root); returns where its text
 * goes, with *size, or NULL. */
typedef char	*(*onvif_xml_open_cb)(struct onvif_xml *x, int depth,
		    const char *local, const char *tag, size_t taglen,
		    size_t *size);

/* The scanner's state: the open elements and the text being captured. */
struct onvif_xml {
	char		 stack[ONVIF_DEPTH_MAX][ONVIF_NAME_MAX + 1];
	int		 depth;
	char		*text;		/* NULL: no capture */
	size_t		 textsz, textlen;
	int		 textdepth;
	int		 bad;		/* a field too long or badly escaped */
	onvif_xml_open_cb open;
	void		*arg;
};

/* The local part of a qualified name. */
static const char *
onvif_xml_local(const char *qname)
{
	const char	*c = strrchr(qname, ':');

	return (c != NULL ? c + 1 : qname);
}

/* The local name of the open element at index i (0: the root), or "". */
static const char *
onvif_xml_at(const struct onvif_xml *x, int i)
{
	return (i >= 0 && i < x->depth ? onvif_xml_local(x->stack[i]) : "");
}

/* True for a byte of an XML name as ONVIF uses them (ASCII only). */
static int
onvif_xml_namechar(unsigned char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
	    c == ':');
}

/* True for XML white space. */
static int
onvif_xml_space(char c)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\n');
}

/* The '>' ending the tag at p, outside quoted values, or NULL. */
static const char *
onvif_xml_tag_end(const char *p, const char *end)
{
	char	 quote = 0;

	for (p++; p < end; p++) {
		if (quote != 0) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'')
			quote = *p;
		else if (*p == '>')
			return (p);
		else if (*p == '<')
			return (NULL);
	}
	return (NULL);
}

/*
 * Finds attribute name (by its local part) in the start tag tag: copies
 * its raw value to out and returns 0, or -1.
 */
static int
onvif_xml_attr(const char *tag, size_t taglen, const char *name, char *out,
    size_t outsz)
{
	const char	*p = tag + 1, *end = tag + taglen, *n, *v;
	char		 an[ONVIF_NAME_MAX + 1], quote;
	size_t		 len;

	while (p < end && onvif_xml_namechar((unsigned char)*p))
		p++;
	for (;;) {
		while (p < end && onvif_xml_space(*p))
			p++;
		for (n = p; p < end && onvif_xml_namechar((unsigned char)*p);)
			p++;
		if (p == n || (len = (size_t)(p - n)) > ONVIF_NAME_MAX)
			return (-1);
		memcpy(an, n, len);
		an[len] = '\0';
		while (p < end && onvif_xml_space(*p))
			p++;
		if (p == end || *p++ != '=')
			return (-1);
		while (p < end && onvif_xml_space(*p))
			p++;
		if (p == end || (*p != '"' && *p != '\''))
			return (-1);
		quote = *p++;
		if ((v = memchr(p, quote, (size_t)(end - p))) == NULL)
			return (-1);
		if (strcmp(onvif_xml_local(an), name) == 0) {
			if ((size_t)(v - p) >= outsz)
				return (-1);
			memcpy(out, p, (size_t)(v - p));
			out[v - p] = '\0';
			return (0);
		}
		p = v + 1;
	}
}

/* Decodes the predefined and ASCII character references in place. */
static int
onvif_xml_unescape(char *s)
{
	static const struct { const char *name; char c; } ents[] = {
		{ "lt;", '<' }, { "gt;", '>' }, { "amp;", '&' },
		{ "quot;", '"' }, { "apos;", '\'' },
	};
	char		*r = s, *w = s, *semi;
	unsigned long	 c;
	size_t		 i;

	while (*r != '\0') {
		if (*r != '&') {
			*w++ = *r++;
			continue;
		}
		for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
			if (strncmp(r + 1, ents[i].name,
			    strlen(ents[i].name)) == 0)
				break;
		if (i < sizeof(ents) / sizeof(ents[0])) {
			*w++ = ents[i].c;
			r += 1 + strlen(ents[i].name);
			continue;
		}
		if (r[1] != '#' || (semi = strchr(r, ';')) == NULL ||
		    semi - r > 8)
			return (-1);
		c = 0;
		for (r += 2; r < semi; r++) {
			if (*r >= '0' && *r <= '9')
				c = c * 10 + (unsigned long)(*r - '0');
			else
				return (-1);
		}
		if (c == 0 || c > 127)
			return (-1);
		*w++ = (char)c;
		r = semi + 1;
	}
	*w = '\0';
	return (0);
}

/* Ends the capture: trims white space and decodes references. */
static void
onvif_xml_capture_end(struct onvif_xml *x)
{
	char	*s = x->text, *e;
	size_t	 n;

	s[x->textlen] = '\0';
	e = s + x->textlen;
	while (e > s && onvif_xml_space(e[-1]))
		*--e = '\0';
	while (*s != '\0' && onvif_xml_space(*s))
		s++;
	n = strlen(s);
	memmove(x->text, s, n + 1);
	if (onvif_xml_unescape(x->text) == -1)
		x->bad = 1;
	x->text = NULL;
}

/* Appends text to the capture if it belongs to the captured element. */
static void
onvif_xml_capture(struct onvif_xml *x, const char *p, size_t n)
{
	if (x->text == NULL || x->depth != x->textdepth)
		return;
	if (x->textlen + n >= x->textsz) {
		x->bad = 1;
		n = x->textsz - 1 - x->textlen;
	}
	memcpy(x->text + x->textlen, p, n);
	x->textlen += n;
}

/* An end tag at p..gt: it must close the innermost open element. */
static int
onvif_xml_close(struct onvif_xml *x, const char *p, const char *gt,
    char *cause, size_t causelen)
{
	const char	*n = p + 2, *e = gt;

	while (e > n && onvif_xml_space(e[-1]))
		e--;
	if (x->depth == 0 || strlen(x->stack[x->depth - 1]) !=
	    (size_t)(e - n) || memcmp(x->stack[x->depth - 1], n,
	    (size_t)(e - n)) != 0) {
		snprintf(cause, causelen, "mismatched end tag");
		return (-1);
	}
	if (x->text != NULL && x->depth == x->textdepth)
		onvif_xml_capture_end(x);
	x->depth--;
	return (0);
}

/* A start tag at p..gt: pushes it and asks the reader about its text. */
static int
onvif_xml_start(struct onvif_xml *x, const char *p, const char *gt,
    char *cause, size_t causelen)
{
	const char	*n = p + 1, *e = n;
	char		*t;
	size_t		 size = 0;

	while (e < gt && onvif_xml_namechar((unsigned char)*e))
		e++;
	if (e == n || (size_t)(e - n) > ONVIF_NAME_MAX ||
	    (*n >= '0' && *n <= '9') || *n == '-' || *n == '.' || *n == ':' ||
	    (e < gt && !onvif_xml_space(*e) && *e != '/')) {
		snprintf(cause, causelen, "malformed start tag");
		return (-1);
	}
	if (x->depth == ONVIF_DEPTH_MAX) {
		snprintf(cause, causelen, "elements nested over %d deep",
		    ONVIF_DEPTH_MAX);
		return (-1);
	}
	memcpy(x->stack[x->depth], n, (size_t)(e - n));
	x->stack[x->depth][e - n] = '\0';
	x->depth++;
	if (x->text == NULL && (t = x->open(x, x->depth,
	    onvif_xml_local(x->stack[x->depth - 1]), p, (size_t)(gt - p + 1),
	    &size)) != NULL && size > 0) {
		x->text = t;
		x->textsz = size;
		x->textlen = 0;
		x->textdepth = x->depth;
	}
	if (gt[-1] == '/') {
		if (x->text != NULL && x->depth == x->textdepth)
			onvif_xml_capture_end(x);
		x->depth--;
	}
	return (0);
}

/* Scans a whole document, calling x->open for each start tag. */
static int
onvif_xml_scan(struct onvif_xml *x, const char *buf, size_t len, char *cause,
    size_t causelen)
{
	const char	*p = buf, *end = buf + len, *q, *gt;
	int		 roots = 0;

	if (len > ONVIF_REQUEST_MAX) {
		snprintf(cause, causelen, "over %d bytes", ONVIF_REQUEST_MAX);
		return (-1);
	}
	if (memchr(buf, '\0', len) != NULL) {
		snprintf(cause, causelen, "a NUL byte");
		return (-1);
	}
	if (memmem(buf, len, "<!", 2) != NULL) {
		snprintf(cause, causelen, "DOCTYPE, ENTITY, comments and "
		    "CDATA are refused");
		return (-1);
	}
	while (p < end) {
		if (*p != '<') {
			if ((q = memchr(p, '<', (size_t)(end - p))) == NULL)
				q = end;
			if (x->depth == 0) {
				for (; p < q; p++)
					if (!onvif_xml_space(*p)) {
						snprintf(cause, causelen, "text "
						    "outside the root element");
						return (-1);
					}
			}
			onvif_xml_capture(x, p, (size_t)(q - p));
			p = q;
			continue;
		}
		if ((gt = onvif_xml_tag_end(p, end)) == NULL) {
			snprintf(cause, causelen, "a tag without its end");
			return (-1);
		}
		if (gt - p >= 1 && p[1] == '?') {
			if (gt - p < 3 || gt[-1] != '?' || roots > 0) {
				snprintf(cause, causelen, "misplaced or "
				    "malformed <?...?>");
				return (-1);
			}
		} else if (gt - p >= 1 && p[1] == '/') {
			if (onvif_xml_close(x, p, gt, cause, causelen) == -1)
				return (-1);
		} else {
			if (x->depth == 0 && roots++ > 0) {
				snprintf(cause, causelen, "a second root "
				    "element");
				return (-1);
			}
			if (onvif_xml_start(x, p, gt, cause, causelen) == -1)
				return (-1);
		}
		p = gt + 1;
	}
	if (roots == 0 || x->depth > 0) {
		snprintf(cause, causelen, roots == 0 ? "no element" :
		    "truncated: %d element%s not closed", x->depth,
		    x->depth == 1 ? "" : "s");
		return (-1);
	}
	if (x->bad) {
		snprintf(cause, causelen, "a field too long or badly escaped");
		return (-1);
	}
	return (0);
}

/* A request's reader: tells which elements' text to keep. */
struct onvif_request_ctx {
	struct onvif_request	*r;
	int			 root_ok;
};

/* The request reader's start-tag callback. */
static char *
onvif_request_open(struct onvif_xml *x, int depth, const char *local,
    const char *tag, size_t taglen, size_t *size)
{
	struct onvif_request_ctx *c = x->arg;
	struct onvif_request	*r = c->r;
	char			 type[256];
	const char		*hash;

	if (depth == 1)
		c->root_ok = strcmp(local, "Envelope") == 0;
	if (!c->root_ok)
		return (NULL);
	if (strcmp(onvif_xml_at(x, 1), "Body") == 0) {
		if (depth == 3 && r->action[0] == '\0')
			snprintf(r->action, sizeof(r->action), "%s", local);
		if (depth >= 4 && r->profile[0] == '\0' &&
		    strcmp(local, "ProfileToken") == 0)
			return (*size = sizeof(r->profile), r->profile);
		return (NULL);
	}
	if (strcmp(onvif_xml_at(x, 1), "Header") != 0 ||
	    strcmp(onvif_xml_at(x, 2), "Security") != 0 ||
	    strcmp(onvif_xml_at(x, 3), "UsernameToken") != 0)
		return (NULL);
	if (depth == 4)
		r->has_token = 1;
	if (depth != 5)
		return (NULL);
	if (strcmp(local, "Username") == 0)
		return (*size = sizeof(r->username), r->username);
	if (strcmp(local, "Password") == 0) {
		r->password_digest = onvif_xml_attr(tag, taglen, "Type", type,
		    sizeof(type)) == 0 && (hash = strrchr(type, '#')) !=
		    NULL && strcmp(hash, "#PasswordDigest") == 0;
		return (*size = sizeof(r->password), r->password);
	}
	if (strcmp(local, "Nonce") == 0)
		return (*size = sizeof(r->nonce), r->nonce);
	if (strcmp(local, "Created") == 0)
		return (*size = sizeof(r->created), r->created);
	return (NULL);
}

/* Reads a SOAP request. */
int
onvif_request_parse(const char *buf, size_t len, struct onvif_request *r,
    char *cause, size_t causelen)
{
	struct onvif_request_ctx c = { r, 0 };
	struct onvif_xml	 x;

	memset(r, 0, sizeof(*r));
	memset(&x, 0, sizeof(x));
	x.open = onvif_request_open;
	x.arg = &c;
	if (onvif_xml_scan(&x, buf, len, cause, causelen) == -1)
		return (-1);
	if (!c.root_ok) {
		snprintf(cause, causelen, "not a SOAP Envelope");
		return (-1);
	}
	if (r->action[0] == '\0') {
		snprintf(cause, causelen, "no action in the Body");
		return (-1);
	}
	return (0);
}

/* A probe's reader. */
struct onvif_probe_ctx {
	struct onvif_probe	*p;
	char			 first[ONVIF_NAME_MAX + 1]; /* Body's child */
	int			 root_ok;
};

/* The probe reader's start-tag callback. */
static char *
onvif_probe_open(struct onvif_xml *x, int depth, const char *local,
    const char *tag, size_t taglen, size_t *size)
{
	struct onvif_probe_ctx	*c = x->arg;

	if (depth == 1)
		c->root_ok = strcmp(local, "Envelope") == 0;
	if (!c->root_ok)
		return (NULL);
	if (depth == 3 && strcmp(onvif_xml_at(x, 1), "Header") == 0 &&
	    strcmp(local, "MessageID") == 0 && c->p->message_id[0] == '\0')
		return (*size = sizeof(c->p->message_id), c->p->message_id);
	if (depth == 3 && strcmp(onvif_xml_at(x, 1), "Body") == 0 &&
	    c->first[0] == '\0')
		snprintf(c->first, sizeof(c->first), "%s", local);
	if (depth == 4 && strcmp(onvif_xml_at(x, 1), "Body") == 0 &&
	    strcmp(onvif_xml_at(x, 2), "Probe") == 0 &&
	    strcmp(local, "Types") == 0)
		return (*size = sizeof(c->p->types), c->p->types);
	return (NULL);
}

/* True when types (QNames separated by space) ask for what we are. */
static int
onvif_probe_wanted(const char *types)
{
	const char	*p = types, *e, *l;
	size_t		 n;

	if (*p == '\0')
		return (1);
	while (*p != '\0') {
		while (onvif_xml_space(*p))
			p++;
		for (e = p; *e != '\0' && !onvif_xml_space(*e); e++)
			;
		for (l = e; l > p && l[-1] != ':'; l--)
			;
		n = (size_t)(e - l);
		if ((n == 23 && memcmp(l, "NetworkVideoTransmitter", n) == 0) ||
		    (n == 6 && memcmp(l, "Device", n) == 0))
			return (1);
		p = e;
	}
	return (0);
}

/* Reads a WS-Discovery Probe. */
int
onvif_probe_parse(const char *buf, size_t len, struct onvif_probe *p,
    char *cause, size_t causelen)
{
	struct onvif_probe_ctx	 c;
	struct onvif_xml	 x;

	memset(p, 0, sizeof(*p));
	memset(&c, 0, sizeof(c));
	memset(&x, 0, sizeof(x));
	c.p = p;
	x.open = onvif_probe_open;
	x.arg = &c;
	if (onvif_xml_scan(&x, buf, len, cause, causelen) == -1)
		return (-1);
	if (!c.root_ok || strcmp(c.first, "Probe") != 0) {
		snprintf(cause, causelen, "not a Probe");
		return (-1);
	}
	p->wanted = onvif_probe_wanted(p->types);
	return (0);
}
