/* SPDX-License-Identifier: ISC */
/* test_ws_codec.c: the WebSocket frame codec with exact bytes. */
#include <stdlib.h>

#include "test.h"
#include "wsd/ws_codec.h"

#define MAXEV	16

struct rec {
	int		 n;
	int		 type[MAXEV];
	unsigned int	 code[MAXEV];
	size_t		 len[MAXEV];
	unsigned char	 data[MAXEV][512];
};

static const unsigned char mask4[4] = { 0x37, 0xfa, 0x21, 0x3d };

/* Records an event. */
static void
rec_cb(const struct ws_codec_event *ev, void *arg)
{
	struct rec	*r = arg;

	if (r->n >= MAXEV)
		return;
	r->type[r->n] = ev->type;
	r->code[r->n] = ev->code;
	r->len[r->n] = ev->len;
	if (ev->len <= sizeof(r->data[0]))
		memcpy(r->data[r->n], ev->data, ev->len);
	r->n++;
}

/* Builds a masked client frame with first byte b0; returns its length. */
static size_t
mk(unsigned char *out, unsigned char b0, const void *payload, size_t len)
{
	const unsigned char	*p = payload;
	size_t			 n, i;

	n = ws_codec_header(out, 0, len);
	out[0] = b0;
	out[1] |= 0x80;
	memcpy(out + n, mask4, 4);
	n += 4;
	for (i = 0; i < len; i++)
		out[n + i] = p[i] ^ mask4[i & 3];
	return (n + len);
}

/* Feeds bytes to a fresh codec and records the events. */
static int
run(size_t max, const unsigned char *b, size_t len, struct rec *r)
{
	struct ws_codec	*wc = ws_codec_new(max);
	int		 rc;

	memset(r, 0, sizeof(*r));
	rc = ws_codec_feed(wc, b, len, rec_cb, r);
	ws_codec_free(wc);
	return (rc);
}

/* Expects exactly one error event with this close code. */
static void
expect_error(size_t max, const unsigned char *b, size_t len, unsigned int code)
{
	struct rec	 r;

	CHECK_EQ(run(max, b, len, &r), -1);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.type[0], WS_CODEC_ERROR);
	CHECK_EQ(r.code[0], code);
}

/* RFC 6455 5.7: a single-frame masked text message. */
static const unsigned char rfc_hello[] = {
	0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58
};

static void
test_rfc_masked_text(void)
{
	struct rec	 r;

	CHECK_EQ(run(100, rfc_hello, sizeof(rfc_hello), &r), 0);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.type[0], WS_CODEC_TEXT);
	CHECK_EQ(r.len[0], 5);
	CHECK_MEM(r.data[0], "Hello", 5);
}

/* The same message split at every offset, and fed a byte at a time. */
static void
test_every_split(void)
{
	unsigned char	 two[2 * sizeof(rfc_hello)];
	size_t		 cut, i;
	struct rec	 r;

	memcpy(two, rfc_hello, sizeof(rfc_hello));
	memcpy(two + sizeof(rfc_hello), rfc_hello, sizeof(rfc_hello));
	for (cut = 0; cut <= sizeof(two); cut++) {
		struct ws_codec	*wc = ws_codec_new(100);

		memset(&r, 0, sizeof(r));
		CHECK_EQ(ws_codec_feed(wc, two, cut, rec_cb, &r), 0);
		CHECK_EQ(ws_codec_feed(wc, two + cut, sizeof(two) - cut,
		    rec_cb, &r), 0);
		CHECK_EQ(r.n, 2);
		CHECK_MEM(r.data[1], "Hello", 5);
		ws_codec_free(wc);
	}
	{
		struct ws_codec	*wc = ws_codec_new(100);

		memset(&r, 0, sizeof(r));
		for (i = 0; i < sizeof(two); i++)
			ws_codec_feed(wc, two + i, 1, rec_cb, &r);
		CHECK_EQ(r.n, 2);
		CHECK_EQ(r.type[0], WS_CODEC_TEXT);
		CHECK_MEM(r.data[0], "Hello", 5);
		ws_codec_free(wc);
	}
}

