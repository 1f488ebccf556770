/* SPDX-License-Identifier: ISC */
/*
 * test_rtsp_request.c: RTSP requests as ffmpeg, GStreamer and VLC send
 * them, fed at every split point; interleaved data; errors; Transport.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rtspd/rtsp_request.h"
#include "test.h"

#define MAX_HEAD	4096

static struct rtsp_request	 req;
static struct rtsp_data		 data;
static char			 cause[128];
static int			 status;

/* Reads the first message of s (n bytes); *used out. */
static enum rtsp_read
rd(const char *s, size_t n, size_t *used)
{
	cause[0] = '\0';
	status = 0;
	return (rtsp_read((const unsigned char *)s, n, MAX_HEAD, &req, &data,
	    used, &status, cause, sizeof(cause)));
}

/* Every prefix of s is MORE; the whole is one request of all its bytes. */
static void
whole(const char *s)
{
	size_t	 n = strlen(s), k, used;
	char	*copy;

	for (k = 0; k < n; k++) {
		/* A copy of exactly k bytes: ASan sees any read past it. */
		copy = malloc(k + 1);
		memcpy(copy, s, k);
		used = 99;
		CHECK_EQ(rd(copy, k, &used), RTSP_READ_MORE);
		CHECK_EQ(used, 0);
		free(copy);
	}
	copy = malloc(n);
	memcpy(copy, s, n);
	CHECK_EQ(rd(copy, n, &used), RTSP_READ_REQUEST);
	CHECK_EQ(used, n);
	free(copy);
	/* Read again to leave req filled from s, which stays alive. */
	CHECK_EQ(rd(s, n, &used), RTSP_READ_REQUEST);
}

/* ffmpeg's session over TCP. */
static void
test_ffmpeg(void)
{
	whole("OPTIONS rtsp://192.168.1.10:8554/cam/front RTSP/1.0\r\n"
	    "CSeq: 1\r\nUser-Agent: Lavf60.16.100\r\n\r\n");
	CHECK_EQ(req.method, RTSP_OPTIONS);
	CHECK(strcmp(req.method_name, "OPTIONS") == 0);
	CHECK(strcmp(req.uri, "rtsp://192.168.1.10:8554/cam/front") == 0);
	CHECK(strcmp(req.path, "/cam/front") == 0);
	CHECK_EQ(req.cseq, 1);
	CHECK(strcmp(req.user_agent, "Lavf60.16.100") == 0);
	CHECK(req.session[0] == '\0' && req.transport[0] == '\0');
	CHECK_EQ(req.body_len, 0);

	whole("DESCRIBE rtsp://192.168.1.10:8554/cam/front RTSP/1.0\r\n"
	    "Accept: application/sdp\r\nCSeq: 2\r\n"
	    "User-Agent: Lavf60.16.100\r\n\r\n");
	CHECK_EQ(req.method, RTSP_DESCRIBE);
	CHECK_EQ(req.cseq, 2);

	whole("SETUP rtsp://192.168.1.10:8554/cam/front/trackID=0 RTSP/1.0\r\n"
	    "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n"
	    "CSeq: 3\r\nUser-Agent: Lavf60.16.100\r\n\r\n");
	CHECK_EQ(req.method, RTSP_SETUP);
	CHECK(strcmp(req.path, "/cam/front/trackID=0") == 0);
	CHECK(strcmp(req.transport, "RTP/AVP/TCP;unicast;interleaved=0-1") ==
	    0);

	whole("PLAY rtsp://192.168.1.10:8554/cam/front/ RTSP/1.0\r\n"
	    "Range: npt=0.000-\r\nCSeq: 4\r\nUser-Agent: Lavf60.16.100\r\n"
	    "Session: 5F3A91C2\r\n\r\n");
	CHECK_EQ(req.method, RTSP_PLAY);
	CHECK(strcmp(req.path, "/cam/front/") == 0);
	CHECK(strcmp(req.session, "5F3A91C2") == 0);

	whole("TEARDOWN rtsp://192.168.1.10:8554/cam/front/ RTSP/1.0\r\n"
	    "CSeq: 5\r\nUser-Agent: Lavf60.16.100\r\nSession: 5F3A91C2\r\n"
	    "\r\n");
	CHECK_EQ(req.method, RTSP_TEARDOWN);
	CHECK_EQ(req.cseq, 5);
}

