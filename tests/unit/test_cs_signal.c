/* SPDX-License-Identifier: ISC */
/*
 * test_cs_signal.c: camera-streamer's signalling messages: each of
 * docs/webrtc.md's examples read as it says and the replies written byte
 * for byte, every cut of a message refused, every bound and kind checked
 * with its cause, every reply buffer too small refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_offer.h"
#include "cs_signal.h"
#include "doc_test.h"
#include "sdp_test.h"
#include "test.h"

#define DATA		"tests/unit/data/"
#define WEBRTC_DOC	"docs/webrtc.md"
#define ID		"4f1c0e9a7b2d48c6a3e5f60718293a4b"

static struct cs_signal_msg	*m;

/* A documented block without its last line end; its length or -1. */
static long
doc_line(const char *marker, char *out, size_t size)
{
	long	 n;

	if ((n = doc_block(WEBRTC_DOC, marker, out, size)) <= 0 ||
	    out[n - 1] != '\n')
		return (-1);
	out[--n] = '\0';
	return (n);
}

/* Parses s whole; 0 or -1 and the cause. */
static int
parse(const char *s, const char **cause)
{
	*cause = NULL;
	return (cs_signal_parse(m, s, strlen(s), cause));
}

/* Every cut of s shorter than s is refused with a one-line cause. */
static size_t
cuts_refused(const char *s)
{
	const char	*cause;
	size_t		 n, len = strlen(s), bad = 0;

	for (n = 0; n < len; n++) {
		cause = NULL;
		if (cs_signal_parse(m, s, n, &cause) != -1 || cause == NULL ||
		    strchr(cause, '\n') != NULL)
			bad++;
	}
	return (bad);
}

/* The documented requests. */
static void
test_doc_requests(void)
{
	static const char *const markers[] = {
		"Example request, Mainsail's and Fluidd's of today",
		"Example request, Mainsail's before",
		"Example request, Fluidd's before",
		"Example request, camera-streamer's page",
	};
	char		 buf[1024];
	const char	*cause;
	size_t		 i;

	for (i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		CHECK(doc_line(markers[i], buf, sizeof(buf)) > 0);
		CHECK_EQ(parse(buf, &cause), 0);
		CHECK_EQ(m->type, CS_SIGNAL_REQUEST);
		CHECK_EQ(cuts_refused(buf), 0);
	}
}

