/* SPDX-License-Identifier: ISC */
/*
 * test_rtcp_fb.c: a viewer's RTCP at exact bytes (RR, NACK and its BLP,
 * PLI, FIR, REMB, compound and reduced-size packets, every truncation,
 * malformed lengths), docs/webrtc.md's example; the history of sent RTP
 * packets (exact bytes, its bounds); the keyframe request limiter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rtcp_fb.h"
#include "rtp_history.h"
#include "doc_test.h"
#include "test.h"

#define WEBRTC_DOC	"docs/webrtc.md"

/* RR (one block), NACK (1232, 1233, 1235), PLI: as in docs/webrtc.md. */
static const unsigned char viewer[] = {
	0x81, 0xc9, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01,
	0x12, 0x34, 0x56, 0x78, 0x20, 0x00, 0x00, 0x05,
	0x00, 0x01, 0x04, 0xd2, 0x00, 0x00, 0x00, 0x2a,
	0xe0, 0x00, 0x10, 0x00, 0x00, 0x00, 0x80, 0x00,
	0x81, 0xcd, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,
	0x12, 0x34, 0x56, 0x78, 0x04, 0xd0, 0x00, 0x05,
	0x81, 0xce, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
	0x12, 0x34, 0x56, 0x78
};

/* A FIR (seq 7) and a REMB, reduced-size: no RR first. */
static const unsigned char fir_remb[] = {
	0x84, 0xce, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x12, 0x34, 0x56, 0x78,
	0x07, 0x00, 0x00, 0x00,
	0x8f, 0xce, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 'R', 'E', 'M', 'B',
	0x01, 0x0b, 0xd4, 0x9c, 0x12, 0x34, 0x56, 0x78
};

/* The example's fields. */
static void
check_viewer(const struct rtcp_fb *fb)
{
	CHECK_EQ(fb->sender, 1);
	CHECK_EQ(fb->nreport, 1);
	CHECK_EQ(fb->report[0].reporter, 1);
	CHECK_EQ(fb->report[0].source, 0x12345678);
	CHECK_EQ(fb->report[0].fraction, 0x20);
	CHECK_EQ(fb->report[0].lost, 5);
	CHECK_EQ(fb->report[0].highest, 0x104d2);
	CHECK_EQ(fb->report[0].jitter, 42);
	CHECK_EQ(fb->report[0].lsr, 0xe0001000);
	CHECK_EQ(fb->report[0].dlsr, 0x8000);
	CHECK_EQ(fb->nnack, 3);
	CHECK_EQ(fb->nack[0].seq, 1232);
	CHECK_EQ(fb->nack[1].seq, 1233);
	CHECK_EQ(fb->nack[2].seq, 1235);
	CHECK_EQ(fb->nack[2].ssrc, 0x12345678);
	CHECK_EQ(fb->nkey, 1);
	CHECK_EQ(fb->key[0].fir, 0);
	CHECK_EQ(fb->key[0].ssrc, 0x12345678);
	CHECK_EQ(fb->remb, 0);
	CHECK_EQ(fb->bye, 0);
	CHECK_EQ(fb->dropped, 0);
}

/* RR, NACK, PLI; docs/webrtc.md's block is the same bytes. */
static void
test_compound(void)
{
	struct rtcp_fb	 fb;
	const char	*cause = NULL;
	char		 doc[2048];
	unsigned char	 want[256];
	size_t		 n;

	CHECK_EQ(rtcp_fb_parse(&fb, viewer, sizeof(viewer), &cause), 0);
	check_viewer(&fb);
	CHECK(doc_block(WEBRTC_DOC, "a PLI, reads in hex:", doc,
	    sizeof(doc)) > 0);
	n = doc_hex(doc, want, sizeof(want));
	CHECK_EQ(n, sizeof(viewer));
	CHECK_MEM(want, viewer, sizeof(viewer));
	CHECK_EQ(rtcp_fb_parse(&fb, want, n, &cause), 0);
	check_viewer(&fb);
}

/* Every truncation fails but at the packets' own boundaries. */
static void
test_truncations(void)
{
	struct rtcp_fb	 fb;
	const char	*cause;
	size_t		 n;
	int		 r;

	for (n = 0; n < sizeof(viewer); n++) {
		cause = NULL;
		r = rtcp_fb_parse(&fb, viewer, n, &cause);
		if (n == 32 || n == 48) {
			CHECK_EQ(r, 0);
		} else {
			CHECK_EQ(r, -1);
			CHECK(cause != NULL && strncmp(cause, "rtcp: ", 6) == 0);
		}
	}
	for (n = 0; n < sizeof(fir_remb); n++)
		CHECK_EQ(rtcp_fb_parse(&fb, fir_remb, n, &cause),
		    n == 20 ? 0 : -1);
}

