/* SPDX-License-Identifier: ISC */
/*
 * test_cs_offer.c: campipe's offer in camera-streamer's signalling byte
 * for byte (docs/webrtc.md's example), every buffer too small, inputs out
 * of bounds; Chromium's answer to it read into what the session needs,
 * and each way an answer can differ from what we offered refused with
 * its cause, every cut of it too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_answer.h"
#include "cs_offer.h"
#include "doc_test.h"
#include "sdp_test.h"
#include "test.h"

#define DATA		"tests/unit/data/"
#define WEBRTC_DOC	"docs/webrtc.md"

static struct sdp_offer	*o;
static char		 chromium[SDP_OFFER_MAX + 1];
static size_t		 chromium_len;

/* The offer is the documented one, byte for byte. */
static void
test_doc(void)
{
	struct sdp_answer	 a = sdp_test_answer();
	char			 want[8192], out[4096];
	const char		*cause = NULL;
	long			 w;
	int			 n;

	w = doc_block_crlf(WEBRTC_DOC, "Example offer SDP, campipe's",
	    want, sizeof(want));
	CHECK(w > 0);
	n = cs_offer_write(&a, sdp_test_ours, out, sizeof(out), &cause);
	CHECK_EQ(n, w);
	CHECK(n > 0 && strcmp(out, want) == 0);
	if (n > 0 && strcmp(out, want) != 0)
		fprintf(stderr, "got:\n%s", out);
	/* What the rules say, and our own reader takes it. */
	CHECK(strstr(out, "\r\na=setup:actpass\r\n") != NULL);
	CHECK(strstr(out, "\r\na=group:BUNDLE 0\r\na=ice-lite\r\n") != NULL);
	CHECK(strstr(out, "extmap") == NULL && strstr(out, "rtx") == NULL);
	CHECK_EQ(sdp_offer_parse(o, out, (size_t)n, &cause), 0);
	CHECK_EQ(o->nmedia, 1);
	CHECK_EQ(o->media[0].dir, SDP_DIR_SENDONLY);
	CHECK_EQ(o->media[0].pt[CS_OFFER_PT].pmode, 1);
	CHECK_EQ(o->media[0].pt[CS_OFFER_PT].fb, CS_OFFER_FB);
	CHECK(o->ice_lite && o->media[0].bundled && o->media[0].rtcp_mux);
}

/* Every buffer too small is refused, the first that fits taken. */
static void
test_overflow(void)
{
	struct sdp_answer	 a = sdp_test_answer();
	char			 full[4096], *out;
	const char		*cause;
	size_t			 len, n, bad = 0;
	int			 r;

	r = cs_offer_write(&a, sdp_test_ours, full, sizeof(full), &cause);
	CHECK(r > 0);
	len = (size_t)r + 1;
	for (n = 0; n <= len; n++) {
		if ((out = malloc(n ? n : 1)) == NULL)
			return;
		cause = NULL;
		r = cs_offer_write(&a, sdp_test_ours, n ? out : NULL, n,
		    &cause);
		if (n < len && (r != -1 || strcmp(cause,
		    "cs offer: the buffer is too small") != 0 ||
		    (n > 0 && out[0] != '\0')))
			bad++;
		if (n == len && (r != (int)len - 1 || strcmp(out, full) != 0))
			bad++;
		free(out);
	}
	CHECK_EQ(bad, 0);
}

/* Inputs out of bounds: refused with the offer's causes. */
static void
test_inputs(void)
{
	struct sdp_answer	 a;
	char			 out[4096];
	const char		*cause;

#define REFUSED(field, value, why) do {					\
	a = sdp_test_answer();						\
	a.field = value;						\
	cause = NULL;							\
	CHECK_EQ(cs_offer_write(&a, sdp_test_ours, out, sizeof(out),	\
	    &cause), -1);						\
	CHECK(cause != NULL && strcmp(cause, "cs offer: " why) == 0);	\
} while (0)
	REFUSED(ice_ufrag, "abc", "ice-ufrag is not 4 to 256 ICE chars");
	REFUSED(ice_pwd, "short", "ice-pwd is not 22 to 256 ICE chars");
	REFUSED(fingerprint, NULL, "no fingerprint");
	REFUSED(cname, "a b", "cname or msid is not 1 to 64 token chars");
	REFUSED(session_id, (uint64_t)1 << 63, "session id over 2^63 - 1");
	REFUSED(ncands, 0, "not 1 to 8 candidates");
