/* SPDX-License-Identifier: ISC */
/* test_rtcp.c: sender reports, BYE and receiver reports, at exact bytes. */
#include <stdint.h>
#include <string.h>

#include "rtcp.h"
#include "test.h"

static const unsigned char sr_cam[] = {
	0x80, 0xc8, 0x00, 0x06, 0x01, 0x02, 0x03, 0x04,	/* SR, SSRC */
	0xe0, 0x00, 0x00, 0x01, 0x80, 0x00, 0x00, 0x00,	/* NTP */
	0x11, 0x22, 0x33, 0x44,				/* RTP time */
	0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x03, 0xe8,	/* 10, 1000 */
	0x81, 0xca, 0x00, 0x03, 0x01, 0x02, 0x03, 0x04,	/* SDES */
	0x01, 0x03, 'c', 'a', 'm', 0x00, 0x00, 0x00
};

/* An RR and SDES as ffmpeg sends them: one block, lost -1. */
static const unsigned char rr_ff[] = {
	0x81, 0xc9, 0x00, 0x07, 0xde, 0xad, 0xbe, 0xef,
	0x01, 0x02, 0x03, 0x04, 0x10, 0xff, 0xff, 0xff,
	0x00, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00, 0x2a,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x81, 0xca, 0x00, 0x03, 0xde, 0xad, 0xbe, 0xef,
	0x01, 0x04, 'h', 'o', 's', 't', 0x00, 0x00
};

static const struct rtcp_sender cam = {
	0x01020304, 0xe000000180000000ULL, 0x11223344, 10, 1000, "cam"
};

/* Unix time to NTP: the 1900 epoch, fractions of a second. */
static void
test_ntp(void)
{
	CHECK(rtcp_ntp(0) == (uint64_t)2208988800U << 32);
	CHECK(rtcp_ntp(1500000) ==
	    ((uint64_t)2208988801U << 32 | 0x80000000U));
	CHECK(rtcp_ntp(1764057600250000ULL) ==
	    ((uint64_t)(1764057600ULL + 2208988800ULL) << 32 | 0x40000000U));
	CHECK((uint32_t)rtcp_ntp(999999) == 0xffffef39U);
}

/* SR + SDES at exact bytes; too small, bad CNAMEs. */
static void
test_sr(void)
{
	unsigned char	 buf[RTCP_COMPOUND_MAX];
	char		 name[RTCP_CNAME_MAX + 2];
	struct rtcp_sender s = cam;

	memset(buf, 0xee, sizeof(buf));
	CHECK_EQ(rtcp_sender_report(&cam, buf, sizeof(buf)), sizeof(sr_cam));
	CHECK_MEM(buf, sr_cam, sizeof(sr_cam));
	CHECK_EQ(rtcp_sender_report(&cam, buf, sizeof(sr_cam)),
	    sizeof(sr_cam));
	CHECK_EQ(rtcp_sender_report(&cam, buf, sizeof(sr_cam) - 1), -1);
	/* One byte: item and its end in 12; four bytes need 16. */
	s.cname = "a";
	CHECK_EQ(rtcp_sender_report(&s, buf, sizeof(buf)), 28 + 12);
	CHECK_EQ(buf[31], 2);
	CHECK_EQ(buf[37], 1);
	CHECK_EQ(buf[39], 0);
	s.cname = "abcd";
	s.cname = "abc";
	CHECK_EQ(rtcp_sender_report(&s, buf, sizeof(buf)), 28 + 16);
	s.cname = "";
	CHECK_EQ(rtcp_sender_report(&s, buf, sizeof(buf)), -1);
	s.cname = NULL;
	CHECK_EQ(rtcp_sender_report(&s, buf, sizeof(buf)), -1);
	memset(name, 'x', sizeof(name));
	name[RTCP_CNAME_MAX + 1] = '\0';
	s.cname = name;
	CHECK_EQ(rtcp_sender_report(&s, buf, sizeof(buf)), -1);
	name[RTCP_CNAME_MAX] = '\0';
	CHECK_EQ(rtcp_bye(&s, buf, sizeof(buf)), 28 + 268 + 8);
	CHECK(rtcp_bye(&s, buf, sizeof(buf)) <= RTCP_COMPOUND_MAX);
	CHECK_EQ(rtcp_parse(buf, 28 + 268 + 8, NULL, 0, name, 64), 0);
}

