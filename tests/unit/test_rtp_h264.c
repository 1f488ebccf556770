/* SPDX-License-Identifier: ISC */
/* test_rtp_h264.c: H.264 access units as RTP packets, at exact bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rtp_h264.h"
#include "test.h"

#define SSRC	0x11223344
#define TS	0xa0b0c0d0

/* Checks one packet's RTP header: marker, seq, and the fixed fields. */
static void
check_hdr(const struct rtp_out *o, size_t i, int marker, uint16_t seq)
{
	static const unsigned char	 fixed[] = {
		0xa0, 0xb0, 0xc0, 0xd0, 0x11, 0x22, 0x33, 0x44
	};
	const unsigned char		*h = o->buf + o->pkts[i].off;

	CHECK_EQ(h[0], 0x80);
	CHECK_EQ(h[1], (marker ? 0x80 : 0) | 96);
	CHECK_EQ(h[2] << 8 | h[3], seq);
	CHECK_MEM(h + 4, fixed, sizeof(fixed));
}

/* AUD + SPS + PPS + SEI + IDR at MTU 64: exact packets, FU-A, wrap. */
static void
test_unit(void)
{
	unsigned char	 au[256], idr[101];
	static const unsigned char	 head[] = {
		0x00, 0x00, 0x00, 0x01, 0x09, 0xf0,		/* AUD */
		0x00, 0x00, 0x00, 0x01, 0x67, 0x42, 0xc0, 0x1e,	/* SPS */
		0x00, 0x00, 0x01, 0x68, 0xce, 0x38, 0x80,	/* PPS */
		0x00, 0x00, 0x01, 0x06, 0x05, 0x01, 0xaa, 0x80,	/* SEI */
		0x00, 0x00, 0x00, 0x01
	};
	static const unsigned char	 p0[] = {
		0x80, 0x60, 0xff, 0xfe, 0xa0, 0xb0, 0xc0, 0xd0,
		0x11, 0x22, 0x33, 0x44, 0x67, 0x42, 0xc0, 0x1e
	};
	static const unsigned char	 p1[] = {
		0x80, 0x60, 0xff, 0xff, 0xa0, 0xb0, 0xc0, 0xd0,
		0x11, 0x22, 0x33, 0x44, 0x68, 0xce, 0x38, 0x80
	};
	static const unsigned char	 p2[] = {
		0x80, 0x60, 0x00, 0x00, 0xa0, 0xb0, 0xc0, 0xd0,
		0x11, 0x22, 0x33, 0x44, 0x06, 0x05, 0x01, 0xaa, 0x80
	};
	static const unsigned char	 fu3[] = {
		0x80, 0x60, 0x00, 0x01, 0xa0, 0xb0, 0xc0, 0xd0,
		0x11, 0x22, 0x33, 0x44, 0x7c, 0x85
	};
	static const unsigned char	 fu4[] = {
		0x80, 0xe0, 0x00, 0x02, 0xa0, 0xb0, 0xc0, 0xd0,
		0x11, 0x22, 0x33, 0x44, 0x7c, 0x45
	};
	static const unsigned char	 zero[4];
	struct rtp_h264	 r;
	struct rtp_out	 o;
	char		 cause[64];
	size_t		 i, n;

	idr[0] = 0x65;
	for (i = 1; i < sizeof(idr); i++)
		idr[i] = i;
	memcpy(au, head, sizeof(head));
	memcpy(au + sizeof(head), idr, sizeof(idr));
	n = sizeof(head) + sizeof(idr);
	au[n++] = 0;			/* trailing zeros */
	au[n++] = 0;

	rtp_h264_init(&r, SSRC, 65534, 96, 64);
	rtp_out_init(&o);
	CHECK_EQ(rtp_h264_unit(&r, au, n, TS, 4, &o, cause, sizeof(cause)),
	    0);
	CHECK_EQ(o.npkts, 5);
	CHECK_EQ(o.pkts[0].off, 4);
	CHECK_EQ(o.pkts[0].len, sizeof(p0));
	CHECK_MEM(o.buf + o.pkts[0].off, p0, sizeof(p0));
	CHECK_MEM(o.buf, zero, 4);
	CHECK_EQ(o.pkts[1].off, 4 + sizeof(p0) + 4);
	CHECK_EQ(o.pkts[1].len, sizeof(p1));
	CHECK_MEM(o.buf + o.pkts[1].off, p1, sizeof(p1));
	CHECK_MEM(o.buf + o.pkts[1].off - 4, zero, 4);
	CHECK_EQ(o.pkts[2].len, sizeof(p2));
	CHECK_MEM(o.buf + o.pkts[2].off, p2, sizeof(p2));
	CHECK_EQ(o.pkts[3].len, 64);
	CHECK_MEM(o.buf + o.pkts[3].off, fu3, sizeof(fu3));
	CHECK_MEM(o.buf + o.pkts[3].off + 14, idr + 1, 50);
	CHECK_EQ(o.pkts[4].len, 64);
	CHECK_MEM(o.buf + o.pkts[4].off, fu4, sizeof(fu4));
	CHECK_MEM(o.buf + o.pkts[4].off + 14, idr + 51, 50);
	CHECK_EQ(o.len, o.pkts[4].off + 64);
	CHECK_EQ(r.seq, 3);
	CHECK_EQ(r.packets, 5);
	CHECK_EQ(r.octets, 4 + 4 + 5 + 2 * 52);

	/* The same unit again without prefix: packets follow one another. */
	CHECK_EQ(rtp_h264_unit(&r, au, n, TS, 0, &o, cause, sizeof(cause)),
	    0);
	CHECK_EQ(o.npkts, 5);
	CHECK_EQ(o.pkts[0].off, 0);
	CHECK_EQ(o.pkts[1].off, sizeof(p0));
	for (i = 0; i < 5; i++)
		check_hdr(&o, i, i == 4, 3 + i);
	CHECK_EQ(o.len, sizeof(p0) + sizeof(p1) + sizeof(p2) + 128);
	CHECK_EQ(r.packets, 10);
	rtp_out_free(&o);
}

