/* SPDX-License-Identifier: ISC */
/*
 * rtsp_request.c: RTSP 1.0 requests and interleaved data read from the
 * front of a buffer, status phrases, and the Transport a SETUP asks for
 * (RFC 2326), no I/O.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rtsp_request.h"

#define RTSP_CSEQ_DIGITS	18	/* fits an int64_t */

/* One header line or a part of one: bytes and a length, not terminated. */
struct rtsp_span {
	const char	*s;
	size_t		 n;
};

/* Fails a read with a status and a reason. */
static enum rtsp_read
rtsp_fail(int *status, int code, const char *why, char *cause,
    size_t causelen)
{
	*status = code;
	snprintf(cause, causelen, "%s", why);
	return (RTSP_READ_ERROR);
}

/* Says whether c may appear in a token (RFC 2326 section 15.1). */
static int
rtsp_tchar(unsigned char c)
{
	return (c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?={}", c) ==
	    NULL);
}

/* Trims spaces and tabs from both ends of a span. */
static void
rtsp_trim(struct rtsp_span *v)
{
	while (v->n > 0 && (v->s[0] == ' ' || v->s[0] == '\t')) {
		v->s++;
		v->n--;
	}
	while (v->n > 0 && (v->s[v->n - 1] == ' ' || v->s[v->n - 1] == '\t'))
		v->n--;
}

/* Copies a span into a field of size len; -1 when it does not fit. */
static int
rtsp_copy(char *dst, size_t len, struct rtsp_span v)
{
	if (v.n >= len)
		return (-1);
	memcpy(dst, v.s, v.n);
	dst[v.n] = '\0';
	return (0);
}

/* Reads plain decimal digits, at most max of them; -1 otherwise. */
static int64_t
rtsp_number(struct rtsp_span v, size_t max)
{
	int64_t	 n = 0;
	size_t	 i;

	if (v.n == 0 || v.n > max)
		return (-1);
	for (i = 0; i < v.n; i++) {
		if (v.s[i] < '0' || v.s[i] > '9')
			return (-1);
		n = n * 10 + (v.s[i] - '0');
	}
	return (n);
}

/*
 * Finds the end of the head that starts at p[0]: the byte after its blank
 * line.  0 when not whole yet, -1 with *why on a control byte or bare CR.
 */
static long
rtsp_head_end(const unsigned char *p, size_t len, size_t *end,
    const char **why)
{
	size_t	 j;

	for (j = 0; j < len; j++) {
		if (p[j] == '\n') {
			if (j + 1 < len && p[j + 1] == '\n') {
				*end = j + 2;
				return (1);
			}
			if (j + 2 < len && p[j + 1] == '\r' &&
			    p[j + 2] == '\n') {
				*end = j + 3;
				return (1);
			}
		} else if (p[j] == '\r') {
			if (j + 1 < len && p[j + 1] != '\n') {
				*why = "bare CR in the request head";
				return (-1);
			}
		} else if ((p[j] < 0x20 && p[j] != '\t') || p[j] == 0x7f) {
			*why = "control byte in the request head";
			return (-1);
		}
	}
	*end = len;
	return (0);
}

/* Cuts the next line (LF or CRLF) out of *pos within end. */
static struct rtsp_span
rtsp_line(const char *h, size_t *pos, size_t end)
{
	struct rtsp_span	 l;
	const char		*nl;

	l.s = h + *pos;
	nl = memchr(l.s, '\n', end - *pos);
	l.n = nl - l.s;
	*pos += l.n + 1;
	if (l.n > 0 && l.s[l.n - 1] == '\r')
		l.n--;
	return (l);
}

/* The methods served, by name. */
static const struct {
	const char		*name;
	enum rtsp_method	 method;
} rtsp_methods[] = {
	{ "OPTIONS", RTSP_OPTIONS },
	{ "DESCRIBE", RTSP_DESCRIBE },
	{ "SETUP", RTSP_SETUP },
	{ "PLAY", RTSP_PLAY },
	{ "PAUSE", RTSP_PAUSE },
	{ "TEARDOWN", RTSP_TEARDOWN },
	{ "GET_PARAMETER", RTSP_GET_PARAMETER },
	{ "SET_PARAMETER", RTSP_SET_PARAMETER }
};

