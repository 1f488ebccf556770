/* SPDX-License-Identifier: ISC */
/*
 * loadgen.c: opens many stream viewers at once and measures what they get.
 *
 *   loadgen [-d SEC] [-w SEC] [-s FRACTION] [-o ORIGIN] [-W] SPEC...
 *   SPEC:   ws:N:HOST:PORT/PATH      WebSocket viewers (binary messages)
 *           mjpeg:N:HOST:PORT/PATH   MJPEG viewers (multipart, chunked or not)
 *           unix:N:PATH              capd frame socket subscribers
 *           h264:N:HOST:PORT/PATH    HTTP streams carrying the campipe SEI
 *                                    (raw H.264 or fragmented MP4)
 *           wsh264:N:HOST:PORT/PATH  WebSocket viewers whose binary
 *                                    messages carry it (fragmented MP4)
 *           h264unix:N:PATH          capd H.264 socket subscribers
 *           rtsp:N:HOST:PORT/PATH    RTSP viewers, RTP interleaved on TCP
 *           rtspu:N:HOST:PORT/PATH   RTSP viewers, RTP over UDP unicast
 *
 * A fraction of each kind's clients is stalled: connected with a small
 * receive buffer, request sent, never read.  After all clients connect and
 * a warm-up, frames are counted for the run's duration; for each frame the
 * capture time is read from the JPEG's campipe COM segment (the first
 * bytes after SOI) and the capture-to-receive latency is recorded when the
 * frame's last byte is received.  Only headers and the first bytes of each
 * JPEG are read into memory; the rest is discarded by the kernel
 * (recv MSG_TRUNC on TCP) or read into one scratch buffer (Unix sockets).
 *
 * The H.264 kinds read every byte and find each access unit by the text of
 * its campipe SEI, "campipe seq=S t=SEC.USEC" (docs/frames.md), wherever it
 * lies in the payload (an Annex-B SEI NAL unit, or inside an fMP4 mdat):
 * one text is one access unit, timed when the text arrives.  Each viewer's
 * seq must then go up by one from its first unit on: a jump is a gap (the
 * units skipped are counted), a seq not above the last a repeat.  The
 * JSON line lists every gap, so that a driver can tell units a viewer lost
 * from seqs never published (an encoder that skips a frame skips its seq
 * for every viewer).
 *
 * The RTSP kinds send OPTIONS, DESCRIBE, SETUP and PLAY on one connection,
 * then read RTP: '$' frames on that connection (channel 0; RTCP on channel
 * 1 is skipped), or datagrams on a UDP port pair each viewer binds on the
 * connection's local address (its RTSP connection stays open, unread).
 * Each RTP packet's sequence number must follow the last one: a jump is a
 * packet gap.  The campipe SEI is looked for in the NAL units the packets
 * carry (single NAL unit packets, and FU-A fragments' bytes joined), and
 * the unit's latency is taken when its marker-bit packet arrives; on
 * capd's H.264 socket, when the next unit's delimiter arrives.  A stalled
 * RTSP viewer stops reading once PLAY is answered.
 *
 * One epoll thread.  Prints a human table on stderr and one JSON line on
 * stdout, preceded by "#window start" and "#window end" lines on stdout so
 * a driver can sample other processes over exactly the measured interval.
 * With -W the clients stay connected after the report until stdin closes,
 * so the driver can look at the connections as they were at the end.
 */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "frame_part.h"
#include "jpeg_com.h"

#define LG_HEADMAX	4096	/* HTTP response head, part or WS header */
#define LG_JHEAD	96	/* JPEG bytes kept to read the COM segment */
#define LG_SMALLREAD	256	/* read size while headers are expected */
#define LG_SCRATCH	(256 * 1024)
#define LG_INFLIGHT	64	/* connects in progress at once */
#define LG_STALL_RCVBUF	4096
#define LG_HBUCKETS	(128 + 64 * 40)
#define LG_MAXKINDS	8
#define LG_MAX_FRAME	(64u << 20)
#define LG_SEI_TAIL	64	/* bytes kept between reads: a whole SEI text */
#define LG_SEI_TAG	"campipe seq="
#define LG_MAXGAPS	(1 << 18)	/* gaps listed in the report, at most */
#define LG_RTP_MAX	65536	/* an interleaved packet, at most */
#define LG_UDP_BATCH	4	/* datagrams per recvmmsg */
/*
 * A datagram, at most: with UDP_GRO, the kernel hands over a segmented
 * message as the sender made it, whole, with its segment size.
 */
#define LG_UDP_MAX	65536
#ifndef UDP_GRO
#define UDP_GRO		104	/* linux/udp.h, since Linux 5.0 */
#endif
#define LG_AUD		"\0\0\0\1\x09"	/* an access unit delimiter */

enum lg_type { LG_WS, LG_MJPEG, LG_UNIX, LG_HTTP, LG_RTSP, LG_RTSPU };

/* When an access unit with a campipe SEI counts as arrived. */
enum lg_end { LG_AT_TEXT, LG_AT_AUD, LG_AT_MARKER };

/* The RTSP requests, in order; then RTP. */
enum lg_step { RS_OPTIONS, RS_DESCRIBE, RS_SETUP, RS_PLAY, RS_RTP };

enum lg_state {
	ST_IDLE,	/* not started */
	ST_CONNECTING,
	ST_RESPONSE,	/* reading the HTTP response head */
	ST_HDR,		/* reading a part header or a WS frame header */
	ST_BODY,	/* inside a JPEG or another WS payload */
	ST_STALLED,	/* connected, never read */
	ST_DEAD
};

struct lg_kind {
	enum lg_type	 type;
	const char	*name;
	int		 n;
	int		 sei;		/* payload scanned for the campipe SEI */
	enum lg_end	 end_at;	/* SEI kinds: when a unit arrived */
	char		 host[256];
	char		 port[16];
	char		 path[512];	/* URL path or socket path */
	struct sockaddr_storage ss;
	socklen_t	 sslen;
	int		 connected, stalled, failed, closed;
	uint64_t	 hist[LG_HBUCKETS];
	uint64_t	 nlat;
	uint64_t	 lat_max;
	uint64_t	 frames;	/* by non-stalled clients, in window */
	uint64_t	 bytes;
	uint64_t	 sei_single, sei_fu;	/* SEI texts by packet type */
};

struct lg_gap {
	uint64_t	 from, to;	/* the seqs skipped */
	int		 win;		/* in the window */
};

struct lg_client {
	struct lg_kind	*k;
	int		 fd;
	int		 stall;
	enum lg_state	 st;
	char		 key[32];	/* Sec-WebSocket-Key */
	unsigned char	 head[LG_HEADMAX];
	size_t		 hlen;
	/* chunked transfer coding (MJPEG over HTTP/1.1) */
	int		 chunked;
	int		 cst;		/* 0 size line, 1 data, 2 CRLF after */
	size_t		 chunk_left;
	char		 cline[32];
	size_t		 clen;
	/* the payload being read */
	uint64_t	 body_left;
	int		 is_jpeg;	/* payload is a JPEG to time */
	int		 ws_op;		/* WS opcode of the payload */
	int		 ws_fin;
	unsigned char	 jhead[LG_JHEAD];
	size_t		 jlen;
	uint64_t	 frames;	/* in window */
	unsigned short	 lport;		/* our TCP port */
	int		 up;		/* its response head came */
	/* campipe SEI kinds: access units since the first, across reads */
	unsigned char	 tail[LG_SEI_TAIL];
	size_t		 tlen;
	uint64_t	 units, seq_last, gaps, gaps_win, missing, repeats;
	struct lg_gap	*gap;		/* each gap, for the report */
	size_t		 ngap, gapcap;
	/* a unit's SEI seen, its arrival not yet (LG_AT_AUD, LG_AT_MARKER) */
	int		 pend, pend_aud;
	uint64_t	 pend_seq;
	struct timeval	 pend_ts;
	/* RTSP */
	enum lg_step	 step;
	char		 session[128];
	int		 ufd[2];	/* RTP and RTCP over UDP */
	unsigned short	 uport;
	unsigned char	*pkt;		/* the interleaved packet being read */
	size_t		 plen;
	int		 chan;
	int		 nal_fu;	/* the scanned bytes are FU-A's */
	uint64_t	 rtp_pkts, rtp_gaps, rtp_gaps_win, rtp_lost, rtp_back;
	uint16_t	 rtp_seq;
};