/* A NAL unit of exactly the room fits; one byte more is two FU-As. */
static void
test_boundary(void)
{
	unsigned char	 au[4 + 54];
	struct rtp_h264	 r;
	struct rtp_out	 o;
	char		 cause[64];
	const unsigned char *p;

	memset(au, 0x41, sizeof(au));
	memcpy(au, "\0\0\0\1", 4);
	au[4] = 0x41;			/* NRI 2, non-IDR slice */
	rtp_h264_init(&r, SSRC, 7, 96, 64);
	rtp_out_init(&o);
	CHECK_EQ(rtp_h264_unit(&r, au, 4 + 52, TS, 0, &o, cause,
	    sizeof(cause)), 0);
	CHECK_EQ(o.npkts, 1);
	CHECK_EQ(o.pkts[0].len, 64);
	check_hdr(&o, 0, 1, 7);
	CHECK_MEM(o.buf + 12, au + 4, 52);

	CHECK_EQ(rtp_h264_unit(&r, au, 4 + 53, TS, 0, &o, cause,
	    sizeof(cause)), 0);
	CHECK_EQ(o.npkts, 2);
	CHECK_EQ(o.pkts[0].len, 64);
	CHECK_EQ(o.pkts[1].len, 12 + 2 + 2);
	check_hdr(&o, 0, 0, 8);
	check_hdr(&o, 1, 1, 9);
	p = o.buf + o.pkts[0].off;
	CHECK_EQ(p[12], 0x5c);		/* NRI 2 | 28 */
	CHECK_EQ(p[13], 0x81);		/* S, type 1 */
	p = o.buf + o.pkts[1].off;
	CHECK_EQ(p[12], 0x5c);
	CHECK_EQ(p[13], 0x41);		/* E, type 1 */
	CHECK_EQ(p[14], 0x41);
	CHECK_EQ(p[15], 0x41);
	CHECK_EQ(r.octets, 52 + 52 + 4);
	rtp_out_free(&o);
}

