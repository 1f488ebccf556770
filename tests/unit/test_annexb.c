/* SPDX-License-Identifier: ISC */
/* test_annexb.c: Annex-B NAL units, the campipe SEI and access units. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "annexb.h"
#include "test.h"

/* The SEI of frame 42 at 1764057600.123456, as docs/frames.md shows it. */
static const unsigned char sei42[] = {
	0x00, 0x00, 0x00, 0x01, 0x06, 0x05, 0x32,
	0x0f, 0x1c, 0x8c, 0xe5, 0x85, 0xc8, 0x4d, 0xce,
	0x97, 0xa2, 0x55, 0x05, 0x5c, 0x95, 0xd2, 0xa8,
	'c', 'a', 'm', 'p', 'i', 'p', 'e', ' ', 's', 'e', 'q', '=', '4', '2',
	' ', 't', '=', '1', '7', '6', '4', '0', '5', '7', '6', '0', '0', '.',
	'1', '2', '3', '4', '5', '6', 0x80
};

/* Start codes of 3 and 4 bytes, trailing zeros, empty units. */
static void
test_next(void)
{
	static const unsigned char b[] = {
		0x00, 0x00, 0x00, 0x01, 0x67, 0x42, 0x00,	/* SPS, 0 */
		0x00, 0x00, 0x01, 0x68, 0xce,			/* PPS */
		0x00, 0x00, 0x01,				/* empty */
		0x00, 0x00, 0x01, 0x65, 0x88, 0x00, 0x00, 0x03, 0x01,
		0x00, 0x00					/* trailing */
	};
	struct annexb_nal	 n;
	size_t			 pos = 0;

	CHECK_EQ(annexb_next(b, sizeof(b), &pos, &n), 0);
	CHECK_EQ(n.off, 4);
	CHECK_EQ(n.len, 2);		/* 67 42: the 00 is trailing */
	CHECK_EQ(n.type, ANNEXB_SPS);
	CHECK_EQ(annexb_next(b, sizeof(b), &pos, &n), 0);
	CHECK_EQ(n.off, 10);
	CHECK_EQ(n.len, 2);
	CHECK_EQ(n.type, ANNEXB_PPS);
	CHECK_EQ(annexb_next(b, sizeof(b), &pos, &n), 0);
	CHECK_EQ(n.off, 18);
	CHECK_EQ(n.len, 6);		/* 65 88 00 00 03 01 */
	CHECK_EQ(n.type, ANNEXB_IDR);
	CHECK_EQ(annexb_next(b, sizeof(b), &pos, &n), -1);
	CHECK_EQ(pos, sizeof(b));

	pos = 0;
	CHECK_EQ(annexb_next((const unsigned char *)"\0\0", 2, &pos, &n), -1);
	pos = 0;
	CHECK_EQ(annexb_next((const unsigned char *)"\x65\x88", 2, &pos, &n),
	    -1);
}

/* The SEI at exact bytes, and read back. */
static void
test_sei(void)
{
	struct timeval	 ts = { 1764057600, 123456 }, got;
	unsigned char	 out[ANNEXB_SEI_MAX];
	uint64_t	 seq;
	long		 n;

	n = annexb_sei_build(out, sizeof(out), 42, &ts);
	CHECK_EQ(n, sizeof(sei42));
	CHECK_MEM(out, sei42, sizeof(sei42));
	CHECK_EQ(annexb_sei_parse(sei42 + 4, sizeof(sei42) - 4, &seq, &got),
	    0);
	CHECK_EQ(seq, 42);
	CHECK_EQ(got.tv_sec, 1764057600);
	CHECK_EQ(got.tv_usec, 123456);

	/* Too small, bad time. */
	CHECK_EQ(annexb_sei_build(out, sizeof(sei42) - 1, 42, &ts), -1);
	ts.tv_usec = 1000000;
	CHECK_EQ(annexb_sei_build(out, sizeof(out), 42, &ts), -1);
	/* The largest values fit. */
	ts.tv_sec = 0x7fffffff;
	ts.tv_usec = 999999;
	CHECK(annexb_sei_build(out, sizeof(out), UINT64_MAX, &ts) > 0);
}

/* A SEI holding another message first, emulation prevention, bad ones. */
static void
test_sei_parse(void)
{
	unsigned char	 b[256];
	struct timeval	 got;
	uint64_t	 seq;
	size_t		 n = 0;

	/*
	 * Another UUID's message first (as x264 writes its own), whose
	 * payload 00 00 03 00 holds an emulation prevention byte: 19 payload
	 * bytes, 20 in the NAL unit.  Ours follows.
	 */
	b[n++] = 0x06;
	b[n++] = 0x05;
	b[n++] = 19;
	memset(b + n, 0x11, 16);
	n += 16;
	b[n++] = 0x00;
	b[n++] = 0x00;
	b[n++] = 0x03;
	b[n++] = 0x00;
	memcpy(b + n, sei42 + 5, sizeof(sei42) - 5);
	n += sizeof(sei42) - 5;
	CHECK_EQ(annexb_sei_parse(b, n, &seq, &got), 0);
	CHECK_EQ(seq, 42);

	/* Truncated anywhere: refused, never read past the end. */
	for (n = 0; n < sizeof(sei42) - 5; n++)
		CHECK_EQ(annexb_sei_parse(sei42 + 4, n, &seq, &got), -1);
	/* Not a SEI, wrong UUID, bad text. */
	memcpy(b, sei42 + 4, sizeof(sei42) - 4);
	b[0] = 0x01;
	CHECK_EQ(annexb_sei_parse(b, sizeof(sei42) - 4, &seq, &got), -1);
	b[0] = 0x06;
	b[3] ^= 1;
	CHECK_EQ(annexb_sei_parse(b, sizeof(sei42) - 4, &seq, &got), -1);
	b[3] ^= 1;
	b[3 + 16 + 13] = 'x';		/* "seq=x2" */
	CHECK_EQ(annexb_sei_parse(b, sizeof(sei42) - 4, &seq, &got), -1);
	/* payloadType ff ff ... with no end. */
	memset(b + 1, 0xff, 100);
	CHECK_EQ(annexb_sei_parse(b, 101, &seq, &got), -1);
}