/* BYE after the SR and SDES; rtcp_has_bye. */
static void
test_bye(void)
{
	static const unsigned char	 bye[] = {
		0x81, 0xcb, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04
	};
	unsigned char	 buf[RTCP_COMPOUND_MAX];

	CHECK_EQ(rtcp_bye(&cam, buf, sizeof(buf)), sizeof(sr_cam) + 8);
	CHECK_MEM(buf, sr_cam, sizeof(sr_cam));
	CHECK_MEM(buf + sizeof(sr_cam), bye, sizeof(bye));
	CHECK_EQ(rtcp_has_bye(buf, sizeof(sr_cam) + 8), 1);
	CHECK_EQ(rtcp_has_bye(sr_cam, sizeof(sr_cam)), 0);
	CHECK_EQ(rtcp_has_bye(rr_ff, sizeof(rr_ff)), 0);
	CHECK_EQ(rtcp_has_bye(bye, sizeof(bye)), 0);	/* not first */
	CHECK_EQ(rtcp_bye(&cam, buf, sizeof(sr_cam) + 7), -1);
}

/* The block of an ffmpeg RR; our own SR has none; max honoured. */
static void
test_parse(void)
{
	struct rtcp_report	 r[2];
	unsigned char		 b[128];
	char			 cause[64];

	memset(r, 0, sizeof(r));
	CHECK_EQ(rtcp_parse(rr_ff, sizeof(rr_ff), r, 2, cause,
	    sizeof(cause)), 1);
	CHECK_EQ(r[0].reporter, 0xdeadbeef);
	CHECK_EQ(r[0].source, 0x01020304);
	CHECK_EQ(r[0].fraction, 0x10);
	CHECK_EQ(r[0].lost, -1);
	CHECK_EQ(r[0].highest, 0x00010005);
	CHECK_EQ(r[0].jitter, 42);
	CHECK_EQ(rtcp_parse(rr_ff, sizeof(rr_ff), r, 0, cause,
	    sizeof(cause)), 0);
	CHECK_EQ(rtcp_parse(sr_cam, sizeof(sr_cam), r, 2, cause,
	    sizeof(cause)), 0);
	/* An empty RR alone; an SR with two blocks, max 1. */
	CHECK_EQ(rtcp_parse((const unsigned char *)
	    "\x80\xc9\x00\x01\x00\x00\x00\x07", 8, r, 2, cause,
	    sizeof(cause)), 0);
	memset(b, 0, sizeof(b));
	memcpy(b, sr_cam, 28);
	b[0] = 0x82;
	b[3] = 6 + 12;
	b[28 + 5] = 0x00;
	b[28 + 6] = 0x01;
	b[28 + 7] = 0x00;		/* lost 256 */
	CHECK_EQ(rtcp_parse(b, 28 + 48, r, 1, cause, sizeof(cause)), 1);
	CHECK_EQ(r[0].lost, 256);
	CHECK_EQ(r[0].reporter, 0x01020304);
	/* Padding in the last packet, counted in its length. */
	memcpy(b, rr_ff, sizeof(rr_ff));
	b[32] |= 0x20;
	b[35] = 4;
	memset(b + 48, 0, 4);
	b[51] = 4;
	CHECK_EQ(rtcp_parse(b, 52, r, 2, cause, sizeof(cause)), 1);
}

/* Not valid RTCP, each with a cause. */
static void
test_invalid(void)
{
	struct rtcp_report	 r[2];
	unsigned char		 b[64];
	char			 cause[64];

#define BAD(len) do {							\
	cause[0] = '\0';						\
	CHECK_EQ(rtcp_parse(b, (len), r, 2, cause, sizeof(cause)), -1);	\
	CHECK(cause[0] != '\0');					\
} while (0)
	memcpy(b, rr_ff, sizeof(rr_ff));
	BAD(0);
	BAD(3);
	BAD(sizeof(rr_ff) - 4);		/* SDES longer than what is left */
	BAD(sizeof(rr_ff) - 2);		/* not whole words */
	b[0] = 0x41;			/* version 1 */
	BAD(sizeof(rr_ff));
	memcpy(b, rr_ff, sizeof(rr_ff));
	b[32] = 0x41;			/* version 1 in the second packet */
	BAD(sizeof(rr_ff));
	memcpy(b, rr_ff, sizeof(rr_ff));
	b[1] = 202;			/* SDES first */
	BAD(sizeof(rr_ff));
	memcpy(b, rr_ff, sizeof(rr_ff));
	b[0] = 0xa1;			/* padding in the first packet */
	BAD(sizeof(rr_ff));
	memcpy(b, rr_ff, sizeof(rr_ff));
	b[0] = 0x82;			/* two blocks, room for one */
	BAD(sizeof(rr_ff));
	memcpy(b, rr_ff, sizeof(rr_ff));
	b[32] |= 0x20;			/* padding count 0 */
	BAD(sizeof(rr_ff));
	b[47] = 13;			/* more than the packet */
	BAD(sizeof(rr_ff));
	memcpy(b, rr_ff, 32);
	b[3] = 8;			/* length past the end */
	BAD(32);
	CHECK_EQ(rtcp_has_bye(b, 32), 0);
#undef BAD
}

int
main(void)
{
	RUN(test_ntp);
	RUN(test_sr);
	RUN(test_bye);
	RUN(test_parse);
	RUN(test_invalid);
	return (TEST_DONE("rtcp"));
}
