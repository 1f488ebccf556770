/* SPDX-License-Identifier: ISC */
/*
 * test_sdp_answer.c: the answer to Chromium's receive-only offer byte for
 * byte; docs/webrtc.md's example offer answered as the document shows;
 * the DTLS role, the candidates' priorities, what is answered only when
 * offered, every buffer too small and inputs out of bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_test.h"
#include "sdp_test.h"
#include "test.h"

#define DATA		"tests/unit/data/"
#define WEBRTC_DOC	"docs/webrtc.md"

static const char chromium_answer[] =
	    "v=0\r\n"
	    "o=- 4611686018427387905 2 IN IP4 0.0.0.0\r\n"
	    "s=-\r\n"
	    "t=0 0\r\n"
	    "a=group:BUNDLE 0\r\n"
	    "a=ice-lite\r\n"
	    "m=video 8555 UDP/TLS/RTP/SAVPF 108\r\n"
	    "c=IN IP4 192.0.2.10\r\n"
	    "a=ice-ufrag:cAmP\r\n"
	    "a=ice-pwd:x7Gm2Qp9Vt4Lw8Rk3Nz6Bs\r\n"
	    "a=fingerprint:sha-256 6C:1F:3A:90:5E:27:B4:08:D1:4C:63:F2:9A:15:"
	    "7E:C8:02:BB:46:E9:70:3D:A5:18:CF:84:5B:21:F6:0E:97:D3\r\n"
	    "a=setup:passive\r\n"
	    "a=mid:0\r\n"
	    "a=sendonly\r\n"
	    "a=msid:campipe video\r\n"
	    "a=rtcp-mux\r\n"
	    "a=rtcp-rsize\r\n"
	    "a=rtpmap:108 H264/90000\r\n"
	    "a=rtcp-fb:108 nack\r\n"
	    "a=rtcp-fb:108 nack pli\r\n"
	    "a=rtcp-fb:108 ccm fir\r\n"
	    "a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;"
	    "profile-level-id=42c01f\r\n"
	    "a=ssrc:1065122608 cname:campipe\r\n"
	    "a=ssrc:1065122608 msid:campipe video\r\n"
	    "a=candidate:1 1 udp 2130706431 192.0.2.10 8555 typ host\r\n"
	    "a=candidate:2 1 udp 2130706175 2001:db8::10 8555 typ host\r\n"
	    "a=end-of-candidates\r\n";

static struct sdp_offer	*o;

/* Parses s and chooses for sdp_test_ours; 0 or -1. */
static int
offer(const char *s, struct sdp_offer_choice *c)
{
	const char	*cause;

	if (sdp_offer_parse(o, s, strlen(s), &cause) == -1 ||
	    sdp_offer_choose(o, sdp_test_ours, c, &cause) == -1) {
		fprintf(stderr, "offer: %s\n", cause);
		return (-1);
	}
	return (0);
}

/* Chromium's receive-only video offer: the answer, byte for byte. */
static void
test_chromium(void)
{
	char		 in[SDP_OFFER_MAX + 1], out[4096];
	const char	*cause = NULL;
	long		 n;
	int		 len;

	n = doc_readfile(DATA "chromium-recvonly.sdp", in, sizeof(in));
	CHECK(n > 0);
	len = sdp_test_run(in, (size_t)n, out, sizeof(out), &cause);
	CHECK_EQ(len, (int)sizeof(chromium_answer) - 1);
	CHECK(len > 0 && strcmp(out, chromium_answer) == 0);
	if (len > 0 && strcmp(out, chromium_answer) != 0)
		fprintf(stderr, "got:\n%s", out);
}