/* FIR with its sequence number, REMB recognised. */
static void
test_fir_remb(void)
{
	struct rtcp_fb		 fb;
	struct rtcp_fb_fir	 f = { 0 };
	const char		*cause = NULL;

	CHECK_EQ(rtcp_fb_parse(&fb, fir_remb, sizeof(fir_remb), &cause), 0);
	CHECK_EQ(fb.nkey, 1);
	CHECK_EQ(fb.key[0].fir, 1);
	CHECK_EQ(fb.key[0].seq, 7);
	CHECK_EQ(fb.key[0].ssrc, 0x12345678);
	CHECK_EQ(fb.remb, 1);
	CHECK_EQ(fb.nreport, 0);
	CHECK_EQ(rtcp_fb_fir_new(&f, 7), 1);
	CHECK_EQ(rtcp_fb_fir_new(&f, 7), 0);	/* the same FIR again */
	CHECK_EQ(rtcp_fb_fir_new(&f, 8), 1);
	CHECK_EQ(rtcp_fb_fir_new(&f, 7), 1);
}

/* Parses a packet the test writes; its result and cause. */
static int
parse(unsigned char *p, size_t len, struct rtcp_fb *fb, const char **cause)
{
	*cause = NULL;
	return (rtcp_fb_parse(fb, p, len, cause));
}

/* NACK bits: BLP 0xffff, a PID at the wrap; the limit on entries. */
static void
test_nack(void)
{
	unsigned char	 p[12 + 4 * 20];
	struct rtcp_fb	 fb;
	const char	*cause;
	int		 i;

	memcpy(p, viewer + 32, 12);
	memcpy(p + 12, "\xff\xff\x80\x01", 4);	/* 65535, 0, 65535 + 16 */
	CHECK_EQ(parse(p, 16, &fb, &cause), 0);
	CHECK_EQ(fb.nnack, 3);
	CHECK_EQ(fb.nack[0].seq, 65535);
	CHECK_EQ(fb.nack[1].seq, 0);
	CHECK_EQ(fb.nack[2].seq, 15);
	p[3] = 22;		/* 23 words */
	for (i = 0; i < 20; i++)
		memcpy(p + 12 + 4 * i, "\x10\x00\xff\xff", 4);
	CHECK_EQ(parse(p, sizeof(p), &fb, &cause), 0);
	CHECK_EQ(fb.nnack, RTCP_FB_NACKS);
	CHECK_EQ(fb.dropped, 20 * 17 - RTCP_FB_NACKS);
	CHECK_EQ(fb.nack[16].seq, 0x1010);
	/* No FCI. */
	p[3] = 2;
	CHECK_EQ(parse(p, 12, &fb, &cause), -1);
	CHECK(strstr(cause, "NACK") != NULL);
	/* Another RTPFB format (transport-cc): skipped. */
	p[0] = 0x8f;
	CHECK_EQ(parse(p, 12, &fb, &cause), 0);
	CHECK_EQ(fb.nnack, 0);
}

