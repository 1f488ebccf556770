/* SPDX-License-Identifier: ISC */
/* test_sdp.c: the DESCRIBE body for a real SPS and PPS, byte for byte. */
#include <stdint.h>
#include <string.h>

#include "rtspd/sdp.h"
#include "test.h"

/* From libx264, baseline, 640x480 (testsrc, one frame). */
static const unsigned char sps[] = {
	0x67, 0x42, 0xc0, 0x16, 0xd9, 0x00, 0xa0, 0x3d, 0xb0, 0x11, 0x00,
	0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x0a, 0x0f, 0x16,
	0x2e, 0x48
};
static const unsigned char pps[] = { 0x68, 0xcb, 0x83, 0xcb, 0x20 };

static const char want4[] =
    "v=0\r\n"
    "o=- 1764057600 2 IN IP4 192.168.1.10\r\n"
    "s=front door\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "t=0 0\r\n"
    "a=tool:campipe\r\n"
    "a=range:npt=now-\r\n"
    "a=control:*\r\n"
    "m=video 0 RTP/AVP 96\r\n"
    "a=rtpmap:96 H264/90000\r\n"
    "a=fmtp:96 packetization-mode=1;profile-level-id=42C016;"
    "sprop-parameter-sets=Z0LAFtkAoD2wEQAAAwABAAADAAoPFi5I,aMuDyyA=\r\n"
    "a=control:trackID=0\r\n";

static const char want6[] =
    "v=0\r\n"
    "o=- 18446744073709551615 0 IN IP6 fe80::1\r\n"
    "s=x\r\n"
    "c=IN IP6 ::\r\n"
    "t=0 0\r\n"
    "a=tool:campipe\r\n"
    "a=range:npt=now-\r\n"
    "a=control:*\r\n"
    "m=video 0 RTP/AVP 127\r\n"
    "a=rtpmap:127 H264/90000\r\n"
    "a=fmtp:127 packetization-mode=1;profile-level-id=640028;"
    "sprop-parameter-sets=Z2QAKA==,aA==\r\n"
    "a=control:track1\r\n";

static const struct sdp_h264 front = {
	"front door", "192.168.1.10", 0, 1764057600, 2, 96, "trackID=0",
	sps, sizeof(sps), pps, sizeof(pps)
};

/* IPv4 and IPv6, exact text; the buffer's exact size fits. */
static void
test_write(void)
{
	static const unsigned char	 sps4[] = { 0x67, 0x64, 0x00, 0x28 };
	struct sdp_h264	 s = front;
	char		 buf[1024], cause[128];

	memset(buf, 'z', sizeof(buf));
	CHECK_EQ(sdp_write(&s, buf, sizeof(buf), cause, sizeof(cause)),
	    strlen(want4));
	CHECK(strcmp(buf, want4) == 0);
	CHECK_EQ(sdp_write(&s, buf, sizeof(want4), cause, sizeof(cause)),
	    strlen(want4));
	CHECK(strcmp(buf, want4) == 0);

	s.name = "x";
	s.addr = "fe80::1";
	s.ipv6 = 1;
	s.session_id = UINT64_MAX;
	s.version = 0;
	s.pt = 127;
	s.control = "track1";
	s.sps = sps4;
	s.spslen = sizeof(sps4);
	s.pps = pps;
	s.ppslen = 1;
	CHECK_EQ(sdp_write(&s, buf, sizeof(buf), cause, sizeof(cause)),
	    strlen(want6));
	CHECK(strcmp(buf, want6) == 0);
}

/* Expects a refusal with a cause. */
static void
refused(const struct sdp_h264 *s, size_t len)
{
	char	 buf[1024], cause[128];

	cause[0] = '\0';
	CHECK_EQ(sdp_write(s, buf, len, cause, sizeof(cause)), -1);
	CHECK(cause[0] != '\0');
}

/* Short SPS, empty PPS, bytes outside printable ASCII, small buffers. */
static void
test_errors(void)
{
	struct sdp_h264	 s;
	size_t		 n;

	s = front;
	s.spslen = 3;
	refused(&s, 1024);
	s.sps = NULL;
	refused(&s, 1024);
	s = front;
	s.ppslen = 0;
	refused(&s, 1024);
	s = front;
	s.name = "front\r\na=x";
	refused(&s, 1024);
	s.name = "caf\xc3\xa9";
	refused(&s, 1024);
	s.name = "";
	refused(&s, 1024);
	s = front;
	s.addr = "1.2.3.4\n";
	refused(&s, 1024);
	s.addr = "1.2.3.4 5";
	refused(&s, 1024);
	s.addr = NULL;
	refused(&s, 1024);
	s = front;
	s.control = "t\r\n";
	refused(&s, 1024);
	s = front;
	s.pt = 95;
	refused(&s, 1024);
	s.pt = 128;
	refused(&s, 1024);
	/* Every size short of the whole text. */
	for (n = 0; n < sizeof(want4); n++)
		refused(&front, n);
}

int
main(void)
{
	RUN(test_write);
	RUN(test_errors);
	return (TEST_DONE("sdp"));
}