/* RFC 6455 5.7: a masked ping carrying "Hello". */
static void
test_rfc_ping(void)
{
	unsigned char	 b[sizeof(rfc_hello)];
	struct rec	 r;

	memcpy(b, rfc_hello, sizeof(b));
	b[0] = 0x89;
	CHECK_EQ(run(0, b, sizeof(b), &r), 0);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.type[0], WS_CODEC_PING);
	CHECK_EQ(r.len[0], 5);
	CHECK_MEM(r.data[0], "Hello", 5);
}

/* Fragments with a ping and a pong between them. */
static void
test_fragmented_with_control(void)
{
	unsigned char	 b[128];
	size_t		 n = 0;
	struct rec	 r;

	n += mk(b + n, 0x01, "Hel", 3);
	n += mk(b + n, 0x89, "p1", 2);
	n += mk(b + n, 0x00, "l", 1);
	n += mk(b + n, 0x8a, "", 0);
	n += mk(b + n, 0x80, "o", 1);
	n += mk(b + n, 0x02, "\x00\x01", 2);
	n += mk(b + n, 0x80, "\xff", 1);
	CHECK_EQ(run(100, b, n, &r), 0);
	CHECK_EQ(r.n, 4);
	CHECK_EQ(r.type[0], WS_CODEC_PING);
	CHECK_MEM(r.data[0], "p1", 2);
	CHECK_EQ(r.type[1], WS_CODEC_PONG);
	CHECK_EQ(r.len[1], 0);
	CHECK_EQ(r.type[2], WS_CODEC_TEXT);
	CHECK_EQ(r.len[2], 5);
	CHECK_MEM(r.data[2], "Hello", 5);
	CHECK_EQ(r.type[3], WS_CODEC_BINARY);
	CHECK_EQ(r.len[3], 3);
	CHECK_MEM(r.data[3], "\x00\x01\xff", 3);
}

/* A UTF-8 character split between two fragments is valid. */
static void
test_utf8_across_fragments(void)
{
	unsigned char	 b[64];
	size_t		 n = 0;
	struct rec	 r;

	n += mk(b + n, 0x01, "\xce", 1);
	n += mk(b + n, 0x80, "\xba", 1);
	CHECK_EQ(run(100, b, n, &r), 0);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.type[0], WS_CODEC_TEXT);
	CHECK_MEM(r.data[0], "\xce\xba", 2);
}

/* Empty messages, one frame and fragmented. */
static void
test_empty_messages(void)
{
	unsigned char	 b[64];
	size_t		 n = 0;
	struct rec	 r;

	n += mk(b + n, 0x82, "", 0);
	n += mk(b + n, 0x01, "", 0);
	n += mk(b + n, 0x80, "", 0);
	CHECK_EQ(run(0, b, n, &r), 0);
	CHECK_EQ(r.n, 2);
	CHECK_EQ(r.type[0], WS_CODEC_BINARY);
	CHECK_EQ(r.len[0], 0);
	CHECK_EQ(r.type[1], WS_CODEC_TEXT);
	CHECK_EQ(r.len[1], 0);
}

/* 16-bit and 64-bit payload lengths. */
static void
test_long_lengths(void)
{
	unsigned char	*b, *p;
	size_t		 n;
	struct rec	 r;

	p = calloc(1, 70000);
	b = malloc(70100);
	p[0] = 0x11;
	p[69999] = 0x22;
	n = mk(b, 0x82, p, 300);
	CHECK_EQ(n, 2 + 2 + 4 + 300);
	CHECK_EQ(b[1], 0xfe);
	CHECK_EQ(b[2], 0x01);
	CHECK_EQ(b[3], 0x2c);
	CHECK_EQ(run(300, b, n, &r), 0);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.len[0], 300);
	CHECK_EQ(r.data[0][0], 0x11);
	n = mk(b, 0x82, p, 70000);
	CHECK_EQ(n, 2 + 8 + 4 + 70000);
	CHECK_EQ(b[1], 0xff);
	CHECK_EQ(run(70000, b, n, &r), 0);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.len[0], 70000);
	expect_error(69999, b, n, 1009);
	free(p);
	free(b);
}