/* Wrong lengths, counts, versions and padding are refused. */
static void
test_malformed(void)
{
	unsigned char	 p[64];
	struct rtcp_fb	 fb;
	const char	*cause;

	/* A PLI with an FCI word. */
	memcpy(p, viewer + 48, 12);
	p[3] = 3;
	memset(p + 12, 0, 4);
	CHECK_EQ(parse(p, 16, &fb, &cause), -1);
	CHECK(strstr(cause, "PLI") != NULL);
	/* A FIR without entry; a feedback packet without media source. */
	memcpy(p, fir_remb, 12);
	p[3] = 2;
	CHECK_EQ(parse(p, 12, &fb, &cause), -1);
	CHECK(strstr(cause, "FIR") != NULL);
	memcpy(p, "\x81\xce\x00\x01\x00\x00\x00\x01", 8);
	CHECK_EQ(parse(p, 8, &fb, &cause), -1);
	/* RR saying two blocks, holding one. */
	memcpy(p, viewer, 32);
	p[0] = 0x82;
	CHECK_EQ(parse(p, 32, &fb, &cause), -1);
	/* Version 1; a packet type out of RTCP's range. */
	memcpy(p, viewer, 32);
	p[0] = 0x41;
	CHECK_EQ(parse(p, 32, &fb, &cause), -1);
	CHECK(strstr(cause, "version") != NULL);
	p[0] = 0x81;
	p[1] = 0xe0;
	CHECK_EQ(parse(p, 32, &fb, &cause), -1);
	/* Padding in the first of two packets; padding too long. */
	memcpy(p, viewer, 48);
	p[0] |= 0x20;
	CHECK_EQ(parse(p, 48, &fb, &cause), -1);
	CHECK(strstr(cause, "padding") != NULL);
	memcpy(p, viewer + 48, 12);
	memcpy(p + 12, "\x00\x00\x00\x11", 4);
	p[0] = 0xa1;
	p[3] = 3;
	CHECK_EQ(parse(p, 16, &fb, &cause), -1);
	/* Padding of 4 after a PLI: fine. */
	p[15] = 4;
	CHECK_EQ(parse(p, 16, &fb, &cause), 0);
	CHECK_EQ(fb.nkey, 1);
	/* A REMB whose SSRC count overruns it. */
	memcpy(p, fir_remb + 20, 24);
	p[12 + 4] = 2;
	CHECK_EQ(parse(p, 24, &fb, &cause), -1);
	/* Another AFB: skipped.  A BYE: seen. */
	p[12] = 'X';
	CHECK_EQ(parse(p, 24, &fb, &cause), 0);
	CHECK_EQ(fb.remb, 0);
	memcpy(p, "\x81\xcb\x00\x01\x00\x00\x00\x01", 8);
	CHECK_EQ(parse(p, 8, &fb, &cause), 0);
	CHECK_EQ(fb.bye, 1);
}

/* An RTP packet of sequence number seq and len bytes. */
static size_t
rtp(unsigned char *p, uint16_t seq, size_t len)
{
	size_t	 i;

	p[0] = 0x80;
	p[1] = 0x60;
	p[2] = (unsigned char)(seq >> 8);
	p[3] = (unsigned char)seq;
	for (i = 4; i < len; i++)
		p[i] = (unsigned char)(seq * 31 + i);
	return (len);
}

/* Exact bytes back; the age, count and byte limits; a new stream. */
static void
test_history(void)
{
	struct rtp_history	 h;
	unsigned char		 p[RTP_HISTORY_PACKET_MAX + 1];
	const unsigned char	*q;
	const char		*cause = NULL;
	size_t			 len;
	unsigned		 i;

	CHECK_EQ(rtp_history_init(&h, 0, 0, 0, &cause), 0);
	for (i = 0; i < 100; i++) {
		rtp(p, (uint16_t)(65500 + i), 100 + i);
		CHECK_EQ(rtp_history_add(&h, p, 100 + i, 1000 + i, &cause), 0);
	}
	rtp(p, 65535, 135);
	q = rtp_history_find(&h, 65535, 1100, &len);
	CHECK(q != NULL && len == 135 && memcmp(q, p, len) == 0);
	rtp(p, 63, 199);
	q = rtp_history_find(&h, 63, 1100, &len);
	CHECK(q != NULL && len == 199 && memcmp(q, p, len) == 0);
	CHECK(rtp_history_find(&h, 64, 1100, &len) == NULL && len == 0);
	CHECK(rtp_history_find(&h, 65499, 1100, &len) == NULL);
	/* Older than a second: gone. */
	CHECK(rtp_history_find(&h, 65500, 2000, &len) != NULL);
	CHECK(rtp_history_find(&h, 65500, 2001, &len) == NULL);
	CHECK_EQ(h.hits, 3);
	CHECK_EQ(h.misses, 3);
	/* Not RTP, too long; a jump in sequence numbers forgets the rest. */
	CHECK_EQ(rtp_history_add(&h, p, 11, 1100, &cause), -1);
	CHECK_EQ(rtp_history_add(&h, p, sizeof(p), 1100, &cause), -1);
	rtp(p, 500, 50);
	CHECK_EQ(rtp_history_add(&h, p, 50, 1100, &cause), 0);
	CHECK_EQ(h.count, 1);
	CHECK(rtp_history_find(&h, 63, 1100, &len) == NULL);
	rtp_history_free(&h);

	/* 16 packets at most. */
	CHECK_EQ(rtp_history_init(&h, 4096, 16, 1000, &cause), 0);
	for (i = 0; i < 40; i++) {
		rtp(p, (uint16_t)i, 40);
		CHECK_EQ(rtp_history_add(&h, p, 40, 0, &cause), 0);
	}
	CHECK_EQ(h.count, 16);
	CHECK(rtp_history_find(&h, 23, 0, &len) == NULL);
	CHECK(rtp_history_find(&h, 24, 0, &len) != NULL);
	rtp_history_free(&h);
	CHECK_EQ(rtp_history_init(&h, 100, 16, 1000, &cause), -1);
	CHECK_EQ(rtp_history_init(&h, 4096, 70000, 1000, &cause), -1);
}