/* docs/webrtc.md's example offer gets the documented answer. */
static void
test_doc(void)
{
	char		 in[8192], want[8192], out[4096];
	const char	*cause = NULL;
	long		 n, w;
	int		 len;

	n = doc_block_crlf(WEBRTC_DOC, "Example offer, a WHEP player's", in,
	    sizeof(in));
	w = doc_block_crlf(WEBRTC_DOC, "Example answer, for the tests' inputs",
	    want, sizeof(want));
	CHECK(n > 0 && w > 0);
	if (n <= 0 || w <= 0)
		return;
	len = sdp_test_run(in, (size_t)n, out, sizeof(out), &cause);
	CHECK_EQ(len, w);
	CHECK(len > 0 && strcmp(out, want) == 0);
	if (len > 0 && strcmp(out, want) != 0)
		fprintf(stderr, "got:\n%s", out);
	/* The example shows what the rules say. */
	CHECK(strstr(out, "\r\na=extmap:3 " SDP_EXT_URI_ABS_CAPTURE_TIME
	    "\r\n") != NULL);
	CHECK(strstr(out, "\r\nm=audio 0 UDP/TLS/RTP/SAVPF 111\r\n"
	    "c=IN IP4 0.0.0.0\r\na=mid:audio1\r\na=inactive\r\n") != NULL);
	CHECK(strstr(out, "a=group:BUNDLE video0\r\n") != NULL);
	CHECK(strstr(out, "transport-cc") == NULL);
	CHECK(strstr(out, "rtx") == NULL);
}

/* actpass and active make us passive, passive makes us active. */
static void
test_setup(void)
{
	static const char *const roles[] = { "actpass", "active", "passive" };
	static const char *const ours[] = { "passive", "passive", "active" };
	struct sdp_offer_choice	 c;
	struct sdp_answer	 a = sdp_test_answer();
	char			 in[SDP_OFFER_MAX + 1], out[4096], want[64];
	char			 edited[SDP_OFFER_MAX + 16], *at;
	const char		*cause;
	size_t			 i;

	CHECK_EQ(sdp_answer_setup(SDP_SETUP_ACTPASS), SDP_SETUP_PASSIVE);
	CHECK_EQ(sdp_answer_setup(SDP_SETUP_ACTIVE), SDP_SETUP_PASSIVE);
	CHECK_EQ(sdp_answer_setup(SDP_SETUP_PASSIVE), SDP_SETUP_ACTIVE);
	CHECK_EQ(sdp_answer_setup(SDP_SETUP_NONE), SDP_SETUP_PASSIVE);
	for (i = 0; i < 3; i++) {
		if (doc_readfile(DATA "gstreamer-recvonly.sdp", in,
		    sizeof(in)) <= 0 ||
		    (at = strstr(in, "a=setup:actpass\r\n")) == NULL) {
			CHECK(0);
			return;
		}
		snprintf(edited, sizeof(edited), "%.*sa=setup:%s\r\n%s",
		    (int)(at - in), in, roles[i], at + 17);
		CHECK_EQ(offer(edited, &c), 0);
		CHECK(sdp_answer_write(&a, o, &c, out, sizeof(out),
		    &cause) > 0);
		snprintf(want, sizeof(want), "\r\na=setup:%s\r\n", ours[i]);
		CHECK(strstr(out, want) != NULL);
	}
}

/* Priorities by RFC 8445 5.1.2.1: type preference 126, component 1. */
static void
test_priority(void)
{
	CHECK_EQ(sdp_answer_priority(0), 2130706431u);
	CHECK_EQ(sdp_answer_priority(1), 2130706175u);
	CHECK_EQ(sdp_answer_priority(0), (1u << 24) * 126 + (1u << 8) *
	    65535 + 255);
}

/* Only what is offered: one feedback, no rtcp-rsize, no extension. */
static void
test_only_offered(void)
{
	static const char *in = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n"
	    "t=0 0\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\n"
	    "a=fingerprint:sha-256 00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:"
	    "0E:0F:10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F\r\n"
	    "m=video 9 UDP/TLS/RTP/SAVPF 100\r\na=rtcp-mux\r\n"
	    "a=sendrecv\r\na=rtcp-fb:100 nack pli\r\n"
	    "a=rtpmap:100 H264/90000\r\n"
	    "a=fmtp:100 packetization-mode=1;profile-level-id=42e01f\r\n";
	static const char tail[] = "m=video 8555 UDP/TLS/RTP/SAVPF 100\r\n";
	struct sdp_offer_choice	 c;
	struct sdp_answer	 a = sdp_test_answer();
	char			 out[4096];
	const char		*cause;

	CHECK_EQ(offer(in, &c), 0);
	CHECK(sdp_answer_write(&a, o, &c, out, sizeof(out), &cause) > 0);
	CHECK(strstr(out, tail) != NULL);
	CHECK(strstr(out, "BUNDLE") == NULL);
	CHECK(strstr(out, "a=mid") == NULL);
	CHECK(strstr(out, "rtcp-rsize") == NULL);
	CHECK(strstr(out, "extmap") == NULL);
	CHECK(strstr(out, "\r\na=rtcp-fb:100 nack pli\r\na=fmtp:100 "
	    "packetization-mode=1;profile-level-id=42c01f\r\n") != NULL);
	CHECK(strstr(out, "a=rtcp-fb:100 nack\r\n") == NULL);
	CHECK(strstr(out, "ccm fir") == NULL);
}