/* GStreamer's rtspsrc over UDP, and its keep-alive. */
static void
test_gstreamer(void)
{
	whole("OPTIONS rtsp://cam.local:8554/cam/front RTSP/1.0\r\n"
	    "CSeq: 1\r\nUser-Agent: GStreamer/1.22.0\r\n\r\n");
	CHECK_EQ(req.method, RTSP_OPTIONS);
	CHECK(strcmp(req.user_agent, "GStreamer/1.22.0") == 0);

	whole("SETUP rtsp://cam.local:8554/cam/front/trackID=0 RTSP/1.0\r\n"
	    "CSeq: 3\r\nUser-Agent: GStreamer/1.22.0\r\n"
	    "Transport: RTP/AVP;unicast;client_port=5000-5001\r\n\r\n");
	CHECK(strcmp(req.transport, "RTP/AVP;unicast;client_port=5000-5001")
	    == 0);

	whole("PLAY rtsp://cam.local:8554/cam/front/ RTSP/1.0\r\n"
	    "CSeq: 4\r\nUser-Agent: GStreamer/1.22.0\r\n"
	    "Range: npt=0-\r\nSession: abcdef;timeout=60\r\n\r\n");
	CHECK(strcmp(req.session, "abcdef") == 0);

	whole("GET_PARAMETER rtsp://cam.local:8554/cam/front/ RTSP/1.0\r\n"
	    "CSeq: 5\r\nUser-Agent: GStreamer/1.22.0\r\n"
	    "Session: abcdef\r\n\r\n");
	CHECK_EQ(req.method, RTSP_GET_PARAMETER);
	CHECK(strcmp(req.session, "abcdef") == 0);
}

/* VLC (live555), with Basic credentials. */
static void
test_vlc(void)
{
	whole("DESCRIBE rtsp://10.0.0.2/cam/back RTSP/1.0\r\n"
	    "CSeq: 3\r\nUser-Agent: LibVLC/3.0.18 (LIVE555 Streaming Media "
	    "v2016.11.28)\r\nAccept: application/sdp\r\n"
	    "Authorization: Basic dXNlcjpwYXNz\r\n\r\n");
	CHECK_EQ(req.method, RTSP_DESCRIBE);
	CHECK(strcmp(req.path, "/cam/back") == 0);
	CHECK(strcmp(req.authorization, "Basic dXNlcjpwYXNz") == 0);
	CHECK(strcmp(req.user_agent,
	    "LibVLC/3.0.18 (LIVE555 Streaming Media v2016.11.28)") == 0);

	whole("SETUP rtsp://10.0.0.2/cam/back/trackID=0 RTSP/1.0\r\n"
	    "CSeq: 4\r\nUser-Agent: LibVLC/3.0.18\r\n"
	    "Transport: RTP/AVP;unicast;client_port=50000-50001\r\n\r\n");
	CHECK_EQ(req.method, RTSP_SETUP);

	whole("PLAY rtsp://10.0.0.2/cam/back/ RTSP/1.0\r\n"
	    "CSeq: 5\r\nUser-Agent: LibVLC/3.0.18\r\n"
	    "Session: 0A1B2C3D\r\nRange: npt=0.000-\r\n\r\n");
	CHECK_EQ(req.method, RTSP_PLAY);
	CHECK(strcmp(req.session, "0A1B2C3D") == 0);
}

/* URIs, methods, leading empty lines, lowercase names, LF only. */
static void
test_forms(void)
{
	size_t	 used;

	whole("\r\n\r\nOPTIONS * RTSP/1.0\r\ncseq: 7\r\n\r\n");
	CHECK(strcmp(req.path, "*") == 0);
	CHECK_EQ(req.cseq, 7);
	whole("DESCRIBE /cam/x?token=1 RTSP/1.0\r\nCSEQ:9\r\n"
	    "session:   s1  \r\nTRANSPORT: t\r\nuser-agent: u\r\n"
	    "require: implicit-play\r\n\r\n");
	CHECK(strcmp(req.path, "/cam/x") == 0);
	CHECK(strcmp(req.uri, "/cam/x?token=1") == 0);
	CHECK(strcmp(req.session, "s1") == 0);
	CHECK(strcmp(req.transport, "t") == 0);
	CHECK(strcmp(req.require, "implicit-play") == 0);
	whole("PAUSE RTSP://h:1 RTSP/1.0\nCSeq: 1\n\n");
	CHECK_EQ(req.method, RTSP_PAUSE);
	CHECK(strcmp(req.path, "/") == 0);
	whole("SET_PARAMETER rtsp://h/a?b/c RTSP/1.0\r\nCSeq: 2\r\n\r\n");
	CHECK_EQ(req.method, RTSP_SET_PARAMETER);
	CHECK(strcmp(req.path, "/a") == 0);
	whole("ANNOUNCE rtsp://h/a RTSP/1.0\r\nCSeq: 2\r\n\r\n");
	CHECK_EQ(req.method, RTSP_OTHER);
	CHECK(strcmp(req.method_name, "ANNOUNCE") == 0);
	whole("play rtsp://h/a RTSP/1.0\r\nCSeq: 2\r\n\r\n");
	CHECK_EQ(req.method, RTSP_OTHER);
	/* Only empty lines: more, nothing used. */
	CHECK_EQ(rd("\r\n\r\n", 4, &used), RTSP_READ_MORE);
	CHECK_EQ(used, 0);
}