/* Each protocol error named in RFC 6455 section 5 closes with 1002. */
static void
test_protocol_errors(void)
{
	static const unsigned char unmasked[] =
	    { 0x81, 0x05, 'H', 'e', 'l', 'l', 'o' };
	static const unsigned char rsv1[] = { 0xc1, 0x80, 0, 0, 0, 0 };
	static const unsigned char rsv3[] = { 0x92, 0x80, 0, 0, 0, 0 };
	static const unsigned char op3[] = { 0x83, 0x80, 0, 0, 0, 0 };
	static const unsigned char opb[] = { 0x8b, 0x80, 0, 0, 0, 0 };
	static const unsigned char ping126[] = { 0x89, 0xfe, 0x00, 0x7e };
	static const unsigned char ping_frag[] = { 0x09, 0x80, 0, 0, 0, 0 };
	static const unsigned char cont[] = { 0x80, 0x80, 0, 0, 0, 0 };
	static const unsigned char top_bit[] = { 0x82, 0xff, 0x80, 0, 0, 0,
	    0, 0, 0, 1, 0, 0, 0, 0 };
	unsigned char	 b[64];
	size_t		 n;

	expect_error(100, unmasked, sizeof(unmasked), 1002);
	expect_error(100, rsv1, sizeof(rsv1), 1002);
	expect_error(100, rsv3, sizeof(rsv3), 1002);
	expect_error(100, op3, sizeof(op3), 1002);
	expect_error(100, opb, sizeof(opb), 1002);
	expect_error(100, ping126, sizeof(ping126), 1002);
	expect_error(100, ping_frag, sizeof(ping_frag), 1002);
	expect_error(100, cont, sizeof(cont), 1002);
	expect_error(UINT32_MAX, top_bit, sizeof(top_bit), 1002);
	/* A new data message before the fragmented one ended. */
	n = mk(b, 0x01, "a", 1);
	n += mk(b + n, 0x81, "b", 1);
	expect_error(100, b, n, 1002);
	/* The error is reported after two bytes, before the payload. */
	expect_error(100, ping126, 2, 1002);
}

/* Messages over the limit close with 1009, fragmented or not. */
static void
test_too_big(void)
{
	static const unsigned char big16[] = { 0x81, 0xfe, 0x01, 0x00,
	    1, 2, 3, 4 };
	unsigned char	 b[128];
	size_t		 n;
	struct rec	 r;

	n = mk(b, 0x81, "0123456789abcdefg", 17);
	expect_error(16, b, n, 1009);
	CHECK_EQ(run(17, b, n, &r), 0);
	n = mk(b, 0x01, "0123456789", 10);
	n += mk(b + n, 0x80, "abcdefg", 7);
	expect_error(16, b, n, 1009);
	/* Decided from the header alone, without buffering the payload. */
	expect_error(125, big16, sizeof(big16), 1009);
}

/*
 * 64 zero-length continuation frames make a message; the 65th closes with
 * 1009 as soon as its header is in, whatever the bytes.
 */