static struct lg_kind	 lg_kinds[LG_MAXKINDS];
static int		 lg_nkinds;
static struct lg_client	*lg_clients;
static int		 lg_nclients;
static int		 lg_ep;
static int		 lg_inwindow;
static uint64_t		 lg_seq_min = UINT64_MAX, lg_seq_max;
static unsigned char	 lg_scratch[LG_SCRATCH];
static const char	*lg_origin;

/* Prints usage and exits. */
static void __attribute__((noreturn))
lg_usage(void)
{
	fprintf(stderr, "usage: loadgen [-d SEC] [-w SEC] [-s FRACTION] "
	    "[-o ORIGIN] [-W] SPEC...\n"
	    "  SPEC: ws:N:HOST:PORT/PATH | mjpeg:N:HOST:PORT/PATH | "
	    "unix:N:PATH |\n"
	    "        h264:N:HOST:PORT/PATH | wsh264:N:HOST:PORT/PATH |\n"
	    "        h264unix:N:PATH | rtsp:N:HOST:PORT/PATH | "
	    "rtspu:N:HOST:PORT/PATH\n");
	exit(2);
}

/* Wall clock in microseconds. */
static uint64_t
lg_now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* Monotonic seconds. */
static double
lg_mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* Histogram bucket of a value in microseconds: exact below 128, then 64 per octave. */
static int
lg_hist_index(uint64_t v)
{
	int	 e, i;

	if (v < 128)
		return ((int)v);
	e = 63 - __builtin_clzll(v);
	i = 128 + (e - 7) * 64 + (int)((v >> (e - 6)) & 63);
	return (i < LG_HBUCKETS ? i : LG_HBUCKETS - 1);
}

/* Lowest value of a histogram bucket. */
static uint64_t
lg_hist_value(int i)
{
	int	 e;

	if (i < 128)
		return (i);
	e = (i - 128) / 64 + 7;
	return ((uint64_t)(64 + (i - 128) % 64) << (e - 6));
}

/* The value below which a share q of the samples lie. */
static uint64_t
lg_hist_quantile(const struct lg_kind *k, double q)
{
	uint64_t	 want, seen = 0;
	int		 i;

	if (k->nlat == 0)
		return (0);
	want = (uint64_t)(q * k->nlat);
	if (want >= k->nlat)
		want = k->nlat - 1;
	for (i = 0; i < LG_HBUCKETS; i++) {
		seen += k->hist[i];
		if (seen > want)
			return (lg_hist_value(i));
	}
	return (k->lat_max);
}

/* Parses one SPEC argument into a kind. */
static void
lg_parse_spec(const char *spec)
{
	struct lg_kind	*k;
	char		 buf[1024], *p, *q, *slash;
	struct addrinfo	 hints, *ai;
	struct sockaddr_un *sun;

	if (lg_nkinds == LG_MAXKINDS)
		lg_usage();
	k = &lg_kinds[lg_nkinds++];
	snprintf(buf, sizeof(buf), "%s", spec);
	if ((p = strchr(buf, ':')) == NULL)
		lg_usage();
	*p++ = '\0';
	if (strcmp(buf, "ws") == 0)
		k->type = LG_WS, k->name = "ws";
	else if (strcmp(buf, "mjpeg") == 0)
		k->type = LG_MJPEG, k->name = "mjpeg";
	else if (strcmp(buf, "unix") == 0)
		k->type = LG_UNIX, k->name = "unix";
	else if (strcmp(buf, "h264") == 0)
		k->type = LG_HTTP, k->name = "h264", k->sei = 1;
	else if (strcmp(buf, "wsh264") == 0)
		k->type = LG_WS, k->name = "wsh264", k->sei = 1;
	else if (strcmp(buf, "h264unix") == 0)
		k->type = LG_UNIX, k->name = "h264unix", k->sei = 1,
		    k->end_at = LG_AT_AUD;
	else if (strcmp(buf, "rtsp") == 0)
		k->type = LG_RTSP, k->name = "rtsp", k->sei = 1,
		    k->end_at = LG_AT_MARKER;
	else if (strcmp(buf, "rtspu") == 0)
		k->type = LG_RTSPU, k->name = "rtspu", k->sei = 1,
		    k->end_at = LG_AT_MARKER;
	else
		lg_usage();
	k->n = (int)strtol(p, &q, 10);
	if (q == p || *q != ':' || k->n < 0)
		lg_usage();
	p = q + 1;
	if (k->type == LG_UNIX) {
		sun = (struct sockaddr_un *)&k->ss;
		sun->sun_family = AF_UNIX;
		if (strlen(p) >= sizeof(sun->sun_path))
			lg_usage();
		strcpy(sun->sun_path, p);
		k->sslen = sizeof(*sun);
		snprintf(k->path, sizeof(k->path), "%s", p);
		return;
	}
	if ((slash = strchr(p, '/')) == NULL || (q = strrchr(p, ':')) == NULL ||
	    q > slash)
		lg_usage();
	snprintf(k->path, sizeof(k->path), "%s", slash);
	*slash = '\0';
	*q = '\0';
	snprintf(k->host, sizeof(k->host), "%s", p);
	snprintf(k->port, sizeof(k->port), "%s", q + 1);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(k->host, k->port, &hints, &ai) != 0) {
		fprintf(stderr, "loadgen: cannot resolve %s:%s\n", k->host,
		    k->port);
		exit(1);
	}
	memcpy(&k->ss, ai->ai_addr, ai->ai_addrlen);
	k->sslen = ai->ai_addrlen;
	freeaddrinfo(ai);
}

/* Closes a client; counts it as failed before it connected, else closed. */
static void
lg_close(struct lg_client *c, const char *why)
{
	if (c->st == ST_DEAD)
		return;
	if (c->st == ST_CONNECTING || c->st == ST_RESPONSE)
		c->k->failed++;
	else
		c->k->closed++;
	if (c->k->failed + c->k->closed <= 3)
		fprintf(stderr, "loadgen: %s client: %s\n", c->k->name, why);
	close(c->fd);
	c->fd = -1;
	if (c->ufd[0] != -1)
		close(c->ufd[0]);
	if (c->ufd[1] != -1)
		close(c->ufd[1]);
	c->ufd[0] = c->ufd[1] = -1;
	c->st = ST_DEAD;
}