/* Nothing to send: empty, garbage, AUDs, RFC 6184's types; no change. */
static void
test_empty(void)
{
	static const unsigned char	 aud[] = {
		0x00, 0x00, 0x00, 0x01, 0x09, 0xf0, 0x00, 0x00, 0x01, 0x09, 0x10
	};
	static const unsigned char	 junk[] = { 0x65, 0x88, 0x00, 0x00 };
	static const unsigned char	 fu[] = {	/* types 24, 28, 31 */
		0x00, 0x00, 0x01, 0x78, 0x01, 0x00, 0x00, 0x01, 0x7c, 0x85,
		0x00, 0x00, 0x01, 0x1f
	};
	struct rtp_h264	 r;
	struct rtp_out	 o;
	char		 cause[64];

	rtp_h264_init(&r, SSRC, 100, 5, 10);
	CHECK_EQ(r.pt, 96);
	CHECK_EQ(r.mtu, RTP_H264_MTU_MIN);
	rtp_h264_init(&r, SSRC, 100, 200, 100000);
	CHECK_EQ(r.pt, 127);
	CHECK_EQ(r.mtu, RTP_H264_MTU_MAX);
	rtp_out_init(&o);
	CHECK_EQ(rtp_h264_unit(&r, NULL, 0, TS, 4, &o, cause,
	    sizeof(cause)), 0);
	CHECK_EQ(o.npkts, 0);
	CHECK_EQ(rtp_h264_unit(&r, junk, sizeof(junk), TS, 4, &o, cause,
	    sizeof(cause)), 0);
	CHECK_EQ(o.npkts, 0);
	CHECK_EQ(rtp_h264_unit(&r, aud, sizeof(aud), TS, 4, &o, cause,
	    sizeof(cause)), 0);
	CHECK_EQ(o.npkts, 0);
	CHECK_EQ(rtp_h264_unit(&r, fu, sizeof(fu), TS, 4, &o, cause,
	    sizeof(cause)), 0);
	CHECK_EQ(o.npkts, 0);
	CHECK_EQ(o.len, 0);
	CHECK_EQ(r.seq, 100);
	CHECK_EQ(r.packets, 0);
	rtp_out_free(&o);
}

/* A large unit: buffers grow; every packet at most the MTU. */
static void
test_large(void)
{
	unsigned char	*au;
	struct rtp_h264	 r;
	struct rtp_out	 o;
	char		 cause[64];
	size_t		 n = 200000, i, sum = 0;

	au = malloc(n);
	for (i = 0; i < n; i++)
		au[i] = 0x55;
	memcpy(au, "\0\0\1\x65", 4);
	rtp_h264_init(&r, SSRC, 0, 96, 1400);
	rtp_out_init(&o);
	CHECK_EQ(rtp_h264_unit(&r, au, n, TS, 4, &o, cause, sizeof(cause)),
	    0);
	for (i = 0; i < o.npkts; i++) {
		CHECK(o.pkts[i].len <= 1400);
		sum += o.pkts[i].len - 14;
	}
	CHECK_EQ(sum, n - 4);
	CHECK_EQ(o.npkts, (n - 4 + 1385) / 1386);
	free(au);
	rtp_out_free(&o);
}

/* The last SPS and PPS, without start codes. */
static void
test_params(void)
{
	static const unsigned char	 au[] = {
		0x00, 0x00, 0x00, 0x01, 0x67, 0x42, 0x00, 0x1e,
		0x00, 0x00, 0x01, 0x68, 0xce, 0x3c, 0x80,
		0x00, 0x00, 0x01, 0x67, 0x64, 0x00, 0x28, 0xac,
		0x00, 0x00, 0x01, 0x65, 0x88, 0x84
	};
	const unsigned char	*sps = NULL, *pps = NULL;
	size_t			 sl = 0, pl = 0;

	CHECK_EQ(rtp_h264_params(au, sizeof(au), &sps, &sl, &pps, &pl), 1);
	CHECK(sps == au + 18);
	CHECK_EQ(sl, 5);
	CHECK(pps == au + 11);
	CHECK_EQ(pl, 4);
	sps = pps = NULL;
	CHECK_EQ(rtp_h264_params(au, 11, &sps, &sl, &pps, &pl), 0);
	CHECK(sps == NULL && pps == NULL);
	CHECK_EQ(rtp_h264_params(au + 8, 7, &sps, &sl, &pps, &pl), 0);
	CHECK_EQ(rtp_h264_params(NULL, 0, &sps, &sl, &pps, &pl), 0);
}

int
main(void)
{
	RUN(test_unit);
	RUN(test_boundary);
	RUN(test_empty);
	RUN(test_large);
	RUN(test_params);
	return (TEST_DONE("rtp_h264"));
}