static void
test_too_many_fragments(void)
{
	static const unsigned char first[] = { 0x01, 0x80, 0, 0, 0, 0 };
	static const unsigned char cont[] = { 0x00, 0x80, 0, 0, 0, 0 };
	static const unsigned char fin[] = { 0x80, 0x80, 0, 0, 0, 0 };
	static const unsigned char ping[] = { 0x89, 0x80, 0, 0, 0, 0 };
	unsigned char	 b[6 * (WS_CODEC_FRAGMENTS_MAX + 3)];
	size_t		 n, i;
	struct rec	 r;

	CHECK_EQ(WS_CODEC_FRAGMENTS_MAX, 64);
	memcpy(b, first, 6);
	for (n = 6, i = 0; i < 64; i++, n += 6)
		memcpy(b + n, i == 63 ? fin : cont, 6);
	CHECK_EQ(run(100, b, n, &r), 0);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.type[0], WS_CODEC_TEXT);
	CHECK_EQ(r.len[0], 0);
	/* Pings between fragments do not count. */
	memcpy(b + 6, ping, 6);
	CHECK_EQ(run(100, b, n, &r), 0);
	CHECK_EQ(r.n, 2);
	CHECK_EQ(r.type[1], WS_CODEC_TEXT);
	/* 64 continuations, not final, then a 65th header: 1009. */
	memcpy(b + 6, cont, 6);
	for (n = 6, i = 0; i < 64; i++, n += 6)
		memcpy(b + n, cont, 6);
	CHECK_EQ(run(100, b, n, &r), 0);
	CHECK_EQ(r.n, 0);
	memcpy(b + n, cont, 2);
	expect_error(100, b, n + 2 + 4, 1009);
	/* The count starts again with each message. */
	memcpy(b, first, 6);
	for (n = 6, i = 0; i < 63; i++, n += 6)
		memcpy(b + n, cont, 6);
	memcpy(b + n, fin, 6);
	n += 6;
	memcpy(b + n, first, 6);
	memcpy(b + n + 6, fin, 6);
	CHECK_EQ(run(100, b, n + 12, &r), 0);
	CHECK_EQ(r.n, 2);
}

/* A fragmented message is open from its first frame to its final one. */
static void
test_in_message(void)
{
	static const unsigned char first[] = { 0x01, 0x80, 0, 0, 0, 0 };
	static const unsigned char fin[] = { 0x80, 0x80, 0, 0, 0, 0 };
	static const unsigned char whole[] = { 0x81, 0x81, 0, 0, 0, 0, 'a' };
	static const unsigned char part[] = { 0x01, 0x82, 0, 0, 0, 0, 'a' };
	struct ws_codec	*wc = ws_codec_new(100);
	struct rec	 r;

	memset(&r, 0, sizeof(r));
	CHECK_EQ(ws_codec_in_message(wc), 0);
	CHECK_EQ(ws_codec_feed(wc, whole, sizeof(whole), rec_cb, &r), 0);
	CHECK_EQ(ws_codec_in_message(wc), 0);
	CHECK_EQ(ws_codec_feed(wc, part, sizeof(part), rec_cb, &r), 0);
	CHECK_EQ(ws_codec_in_message(wc), 1);
	CHECK_EQ(ws_codec_feed(wc, (const unsigned char *)"b", 1, rec_cb, &r),
	    0);
	CHECK_EQ(ws_codec_in_message(wc), 1);
	CHECK_EQ(ws_codec_feed(wc, fin, sizeof(fin), rec_cb, &r), 0);
	CHECK_EQ(ws_codec_in_message(wc), 0);
	CHECK_EQ(ws_codec_feed(wc, first, sizeof(first), rec_cb, &r), 0);
	CHECK_EQ(ws_codec_in_message(wc), 1);
	CHECK_EQ(r.n, 2);
	CHECK_MEM(r.data[1], "ab", 2);
	ws_codec_free(wc);
}