/* Counts a frame received in the window; with its stamp, its latency too. */
static void
lg_record(struct lg_client *c, uint64_t seq, const struct timeval *ts)
{
	struct lg_kind	*k = c->k;
	uint64_t	 now, cap, lat;
	int		 i;

	c->frames++;
	k->frames++;
	if (ts == NULL)
		return;
	if (seq < lg_seq_min)
		lg_seq_min = seq;
	if (seq > lg_seq_max)
		lg_seq_max = seq;
	now = lg_now_us();
	cap = (uint64_t)ts->tv_sec * 1000000 + ts->tv_usec;
	lat = now > cap ? now - cap : 0;
	i = lg_hist_index(lat);
	k->hist[i]++;
	k->nlat++;
	if (lat > k->lat_max)
		k->lat_max = lat;
}

/* A frame's last byte arrived: reads its COM segment, records latency. */
static void
lg_frame_done(struct lg_client *c)
{
	struct timeval	 ts;
	uint64_t	 seq;

	if (!lg_inwindow)
		return;
	if (jpeg_com_parse(c->jhead, c->jlen, &seq, &ts) == -1)
		lg_record(c, 0, NULL);
	else
		lg_record(c, seq, &ts);
}

/* Keeps a gap of a viewer's seqs for the report (if memory allows). */
static void
lg_gap_add(struct lg_client *c, uint64_t from, uint64_t to)
{
	struct lg_gap	*g;
	size_t		 cap;

	if (c->ngap == c->gapcap) {
		cap = c->gapcap ? c->gapcap * 2 : 8;
		if ((g = realloc(c->gap, cap * sizeof(*g))) == NULL)
			return;
		c->gap = g;
		c->gapcap = cap;
	}
	c->gap[c->ngap].from = from;
	c->gap[c->ngap].to = to;
	c->gap[c->ngap++].win = lg_inwindow;
}

/* An access unit's SEI: checks its seq against the viewer's last one. */
static void
lg_sei_unit(struct lg_client *c, uint64_t seq, const struct timeval *ts)
{
	if (c->units > 0 && seq != c->seq_last + 1) {
		if (seq > c->seq_last) {
			c->gaps++;
			c->missing += seq - c->seq_last - 1;
			if (lg_inwindow)
				c->gaps_win++;
			lg_gap_add(c, c->seq_last + 1, seq - 1);
		} else
			c->repeats++;
	}
	if (c->units == 0 || seq > c->seq_last)
		c->seq_last = seq;
	c->units++;
	if (c->k->type == LG_RTSP || c->k->type == LG_RTSPU) {
		if (c->nal_fu)
			c->k->sei_fu++;
		else
			c->k->sei_single++;
	}
	if (c->k->end_at != LG_AT_TEXT) {
		c->pend = 1;
		c->pend_aud = 0;
		c->pend_seq = seq;
		c->pend_ts = *ts;
	} else if (lg_inwindow)
		lg_record(c, seq, ts);
}

/* The pending unit arrived whole: its latency, if in the window. */
static void
lg_unit_arrived(struct lg_client *c)
{
	if (c->pend && lg_inwindow)
		lg_record(c, c->pend_seq, &c->pend_ts);
	c->pend = c->pend_aud = 0;
}

/*
 * Reads "campipe seq=S t=SEC.USEC" at p, whose first bytes are the tag.
 * Returns its length, 0 if the n bytes end inside it, -1 if it is not one.
 */
static int
lg_sei_text(const unsigned char *p, size_t n, uint64_t *seq,
    struct timeval *ts)
{
	static const struct { const char *lit; size_t max; } part[] = {
		{ LG_SEI_TAG, 20 }, { " t=", 18 }, { ".", 6 }
	};
	size_t	 i = 0, j, k, d;

	for (j = 0; j < sizeof(part) / sizeof(part[0]); j++) {
		for (k = 0; part[j].lit[k] != '\0'; k++, i++) {
			if (i == n)
				return (0);
			if (p[i] != (unsigned char)part[j].lit[k])
				return (-1);
		}
		for (d = 0; d < part[j].max && i < n && isdigit(p[i]); d++)
			i++;
		if (d < part[j].max && i == n)
			return (0);		/* more digits may follow */
		if (d == 0 || (j == 2 && d != 6))
			return (-1);
	}
	return (jpeg_com_text(p, i, seq, ts) == 0 ? (int)i : -1);
}

/*
 * Finds the campipe SEI texts in payload bytes.  The last bytes are kept
 * for the next call, so a text cut between reads is found when it is
 * whole; it is counted by the call whose bytes end it.
 */
static void
lg_sei_scan(struct lg_client *c, const unsigned char *p, size_t n)
{
	static unsigned char	 buf[LG_SEI_TAIL + LG_SCRATCH];
	const unsigned char	*b, *m, *end, *keep;
	struct timeval		 ts;
	uint64_t		 seq;
	size_t			 len;
	int			 r;

	while (n > 0) {
		len = n < LG_SCRATCH ? n : LG_SCRATCH;
		memcpy(buf, c->tail, c->tlen);
		memcpy(buf + c->tlen, p, len);
		b = buf;
		end = buf + c->tlen + len;
		/* a unit whose SEI came before: its end may be here */
		if (c->pend_aud && memmem(c->tlen >= 4 ? buf + c->tlen - 4 :
		    buf, end - buf - (c->tlen >= 4 ? c->tlen - 4 : 0), LG_AUD,
		    sizeof(LG_AUD) - 1) != NULL)
			lg_unit_arrived(c);
		while ((m = memmem(b, end - b, LG_SEI_TAG,
		    sizeof(LG_SEI_TAG) - 1)) != NULL) {
			if ((r = lg_sei_text(m, end - m, &seq, &ts)) == 0)
				break;		/* kept below: 60 bytes at most */
			if (r > 0 && m + r > buf + c->tlen) {
				lg_sei_unit(c, seq, &ts);
				if (c->k->end_at == LG_AT_AUD) {
					c->pend_aud = 1;
					if (memmem(m + r, end - m - r, LG_AUD,
					    sizeof(LG_AUD) - 1) != NULL)
						lg_unit_arrived(c);
				}
			}
			b = m + (r > 0 ? r : 1);
		}
		keep = end - buf > LG_SEI_TAIL ? end - LG_SEI_TAIL : buf;
		c->tlen = end - keep;
		memmove(c->tail, keep, c->tlen);
		p += len;
		n -= len;
	}
}

/* One RTP packet: its sequence number, SEI text and marker bit. */
static void
lg_rtp_packet(struct lg_client *c, const unsigned char *p, size_t n)
{
	size_t		 h, pad = 0;
	uint16_t	 seq, d;
	int		 type;

	if (n < 12 || (p[0] >> 6) != 2)
		return;
	h = 12 + 4 * (size_t)(p[0] & 0x0f);
	if ((p[0] & 0x10) && n >= h + 4)
		h += 4 + 4 * ((size_t)p[h + 2] << 8 | p[h + 3]);
	if (p[0] & 0x20)
		pad = p[n - 1];
	if (h + pad >= n)
		return;
	seq = (uint16_t)(p[2] << 8 | p[3]);
	if (c->rtp_pkts > 0 && seq != (uint16_t)(c->rtp_seq + 1)) {
		d = (uint16_t)(seq - c->rtp_seq - 1);
		if (d < 0x8000) {
			c->rtp_gaps++;
			c->rtp_lost += d;
			if (lg_inwindow)
				c->rtp_gaps_win++;
		} else
			c->rtp_back++;		/* late or repeated */
	}
	if (c->rtp_pkts == 0 || (uint16_t)(seq - c->rtp_seq) < 0x8000)
		c->rtp_seq = seq;
	c->rtp_pkts++;
	if (lg_inwindow)
		c->k->bytes += n;
	/* FU-A: the fragments' bytes after their two header bytes, joined,
	 * are the NAL unit's (the scan keeps its tail between calls). */
	type = p[h] & 0x1f;
	c->nal_fu = type == 28;
	if (type == 28 && n - pad - h > 2)
		lg_sei_scan(c, p + h + 2, n - pad - h - 2);
	else if (type != 28)
		lg_sei_scan(c, p + h, n - pad - h);
	if (p[1] & 0x80)
		lg_unit_arrived(c);
}