/* Every buffer too small is refused, the first that fits taken. */
static void
test_overflow(void)
{
	struct sdp_offer_choice	 c;
	struct sdp_answer	 a = sdp_test_answer();
	char			 in[SDP_OFFER_MAX + 1], *out;
	const char		*cause;
	size_t			 len = sizeof(chromium_answer), n;
	size_t			 bad = 0;

	if (doc_readfile(DATA "chromium-recvonly.sdp", in, sizeof(in)) <= 0 ||
	    offer(in, &c) == -1) {
		CHECK(0);
		return;
	}
	for (n = 0; n <= len; n++) {
		if ((out = malloc(n ? n : 1)) == NULL)
			return;
		cause = NULL;
		if (n < len && (sdp_answer_write(&a, o, &c, n ? out : NULL, n,
		    &cause) != -1 || strcmp(cause,
		    "sdp answer: the buffer is too small") != 0))
			bad++;
		if (n == len && sdp_answer_write(&a, o, &c, out, n,
		    &cause) != (int)len - 1)
			bad++;
		free(out);
	}
	CHECK_EQ(bad, 0);
}

/* Inputs out of bounds: each refused with its cause. */
static void
test_inputs(void)
{
	static const struct sdp_answer_cand bad_addr[] = {
		{ "camera.local", 8555 } };
	static const struct sdp_answer_cand bad_port[] = {
		{ "192.0.2.10", 0 } };
	struct sdp_offer_choice	 c, c2;
	struct sdp_answer	 a;
	char			 in[SDP_OFFER_MAX + 1], out[4096];
	const char		*cause;

	if (doc_readfile(DATA "gstreamer-recvonly.sdp", in, sizeof(in)) <= 0 ||
	    offer(in, &c) == -1) {
		CHECK(0);
		return;
	}
#define REFUSED(field, value, why) do {					\
	a = sdp_test_answer();						\
	a.field = value;						\
	cause = NULL;							\
	CHECK_EQ(sdp_answer_write(&a, o, &c, out, sizeof(out), &cause), -1);\
	CHECK(cause != NULL && strcmp(cause, "sdp answer: " why) == 0);	\
} while (0)
	REFUSED(ice_ufrag, "abc", "ice-ufrag is not 4 to 256 ICE chars");
	REFUSED(ice_pwd, "short", "ice-pwd is not 22 to 256 ICE chars");
	REFUSED(ice_pwd, "x7Gm2Qp9Vt4Lw8Rk3Nz6B:", "ice-pwd is not 22 to 256 "
	    "ICE chars");
	REFUSED(fingerprint, NULL, "no fingerprint");
	REFUSED(cname, "a b", "cname or msid is not 1 to 64 token chars");
	REFUSED(msid_track, "", "cname or msid is not 1 to 64 token chars");
	REFUSED(session_id, (uint64_t)1 << 63, "session id over 2^63 - 1");
	REFUSED(ncands, 0, "not 1 to 8 candidates");
	REFUSED(ncands, 9, "not 1 to 8 candidates");
	REFUSED(cands, bad_addr, "a candidate is not an IP address and a port");
	REFUSED(cands, bad_port, "a candidate is not an IP address and a port");
#undef REFUSED
	a = sdp_test_answer();
	c2 = c;
	c2.media = 1;
	CHECK_EQ(sdp_answer_write(&a, o, &c2, out, sizeof(out), &cause), -1);
	c2 = c;
	c2.pt = 97;
	CHECK_EQ(sdp_answer_write(&a, o, &c2, out, sizeof(out), &cause), -1);
	CHECK(strcmp(cause, "sdp answer: the choice is not of this offer") ==
	    0);
}

int
main(void)
{
	if ((o = malloc(sizeof(*o))) == NULL)
		return (1);
	RUN(test_chromium);
	RUN(test_doc);
	RUN(test_setup);
	RUN(test_priority);
	RUN(test_only_offered);
	RUN(test_overflow);
	RUN(test_inputs);
	free(o);
	return (TEST_DONE("test_sdp_answer"));
}