/* Bodies by Content-Length, then pipelined requests. */
static void
test_body(void)
{
#define SECOND	"GET_PARAMETER rtsp://h/a RTSP/1.0\r\nCSeq: 4\r\n\r\n"
	static const char	 two[] =
	    "SET_PARAMETER rtsp://h/a RTSP/1.0\r\nCSeq: 3\r\n"
	    "Content-Type: text/parameters\r\nContent-Length: 10\r\n\r\n"
	    "a: b\r\nc: d" SECOND;
	size_t	 used, first = strlen(two) - strlen(SECOND);

	CHECK_EQ(rd(two, first - 1, &used), RTSP_READ_MORE);
	CHECK_EQ(used, 0);
	CHECK_EQ(rd(two, strlen(two), &used), RTSP_READ_REQUEST);
	CHECK_EQ(used, first);
	CHECK_EQ(req.body_len, 10);
	CHECK_EQ(req.cseq, 3);
	CHECK_EQ(rd(two + used, strlen(two) - first, &used),
	    RTSP_READ_REQUEST);
	CHECK_EQ(used, strlen(SECOND));
	CHECK_EQ(req.cseq, 4);
	CHECK_EQ(req.method, RTSP_GET_PARAMETER);
	CHECK_EQ(req.body_len, 0);
	whole("SET_PARAMETER rtsp://h/a RTSP/1.0\r\nCSeq: 3\r\n"
	    "Content-Length: 4\r\n\r\nab\r\n");
	CHECK_EQ(req.body_len, 4);
	/* The largest body is waited for. */
	CHECK_EQ(rd("SET_PARAMETER rtsp://h/a RTSP/1.0\r\nCSeq: 3\r\n"
	    "Content-Length: 4096\r\n\r\nab", 70, &used), RTSP_READ_MORE);
	CHECK_EQ(used, 0);
	CHECK_EQ(rd("X / RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 0\r\n\r\n",
	    44, &used), RTSP_READ_REQUEST);
#undef SECOND
}

/* An interleaved RTCP receiver report, then a request. */
static void
test_interleaved(void)
{
	static const char	 b[] =
	    "$\x01\x00\x08\x81\xc9\x00\x01\xde\xad\xbe\xef"
	    "GET_PARAMETER rtsp://h/a RTSP/1.0\r\nCSeq: 9\r\n\r\n";
	size_t	 used, k;

	for (k = 0; k < 12; k++) {
		CHECK_EQ(rd(b, k, &used), RTSP_READ_MORE);
		CHECK_EQ(used, 0);
	}
	CHECK_EQ(rd(b, 12, &used), RTSP_READ_DATA);
	CHECK_EQ(used, 12);
	CHECK_EQ(data.channel, 1);
	CHECK_EQ(data.len, 8);
	CHECK((const char *)data.p == b + 4);
	CHECK_EQ(rd(b, sizeof(b) - 1, &used), RTSP_READ_DATA);
	CHECK_EQ(rd(b + 12, sizeof(b) - 13, &used), RTSP_READ_REQUEST);
	CHECK_EQ(used, sizeof(b) - 13);
	CHECK_EQ(req.cseq, 9);
	/* Empty frame; channel 255; after an empty line. */
	CHECK_EQ(rd("$\xff\x00\x00", 4, &used), RTSP_READ_DATA);
	CHECK_EQ(data.channel, 255);
	CHECK_EQ(data.len, 0);
	CHECK_EQ(rd("\r\n$\x00\x00\x01z", 7, &used), RTSP_READ_DATA);
	CHECK_EQ(used, 7);
	CHECK_EQ(data.len, 1);
}