/* Invalid UTF-8 in text closes with 1007; binary is not checked. */
static void
test_bad_utf8(void)
{
	unsigned char	 b[64];
	size_t		 n;
	struct rec	 r;

	n = mk(b, 0x81, "\xc0\x80", 2);
	expect_error(100, b, n, 1007);
	n = mk(b, 0x81, "ok\xed\xa0\x80", 5);
	expect_error(100, b, n, 1007);
	n = mk(b, 0x01, "\xce", 1);
	n += mk(b + n, 0x80, "A", 1);
	expect_error(100, b, n, 1007);
	n = mk(b, 0x82, "\xc0\x80", 2);
	CHECK_EQ(run(100, b, n, &r), 0);
	CHECK_EQ(r.type[0], WS_CODEC_BINARY);
}

/* Close frames: code and reason, empty, and bad ones. */
static void
test_close(void)
{
	unsigned char	 b[160];
	size_t		 n;
	struct rec	 r;

	n = mk(b, 0x88, "\x03\xe8" "bye", 5);
	n += mk(b + n, 0x81, "after", 5);
	CHECK_EQ(run(100, b, n, &r), -1);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.type[0], WS_CODEC_CLOSE);
	CHECK_EQ(r.code[0], 1000);
	CHECK_EQ(r.len[0], 3);
	CHECK_MEM(r.data[0], "bye", 3);

	n = mk(b, 0x88, "", 0);
	CHECK_EQ(run(100, b, n, &r), -1);
	CHECK_EQ(r.type[0], WS_CODEC_CLOSE);
	CHECK_EQ(r.code[0], 1005);
	CHECK_EQ(r.len[0], 0);

	n = mk(b, 0x88, "\x0f\xa0", 2);		/* 4000: application */
	CHECK_EQ(run(100, b, n, &r), -1);
	CHECK_EQ(r.code[0], 4000);

	n = mk(b, 0x88, "\x03", 1);
	expect_error(100, b, n, 1002);
	n = mk(b, 0x88, "\x03\xe7", 2);		/* 999 */
	expect_error(100, b, n, 1002);
	n = mk(b, 0x88, "\x03\xed", 2);		/* 1005 */
	expect_error(100, b, n, 1002);
	n = mk(b, 0x88, "\x03\xee", 2);		/* 1006 */
	expect_error(100, b, n, 1002);
	n = mk(b, 0x88, "\x13\x88", 2);		/* 5000 */
	expect_error(100, b, n, 1002);
	n = mk(b, 0x88, "\x03\xe8\xff", 3);
	expect_error(100, b, n, 1007);
}

/* Nothing is parsed after an error. */
static void
test_done_after_error(void)
{
	static const unsigned char bad[] = { 0x81, 0x05 };
	struct ws_codec	*wc = ws_codec_new(100);
	struct rec	 r;

	memset(&r, 0, sizeof(r));
	CHECK_EQ(ws_codec_feed(wc, bad, sizeof(bad), rec_cb, &r), -1);
	CHECK_EQ(ws_codec_feed(wc, rfc_hello, sizeof(rfc_hello), rec_cb, &r),
	    -1);
	CHECK_EQ(r.n, 1);
	ws_codec_free(wc);
}