#undef REFUSED
	a = sdp_test_answer();
	CHECK_EQ(cs_offer_write(&a, NULL, out, sizeof(out), &cause), -1);
	CHECK(strcmp(cause, "cs offer: no profile-level-id") == 0);
}

/* Chromium's answer gives what the session needs. */
static void
test_chromium(void)
{
	static const uint8_t	 fp[SDP_OFFER_FPLEN] = {
		0x03, 0x44, 0x66, 0xC4, 0x5D, 0x9F, 0x02, 0x8A, 0x1A, 0x79,
		0xF3, 0xC7, 0xC9, 0xC4, 0xDD, 0x30, 0x3F, 0x9B, 0x6A, 0x17,
		0x11, 0x09, 0x20, 0x5B, 0x52, 0x64, 0xA7, 0x41, 0x47, 0xDE,
		0x4F, 0x6A
	};
	struct cs_answer	 r;
	const char		*cause = NULL;

	CHECK_EQ(cs_answer_read(o, chromium, chromium_len, &r, &cause), 0);
	if (cause != NULL)
		fprintf(stderr, "cause: %s\n", cause);
	CHECK(strcmp(r.ice_ufrag, "KrfL") == 0);
	CHECK(strcmp(r.ice_pwd, "OHIPlf7WeWLqhWZNXnOKPaks") == 0);
	CHECK_MEM(r.fp, fp, sizeof(fp));
	CHECK_EQ(r.role, SDP_SETUP_PASSIVE);
	CHECK_EQ(r.pt, 96);
	CHECK_EQ(r.fb, SDP_FB_NACK | SDP_FB_PLI | SDP_FB_FIR);
	CHECK_EQ(r.rtcp_rsize, 1);
	CHECK(r.has_plid && r.plid[0] == 0x42 && r.plid[1] == 0xe0 &&
	    r.plid[2] == 0x1f);
}

/*
 * Chromium's answer with the line beginning with from replaced by to
 * ("" drops it), read; 0 or -1 and the cause.
 */
static int
edited(const char *from, const char *to, struct cs_answer *r,
    const char **cause)
{
	static char	 buf[SDP_OFFER_MAX + 256];
	const char	*at, *end;

	if ((at = strstr(chromium, from)) == NULL ||
	    (end = strstr(at, "\r\n")) == NULL) {
		*cause = "test: no such line";
		return (-2);
	}
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - chromium),
	    chromium, to, end + 2);
	return (cs_answer_read(o, buf, strlen(buf), r, cause));
}

