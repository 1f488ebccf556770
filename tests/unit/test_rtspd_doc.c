/* SPDX-License-Identifier: ISC */
/* test_rtspd_doc.c: docs/rtspd.md's examples are what the code writes. */
#include <stdint.h>
#include <string.h>

#include "doc_test.h"
#include "rtcp.h"
#include "rtp_h264.h"
#include "rtspd/reply.h"
#include "rtspd/rtsp_request.h"
#include "rtspd/sdp.h"
#include "test.h"
#include "version.h"

#define RTSPD_DOC	"docs/rtspd.md"
#define DOC_SSRC	0x3F7C7B30u
#define DOC_SEQ		2715
#define DOC_TS		2202478362u

/* The test pattern's SPS and PPS at 640x480, as in the example. */
static const unsigned char sps[] = {
	0x67, 0x42, 0xc0, 0x1e, 0xda, 0x02, 0x80, 0xf6, 0x9b, 0x20, 0x00,
	0x00, 0x03, 0x00, 0x20, 0x00, 0x00, 0x07, 0x91, 0xe2, 0xc5, 0xd4
};
static const unsigned char pps[] = { 0x68, 0xce, 0x3c, 0x80 };

/*
 * A documented block with CRLF line ends, "campipe/0.1" as this build's
 * version.  Its length, or -1.
 */
static long
doc_crlf(const char *marker, char *out, size_t outsize)
{
	char	 doc[4096], *p;
	size_t	 n = 0;
	long	 len;

	if ((len = doc_block(RTSPD_DOC, marker, doc, sizeof(doc))) <= 0)
		return (-1);
	for (p = doc; *p != '\0' && n + 64 < outsize; p++) {
		if (strncmp(p, "campipe/0.1\n", 12) == 0) {
			n += (size_t)snprintf(out + n, outsize - n,
			    "campipe/%s", CAMPIPE_VERSION);
			p += 10;
		} else if (*p == '\n') {
			out[n++] = '\r';
			out[n++] = '\n';
		} else
			out[n++] = *p;
	}
	out[n] = '\0';
	return ((long)n);
}

/* Each example request is read whole, as the method and CSeq it shows. */
static void
test_requests(void)
{
	static const struct {
		const char	*marker;
		enum rtsp_method method;
		const char	*path;
	} ex[] = {
		{ "OPTIONS, example request", RTSP_OPTIONS, "/" },
		{ "DESCRIBE, example request", RTSP_DESCRIBE, "/" },
		{ "SETUP, example request", RTSP_SETUP, "/trackID=0" },
		{ "PLAY, example request", RTSP_PLAY, "/" },
	};
	struct rtsp_request	 req;
	struct rtsp_data	 data;
	struct rtsp_transport	 tr;
	char			 buf[2048], cause[256];
	size_t			 i, used;
	long			 n;
	int			 status;

	for (i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		n = doc_crlf(ex[i].marker, buf, sizeof(buf) - 2);
		CHECK(n > 0);
		if (n <= 0)
			continue;
		strcat(buf, "\r\n");
		CHECK_EQ(rtsp_read((unsigned char *)buf, strlen(buf), 4096,
		    &req, &data, &used, &status, cause, sizeof(cause)),
		    RTSP_READ_REQUEST);
		CHECK_EQ(used, strlen(buf));
		CHECK_EQ(req.method, ex[i].method);
		CHECK_EQ(req.cseq, (int64_t)i + 1);
		CHECK(strcmp(req.path, ex[i].path) == 0);
		CHECK(strcmp(req.user_agent, "Lavf59.27.100") == 0);
		if (req.method == RTSP_SETUP) {
			CHECK_EQ(rtsp_transport_pick(req.transport, 1, &tr,
			    cause, sizeof(cause)), 0);
			CHECK_EQ(tr.lower, RTSP_LOWER_TCP);
			CHECK_EQ(tr.channel[0], 0);
			CHECK_EQ(tr.channel[1], 1);
		}
		if (req.method == RTSP_PLAY)
			CHECK(strcmp(req.session, "8EE9F2FEC4F02080") == 0);
	}
}

/* The OPTIONS, SETUP and PLAY answers are reply_head's. */
static void
test_answers(void)
{
	char	 want[2048], got[REPLY_MAX];
	long	 n;

	n = doc_crlf("OPTIONS, example answer", want, sizeof(want));
	CHECK(n > 0);
	CHECK_EQ(reply_head(got, sizeof(got), 200, 1, NULL, 0, "Public: "
	    "OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER"
	    "\r\n"), n + 2);
	CHECK(strncmp(got, want, (size_t)n) == 0);
	n = doc_crlf("SETUP, example answer", want, sizeof(want));
	CHECK(n > 0);
	CHECK_EQ(reply_head(got, sizeof(got), 200, 3, "8EE9F2FEC4F02080", 60,
	    "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=3F7C7B30"
	    "\r\n"), n + 2);
	CHECK(strncmp(got, want, (size_t)n) == 0);
	n = doc_crlf("PLAY, example answer", want, sizeof(want));
	CHECK(n > 0);
	CHECK_EQ(reply_head(got, sizeof(got), 200, 4, "8EE9F2FEC4F02080", 60,
	    "Range: npt=now-\r\nRTP-Info: url=rtsp://127.0.0.1:8554/trackID=0;"
	    "seq=2715;rtptime=2202478362\r\n"), n + 2);
	CHECK(strncmp(got, want, (size_t)n) == 0);
}