/* Takes the path out of "*", "/path?q" or "rtsp://host[:port]/path?q". */
static int
rtsp_path(struct rtsp_request *req)
{
	const char	*u = req->uri, *s;
	size_t		 n;

	if (strcmp(u, "*") == 0) {
		snprintf(req->path, sizeof(req->path), "*");
		return (0);
	}
	if (strncasecmp(u, "rtsp://", 7) == 0) {
		u += 7;
		if (*u == '/' || *u == '\0' || *u == '?')
			return (-1);	/* no host */
		u += strcspn(u, "/?#");
		if (*u != '/') {
			snprintf(req->path, sizeof(req->path), "/");
			return (0);
		}
	} else if (*u != '/')
		return (-1);
	s = u;
	n = strcspn(s, "?#");
	memcpy(req->path, s, n);
	req->path[n] = '\0';
	return (0);
}

/* Reads "METHOD SP URI SP RTSP/1.0". */
static enum rtsp_read
rtsp_first(struct rtsp_span l, struct rtsp_request *req, int *status,
    char *cause, size_t causelen)
{
	struct rtsp_span	 m, u, v;
	const char		*sp;
	size_t			 i;

	m.s = l.s;
	if ((sp = memchr(l.s, ' ', l.n)) == NULL)
		return (rtsp_fail(status, 400, "request line without URI",
		    cause, causelen));
	m.n = sp - l.s;
	u.s = sp + 1;
	if ((sp = memchr(u.s, ' ', l.n - (u.s - l.s))) == NULL)
		return (rtsp_fail(status, 400, "request line without version",
		    cause, causelen));
	u.n = sp - u.s;
	v.s = sp + 1;
	v.n = l.n - (v.s - l.s);
	for (i = 0; i < m.n; i++)
		if (!rtsp_tchar(m.s[i]))
			break;
	if (m.n == 0 || i < m.n)
		return (rtsp_fail(status, 400, "method is not a token",
		    cause, causelen));
	if (rtsp_copy(req->method_name, sizeof(req->method_name), m) == -1)
		return (rtsp_fail(status, 400, "method too long", cause,
		    causelen));
	if (u.n == 0 || memchr(u.s, ' ', u.n) != NULL ||
	    memchr(u.s, '\t', u.n) != NULL)
		return (rtsp_fail(status, 400, "bad request URI", cause,
		    causelen));
	if (rtsp_copy(req->uri, sizeof(req->uri), u) == -1)
		return (rtsp_fail(status, 400, "request URI too long", cause,
		    causelen));
	if (v.n != 8 || memcmp(v.s, "RTSP/1.0", 8) != 0)
		return (rtsp_fail(status, v.n >= 5 &&
		    memcmp(v.s, "RTSP/", 5) == 0 ? 505 : 400,
		    "version is not RTSP/1.0", cause, causelen));
	if (rtsp_path(req) == -1)
		return (rtsp_fail(status, 400, "request URI is not rtsp://",
		    cause, causelen));
	req->method = RTSP_OTHER;
	for (i = 0; i < sizeof(rtsp_methods) / sizeof(rtsp_methods[0]); i++)
		if (strcmp(req->method_name, rtsp_methods[i].name) == 0)
			req->method = rtsp_methods[i].method;
	return (RTSP_READ_REQUEST);
}

/* The header fields read into a request, and whether each was seen. */
struct rtsp_seen {
	int	 cseq, session, transport, authorization, length;
};

/* Says whether the n bytes at s are the name w, any case. */
static int
rtsp_is(struct rtsp_span name, const char *w)
{
	return (strlen(w) == name.n && strncasecmp(name.s, w, name.n) == 0);
}

/* Copies a value that may appear once; an error if it is repeated. */
static const char *
rtsp_once(char *dst, size_t len, struct rtsp_span v, int *seen,
    const char *what)
{
	if ((*seen)++)
		return ("repeated header");
	if (rtsp_copy(dst, len, v) == -1)
		return (what);
	return (NULL);
}

/* Reads one header line into req; the reason when it is refused. */
static const char *
rtsp_field(struct rtsp_span l, struct rtsp_request *req,
    struct rtsp_seen *seen, int *code)
{
	struct rtsp_span	 name, v;
	const char		*colon;
	int64_t			 n;
	size_t			 i;

