/* SPDX-License-Identifier: ISC */
/* test_rtp_ext.c: the abs-capture-time header extension at exact bytes. */
#include <stdint.h>
#include <string.h>

#include "rtp_ext.h"
#include "test.h"

/* 2023-11-14T22:13:20.5Z: 1700000000.5 s Unix, NTP 0xe8fe6f80.80000000. */
#define CAPTURE_US	1700000000500000ULL

/* A packet: the extension after the fixed header, the payload moved. */
static void
test_capture(void)
{
	static const unsigned char	 pkt[] = {
		0x80, 0xe0, 0x12, 0x34, 0xa0, 0xb0, 0xc0, 0xd0,
		0x11, 0x22, 0x33, 0x44, 0x65, 0x88, 0x84
	};
	static const unsigned char	 want[] = {
		0x90, 0xe0, 0x12, 0x34, 0xa0, 0xb0, 0xc0, 0xd0,
		0x11, 0x22, 0x33, 0x44,
		0xbe, 0xde, 0x00, 0x03,
		0x37, 0xe8, 0xfe, 0x6f, 0x80, 0x80, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00,
		0x65, 0x88, 0x84
	};
	unsigned char			 out[sizeof(pkt) + RTP_EXT_CAPTURE_LEN];

	CHECK_EQ(rtp_ext_ntp(CAPTURE_US), 0xe8fe6f8080000000ULL);
	memset(out, 0xff, sizeof(out));
	CHECK_EQ(rtp_ext_capture(out, pkt, sizeof(pkt), 3, CAPTURE_US),
	    sizeof(want));
	CHECK_MEM(out, want, sizeof(want));
	/* A header alone, the largest id. */
	CHECK_EQ(rtp_ext_capture(out, pkt, 12, 14, CAPTURE_US), 28);
	CHECK_EQ(out[16], 0xe7);
}

/* What it refuses: short, CSRCs, an extension already, ids out of 1-14. */
static void
test_refused(void)
{
	unsigned char	 pkt[16] = { 0x80, 0x60 }, out[64];

	CHECK_EQ(rtp_ext_capture(out, pkt, 11, 1, CAPTURE_US), 0);
	CHECK_EQ(rtp_ext_capture(out, pkt, sizeof(pkt), 0, CAPTURE_US), 0);
	CHECK_EQ(rtp_ext_capture(out, pkt, sizeof(pkt), 15, CAPTURE_US), 0);
	pkt[0] = 0x81;
	CHECK_EQ(rtp_ext_capture(out, pkt, sizeof(pkt), 1, CAPTURE_US), 0);
	pkt[0] = 0x90;
	CHECK_EQ(rtp_ext_capture(out, pkt, sizeof(pkt), 1, CAPTURE_US), 0);
}

int
main(void)
{
	RUN(test_capture);
	RUN(test_refused);
	return (TEST_DONE("rtp_ext"));
}