/* Random sizes through a small ring: what is found is what was sent. */
static void
test_history_ring(void)
{
	struct rtp_history	 h;
	unsigned char		 p[RTP_HISTORY_PACKET_MAX], want[2000];
	const unsigned char	*q;
	const char		*cause = NULL;
	size_t			 len, sizes[65536], total;
	unsigned		 i, s, found;

	srandom(11);
	CHECK_EQ(rtp_history_init(&h, 5000, 64, 1000, &cause), 0);
	for (i = 0; i < 3000; i++) {
		sizes[i] = 12 + (size_t)random() % (RTP_HISTORY_PACKET_MAX - 11);
		rtp(p, (uint16_t)i, sizes[i]);
		CHECK_EQ(rtp_history_add(&h, p, sizes[i], i, &cause), 0);
		CHECK(h.count <= 64);
		/* The newest is always there; every one found is exact. */
		found = 0;
		total = 0;
		for (s = i > 100 ? i - 100 : 0; s <= i; s++) {
			if ((q = rtp_history_find(&h, (uint16_t)s, i,
			    &len)) == NULL)
				continue;
			found++;
			total += len;
			rtp(want, (uint16_t)s, sizes[s]);
			CHECK(len == sizes[s] && memcmp(q, want, len) == 0);
		}
		CHECK(rtp_history_find(&h, (uint16_t)i, i, &len) != NULL);
		CHECK(found == h.count && total <= 5000);
	}
	rtp_history_free(&h);
}

/* One keyframe request per 500 ms; held ones go out later, or not. */
static void
test_limit(void)
{
	struct rtcp_fb_limit	 l;
	long			 w;

	rtcp_fb_limit_init(&l, 0);
	CHECK_EQ(l.interval_ms, 500);
	CHECK_EQ(rtcp_fb_limit_poll(&l, 0, &w), 0);
	CHECK_EQ(w, -1);
	CHECK_EQ(rtcp_fb_limit_request(&l, 10000), 1);
	CHECK_EQ(rtcp_fb_limit_request(&l, 10100), 0);
	CHECK_EQ(rtcp_fb_limit_request(&l, 10499), 0);
	CHECK_EQ(rtcp_fb_limit_poll(&l, 10200, &w), 0);
	CHECK_EQ(w, 300);
	CHECK_EQ(rtcp_fb_limit_poll(&l, 10500, &w), 1);
	CHECK_EQ(rtcp_fb_limit_poll(&l, 10501, &w), 0);
	CHECK_EQ(w, -1);
	/* A keyframe that went out anyway answers what is held. */
	CHECK_EQ(rtcp_fb_limit_request(&l, 10700), 0);
	rtcp_fb_limit_keyframe(&l, 10800);
	CHECK_EQ(rtcp_fb_limit_poll(&l, 11500, &w), 0);
	CHECK_EQ(w, -1);
	CHECK_EQ(rtcp_fb_limit_request(&l, 11299), 0);
	CHECK_EQ(rtcp_fb_limit_poll(&l, 11300, &w), 1);
	CHECK_EQ(rtcp_fb_limit_request(&l, 11800), 1);
	rtcp_fb_limit_init(&l, 100);
	CHECK_EQ(rtcp_fb_limit_request(&l, 0), 1);
	CHECK_EQ(rtcp_fb_limit_request(&l, 99), 0);
	CHECK_EQ(rtcp_fb_limit_request(&l, 100), 1);
}

int
main(void)
{
	RUN(test_compound);
	RUN(test_truncations);
	RUN(test_fir_remb);
	RUN(test_nack);
	RUN(test_malformed);
	RUN(test_history);
	RUN(test_history_ring);
	RUN(test_limit);
	return (TEST_DONE("rtcp_fb"));
}