	*code = 400;
	if (l.s[0] == ' ' || l.s[0] == '\t')
		return ("folded header line");
	if ((colon = memchr(l.s, ':', l.n)) == NULL)
		return ("header line without colon");
	name.s = l.s;
	name.n = colon - l.s;
	for (i = 0; i < name.n; i++)
		if (!rtsp_tchar(name.s[i]))
			return ("header name is not a token");
	if (name.n == 0)
		return ("empty header name");
	v.s = colon + 1;
	v.n = l.n - name.n - 1;
	rtsp_trim(&v);
	if (rtsp_is(name, "cseq")) {
		if (seen->cseq++)
			return ("repeated CSeq");
		if ((n = rtsp_number(v, RTSP_CSEQ_DIGITS)) == -1)
			return ("bad CSeq");
		req->cseq = n;
	} else if (rtsp_is(name, "session")) {
		if ((colon = memchr(v.s, ';', v.n)) != NULL)
			v.n = colon - v.s;
		rtsp_trim(&v);
		if (v.n == 0 && !seen->session)
			return ("empty Session");
		return (rtsp_once(req->session, sizeof(req->session), v,
		    &seen->session, "Session too long"));
	} else if (rtsp_is(name, "transport"))
		return (rtsp_once(req->transport, sizeof(req->transport), v,
		    &seen->transport, "Transport too long"));
	else if (rtsp_is(name, "authorization"))
		return (rtsp_once(req->authorization,
		    sizeof(req->authorization), v, &seen->authorization,
		    "Authorization too long"));
	else if (rtsp_is(name, "user-agent")) {
		if (rtsp_copy(req->user_agent, sizeof(req->user_agent), v) ==
		    -1)
			return ("User-Agent too long");
	} else if (rtsp_is(name, "require")) {
		if (rtsp_copy(req->require, sizeof(req->require), v) == -1)
			return ("Require too long");
	} else if (rtsp_is(name, "content-length")) {
		if (seen->length++)
			return ("repeated Content-Length");
		if ((n = rtsp_number(v, 18)) == -1)
			return ("bad Content-Length");
		if (n > RTSP_BODY_MAX) {
			*code = 413;
			return ("body too large");
		}
		req->body_len = n;
	}
	return (NULL);
}

/* Reads the message at the front of p. */
enum rtsp_read
rtsp_read(const unsigned char *p, size_t len, size_t max_head,
    struct rtsp_request *req, struct rtsp_data *data, size_t *used,
    int *status, char *cause, size_t causelen)
{
	struct rtsp_seen	 seen;
	struct rtsp_span	 l;
	const char		*h, *why = NULL;
	enum rtsp_read		 r;
	size_t			 i = 0, end, pos;
	long			 whole;
	int			 code;

	*used = 0;
	req->cseq = -1;
	while (i < len && (p[i] == '\r' || p[i] == '\n'))
		i++;
	/* Empty lines count against the head: a flood of them is refused. */
	if (i > max_head)
		return (rtsp_fail(status, 413, "too many empty lines", cause,
		    causelen));
	if (i == len)
		return (RTSP_READ_MORE);
	if (p[i] == '$') {
		if (len - i < 4)
			return (RTSP_READ_MORE);
		data->channel = p[i + 1];
		data->len = (size_t)p[i + 2] << 8 | p[i + 3];
		if (len - i - 4 < data->len)
			return (RTSP_READ_MORE);
		data->p = p + i + 4;
		*used = i + 4 + data->len;
		return (RTSP_READ_DATA);
	}
	whole = rtsp_head_end(p + i, len - i, &end, &why);
	if (whole == -1)
		return (rtsp_fail(status, 400, why, cause, causelen));
	if (i + end > max_head)
		return (rtsp_fail(status, 413, "request head too long", cause,
		    causelen));
	if (whole == 0)
		return (RTSP_READ_MORE);

	memset(req, 0, sizeof(*req));
	memset(&seen, 0, sizeof(seen));
	req->cseq = -1;
	h = (const char *)p + i;
	pos = 0;
	l = rtsp_line(h, &pos, end);
	if ((r = rtsp_first(l, req, status, cause, causelen)) !=
	    RTSP_READ_REQUEST)
		return (r);
	for (;;) {
		l = rtsp_line(h, &pos, end);
		if (l.n == 0)
			break;
		if ((why = rtsp_field(l, req, &seen, &code)) != NULL)
			return (rtsp_fail(status, code, why, cause,
			    causelen));
	}
	if (!seen.cseq)
		return (rtsp_fail(status, 400, "no CSeq", cause, causelen));
	if (len - i - end < req->body_len)
		return (RTSP_READ_MORE);
	*used = i + end + req->body_len;
	return (RTSP_READ_REQUEST);
}

/* Reason phrases (RFC 2326 section 7.1.1). */
static const struct {
	int		 status;
	const char	*text;
} rtsp_statuses[] = {
	{ 200, "OK" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 406, "Not Acceptable" },
	{ 408, "Request Timeout" },
	{ 413, "Request Entity Too Large" },
	{ 414, "Request-URI Too Large" },
	{ 415, "Unsupported Media Type" },
	{ 451, "Parameter Not Understood" },
	{ 453, "Not Enough Bandwidth" },
	{ 454, "Session Not Found" },
	{ 455, "Method Not Valid in This State" },
	{ 457, "Invalid Range" },
	{ 459, "Aggregate Operation Not Allowed" },
	{ 460, "Only Aggregate Operation Allowed" },
	{ 461, "Unsupported Transport" },
	{ 500, "Internal Server Error" },
	{ 501, "Not Implemented" },
	{ 503, "Service Unavailable" },
	{ 505, "RTSP Version Not Supported" },
	{ 551, "Option not supported" }
};