/* Payload bytes consumed (data may be NULL when the kernel discarded them). */
static void
lg_body(struct lg_client *c, const unsigned char *data, size_t n)
{
	size_t	 keep;

	if (c->k->type == LG_RTSP) {		/* kept whole, then read */
		memcpy(c->pkt + c->plen, data, n);
		c->plen += n;
		c->body_left -= n;
		return;
	}
	if (c->is_jpeg && c->jlen < LG_JHEAD && data != NULL) {
		keep = LG_JHEAD - c->jlen < n ? LG_JHEAD - c->jlen : n;
		memcpy(c->jhead + c->jlen, data, keep);
		c->jlen += keep;
	}
	if (c->ws_op >= 8 && data != NULL && c->hlen + n <= 125) {
		memcpy(c->head + c->hlen, data, n);	/* control payload */
		c->hlen += n;
	}
	if (c->k->sei && data != NULL && (c->k->type != LG_WS || c->ws_op == 2))
		lg_sei_scan(c, data, n);
	c->body_left -= n;
	if (lg_inwindow)
		c->k->bytes += n;
}

/* Sends a masked WebSocket control frame (pong or close). */
static void
lg_ws_control(struct lg_client *c, int op, const unsigned char *p, size_t n)
{
	unsigned char	 f[2 + 4 + 125];
	size_t		 i;

	f[0] = 0x80 | op;
	f[1] = 0x80 | (unsigned char)n;
	RAND_bytes(f + 2, 4);
	for (i = 0; i < n; i++)
		f[6 + i] = p[i] ^ f[2 + (i & 3)];
	(void)send(c->fd, f, 6 + n, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* The payload ended. */
static void
lg_body_end(struct lg_client *c)
{
	if (c->k->type == LG_WS && c->ws_op == 9)
		lg_ws_control(c, 10, c->head, c->hlen);
	else if (c->k->type == LG_WS && c->ws_op == 8) {
		lg_ws_control(c, 8, c->head, c->hlen >= 2 ? 2 : 0);
		lg_close(c, "server closed the WebSocket");
		return;
	}
	if (c->is_jpeg && (c->k->type != LG_WS || c->ws_fin))
		lg_frame_done(c);
	if (c->k->type == LG_RTSP && c->chan == 0)
		lg_rtp_packet(c, c->pkt, c->plen);
	c->plen = 0;
	c->hlen = 0;
	c->st = ST_HDR;
}

/*
 * Starts a payload of n bytes; is_jpeg -1 continues the message before
 * (a WebSocket continuation frame).
 */
static void
lg_body_start(struct lg_client *c, uint64_t n, int is_jpeg)
{
	c->st = ST_BODY;
	c->body_left = n;
	c->hlen = 0;
	if (is_jpeg != -1) {
		c->jlen = 0;
		c->is_jpeg = is_jpeg;
	}
	if (n == 0)
		lg_body_end(c);
}

/*
 * Parses a WebSocket frame header in head and starts its payload.  Returns
 * the header's length, 0 if more bytes are needed, -1 if it is bad.
 */
static int
lg_ws_header(struct lg_client *c)
{
	unsigned char	*h = c->head;
	size_t		 need = 2;
	uint64_t	 len;
	int		 i, op;

	if (c->hlen < 2)
		return (0);
	len = h[1] & 0x7f;
	if (h[1] & 0x80)
		return (-1);		/* servers do not mask */
	if (len == 126)
		need += 2;
	else if (len == 127)
		need += 8;
	if (c->hlen < need)
		return (0);
	if (len == 126)
		len = (uint64_t)h[2] << 8 | h[3];
	else if (len == 127)
		for (len = 0, i = 0; i < 8; i++)
			len = len << 8 | h[2 + i];
	op = h[0] & 0x0f;
	c->ws_fin = (h[0] & 0x80) != 0;
	if (op != 0)
		c->ws_op = op;		/* continuations keep the message's */
	if ((op >= 8 && len > 125) || len > LG_MAX_FRAME)
		return (-1);
	lg_body_start(c, len, op == 0 ? -1 : op == 2 && !c->k->sei);
	return ((int)need);
}

/*
 * Parses a multipart part header in head and starts its JPEG.  Returns the
 * header's length, 0 if more bytes are needed, -1 if it is bad.
 */
static int
lg_part_header(struct lg_client *c)
{
	struct frame_part_info	 pi;
	char			 cause[128];
	int			 rc;

	rc = frame_part_parse(c->head, c->hlen, LG_MAX_FRAME, &pi, cause,
	    sizeof(cause));
	if (rc != 1)
		return (rc);
	/* The part's trailing CRLF is skipped as the next one's lead. */
	lg_body_start(c, pi.jpeg_len, 1);
	return ((int)pi.hdr_len);
}

/*
 * Checks the HTTP response head.  Returns its length, 0 if more bytes are
 * needed, -1 if it is bad or not the expected status.
 */
static int
lg_response(struct lg_client *c)
{
	unsigned char	*end, *p;
	int		 want = c->k->type == LG_WS ? 101 : 200, n;
	char		 status[4];

	if ((end = memmem(c->head, c->hlen, "\r\n\r\n", 4)) == NULL)
		return (c->hlen == sizeof(c->head) ? -1 : 0);
	if (c->hlen < 12 || memcmp(c->head, "HTTP/1.", 7) != 0)
		return (-1);
	snprintf(status, sizeof(status), "%.3s", c->head + 9);
	if (atoi(status) != want)
		return (-1);
	*end = '\0';
	for (p = c->head; *p != '\0'; p++)
		*p = tolower(*p);
	c->chunked = strstr((char *)c->head, "transfer-encoding: chunked") !=
	    NULL;
	c->k->connected++;
	c->up = 1;
	c->st = ST_HDR;
	n = (int)(end + 4 - c->head);
	if (c->k->type == LG_HTTP)
		lg_body_start(c, UINT64_MAX, 0);	/* the body, endless */
	return (n);
}

/*
 * Parses an interleaved frame's header ('$', channel, length) and starts
 * its packet.  Returns 4, 0 if more bytes are needed, -1 if it is not one
 * (nothing but RTP is expected once PLAY is answered).
 */
static int
lg_interleave_header(struct lg_client *c)
{
	if (c->hlen < 4)
		return (0);
	if (c->head[0] != '$')
		return (-1);
	c->chan = c->head[1];
	c->plen = 0;
	lg_body_start(c, (uint64_t)c->head[2] << 8 | c->head[3], 0);
	return (4);
}

/* The value of an RTSP header in a NUL-terminated head, or NULL. */
static const char *
lg_rtsp_header(const char *head, const char *name)
{
	const char	*p = head;
	size_t		 n = strlen(name);

	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			for (p += n + 1; *p == ' ' || *p == '\t'; p++)
				;
			return (p);
		}
	}
	return (NULL);
}