/* Expects an error with a status and a cause. */
static void
bad(const char *s, int code)
{
	size_t	 used;

	if (rd(s, strlen(s), &used) != RTSP_READ_ERROR) {
		CHECK(!s);
		fprintf(stderr, "  not refused: %s\n", s);
		return;
	}
	if (status != code)
		fprintf(stderr, "  %d, not %d: %s (%s)\n", status, code, s,
		    cause);
	CHECK_EQ(status, code);
	CHECK(cause[0] != '\0' && strchr(cause, '\n') == NULL);
}

/* Each error with its status. */
static void
test_errors(void)
{
	char	 big[MAX_HEAD + 64];
	size_t	 used;

	bad("OPTIONS * RTSP/1.0\r\n\r\n", 400);			/* no CSeq */
	bad("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nCSeq: 2\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\nCSeq: x\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\nCSeq: -1\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\nCSeq:\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\nCSeq: 1234567890123456789\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nSession: a\r\n"
	    "Session: a\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nSession: ;timeout=5\r\n\r\n",
	    400);
	bad("SETUP * RTSP/1.0\r\nCSeq: 1\r\nTransport: a\r\n"
	    "transport: b\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nAuthorization: a\r\n"
	    "AUTHORIZATION: a\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 4097\r\n\r\n",
	    413);
	bad("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 1\r\n"
	    "Content-Length: 1\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: +1\r\n\r\n",
	    400);
	bad("OPTIONS * RTSP/1.1\r\nCSeq: 1\r\n\r\n", 505);
	bad("OPTIONS * RTSP/2.0\r\nCSeq: 1\r\n\r\n", 505);
	bad("OPTIONS * HTTP/1.1\r\nCSeq: 1\r\n\r\n", 400);
	bad("OPTIONS *  RTSP/1.0\r\nCSeq: 1\r\n\r\n", 400);
	bad("OPTIONS\r\nCSeq: 1\r\n\r\n", 400);
	bad("OPTIONS *\r\nCSeq: 1\r\n\r\n", 400);
	bad(" OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n", 400);
	bad("OPT/IONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n", 400);
	bad("OPTIONS http://h/ RTSP/1.0\r\nCSeq: 1\r\n\r\n", 400);
	bad("OPTIONS rtsp:///a RTSP/1.0\r\nCSeq: 1\r\n\r\n", 400);
	bad("OPTIONS x RTSP/1.0\r\nCSeq: 1\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\nCSeq : 1\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n folded\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\nCSeq 1\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\n: 1\r\nCSeq: 1\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: a\rb\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: a\x01\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: a\x7f\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: "
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "\r\n\r\n", 400);
	bad("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nSession: "
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "\r\n\r\n", 400);
	bad("OPTIONS_OPTIONS_OPTIONS_OPTIONS_ * RTSP/1.0\r\nCSeq: 1\r\n\r\n",
	    400);
	/* The CSeq read before the fault is kept for the answer, as
	   GStreamer's third login sends Authorization twice; else -1. */
	bad("DESCRIBE * RTSP/1.0\r\nCSeq: 4\r\nAuthorization: Basic a\r\n"
	    "Authorization: Basic a\r\n\r\n", 400);
	CHECK_EQ(req.cseq, 4);
	bad("OPTIONS * RTSP/1.0\r\nSession: a\r\nSession: a\r\n"
	    "CSeq: 4\r\n\r\n", 400);
	CHECK_EQ(req.cseq, -1);
	req.cseq = 7;
	/* A control byte refuses the head before it is whole. */
	CHECK_EQ(rd("OPTIONS * RTSP/1.0\r\n\x00", 21, &used),
	    RTSP_READ_ERROR);
	CHECK_EQ(status, 400);
	CHECK_EQ(req.cseq, -1);
	/* A NUL in the head, binary garbage. */
	CHECK_EQ(rd("OPT\0IONS", 8, &used), RTSP_READ_ERROR);
	CHECK_EQ(status, 400);

	/* Past max_head, whole or not. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: ", 32);
	big[MAX_HEAD - 4] = '\r';
	big[MAX_HEAD - 3] = '\n';
	big[MAX_HEAD - 2] = '\r';
	big[MAX_HEAD - 1] = '\n';
	CHECK_EQ(rd(big, MAX_HEAD, &used), RTSP_READ_REQUEST);
	CHECK_EQ(used, MAX_HEAD);
	CHECK_EQ(rd(big, MAX_HEAD - 1, &used), RTSP_READ_MORE);
	big[MAX_HEAD - 4] = 'a';
	big[MAX_HEAD - 3] = 'a';
	big[MAX_HEAD + 60] = '\r';
	big[MAX_HEAD + 61] = '\n';
	big[MAX_HEAD + 62] = '\r';
	big[MAX_HEAD + 63] = '\n';
	CHECK_EQ(rd(big, MAX_HEAD, &used), RTSP_READ_MORE);
	CHECK_EQ(rd(big, MAX_HEAD + 1, &used), RTSP_READ_ERROR);
	CHECK_EQ(status, 413);
	CHECK_EQ(rd(big, sizeof(big), &used), RTSP_READ_ERROR);
	CHECK_EQ(status, 413);
	big[MAX_HEAD - 4] = '\r';
	big[MAX_HEAD - 3] = '\n';
	big[MAX_HEAD - 2] = 'X';	/* the blank line one byte later */
	CHECK_EQ(rd(big, sizeof(big), &used), RTSP_READ_ERROR);
	CHECK_EQ(status, 413);
	/* Empty lines count: a head that fits alone is too long after them. */
	memset(big, '\n', MAX_HEAD + 1);
	CHECK_EQ(rd(big, MAX_HEAD, &used), RTSP_READ_MORE);
	CHECK_EQ(rd(big, MAX_HEAD + 1, &used), RTSP_READ_ERROR);
	CHECK_EQ(status, 413);
	memcpy(big + MAX_HEAD - 30, "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n",
	    31);
	CHECK_EQ(rd(big, MAX_HEAD + 1, &used), RTSP_READ_ERROR);
	CHECK_EQ(status, 413);
	memcpy(big + MAX_HEAD - 31, "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n",
	    31);
	CHECK_EQ(rd(big, MAX_HEAD, &used), RTSP_READ_REQUEST);
	CHECK_EQ(used, MAX_HEAD);
}