/* An IDR from an encoder without AUD or parameter sets, and a P frame. */
static void
test_au_build(void)
{
	static const unsigned char ps[] = {
		0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1f,
		0, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80
	};
	static const unsigned char idr[] = {
		0, 0, 1, 0x09, 0x10,			/* its AUD: dropped */
		0, 0, 1, 0x65, 0x88, 0x84
	};
	static const unsigned char p[] = { 0, 0, 0, 1, 0x41, 0x9a, 0x02 };
	static const unsigned char aud[] = { 0, 0, 0, 1, 0x09, 0xf0 };
	struct timeval		 ts = { 1764057600, 123456 };
	struct annexb_info	 info;
	unsigned char		 out[512];
	size_t			 o;
	long			 n;

	n = annexb_au_build(out, sizeof(out), idr, sizeof(idr), ps,
	    sizeof(ps), 42, &ts);
	CHECK_EQ(n, sizeof(aud) + sizeof(ps) + sizeof(sei42) + 7 +
	    sizeof(aud));
	o = 0;
	CHECK_MEM(out + o, aud, sizeof(aud));
	o += sizeof(aud);
	CHECK_MEM(out + o, ps, sizeof(ps));
	o += sizeof(ps);
	CHECK_MEM(out + o, sei42, sizeof(sei42));
	o += sizeof(sei42);
	CHECK_MEM(out + o, "\0\0\0\1\x65\x88\x84", 7);
	o += 7;
	CHECK_MEM(out + o, aud, sizeof(aud));	/* the next unit's */
	CHECK_EQ(annexb_au_end(out, n), (size_t)n - sizeof(aud));
	annexb_scan(out, n, &info);
	CHECK_EQ(info.nals, 6);
	CHECK(info.idr && info.vcl && info.sps && info.pps && info.aud &&
	    info.sei);
	CHECK_EQ(info.seq, 42);

	/* A P frame: no parameter sets. */
	n = annexb_au_build(out, sizeof(out), p, sizeof(p), ps, sizeof(ps),
	    43, &ts);
	CHECK_EQ(n, sizeof(aud) + sizeof(sei42) + sizeof(p) + sizeof(aud));
	CHECK_MEM(out, aud, sizeof(aud));
	CHECK_MEM(out + sizeof(aud) + 36, "3", 1);	/* seq=43 */
	CHECK_MEM(out + n - sizeof(aud) - sizeof(p), p, sizeof(p));
	CHECK_MEM(out + n - sizeof(aud), aud, sizeof(aud));

	/* An IDR that carries its own SPS and PPS gets no second copy. */
	memcpy(out + 300, ps, sizeof(ps));
	memcpy(out + 300 + sizeof(ps), idr + 5, 6);
	n = annexb_au_build(out, 300, out + 300, sizeof(ps) + 6, ps,
	    sizeof(ps), 1, &ts);
	CHECK_EQ(n, sizeof(aud) + sizeof(ps) + (sizeof(sei42) - 1) + 7 +
	    sizeof(aud));

	/* No slice, no room. */
	CHECK_EQ(annexb_au_build(out, sizeof(out), ps, sizeof(ps), ps,
	    sizeof(ps), 1, &ts), -1);
	CHECK_EQ(annexb_au_build(out, 20, idr, sizeof(idr), ps, sizeof(ps),
	    1, &ts), -1);
}

/* Splitting a stream into access units at their AUDs. */
static void
test_au_end(void)
{
	static const unsigned char b[] = {
		0, 0, 0, 1, 0x09, 0xf0, 0, 0, 0, 1, 0x65, 0x88,
		0, 0, 0, 1, 0x09, 0xf0, 0, 0, 0, 1, 0x41
	};

	CHECK_EQ(annexb_au_end(b, sizeof(b)), 12);
	CHECK_EQ(annexb_au_end(b, 16), 0);	/* AUD not whole yet */
	CHECK_EQ(annexb_au_end(b, 17), 12);
	CHECK_EQ(annexb_au_end(b + 12, sizeof(b) - 12), 0);
	CHECK_EQ(annexb_au_end(b, 5), 0);
	CHECK_EQ(annexb_au_end(b, 0), 0);
}

int
main(void)
{
	RUN(test_au_end);
	RUN(test_next);
	RUN(test_sei);
	RUN(test_sei_parse);
	RUN(test_au_build);
	return (TEST_DONE("annexb"));
}