/* Sends the RTSP request of the client's step. */
static int
lg_rtsp_send(struct lg_client *c)
{
	static const char *method[] = { "OPTIONS", "DESCRIBE", "SETUP", "PLAY" };
	struct lg_kind	*k = c->k;
	char		 req[1536], url[800], extra[400];
	size_t		 ul;
	int		 n;

	ul = (size_t)snprintf(url, sizeof(url), "rtsp://%s:%s%s", k->host,
	    k->port, k->path);
	extra[0] = '\0';
	if (c->step == RS_DESCRIBE)
		snprintf(extra, sizeof(extra), "Accept: application/sdp\r\n");
	else if (c->step == RS_SETUP) {
		if (ul > 0 && url[ul - 1] == '/')
			url[--ul] = '\0';
		snprintf(url + ul, sizeof(url) - ul, "/trackID=0");
		if (k->type == LG_RTSP)
			snprintf(extra, sizeof(extra), "Transport: RTP/AVP/TCP;"
			    "unicast;interleaved=0-1\r\n");
		else
			snprintf(extra, sizeof(extra), "Transport: RTP/AVP;"
			    "unicast;client_port=%u-%u\r\n", c->uport,
			    c->uport + 1);
	} else if (c->step == RS_PLAY)
		snprintf(extra, sizeof(extra), "Session: %s\r\n"
		    "Range: npt=0.000-\r\n", c->session);
	n = snprintf(req, sizeof(req), "%s %s RTSP/1.0\r\nCSeq: %d\r\n"
	    "User-Agent: campipe-loadgen\r\n%s\r\n", method[c->step], url,
	    (int)c->step + 1, extra);
	return (send(c->fd, req, n, MSG_NOSIGNAL) == n ? 0 : -1);
}

/* PLAY was answered: reads RTP from now on, or stalls; -1 without memory. */
static int
lg_rtsp_playing(struct lg_client *c)
{
	struct epoll_event	 ev = { .events = EPOLLIN, .data.ptr = c };

	c->step = RS_RTP;
	c->st = ST_HDR;
	if (c->stall) {
		epoll_ctl(lg_ep, EPOLL_CTL_DEL, c->fd, NULL);
		c->st = ST_STALLED;
		c->k->stalled++;
		return (0);
	}
	c->k->connected++;
	c->up = 1;
	if (c->k->type == LG_RTSPU) {
		/* the RTSP connection stays open, unread: RTP comes by UDP */
		epoll_ctl(lg_ep, EPOLL_CTL_DEL, c->fd, NULL);
		epoll_ctl(lg_ep, EPOLL_CTL_ADD, c->ufd[0], &ev);
	} else if ((c->pkt = malloc(LG_RTP_MAX)) == NULL)
		return (-1);
	return (0);
}

/*
 * Checks an RTSP answer (head and body) and sends the next request.
 * Returns its length, 0 if more bytes are needed, -1 if it is bad or not
 * 200.
 */
static int
lg_rtsp_response(struct lg_client *c)
{
	unsigned char	*end;
	const char	*v;
	size_t		 body = 0, n, i;
	int		 status;

	if ((end = memmem(c->head, c->hlen, "\r\n\r\n", 4)) == NULL)
		return (c->hlen == sizeof(c->head) ? -1 : 0);
	if (c->hlen < 12 || memcmp(c->head, "RTSP/1.", 7) != 0)
		return (-1);
	status = atoi((char *)c->head + 9);
	*end = '\0';
	if ((v = lg_rtsp_header((char *)c->head, "Content-Length")) != NULL)
		body = strtoul(v, NULL, 10);
	n = end + 4 - c->head + body;
	if (n > sizeof(c->head)) {
		*end = '\r';
		return (-1);
	}
	if (c->hlen < n) {
		*end = '\r';
		return (c->hlen == sizeof(c->head) ? -1 : 0);
	}
	if (status != 200) {
		*end = '\r';
		return (-1);
	}
	if (c->step == RS_SETUP) {
		if ((v = lg_rtsp_header((char *)c->head, "Session")) == NULL)
			return (-1);
		for (i = 0; i < sizeof(c->session) - 1 && v[i] != ';' &&
		    v[i] != '\r' && v[i] != '\0'; i++)
			c->session[i] = v[i];
		c->session[i] = '\0';
	}
	if (c->step == RS_PLAY)
		return (lg_rtsp_playing(c) == -1 ? -1 : (int)n);
	c->step++;
	return (lg_rtsp_send(c) == -1 ? -1 : (int)n);
}

/* Feeds header bytes: appends what fits and parses; returns bytes used. */
static ssize_t
lg_feed_head(struct lg_client *c, const unsigned char *p, size_t n)
{
	size_t	 old = c->hlen, add;
	int	 rc;

	add = sizeof(c->head) - c->hlen < n ? sizeof(c->head) - c->hlen : n;
	memcpy(c->head + c->hlen, p, add);
	c->hlen += add;
	if (c->st == ST_RESPONSE && c->k->type >= LG_RTSP)
		rc = lg_rtsp_response(c);
	else if (c->st == ST_RESPONSE)
		rc = lg_response(c);
	else if (c->k->type == LG_RTSP)
		rc = lg_interleave_header(c);
	else if (c->k->type == LG_WS)
		rc = lg_ws_header(c);
	else
		rc = lg_part_header(c);
	if (rc <= 0)
		return (rc == 0 ? (ssize_t)add : -1);
	if (c->st != ST_BODY)
		c->hlen = 0;
	return ((ssize_t)rc - (ssize_t)old);	/* header bytes among them */
}

/* Feeds bytes of the (de-chunked) stream. */
static int
lg_feed(struct lg_client *c, const unsigned char *p, size_t n)
{
	ssize_t	 used;
	size_t	 m;

	while (n > 0 && c->st != ST_DEAD && c->st != ST_STALLED) {
		if (c->k->type == LG_RTSPU && c->step == RS_RTP)
			return (0);	/* RTP comes by UDP */
		if (c->st == ST_BODY) {
			m = c->body_left < n ? c->body_left : n;
			lg_body(c, p, m);
			if (c->body_left == 0)
				lg_body_end(c);
		} else {
			if ((used = lg_feed_head(c, p, n)) == -1)
				return (-1);
			m = used;
		}
		p += m;
		n -= m;
	}
	return (0);
}

/* Feeds bytes as received: removes the chunked coding if there is one. */
static int
lg_input(struct lg_client *c, const unsigned char *p, size_t n)
{
	size_t	 m;
	char	*end;

	ssize_t	 used;

	while (n > 0 && c->st != ST_DEAD && c->st != ST_STALLED) {
		if (c->st == ST_RESPONSE) {
			if ((used = lg_feed_head(c, p, n)) == -1)
				return (-1);
			p += used, n -= used;
			continue;
		}
		if (!c->chunked)
			return (lg_feed(c, p, n));
		if (c->cst == 0) {		/* size line */
			if (c->clen == sizeof(c->cline) - 1)
				return (-1);
			c->cline[c->clen++] = *p++;
			n--;
			if (c->cline[c->clen - 1] != '\n')
				continue;
			c->cline[c->clen] = '\0';
			c->chunk_left = strtoul(c->cline, &end, 16);
			c->clen = 0;
			if (end == c->cline)
				return (-1);
			if (c->chunk_left == 0)
				return (-1);	/* the stream ended */
			c->cst = 1;
		} else if (c->cst == 1) {
			m = c->chunk_left < n ? c->chunk_left : n;
			if (lg_feed(c, p, m) == -1)
				return (-1);
			p += m, n -= m;
			if ((c->chunk_left -= m) == 0)
				c->cst = 2, c->clen = 0;
		} else {			/* CRLF after the data */
			p++, n--;
			if (++c->clen == 2)
				c->cst = 0, c->clen = 0;
		}
	}
	return (0);
}

/*
 * Why a stream broke: the status of a refusal and the first line of its
 * body, as far as it was read with the head; else a malformed stream.
 */