/* Server headers: 2, 4 and 10 bytes at the boundaries. */
static void
test_header_writer(void)
{
	unsigned char	 b[WS_CODEC_HEADER_MAX];

	CHECK_EQ(ws_codec_header(b, WS_CODEC_OP_TEXT, 5), 2);
	CHECK_MEM(b, "\x81\x05", 2);
	CHECK_EQ(ws_codec_header(b, WS_CODEC_OP_BINARY, 0), 2);
	CHECK_MEM(b, "\x82\x00", 2);
	CHECK_EQ(ws_codec_header(b, WS_CODEC_OP_BINARY, 125), 2);
	CHECK_MEM(b, "\x82\x7d", 2);
	CHECK_EQ(ws_codec_header(b, WS_CODEC_OP_BINARY, 126), 4);
	CHECK_MEM(b, "\x82\x7e\x00\x7e", 4);
	CHECK_EQ(ws_codec_header(b, WS_CODEC_OP_BINARY, 65535), 4);
	CHECK_MEM(b, "\x82\x7e\xff\xff", 4);
	CHECK_EQ(ws_codec_header(b, WS_CODEC_OP_BINARY, 65536), 10);
	CHECK_MEM(b, "\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10);
	CHECK_EQ(ws_codec_header(b, WS_CODEC_OP_TEXT, 0x123456789aULL), 10);
	CHECK_MEM(b, "\x81\x7f\x00\x00\x00\x12\x34\x56\x78\x9a", 10);
}

/* Pong, ping and close frames. */
static void
test_control_writers(void)
{
	unsigned char	 b[WS_CODEC_FRAME_MAX];
	char		 reason[200];

	CHECK_EQ(ws_codec_control(b, WS_CODEC_OP_PONG,
	    (const unsigned char *)"Hello", 5), 7);
	CHECK_MEM(b, "\x8a\x05Hello", 7);
	CHECK_EQ(ws_codec_control(b, WS_CODEC_OP_PING, NULL, 0), 2);
	CHECK_MEM(b, "\x89\x00", 2);
	CHECK_EQ(ws_codec_close(b, 1000, NULL), 4);
	CHECK_MEM(b, "\x88\x02\x03\xe8", 4);
	CHECK_EQ(ws_codec_close(b, 1002, "unmasked frame"), 18);
	CHECK_MEM(b, "\x88\x10\x03\xeaunmasked frame", 18);
	CHECK_EQ(ws_codec_close(b, 1005, "x"), 2);
	CHECK_MEM(b, "\x88\x00", 2);
	/* Long reasons are cut to fit 125 bytes, on a character boundary. */
	memset(reason, 'a', sizeof(reason));
	reason[sizeof(reason) - 1] = '\0';
	CHECK_EQ(ws_codec_close(b, 1000, reason), 127);
	CHECK_EQ(b[1], 125);
	reason[122] = '\xce';
	reason[123] = '\xba';
	CHECK_EQ(ws_codec_close(b, 1000, reason), 126);
	CHECK(ws_codec_utf8_valid(b + 4, b[1] - 2));
}

/* The UTF-8 checker against RFC 3629's edge cases. */
static void
test_utf8(void)
{
#define V(s) ws_codec_utf8_valid((const unsigned char *)(s), sizeof(s) - 1)
	CHECK(V(""));
	CHECK(V("plain ascii"));
	CHECK(V("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"));
	CHECK(V("\xf0\x9f\x98\x80"));
	CHECK(V("\xf4\x8f\xbf\xbf"));
	CHECK(V("\xed\x9f\xbf"));
	CHECK(V("\xef\xbf\xbf"));
	CHECK(!V("\x80"));
	CHECK(!V("\xc0\xaf"));
	CHECK(!V("\xc1\xbf"));
	CHECK(!V("\xe0\x80\xaf"));
	CHECK(!V("\xf0\x80\x80\xaf"));
	CHECK(!V("\xed\xa0\x80"));
	CHECK(!V("\xf4\x90\x80\x80"));
	CHECK(!V("\xf5\x80\x80\x80"));
	CHECK(!V("\xff"));
	CHECK(!V("\xe2\x82"));
	CHECK(!V("\xe2\x28\xa1"));
#undef V
}

int
main(void)
{
	RUN(test_rfc_masked_text);
	RUN(test_every_split);
	RUN(test_rfc_ping);
	RUN(test_fragmented_with_control);
	RUN(test_utf8_across_fragments);
	RUN(test_empty_messages);
	RUN(test_long_lengths);
	RUN(test_protocol_errors);
	RUN(test_too_big);
	RUN(test_too_many_fragments);
	RUN(test_in_message);
	RUN(test_bad_utf8);
	RUN(test_close);
	RUN(test_done_after_error);
	RUN(test_header_writer);
	RUN(test_control_writers);
	RUN(test_utf8);
	return (TEST_DONE("ws_codec"));
}