/* The documented reply to a request is what campipe writes. */
static void
test_doc_offer(void)
{
	struct sdp_answer	 a = sdp_test_answer();
	char			 sdp[4096], want[8192], out[8192], *small;
	const char		*cause;
	long			 w;
	size_t			 n, bad = 0;
	int			 len;

	w = doc_line("Example reply to a request", want, sizeof(want));
	CHECK(w > 0);
	CHECK(cs_offer_write(&a, sdp_test_ours, sdp, sizeof(sdp),
	    &cause) > 0);
	len = cs_signal_offer(ID, sdp, out, sizeof(out), &cause);
	CHECK_EQ(len, w);
	CHECK(len > 0 && strcmp(out, want) == 0);
	if (len > 0 && strcmp(out, want) != 0)
		fprintf(stderr, "got:\n%s\n", out);
	/* What a client reads back from it. */
	CHECK(strncmp(out, "{\"iceServers\":[],\"id\":\"" ID "\",\"sdp\":\"v=0"
	    "\\r\\no=- ", 37 + 32) == 0);
	/* Every buffer too small. */
	for (n = 0; n <= (size_t)len + 1; n++) {
		if ((small = malloc(n ? n : 1)) == NULL)
			return;
		cause = NULL;
		if (n <= (size_t)len && (cs_signal_offer(ID, sdp, small, n,
		    &cause) != -1 || strcmp(cause,
		    "cs signal: the buffer is too small") != 0 ||
		    (n > 0 && small[0] != '\0')))
			bad++;
		if (n == (size_t)len + 1 && cs_signal_offer(ID, sdp, small, n,
		    &cause) != len)
			bad++;
		free(small);
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(cs_signal_offer("a b", sdp, out, sizeof(out), &cause), -1);
	CHECK_EQ(cs_signal_offer(NULL, sdp, out, sizeof(out), &cause), -1);
	CHECK_EQ(cs_signal_offer(ID, "", out, sizeof(out), &cause), -1);
	CHECK(strcmp(cause, "cs signal: the id or the sdp is out of bounds") ==
	    0);
}

/* The documented answer and remote_candidate, and the empty reply. */
static void
test_doc_answer(void)
{
	char		 buf[4096], sdp[SDP_OFFER_MAX + 1];
	const char	*cause;
	long		 n;

	CHECK(doc_line("Example answer message", buf, sizeof(buf)) > 0);
	CHECK_EQ(parse(buf, &cause), 0);
	CHECK_EQ(m->type, CS_SIGNAL_ANSWER);
	CHECK(strcmp(m->id, ID) == 0);
	n = doc_readfile(DATA "chromium-cs-answer.sdp", sdp, sizeof(sdp));
	CHECK(n > 0 && m->sdplen == (size_t)n && strcmp(m->sdp, sdp) == 0);
	CHECK_EQ(cuts_refused(buf), 0);

	CHECK(doc_line("Example remote_candidate message", buf,
	    sizeof(buf)) > 0);
	CHECK_EQ(parse(buf, &cause), 0);
	CHECK_EQ(m->type, CS_SIGNAL_REMOTE_CANDIDATE);
	CHECK(strcmp(m->id, ID) == 0);
	CHECK_EQ(m->ncands, 1);
	CHECK_EQ(m->nend, 0);
	CHECK_EQ(cuts_refused(buf), 0);

	CHECK(doc_line("Example reply to an answer or a remote_candidate", buf,
	    sizeof(buf)) > 0);
	CHECK(strcmp(buf, CS_SIGNAL_DONE) == 0);
}

/* A client's offer is read, and answered as camera-streamer does. */
static void
test_offer(void)
{
	static const char want[] = "{\"iceServers\":[],\"sdp\":\"v=0\\r\\n"
	    "s=\\\"x\\\"\\r\\n\",\"type\":\"answer\"}";
	char		 out[256];
	const char	*cause;

	CHECK_EQ(parse("{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}", &cause), 0);
	CHECK_EQ(m->type, CS_SIGNAL_OFFER);
	CHECK(m->sdplen == 5 && strcmp(m->sdp, "v=0\r\n") == 0);
	CHECK_EQ(cs_signal_answer("v=0\r\ns=\"x\"\r\n", out, sizeof(out),
	    &cause), (int)sizeof(want) - 1);
	CHECK(strcmp(out, want) == 0);
	CHECK(strcmp(cs_signal_type_name(CS_SIGNAL_REMOTE_CANDIDATE),
	    "remote_candidate") == 0);
}

/* What is taken beside the examples. */
static void
test_taken(void)
{
	const char	*cause;

	CHECK_EQ(parse("{\"type\":\"request\",\"x\":{\"y\":[1,{}]}}", &cause),
	    0);
	CHECK_EQ(parse(" {\"iceServers\":[],\"type\":\"request\"}\n", &cause),
	    0);
	CHECK_EQ(parse("{\"type\":\"request\",\"res\":null}", &cause), 0);
	CHECK_EQ(parse("{\"type\":\"remote_candidate\",\"id\":\"rtc-ab_C\","
	    "\"candidates\":[]}", &cause), 0);
	CHECK_EQ(m->ncands, 0);
	CHECK_EQ(parse("{\"type\":\"remote_candidate\",\"id\":\"a\","
	    "\"candidates\":[{\"candidate\":\"\",\"sdpMid\":null,"
	    "\"sdpMLineIndex\":null,\"usernameFragment\":null},"
	    "{\"candidate\":\"candidate:1 1 udp 1 192.0.2.1 9 typ host\"}]}",
	    &cause), 0);
	CHECK_EQ(m->ncands, 2);
	CHECK_EQ(m->nend, 1);
}

/* Each message refused, with its cause. */
static void
test_refused(void)
{
	static char	 big[CS_SIGNAL_MAX + 64], s[2 * CS_SIGNAL_MAX];
	static const struct {
		const char	*msg, *why;
	} t[] = {
		{ "", "the message is not one JSON object" },
		{ "[]", "the message is not one JSON object" },
		{ "\"request\"", "the message is not one JSON object" },
		{ "{\"type\":\"request\"} {}",
		    "the message is not one JSON object" },
		{ "{\"type\":\"request\",\"type\":\"request\"}",
		    "the message is not one JSON object" },
		{ "{\"type\":\"req\\u0000uest\"}",
		    "the message is not one JSON object" },
		{ "{}", "the message has no \"type\" string" },
		{ "{\"type\":1}", "the message has no \"type\" string" },
		{ "{\"type\":\"Request\"}", "the type is not request, answer, "
		    "remote_candidate or offer" },
		{ "{\"type\":\"candidate\"}", "the type is not request, "
		    "answer, remote_candidate or offer" },
		{ "{\"type\":\"request\",\"iceServers\":\"stun:x\"}",
		    "\"iceServers\" is not null or an array of at most 16" },
		{ "{\"type\":\"request\",\"iceServers\":[0,0,0,0,0,0,0,0,0,0,"
		    "0,0,0,0,0,0,0]}",
		    "\"iceServers\" is not null or an array of at most 16" },
		{ "{\"type\":\"request\",\"res\":720}",
		    "\"res\" is not a string of at most 64 bytes" },
		{ "{\"type\":\"request\",\"ice_servers\":{}}",
		    "\"ice_servers\" is not null or an array of at most 16" },
		{ "{\"type\":\"request\",\"keepAlive\":1}",
		    "\"keepAlive\" is not a boolean" },
		{ "{\"type\":\"answer\",\"sdp\":\"v=0\\r\\n\"}", "no \"id\" of "
		    "1 to 64 letters, digits, '-' or '_'" },
		{ "{\"type\":\"answer\",\"id\":\"\",\"sdp\":\"v=0\\r\\n\"}",
		    "no \"id\" of 1 to 64 letters, digits, '-' or '_'" },
		{ "{\"type\":\"answer\",\"id\":\"a/b\",\"sdp\":\"v=0\\r\\n\"}",
		    "no \"id\" of 1 to 64 letters, digits, '-' or '_'" },
		{ "{\"type\":\"answer\",\"id\":\"" ID ID "x\",\"sdp\":\"v\"}",
		    "no \"id\" of 1 to 64 letters, digits, '-' or '_'" },
		{ "{\"type\":\"answer\",\"id\":null,\"sdp\":\"v=0\\r\\n\"}",
		    "no \"id\" of 1 to 64 letters, digits, '-' or '_'" },
		{ "{\"type\":\"answer\",\"id\":\"a\"}",
		    "no \"sdp\" string of 1 to 16384 bytes" },
		{ "{\"type\":\"answer\",\"id\":\"a\",\"sdp\":\"\"}",
		    "no \"sdp\" string of 1 to 16384 bytes" },
		{ "{\"type\":\"offer\",\"sdp\":[]}",
		    "no \"sdp\" string of 1 to 16384 bytes" },
		{ "{\"type\":\"remote_candidate\",\"id\":\"a\"}",
		    "\"candidates\" is not an array of at most 16" },
		{ "{\"type\":\"remote_candidate\",\"id\":\"a\",\"candidates\":"
		    "{}}", "\"candidates\" is not an array of at most 16" },
		{ "{\"type\":\"remote_candidate\",\"id\":\"a\",\"candidates\":"
		    "[1]}", "a candidate is not {candidate, sdpMid, "
		    "sdpMLineIndex} within bounds" },
		{ "{\"type\":\"remote_candidate\",\"id\":\"a\",\"candidates\":"
		    "[{}]}", "a candidate is not {candidate, sdpMid, "
		    "sdpMLineIndex} within bounds" },
		{ "{\"type\":\"remote_candidate\",\"id\":\"a\",\"candidates\":"
		    "[{\"candidate\":\"\",\"sdpMLineIndex\":16}]}", "a candidate "
		    "is not {candidate, sdpMid, sdpMLineIndex} within bounds" },
		{ "{\"type\":\"remote_candidate\",\"id\":\"a\",\"candidates\":"
		    "[{\"candidate\":\"\",\"sdpMLineIndex\":-1}]}", "a candidate "
		    "is not {candidate, sdpMid, sdpMLineIndex} within bounds" },
		{ "{\"type\":\"remote_candidate\",\"id\":\"a\",\"candidates\":"
		    "[{\"candidate\":\"\",\"sdpMLineIndex\":\"0\"}]}", "a "
		    "candidate is not {candidate, sdpMid, sdpMLineIndex} within "
		    "bounds" },
		{ "{\"type\":\"remote_candidate\",\"id\":\"a\",\"candidates\":"
		    "[{\"candidate\":\"\",\"sdpMid\":0}]}", "a candidate is not "
		    "{candidate, sdpMid, sdpMLineIndex} within bounds" },
		{ "{\"type\":\"remote_candidate\",\"id\":\"a\",\"candidates\":"
		    "[{\"candidate\":\"\",\"sdpMid\":\"" ID "x\"}]}", "a candidate "
		    "is not {candidate, sdpMid, sdpMLineIndex} within bounds" },
	};
	const char	*cause;
	size_t		 i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(s, sizeof(s), "cs signal: %s", t[i].why);
		CHECK_EQ(parse(t[i].msg, &cause), -1);
		CHECK(cause != NULL && strcmp(cause, s) == 0);
		if (cause == NULL || strcmp(cause, s) != 0)
			fprintf(stderr, "%zu: %s\n", i, cause ? cause : "-");
	}
	/* 17 candidates; a candidate of 513 bytes; 512 is taken. */
	n = (size_t)snprintf(s, sizeof(s), "{\"type\":\"remote_candidate\","
	    "\"id\":\"a\",\"candidates\":[");
	for (i = 0; i < 17; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n, "%s{\"candidate\":"
		    "\"\"}", i ? "," : "");
	snprintf(s + n, sizeof(s) - n, "]}");
	CHECK_EQ(parse(s, &cause), -1);
	memset(big, 'c', 513);
	big[513] = '\0';
	snprintf(s, sizeof(s), "{\"type\":\"remote_candidate\",\"id\":\"a\","
	    "\"candidates\":[{\"candidate\":\"%s\"}]}", big);
	CHECK_EQ(parse(s, &cause), -1);
	big[512] = '\0';
	snprintf(s, sizeof(s), "{\"type\":\"remote_candidate\",\"id\":\"a\","
	    "\"candidates\":[{\"candidate\":\"%s\"}]}", big);
	CHECK_EQ(parse(s, &cause), 0);
	/* Over 16384 bytes, whitespace or not. */
	memset(big, ' ', sizeof(big));
	memcpy(big, "{\"type\":\"request\"}", 18);
	CHECK_EQ(cs_signal_parse(m, big, CS_SIGNAL_MAX, &cause), 0);
	CHECK_EQ(cs_signal_parse(m, big, CS_SIGNAL_MAX + 1, &cause), -1);
	CHECK(strcmp(cause, "cs signal: the message is over 16384 bytes") ==
	    0);
}

int
main(void)
{
	if ((m = malloc(sizeof(*m))) == NULL)
		return (1);
	RUN(test_doc_requests);
	RUN(test_doc_offer);
	RUN(test_doc_answer);
	RUN(test_offer);
	RUN(test_taken);
	RUN(test_refused);
	free(m);
	return (TEST_DONE("test_cs_signal"));
}