static const char *
lg_why(const struct lg_client *c)
{
	static char		 why[96];
	const unsigned char	*b;
	size_t			 n, i;

	if (c->st != ST_RESPONSE || c->hlen < 12 ||
	    (memcmp(c->head, "HTTP/1.", 7) != 0 &&
	    memcmp(c->head, "RTSP/1.", 7) != 0))
		return ("malformed stream");
	n = (size_t)snprintf(why, sizeof(why), "answered %.3s",
	    (const char *)c->head + 9);
	if ((b = memmem(c->head, c->hlen, "\r\n\r\n", 4)) == NULL)
		return (why);
	b += 4;
	for (i = 0; b + i < c->head + c->hlen && i < 60 && isprint(b[i]); i++)
		;
	if (i > 0)
		snprintf(why + n, sizeof(why) - n, ": %.*s", (int)i,
		    (const char *)b);
	return (why);
}

/* Bytes the kernel may discard now: the rest of a JPEG's payload. */
static size_t
lg_skippable(const struct lg_client *c)
{
	uint64_t	 n;

	if (c->k->sei || c->st != ST_BODY || c->ws_op >= 8 ||
	    c->body_left == 0 ||
	    (c->is_jpeg && c->jlen < LG_JHEAD))
		return (0);
	n = c->body_left;
	if (c->chunked && (c->cst != 1 || c->chunk_left < n))
		n = c->cst == 1 ? c->chunk_left : 0;
	return (n < LG_SCRATCH ? n : LG_SCRATCH);
}

/* Reads the RTP datagrams that are there, in a few calls at most. */
static void
lg_udp_readable(struct lg_client *c)
{
	struct mmsghdr	 msg[LG_UDP_BATCH];
	struct iovec	 iov[LG_UDP_BATCH];
	union {
		struct cmsghdr	 h;
		char		 b[CMSG_SPACE(sizeof(int))];
	}		 ctl[LG_UDP_BATCH];
	struct cmsghdr	*cm;
	unsigned char	*p;
	size_t		 len, seg;
	int		 i, j, n, gso;

	for (j = 0; j < 64; j++) {
		memset(msg, 0, sizeof(msg));
		for (i = 0; i < LG_UDP_BATCH; i++) {
			iov[i].iov_base = lg_scratch + i * LG_UDP_MAX;
			iov[i].iov_len = LG_UDP_MAX;
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
			msg[i].msg_hdr.msg_control = ctl[i].b;
			msg[i].msg_hdr.msg_controllen = sizeof(ctl[i].b);
		}
		if ((n = recvmmsg(c->ufd[0], msg, LG_UDP_BATCH, MSG_DONTWAIT,
		    NULL)) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				lg_close(c, strerror(errno));
			return;
		}
		for (i = 0; i < n; i++) {
			/* A coalesced message: its packets, seg bytes each. */
			p = iov[i].iov_base;
			len = msg[i].msg_len;
			seg = len;
			for (cm = CMSG_FIRSTHDR(&msg[i].msg_hdr); cm != NULL;
			    cm = CMSG_NXTHDR(&msg[i].msg_hdr, cm))
				if (cm->cmsg_level == SOL_UDP &&
				    cm->cmsg_type == UDP_GRO) {
					memcpy(&gso, CMSG_DATA(cm), sizeof(gso));
					if (gso > 0)
						seg = (size_t)gso;
				}
			for (; len > 0; p += seg, len -= seg) {
				if (seg > len)
					seg = len;
				lg_rtp_packet(c, p, seg);
			}
		}
		if (n < LG_UDP_BATCH)
			return;
	}
}

/* Reads what is there, in a few calls at most. */
static void
lg_readable(struct lg_client *c)
{
	ssize_t	 n;
	size_t	 skip, want;
	int	 i;

	for (i = 0; i < 16 && c->st != ST_DEAD; i++) {
		if (c->st == ST_STALLED)
			return;
		if (c->k->type == LG_RTSPU && c->step == RS_RTP) {
			lg_udp_readable(c);
			return;
		}
		skip = lg_skippable(c);
		if (skip > 0 && c->k->type != LG_UNIX) {
			n = recv(c->fd, lg_scratch, skip, MSG_TRUNC |
			    MSG_DONTWAIT);
			if (n > 0) {
				lg_body(c, NULL, n);
				if (c->chunked)
					c->chunk_left -= n;
				if (c->chunked && c->chunk_left == 0)
					c->cst = 2, c->clen = 0;
				if (c->body_left == 0)
					lg_body_end(c);
				continue;
			}
		} else {
			want = skip > 0 ? skip : c->k->sei ? LG_SCRATCH :
			    LG_SMALLREAD;
			n = recv(c->fd, lg_scratch, want, MSG_DONTWAIT);
			if (n > 0) {
				if (lg_input(c, lg_scratch, n) == -1)
					lg_close(c, lg_why(c));
				continue;
			}
		}
		if (n == 0)
			lg_close(c, "server closed the connection");
		else if (errno != EAGAIN && errno != EINTR)
			lg_close(c, strerror(errno));
		return;
	}
}

/* Writes the request (HTTP) once connected. */
static int
lg_request(struct lg_client *c)
{
	struct lg_kind	*k = c->k;
	unsigned char	 raw[16];
	char		 req[1024], origin[300];
	int		 n;

	if (k->type == LG_UNIX)
		return (0);
	if (k->type == LG_RTSP || k->type == LG_RTSPU)
		return (lg_rtsp_send(c));
	if (k->type == LG_MJPEG || k->type == LG_HTTP)
		n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\n"
		    "Host: %s:%s\r\nUser-Agent: campipe-loadgen\r\n\r\n",
		    k->path, k->host, k->port);
	else {
		RAND_bytes(raw, sizeof(raw));
		EVP_EncodeBlock((unsigned char *)c->key, raw, sizeof(raw));
		if (lg_origin != NULL)
			snprintf(origin, sizeof(origin), "%s", lg_origin);
		else
			snprintf(origin, sizeof(origin), "http://%s:%s",
			    k->host, k->port);
		n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\n"
		    "Host: %s:%s\r\nUpgrade: websocket\r\n"
		    "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
		    "Sec-WebSocket-Version: 13\r\nOrigin: %s\r\n\r\n",
		    k->path, k->host, k->port, c->key, origin);
	}
	return (send(c->fd, req, n, MSG_NOSIGNAL) == n ? 0 : -1);
}

/*
 * Binds a UDP port pair, RTP on an even port and RTCP on the next, on the
 * address a UDP viewer's RTSP connection goes from (IPv4 loopback here).
 */
static int
lg_udp_open(struct lg_client *c)
{
	struct sockaddr_in	 sin;
	socklen_t		 len;
	int			 i, j, rcv = LG_STALL_RCVBUF, one = 1;

	for (i = 0; i < 32; i++) {
		for (j = 0; j < 2; j++) {
			c->ufd[j] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK |
			    SOCK_CLOEXEC, 0);
			memset(&sin, 0, sizeof(sin));
			sin.sin_family = AF_INET;
			sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			sin.sin_port = htons(j == 0 ? 0 : c->uport + 1);
			if (c->ufd[j] == -1 || bind(c->ufd[j],
			    (struct sockaddr *)&sin, sizeof(sin)) == -1)
				break;
			len = sizeof(sin);
			if (j == 0 && (getsockname(c->ufd[0],
			    (struct sockaddr *)&sin, &len) == -1 ||
			    (ntohs(sin.sin_port) & 1) != 0 ||
			    ntohs(sin.sin_port) == 65534))
				break;
			if (j == 0)
				c->uport = ntohs(sin.sin_port);
		}
		if (j == 2) {
			/*
			 * Segmented messages arrive whole: on loopback the
			 * receivers' kernel work is charged to the sender, and
			 * this keeps it per message, as TCP's is (on a network
			 * it is the NVR's, not the Pi's).
			 */
			setsockopt(c->ufd[0], SOL_UDP, UDP_GRO, &one,
			    sizeof(one));
			if (c->stall)
				setsockopt(c->ufd[0], SOL_SOCKET, SO_RCVBUF,
				    &rcv, sizeof(rcv));
			return (0);
		}
		for (j = 0; j < 2; j++)
			if (c->ufd[j] != -1)
				close(c->ufd[j]);
		c->ufd[0] = c->ufd[1] = -1;
	}
	return (-1);
}