/* The reason phrase of a status code. */
const char *
rtsp_status_text(int status)
{
	size_t	 i;

	for (i = 0; i < sizeof(rtsp_statuses) / sizeof(rtsp_statuses[0]); i++)
		if (rtsp_statuses[i].status == status)
			return (rtsp_statuses[i].text);
	return (status >= 200 && status < 300 ? "OK" : "Error");
}

/* Reads "a" or "a-b" into two numbers at most max; a lone a gives a+1. */
static int
rtsp_pair(struct rtsp_span v, unsigned max, unsigned out[2])
{
	struct rtsp_span	 a = v, b;
	const char		*dash;
	int64_t			 x, y;

	if ((dash = memchr(v.s, '-', v.n)) != NULL) {
		a.n = dash - v.s;
		b.s = dash + 1;
		b.n = v.n - a.n - 1;
		if ((y = rtsp_number(b, 5)) == -1)
			return (-1);
	}
	if ((x = rtsp_number(a, 5)) == -1)
		return (-1);
	if (dash == NULL)
		y = x + 1;
	if (x > max || y > max)
		return (-1);
	out[0] = x;
	out[1] = y;
	return (0);
}

/* Judges one transport choice; the reason when it is not served. */
static const char *
rtsp_choice(struct rtsp_span c, struct rtsp_transport *t)
{
	struct rtsp_span	 p, v;
	const char		*semi, *eq;
	unsigned		 pair[2];
	int			 first = 1, port = 0;

	memset(t, 0, sizeof(*t));
	t->channel[1] = 1;
	while (c.n > 0) {
		p = c;
		if ((semi = memchr(c.s, ';', c.n)) != NULL) {
			p.n = semi - c.s;
			c.s = semi + 1;
			c.n -= p.n + 1;
		} else
			c.n = 0;
		rtsp_trim(&p);
		if (first) {
			first = 0;
			if (rtsp_is(p, "rtp/avp/tcp"))
				t->lower = RTSP_LOWER_TCP;
			else if (rtsp_is(p, "rtp/avp") ||
			    rtsp_is(p, "rtp/avp/udp"))
				t->lower = RTSP_LOWER_UDP;
			else
				return ("not RTP/AVP");
			continue;
		}
		if (rtsp_is(p, "multicast"))
			return ("multicast");
		if ((eq = memchr(p.s, '=', p.n)) == NULL)
			continue;
		v.s = eq + 1;
		v.n = p.n - (eq + 1 - p.s);
		p.n = eq - p.s;
		rtsp_trim(&p);
		rtsp_trim(&v);
		if (t->lower == RTSP_LOWER_TCP && rtsp_is(p, "interleaved")) {
			if (rtsp_pair(v, 255, t->channel) == -1)
				return ("bad interleaved channels");
		} else if (t->lower == RTSP_LOWER_UDP &&
		    rtsp_is(p, "client_port")) {
			if (rtsp_pair(v, 65535, pair) == -1 || pair[0] == 0 ||
			    pair[1] == 0)
				return ("bad client_port");
			t->client_port[0] = pair[0];
			t->client_port[1] = pair[1];
			port = 1;
		}
	}
	if (first)
		return ("empty transport");
	if (t->lower == RTSP_LOWER_UDP && !port)
		return ("UDP without client_port");
	return (NULL);
}

/* Picks the first transport served out of a Transport header. */
int
rtsp_transport_pick(const char *hdr, int udp, struct rtsp_transport *t,
    char *cause, size_t causelen)
{
	struct rtsp_span	 c;
	const char		*why = "no transport";
	size_t			 n;

	while (*hdr != '\0') {
		n = strcspn(hdr, ",");
		c.s = hdr;
		c.n = n;
		hdr += n;
		if (*hdr == ',')
			hdr++;
		rtsp_trim(&c);
		if ((why = rtsp_choice(c, t)) == NULL && !udp &&
		    t->lower == RTSP_LOWER_UDP)
			why = "RTP over UDP is off: use RTP/AVP/TCP";
		if (why == NULL)
			return (0);
	}
	snprintf(cause, causelen, "transport not served: %s", why);
	return (-1);
}