/* Each difference from our offer refused, with its cause. */
static void
test_refused(void)
{
	static const struct {
		const char	*from, *to, *why;
	} t[] = {
		{ "m=video", "m=video 0 UDP/TLS/RTP/SAVPF 96\r\n",
		    "the answer rejects the video" },
		{ "m=video", "m=audio 9 UDP/TLS/RTP/SAVPF 96\r\n",
		    "the answer's m= section is not video" },
		{ "m=video", "m=video 9 RTP/AVP 96\r\n",
		    "the answer's video is not UDP/TLS/RTP/SAVPF" },
		{ "m=video", "m=video 9 UDP/TLS/RTP/SAVPF 97\r\n",
		    "the answer's video payload type is not our 96 alone" },
		{ "m=video", "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n",
		    "the answer's video payload type is not our 96 alone" },
		{ "a=mid:0", "a=mid:1\r\n", "the answer's a=mid is not our 0" },
		{ "a=recvonly", "a=sendrecv\r\n",
		    "the answer's video is not recvonly" },
		{ "a=recvonly", "a=inactive\r\n",
		    "the answer's video is not recvonly" },
		{ "a=rtcp-mux", "", "the answer's video has no a=rtcp-mux" },
		{ "a=setup:active", "a=setup:actpass\r\n",
		    "the answer's a=setup is not active or passive" },
		{ "a=setup:active", "",
		    "the answer's a=setup is not active or passive" },
		{ "a=msid-semantic", "a=ice-lite\r\n",
		    "the answer is ICE-lite too: nobody would send checks" },
		{ "a=rtpmap:96", "a=rtpmap:96 VP8/90000\r\n",
		    "the answer's payload type 96 is not H264/90000" },
		{ "a=fmtp:96", "a=fmtp:96 profile-level-id=42e01f\r\n",
		    "the answer's H.264 is not packetization-mode=1" },
		{ "a=fmtp:96", "a=fmtp:96 packetization-mode=x\r\n",
		    "the answer's payload type 96 is not H264/90000" },
		{ "a=fingerprint", "",
		    "the answer has no a=fingerprint:sha-256" },
		{ "a=ice-pwd", "a=ice-pwd:short\r\n",
		    "the answer has a bad a=ice-pwd" },
		{ "a=fmtp:96", "a=fmtp:96 packetization-mode=1\r\n"
		    "m=video 0 UDP/TLS/RTP/SAVPF 96\r\n",
		    "the answer has not the one m= section of our offer" },
	};
	struct cs_answer	 r;
	const char		*cause;
	size_t			 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cause = NULL;
		CHECK_EQ(edited(t[i].from, t[i].to, &r, &cause), -1);
		CHECK(cause != NULL && strcmp(cause, t[i].why) == 0);
		if (cause == NULL || strcmp(cause, t[i].why) != 0)
			fprintf(stderr, "%zu: %s\n", i, cause ? cause : "-");
	}
	/* a=setup:passive makes us the DTLS client; feedback kept as said. */
	CHECK_EQ(edited("a=setup:active", "a=setup:passive\r\n", &r, &cause),
	    0);
	CHECK_EQ(r.role, SDP_SETUP_ACTIVE);
	CHECK_EQ(edited("a=rtcp-fb:96 ccm fir", "a=rtcp-fb:96 goog-remb\r\n",
	    &r, &cause), 0);
	CHECK_EQ(r.fb, SDP_FB_NACK | SDP_FB_PLI);
	/* OctoPrint's way: the candidates in the answer, skipped. */
	CHECK_EQ(edited("a=rtcp-mux", "a=rtcp-mux\r\na=candidate:2833896476 1 "
	    "udp 2113937151 2130f87f-62c1-4606-9bca-a88c4d62f39c.local 55456 "
	    "typ host generation 0 network-cost 999\r\na=end-of-candidates\r\n",
	    &r, &cause), 0);
	CHECK_EQ(r.role, SDP_SETUP_PASSIVE);
}

/* Every cut of Chromium's answer at a line end: refused or complete. */
static void
test_cuts(void)
{
	struct cs_answer	 r;
	const char		*cause;
	size_t			 n, taken = 0, bad = 0;

	for (n = 0; n < chromium_len; n++) {
		cause = NULL;
		if (cs_answer_read(o, chromium, n, &r, &cause) == 0)
			taken++;
		else if (cause == NULL || strchr(cause, '\n') != NULL)
			bad++;
	}
	/* Only cuts after the last needed line (the a=fmtp) could pass. */
	CHECK_EQ(bad, 0);
	CHECK_EQ(taken, 0);
}

int
main(void)
{
	long	 n;

	if ((o = malloc(sizeof(*o))) == NULL)
		return (1);
	n = doc_readfile(DATA "chromium-cs-answer.sdp", chromium,
	    sizeof(chromium));
	chromium_len = n > 0 ? (size_t)n : 0;
	RUN(test_doc);
	RUN(test_overflow);
	RUN(test_inputs);
	RUN(test_chromium);
	RUN(test_refused);
	RUN(test_cuts);
	free(o);
	return (TEST_DONE("test_cs_offer"));
}