/* Starts connecting a client. */
static void
lg_connect(struct lg_client *c)
{
	struct lg_kind		*k = c->k;
	struct epoll_event	 ev = { .events = EPOLLOUT, .data.ptr = c };
	int			 rcv = LG_STALL_RCVBUF, one = 1;

	c->fd = socket(k->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	c->st = ST_CONNECTING;
	if (c->fd == -1) {
		lg_close(c, strerror(errno));
		return;
	}
	if (k->type == LG_RTSPU && lg_udp_open(c) == -1) {
		lg_close(c, "cannot bind a UDP port pair");
		return;
	}
	if (c->stall)
		setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (k->type != LG_UNIX)
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *)&k->ss, k->sslen) == -1 &&
	    errno != EINPROGRESS) {
		lg_close(c, strerror(errno));
		return;
	}
	epoll_ctl(lg_ep, EPOLL_CTL_ADD, c->fd, &ev);
}

/* The connect finished: sends the request, then reads (or stalls). */
static void
lg_connected(struct lg_client *c)
{
	struct epoll_event	 ev = { .events = EPOLLIN, .data.ptr = c };
	struct sockaddr_storage	 ss;
	int			 err = 0;
	socklen_t		 len = sizeof(err);

	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err != 0) {
		lg_close(c, strerror(err));
		return;
	}
	len = sizeof(ss);
	if (c->k->type != LG_UNIX &&
	    getsockname(c->fd, (struct sockaddr *)&ss, &len) == 0)
		c->lport = ntohs(ss.ss_family == AF_INET6 ?
		    ((struct sockaddr_in6 *)&ss)->sin6_port :
		    ((struct sockaddr_in *)&ss)->sin_port);
	if (lg_request(c) == -1) {
		lg_close(c, "cannot send the request");
		return;
	}
	if (c->stall && c->k->type != LG_RTSP && c->k->type != LG_RTSPU) {
		epoll_ctl(lg_ep, EPOLL_CTL_DEL, c->fd, NULL);
		c->st = ST_STALLED;
		c->k->stalled++;
		return;
	}
	epoll_ctl(lg_ep, EPOLL_CTL_MOD, c->fd, &ev);
	c->st = c->k->type == LG_UNIX ? ST_HDR : ST_RESPONSE;
	if (c->k->type == LG_UNIX)
		c->k->connected++;
	if (c->k->type == LG_UNIX && c->k->sei) {
		c->up = 1;
		lg_body_start(c, UINT64_MAX, 0);	/* Annex B, endless */
	}
}

/* Clients still connecting or waiting for their response head. */
static int
lg_pending(void)
{
	int	 i, n = 0;

	for (i = 0; i < lg_nclients; i++)
		if (lg_clients[i].st == ST_CONNECTING ||
		    lg_clients[i].st == ST_RESPONSE)
			n++;
	return (n);
}

/*
 * Runs the loop until the monotonic time `until`, starting connects; in
 * the connect phase, returns as soon as every client is up or failed.
 */
static void
lg_loop(double until, int *next, int connecting)
{
	struct epoll_event	 evs[256];
	struct lg_client	*c;
	double			 now;
	int			 i, n, ms, pend;

	while ((now = lg_mono()) < until) {
		/* (a scan, but only while connects remain) */
		pend = *next < lg_nclients || connecting ? lg_pending() : 0;
		while (*next < lg_nclients && pend < LG_INFLIGHT) {
			lg_connect(&lg_clients[(*next)++]);
			pend++;
		}
		if (connecting && *next == lg_nclients && pend == 0)
			return;
		ms = (int)((until - now) * 1000) + 1;
		n = epoll_wait(lg_ep, evs, 256, ms > 50 ? 50 : ms);
		for (i = 0; i < n; i++) {
			c = evs[i].data.ptr;
			if (c->st == ST_CONNECTING)
				lg_connected(c);
			else if (c->st != ST_DEAD && c->st != ST_STALLED)
				lg_readable(c);
		}
	}
}