/* Status phrases. */
static void
test_status(void)
{
	CHECK(strcmp(rtsp_status_text(200), "OK") == 0);
	CHECK(strcmp(rtsp_status_text(400), "Bad Request") == 0);
	CHECK(strcmp(rtsp_status_text(401), "Unauthorized") == 0);
	CHECK(strcmp(rtsp_status_text(404), "Not Found") == 0);
	CHECK(strcmp(rtsp_status_text(405), "Method Not Allowed") == 0);
	CHECK(strcmp(rtsp_status_text(413), "Request Entity Too Large") ==
	    0);
	CHECK(strcmp(rtsp_status_text(454), "Session Not Found") == 0);
	CHECK(strcmp(rtsp_status_text(455),
	    "Method Not Valid in This State") == 0);
	CHECK(strcmp(rtsp_status_text(459),
	    "Aggregate Operation Not Allowed") == 0);
	CHECK(strcmp(rtsp_status_text(461), "Unsupported Transport") == 0);
	CHECK(strcmp(rtsp_status_text(500), "Internal Server Error") == 0);
	CHECK(strcmp(rtsp_status_text(501), "Not Implemented") == 0);
	CHECK(strcmp(rtsp_status_text(503), "Service Unavailable") == 0);
	CHECK(strcmp(rtsp_status_text(505), "RTSP Version Not Supported") ==
	    0);
	CHECK(strcmp(rtsp_status_text(551), "Option not supported") == 0);
	CHECK(rtsp_status_text(999) != NULL);
}

/* Picks a transport; -1 (with a cause) when none is served. */
static int
pick(const char *hdr, struct rtsp_transport *t)
{
	cause[0] = '\0';
	if (rtsp_transport_pick(hdr, 1, t, cause, sizeof(cause)) == 0)
		return (0);
	CHECK(cause[0] != '\0');
	return (-1);
}