/* The DESCRIBE answer's body is sdp_write's, and its length is right. */
static void
test_describe(void)
{
	struct sdp_h264	 s = {
		.name = "default", .addr = "127.0.0.1", .session_id =
		    1065122608, .version = 1, .pt = 96, .control = "trackID=0",
		.sps = sps, .spslen = sizeof(sps), .pps = pps, .ppslen =
		    sizeof(pps)
	};
	char		 want[4096], got[2048], cause[128], *body;
	long		 n;
	int		 len;

	n = doc_crlf("DESCRIBE, example answer", want, sizeof(want));
	CHECK(n > 0);
	if (n <= 0 || (body = strstr(want, "\r\n\r\n")) == NULL) {
		CHECK(!"the DESCRIBE answer in " RTSPD_DOC);
		return;
	}
	body += 4;
	len = sdp_write(&s, got, sizeof(got), cause, sizeof(cause));
	CHECK_EQ(len, 309);
	CHECK_EQ(strlen(body), (size_t)len);
	CHECK(strcmp(body, got) == 0);
	CHECK(strstr(want, "Content-Length: 309\r\n") != NULL);
}

/* Compares a documented packet's first bytes, interleave header first. */
static void
check_packet(const char *marker, const struct rtp_out *o, size_t i)
{
	unsigned char	 want[64];
	char		 doc[2048];
	const unsigned char *p;
	size_t		 n;

	CHECK(i < o->npkts);
	if (i >= o->npkts || doc_block(RTSPD_DOC, marker, doc,
	    sizeof(doc)) <= 0) {
		CHECK(!"a packet example in " RTSPD_DOC);
		return;
	}
	n = doc_hex(doc, want, sizeof(want));
	CHECK_EQ(n, 4 + RTP_HDR_LEN + 2 + 2);
	p = o->buf + o->pkts[i].off;
	CHECK_EQ(want[0], '$');
	CHECK_EQ(want[1], 0);
	CHECK_EQ((size_t)(want[2] << 8 | want[3]), o->pkts[i].len);
	CHECK_MEM(p, want + 4, n - 4);
}

/* The FU-A example: a 100-byte IDR at MTU 64. */
static void
test_packets(void)
{
	struct rtp_h264	 r;
	struct rtp_out	 o;
	unsigned char	 au[4 + 100];
	char		 cause[128];
	size_t		 i;

	memcpy(au, "\0\0\0\1", 4);
	au[4] = 0x65;
	for (i = 1; i < 100; i++)
		au[4 + i] = (unsigned char)i;
	rtp_h264_init(&r, DOC_SSRC, DOC_SEQ, 96, 64);
	rtp_out_init(&o);
	CHECK_EQ(rtp_h264_unit(&r, au, sizeof(au), DOC_TS, 4, &o, cause,
	    sizeof(cause)), 0);
	CHECK_EQ(o.npkts, 2);
	check_packet("The first packet, whose first bytes are:", &o, 0);
	check_packet("The second and last packet, whose first bytes are:", &o,
	    1);
	rtp_out_free(&o);
}

/* The sender report and BYE examples are rtcp.c's. */
static void
test_reports(void)
{
	struct rtcp_sender s = {
		.ssrc = DOC_SSRC, .ntp = rtcp_ntp(1796622071895169ull),
		.rtp_ts = DOC_TS, .packets = 1000, .octets = 1200000,
		.cname = "campipe-rtspd"
	};
	unsigned char	 want[128], got[RTCP_COMPOUND_MAX];
	char		 doc[2048];
	size_t		 n, m;

	CHECK(doc_block(RTSPD_DOC, "is 52 bytes, an SR and an SDES CNAME:",
	    doc, sizeof(doc)) > 0);
	n = doc_hex(doc, want, sizeof(want));
	CHECK_EQ(n, 52);
	CHECK_EQ(rtcp_sender_report(&s, got, sizeof(got)), (int)n);
	CHECK_MEM(got, want, n);
	CHECK(doc_block(RTSPD_DOC, "the same report followed by:", doc,
	    sizeof(doc)) > 0);
	m = doc_hex(doc, want + n, sizeof(want) - n);
	CHECK_EQ(m, 8);
	CHECK_EQ(rtcp_bye(&s, got, sizeof(got)), (int)(n + m));
	CHECK_MEM(got, want, n + m);
	CHECK_EQ(rtcp_has_bye(got, n + m), 1);
}

int
main(void)
{
	RUN(test_requests);
	RUN(test_answers);
	RUN(test_describe);
	RUN(test_packets);
	RUN(test_reports);
	return (TEST_DONE("rtspd_doc"));
}