/* Orders frame counts. */
static int
lg_cmp_u64(const void *a, const void *b)
{
	uint64_t	 x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

/* Prints the per-kind results: a table on stderr, JSON on stdout. */
static void
lg_report(double dur, double cpu)
{
	struct lg_kind		*k;
	struct lg_client	*c;
	uint64_t		*fr, published, missing, repeats, pkts, lost, back;
	int			 i, j, m, live, nport, units, gap, gapw, none;
	int			 rgap, rgapw;
	size_t			 g, listed;
	double			 share, fmin, fmed;

	published = lg_seq_max >= lg_seq_min ? lg_seq_max - lg_seq_min + 1 : 0;
	fr = calloc(lg_nclients + 1, sizeof(*fr));
	fprintf(stderr, "%-6s %6s %6s %6s %6s %8s %8s %8s %9s %9s %9s\n",
	    "kind", "want", "conn", "stall", "lost", "fps.min", "fps.med",
	    "deliv%", "p50.ms", "p99.ms", "max.ms");
	printf("{\"duration\":%.3f,\"published\":%llu,\"pub_fps\":%.2f,"
	    "\"loadgen_cpu\":%.4f,\"kinds\":[", dur,
	    (unsigned long long)published, published / dur, cpu);
	for (j = 0; j < lg_nkinds; j++) {
		k = &lg_kinds[j];
		for (i = 0, m = 0; i < lg_nclients; i++)
			if (lg_clients[i].k == k && !lg_clients[i].stall)
				fr[m++] = lg_clients[i].frames;
		qsort(fr, m, sizeof(*fr), lg_cmp_u64);
		live = k->connected;
		fmin = m > 0 ? fr[0] / dur : 0;
		fmed = m > 0 ? fr[m / 2] / dur : 0;
		share = live > 0 && published > 0 ?
		    (double)k->frames / ((double)m * published) : 0;
		fprintf(stderr, "%-6s %6d %6d %6d %6d %8.2f %8.2f %8.2f "
		    "%9.2f %9.2f %9.2f\n", k->name, k->n, k->connected,
		    k->stalled, k->failed + k->closed, fmin, fmed, share * 100,
		    lg_hist_quantile(k, 0.5) / 1e3,
		    lg_hist_quantile(k, 0.99) / 1e3, k->lat_max / 1e3);
		printf("%s{\"kind\":\"%s\",\"clients\":%d,\"connected\":%d,"
		    "\"stalled\":%d,\"failed\":%d,\"closed\":%d,"
		    "\"frames\":%llu,\"bytes\":%llu,\"fps_min\":%.2f,"
		    "\"fps_median\":%.2f,\"delivered\":%.5f,\"p50_ms\":%.3f,"
		    "\"p99_ms\":%.3f,\"max_ms\":%.3f", j ? "," : "", k->name,
		    k->n, k->connected, k->stalled, k->failed, k->closed,
		    (unsigned long long)k->frames,
		    (unsigned long long)k->bytes, fmin, fmed, share,
		    lg_hist_quantile(k, 0.5) / 1e3,
		    lg_hist_quantile(k, 0.99) / 1e3, k->lat_max / 1e3);
		/* The viewers' access units since their first (SEI kinds). */
		units = gap = gapw = none = 0;
		missing = repeats = 0;
		for (i = 0; i < lg_nclients; i++) {
			c = &lg_clients[i];
			if (c->k != k || c->stall)
				continue;
			units += c->units > 0;
			none += c->up && c->units == 0;
			gap += c->gaps > 0;
			gapw += c->gaps_win > 0;
			missing += c->missing;
			repeats += c->repeats;
		}
		if (k->sei)
			fprintf(stderr, "%-6s %d of %d viewers with access units "
			    "saw gaps (%d in the window), %llu units missing, "
			    "%llu repeated, %d connected got none\n", k->name, gap,
			    units, gapw, (unsigned long long)missing,
			    (unsigned long long)repeats, none);
		printf(",\"sei\":%d,\"with_units\":%d,\"no_units\":%d,"
		    "\"gap_viewers\":%d,\"gap_viewers_window\":%d,"
		    "\"missing\":%llu,\"repeats\":%llu,",
		    k->sei, units, none, gap, gapw,
		    (unsigned long long)missing, (unsigned long long)repeats);
		/* RTP sequence numbers of the reading viewers (RTSP kinds) */
		pkts = lost = back = 0;
		rgap = rgapw = 0;
		for (i = 0; i < lg_nclients; i++) {
			c = &lg_clients[i];
			if (c->k != k || c->stall)
				continue;
			pkts += c->rtp_pkts;
			lost += c->rtp_lost;
			back += c->rtp_back;
			rgap += c->rtp_gaps > 0;
			rgapw += c->rtp_gaps_win > 0;
		}
		if (k->type == LG_RTSP || k->type == LG_RTSPU)
			fprintf(stderr, "%-6s %llu RTP packets, %d viewers saw "
			    "sequence gaps (%d in the window), %llu packets "
			    "missing, %llu late; SEI in %llu single NAL unit "
			    "packets, %llu FU-A\n", k->name,
			    (unsigned long long)pkts, rgap, rgapw,
			    (unsigned long long)lost, (unsigned long long)back,
			    (unsigned long long)k->sei_single,
			    (unsigned long long)k->sei_fu);
		printf("\"rtp_packets\":%llu,\"rtp_gap_viewers\":%d,"
		    "\"rtp_gap_viewers_window\":%d,\"rtp_lost\":%llu,"
		    "\"rtp_late\":%llu,\"sei_single\":%llu,\"sei_fu\":%llu,"
		    "\"stalled_ports\":[", (unsigned long long)pkts, rgap, rgapw,
		    (unsigned long long)lost, (unsigned long long)back,
		    (unsigned long long)k->sei_single,
		    (unsigned long long)k->sei_fu);
		for (i = 0, nport = 0; i < lg_nclients; i++)
			if (lg_clients[i].k == k && lg_clients[i].stall &&
			    lg_clients[i].st == ST_STALLED)
				printf("%s%u", nport++ ? "," : "",
				    lg_clients[i].lport);
		/* [viewer, first seq skipped, last, in the window] */
		printf("],\"gaps\":[");
		for (i = 0, listed = 0; i < lg_nclients; i++) {
			c = &lg_clients[i];
			if (c->k != k)
				continue;
			for (g = 0; g < c->ngap && listed < LG_MAXGAPS; g++)
				printf("%s[%d,%llu,%llu,%d]", listed++ ? "," :
				    "", i, (unsigned long long)c->gap[g].from,
				    (unsigned long long)c->gap[g].to,
				    c->gap[g].win);
		}
		printf("]}");
	}
	printf("]}\n");
	fprintf(stderr, "published %llu frames (%.2f/s), loadgen CPU %.3f "
	    "s/s\n", (unsigned long long)published, published / dur, cpu);
	free(fr);
}

/* CPU seconds used by this process so far. */
static double
lg_cpu(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
}

int
main(int argc, char **argv)
{
	struct rlimit	 rl;
	double		 dur = 5, warm = 2, stall = 0, t0, cpu0, cpu1;
	int		 ch, i, j, n, nstall, next = 0, total = 0, hold = 0;
	char		 c;

	while ((ch = getopt(argc, argv, "d:w:s:o:Wh")) != -1) {
		switch (ch) {
		case 'd': dur = atof(optarg); break;
		case 'w': warm = atof(optarg); break;
		case 's': stall = atof(optarg); break;
		case 'o': lg_origin = optarg; break;
		case 'W': hold = 1; break;
		default: lg_usage();
		}
	}
	if (optind == argc || dur <= 0 || stall < 0 || stall > 1)
		lg_usage();
	for (i = optind; i < argc; i++)
		lg_parse_spec(argv[i]);
	for (j = 0; j < lg_nkinds; j++)
		total += lg_kinds[j].n;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((lg_clients = calloc(total + 1, sizeof(*lg_clients))) == NULL ||
	    (lg_ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		perror("loadgen");
		return (1);
	}
	/* Interleave kinds so a mixed run connects them evenly. */
	for (i = 0; lg_nclients < total; i++)
		for (j = 0; j < lg_nkinds; j++) {
			if (i >= lg_kinds[j].n)
				continue;
			nstall = (int)(lg_kinds[j].n * stall + 0.5);
			lg_clients[lg_nclients].k = &lg_kinds[j];
			lg_clients[lg_nclients].fd = -1;
			lg_clients[lg_nclients].ufd[0] = -1;
			lg_clients[lg_nclients].ufd[1] = -1;
			/* spread the stalled ones over the order */
			lg_clients[lg_nclients].stall = nstall > 0 &&
			    (long)(i + 1) * nstall / lg_kinds[j].n !=
			    (long)i * nstall / lg_kinds[j].n;
			lg_nclients++;
		}
	t0 = lg_mono();
	lg_loop(t0 + 30, &next, 1);		/* connect everyone */
	for (i = 0, n = 0; i < lg_nclients; i++)
		n += lg_clients[i].st == ST_HDR || lg_clients[i].st == ST_BODY;
	fprintf(stderr, "loadgen: %d clients up in %.2f s, warm-up %.1f s, "
	    "run %.1f s\n", n, lg_mono() - t0, warm, dur);
	lg_loop(lg_mono() + warm, &next, 0);
	for (j = 0; j < lg_nkinds; j++) {
		memset(lg_kinds[j].hist, 0, sizeof(lg_kinds[j].hist));
		lg_kinds[j].nlat = lg_kinds[j].lat_max = 0;
		lg_kinds[j].frames = lg_kinds[j].bytes = 0;
	}
	for (i = 0; i < lg_nclients; i++)
		lg_clients[i].frames = 0;
	printf("#window start\n");
	fflush(stdout);
	lg_inwindow = 1;
	cpu0 = lg_cpu();
	t0 = lg_mono();
	lg_loop(t0 + dur, &next, 0);
	lg_inwindow = 0;
	cpu1 = lg_cpu();
	dur = lg_mono() - t0;
	printf("#window end\n");
	fflush(stdout);
	lg_report(dur, (cpu1 - cpu0) / dur);
	fflush(stdout);
	while (hold && read(0, &c, 1) > 0)
		;
	return (0);
}