/* Transport choices. */
static void
test_transport(void)
{
	struct rtsp_transport	 t;

	CHECK_EQ(pick("RTP/AVP/TCP;unicast;interleaved=0-1", &t), 0);
	CHECK_EQ(t.lower, RTSP_LOWER_TCP);
	CHECK_EQ(t.channel[0], 0);
	CHECK_EQ(t.channel[1], 1);
	CHECK_EQ(pick("RTP/AVP;unicast;client_port=5000-5001", &t), 0);
	CHECK_EQ(t.lower, RTSP_LOWER_UDP);
	CHECK_EQ(t.client_port[0], 5000);
	CHECK_EQ(t.client_port[1], 5001);
	CHECK_EQ(pick("RTP/AVP/UDP;unicast;client_port=6970-6971;mode=play",
	    &t), 0);
	CHECK_EQ(t.client_port[0], 6970);
	/* Defaults and lone values. */
	CHECK_EQ(pick("RTP/AVP/TCP;unicast", &t), 0);
	CHECK_EQ(t.channel[0], 0);
	CHECK_EQ(t.channel[1], 1);
	CHECK_EQ(pick("RTP/AVP/TCP;unicast;interleaved=4", &t), 0);
	CHECK_EQ(t.channel[0], 4);
	CHECK_EQ(t.channel[1], 5);
	CHECK_EQ(pick("RTP/AVP;unicast;client_port=5000", &t), 0);
	CHECK_EQ(t.client_port[0], 5000);
	CHECK_EQ(t.client_port[1], 5001);
	CHECK_EQ(pick("rtp/avp/tcp ; unicast ; interleaved = 2-3", &t), 0);
	CHECK_EQ(t.channel[0], 2);
	CHECK_EQ(t.channel[1], 3);
	CHECK_EQ(pick("RTP/AVP/TCP;interleaved=254-255", &t), 0);
	CHECK_EQ(pick("RTP/AVP;unicast;client_port=65534-65535", &t), 0);
	CHECK_EQ(t.client_port[1], 65535);
	/* Several choices: multicast and other profiles skipped. */
	CHECK_EQ(pick("RTP/AVP;multicast;port=5000-5001,"
	    "RTP/SAVP;unicast;client_port=1-2,"
	    "RTP/AVP/TCP;unicast;interleaved=6-7", &t), 0);
	CHECK_EQ(t.lower, RTSP_LOWER_TCP);
	CHECK_EQ(t.channel[0], 6);
	CHECK_EQ(pick("RTP/AVP/TCP;interleaved=300, RTP/AVP;unicast;"
	    "client_port=7000-7001", &t), 0);
	CHECK_EQ(t.lower, RTSP_LOWER_UDP);
	CHECK_EQ(t.client_port[0], 7000);
	/* None served. */
	CHECK_EQ(pick("", &t), -1);
	CHECK_EQ(pick(",,", &t), -1);
	CHECK_EQ(pick("RTP/AVP;multicast", &t), -1);
	CHECK_EQ(pick("RTP/AVP;unicast", &t), -1);	/* no client_port */
	CHECK_EQ(pick("RTP/AVP/TCP;interleaved=256-257", &t), -1);
	CHECK_EQ(pick("RTP/AVP/TCP;interleaved=255", &t), -1);
	CHECK_EQ(pick("RTP/AVP/TCP;interleaved=x-1", &t), -1);
	CHECK_EQ(pick("RTP/AVP/TCP;interleaved=1-", &t), -1);
	CHECK_EQ(pick("RTP/AVP/TCP;interleaved=-1", &t), -1);
	CHECK_EQ(pick("RTP/AVP/TCP;interleaved=", &t), -1);
	CHECK_EQ(pick("RTP/AVP;client_port=0-1", &t), -1);
	CHECK_EQ(pick("RTP/AVP;client_port=65535", &t), -1);
	CHECK_EQ(pick("RTP/AVP;client_port=70000-70001", &t), -1);
	CHECK_EQ(pick("RTP/AVP;client_port=5000-99999", &t), -1);
	CHECK_EQ(pick("RTP/AVP;client_port=+5000", &t), -1);
	CHECK_EQ(pick("RTP/AVP;client_port=0000005000", &t), -1);
	CHECK_EQ(pick("RAW/RAW/UDP;unicast;client_port=5000", &t), -1);
	/* UDP off: a UDP choice is passed over for the next. */
	CHECK_EQ(rtsp_transport_pick("RTP/AVP;unicast;client_port=7000-7001,"
	    "RTP/AVP/TCP;unicast;interleaved=2-3", 0, &t, cause,
	    sizeof(cause)), 0);
	CHECK_EQ(t.lower, RTSP_LOWER_TCP);
	CHECK_EQ(t.channel[0], 2);
	CHECK_EQ(rtsp_transport_pick("RTP/AVP;unicast;client_port=7000-7001", 0,
	    &t, cause, sizeof(cause)), -1);
	CHECK(strstr(cause, "UDP is off") != NULL);
}

int
main(void)
{
	RUN(test_ffmpeg);
	RUN(test_gstreamer);
	RUN(test_vlc);
	RUN(test_forms);
	RUN(test_body);
	RUN(test_interleaved);
	RUN(test_errors);
	RUN(test_status);
	RUN(test_transport);
	return (TEST_DONE("rtsp_request"));
}
