/* SPDX-License-Identifier: ISC */
/*
 * test_sdp_offer.c: WebRTC offers read and their H.264 payload type
 * chosen: Chromium's own (tests/unit/data/chromium-*.sdp, made by
 * Debian's Chromium 156), a Firefox-style and a GStreamer webrtcbin-style
 * offer written after theirs; the refusals and their causes; and every
 * offer cut at every byte, each cut in a buffer of its own size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdp_offer.h"
#include "test.h"

#define DATA	"tests/unit/data/"

static const uint8_t cb[3] = { 0x42, 0xc0, 0x1f };	/* libx264 baseline */
static struct sdp_offer	*o;

/* Reads a file whole, NUL-terminated; its length in *len, or NULL. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*p;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "cannot open %s (run from the source tree)\n",
		    path);
		return (NULL);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	if (n < 0 || (p = malloc((size_t)n + 1)) == NULL ||
	    fread(p, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return (NULL);
	}
	fclose(f);
	p[n] = '\0';
	*len = (size_t)n;
	return (p);
}

/* Parses a data file; 0 or -1, cause set. */
static int
parse_file(const char *name, const char **cause)
{
	char	 path[256];
	char	*s;
	size_t	 len;
	int	 r;

	snprintf(path, sizeof(path), DATA "%s", name);
	*cause = "no file";
	if ((s = slurp(path, &len)) == NULL)
		return (-1);
	r = sdp_offer_parse(o, s, len, cause);
	free(s);
	return (r);
}

/* Parses a string; 0 or -1. */
static int
parse_str(const char *s, const char **cause)
{
	return (sdp_offer_parse(o, s, strlen(s), cause));
}

/* Chromium's receive-only video: every field, and the choice. */
static void
test_chromium(void)
{
	const struct sdp_offer_media	*m = &o->media[0];
	struct sdp_offer_choice		 c;
	const char			*cause = NULL;

	CHECK_EQ(parse_file("chromium-recvonly.sdp", &cause), 0);
	CHECK_EQ(o->nmedia, 1);
	CHECK_EQ(m->kind, SDP_KIND_VIDEO);
	CHECK(strcmp(m->proto, "UDP/TLS/RTP/SAVPF") == 0);
	CHECK_EQ(m->port, 9);
	CHECK(strcmp(m->mid, "0") == 0);
	CHECK_EQ(m->dir, SDP_DIR_RECVONLY);
	CHECK(m->rtcp_mux && m->rtcp_rsize && m->bundled && o->bundle);
	CHECK(strcmp(m->ice_ufrag, "dSOk") == 0);
	CHECK(strcmp(m->ice_pwd, "2KSWrAvOBCh+tM5dEcM8D9D6") == 0);
	CHECK(m->has_fp && m->fp[0] == 0x94 && m->fp[31] == 0x81);
	CHECK_EQ(m->setup, SDP_SETUP_ACTPASS);
	CHECK(o->ice_trickle);
	CHECK_EQ(m->ext[SDP_EXT_MID], 9);
	CHECK_EQ(m->ext[SDP_EXT_TWCC], 4);
	CHECK_EQ(m->ext[SDP_EXT_ABS_SEND_TIME], 2);
	CHECK_EQ(m->ext[SDP_EXT_ABS_CAPTURE_TIME], 0);
	CHECK_EQ(m->npt, 34);
	CHECK_EQ(m->order[0], 96);
	CHECK_EQ(m->order[33], 49);
	CHECK(strcmp(m->pt[108].enc, "H264") == 0);
	CHECK_EQ(m->pt[108].clock, 90000);
	CHECK_EQ(m->pt[108].pmode, 1);
	CHECK(m->pt[108].has_plid && m->pt[108].plid[0] == 0x42 &&
	    m->pt[108].plid[1] == 0xe0 && m->pt[108].plid[2] == 0x1f);
	CHECK_EQ(m->pt[108].level_asym, 1);
	CHECK_EQ(m->pt[108].fb, SDP_FB_NACK | SDP_FB_PLI | SDP_FB_FIR |
	    SDP_FB_REMB | SDP_FB_TWCC);
	CHECK_EQ(m->pt[109].apt, 108);
	CHECK_EQ(m->pt[104].pmode, 0);
	CHECK(strcmp(m->pt[49].enc, "flexfec-03") == 0);

	CHECK_EQ(sdp_offer_choose(o, cb, &c, &cause), 0);
	CHECK_EQ(c.media, 0);
	CHECK_EQ(c.pt, 108);		/* 42e01f, packetization-mode=1 */
	CHECK_EQ(c.rtx, 109);
	CHECK(c.exact && c.level_asym);
	CHECK_EQ(c.fb, SDP_FB_NACK | SDP_FB_PLI | SDP_FB_FIR | SDP_FB_REMB |
	    SDP_FB_TWCC);
	CHECK(c.plid[0] == 0x42 && c.plid[1] == 0xc0 && c.plid[2] == 0x1f);
}

/* Audio and video, and video with a data channel: the video is chosen. */
static void
test_chromium_more(void)
{
	struct sdp_offer_choice	 c;
	const char		*cause = NULL;

	CHECK_EQ(parse_file("chromium-audio-video.sdp", &cause), 0);
	CHECK_EQ(o->nmedia, 2);
	CHECK_EQ(o->media[0].kind, SDP_KIND_AUDIO);
	CHECK(strcmp(o->media[0].fmt0, "111") == 0);
	CHECK(strcmp(o->media[0].pt[111].enc, "opus") == 0);
	CHECK_EQ(o->media[0].pt[111].channels, 2);
	CHECK(strcmp(o->media[1].mid, "1") == 0);
	CHECK_EQ(sdp_offer_choose(o, cb, &c, &cause), 0);
	CHECK_EQ(c.media, 1);
	CHECK_EQ(c.pt, 108);

	CHECK_EQ(parse_file("chromium-video-data.sdp", &cause), 0);
	CHECK_EQ(o->nmedia, 2);
	CHECK_EQ(o->media[1].kind, SDP_KIND_APPLICATION);
	CHECK(strcmp(o->media[1].proto, "UDP/DTLS/SCTP") == 0);
	CHECK(strcmp(o->media[1].fmt0, "webrtc-datachannel") == 0);
	CHECK(!o->media[1].rtp);
	CHECK_EQ(sdp_offer_choose(o, cb, &c, &cause), 0);
	CHECK_EQ(c.media, 0);
}

/* Firefox: session-level fingerprint, fmtp before rtpmap, its rtx. */
static void
test_firefox(void)
{
	struct sdp_offer_choice	 c;
	const char		*cause = NULL;

	CHECK_EQ(parse_file("firefox-recvonly.sdp", &cause), 0);
	CHECK(o->has_fp && o->media[0].has_fp && o->media[0].fp[0] == 0x3b);
	CHECK_EQ(o->media[0].ext[SDP_EXT_MID], 3);
	CHECK_EQ(o->media[0].ext[SDP_EXT_PLAYOUT_DELAY], 6);
	CHECK_EQ(sdp_offer_choose(o, cb, &c, &cause), 0);
	CHECK_EQ(c.pt, 126);
	CHECK_EQ(c.rtx, 127);
	/* Our main stream takes Firefox's 4d0032. */
	CHECK_EQ(sdp_offer_choose(o, (uint8_t[]){ 0x4d, 0x40, 0x1f }, &c,
	    &cause), 0);
	CHECK_EQ(c.pt, 105);
	CHECK(c.plid[0] == 0x4d && c.plid[1] == 0x40 && c.plid[2] == 0x1f);
}

/* GStreamer's webrtcbin: one H.264 PT, no rtx, a mid of its own. */
static void
test_gstreamer(void)
{
	struct sdp_offer_choice	 c;
	const char		*cause = NULL;

	CHECK_EQ(parse_file("gstreamer-recvonly.sdp", &cause), 0);
	CHECK(strcmp(o->media[0].mid, "video0") == 0);
	CHECK(o->media[0].bundled);
	CHECK_EQ(sdp_offer_choose(o, cb, &c, &cause), 0);
	CHECK_EQ(c.pt, 96);
	CHECK_EQ(c.rtx, -1);
	CHECK_EQ(c.fb, SDP_FB_NACK | SDP_FB_PLI | SDP_FB_FIR);
	CHECK_EQ(sdp_offer_choose(o, (uint8_t[]){ 0x4d, 0x40, 0x1f }, &c,
	    &cause), -1);
	CHECK(strcmp(cause, "the offer has no H.264 profile for our main "
	    "stream") == 0);
}

/* The profile table: Chromium's and Firefox's profile-level-ids. */
static void
test_profiles(void)
{
	static const struct {
		uint8_t			 plid[3];
		enum sdp_offer_profile	 p;
	} t[] = {
		{ { 0x42, 0xe0, 0x1f }, SDP_H264_CB },
		{ { 0x42, 0xc0, 0x1e }, SDP_H264_CB },
		{ { 0x42, 0x00, 0x1f }, SDP_H264_BASELINE },
		{ { 0x4d, 0x00, 0x1f }, SDP_H264_MAIN },
		{ { 0x4d, 0x40, 0x1f }, SDP_H264_MAIN },
		{ { 0x4d, 0x80, 0x1f }, SDP_H264_CB },
		{ { 0x64, 0x00, 0x1f }, SDP_H264_HIGH },
		{ { 0x64, 0x0c, 0x1f }, SDP_H264_CHP },
		{ { 0x64, 0x08, 0x1f }, SDP_H264_UNKNOWN },
		{ { 0xf4, 0x00, 0x1f }, SDP_H264_HIGH444 },
		{ { 0x58, 0xc0, 0x1f }, SDP_H264_CB },
		{ { 0x42, 0xe1, 0x1f }, SDP_H264_UNKNOWN },
		{ { 0x6e, 0x00, 0x1f }, SDP_H264_UNKNOWN },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK_EQ(sdp_offer_profile(t[i].plid), t[i].p);
}

/* Our constrained baseline rides a baseline PT when no other is there. */
static void
test_subset(void)
{
	static const char *offer = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n"
	    "t=0 0\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\n"
	    "a=fingerprint:sha-256 00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:"
	    "0E:0F:10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F\r\n"
	    "m=video 9 UDP/TLS/RTP/SAVPF 100 101\r\na=rtcp-mux\r\n"
	    "a=rtcp-fb:* nack\r\n"
	    "a=rtpmap:100 H264/90000\r\n"
	    "a=fmtp:100 packetization-mode=1;profile-level-id=42001e\r\n"
	    "a=rtpmap:101 H264/90000\r\n"
	    "a=fmtp:101 packetization-mode=1; profile-level-id=640c28\r\n";
	struct sdp_offer_choice	 c;
	const char		*cause = NULL;

	CHECK_EQ(parse_str(offer, &cause), 0);
	CHECK_EQ(o->media[0].dir, SDP_DIR_SENDRECV);
	CHECK_EQ(sdp_offer_choose(o, cb, &c, &cause), 0);
	/* 640c28's level fits, 42001e's 3.0 does not: constrained high. */
	CHECK_EQ(c.pt, 101);
	CHECK(!c.exact);
	CHECK(c.plid[0] == 0x64 && c.plid[1] == 0x0c && c.plid[2] == 0x1f);
	CHECK_EQ(c.fb, SDP_FB_NACK);
	CHECK_EQ(c.rtx, -1);
	/* Our 3.0 fits both: the first offered wins; the level is ours. */
	CHECK_EQ(sdp_offer_choose(o, (uint8_t[]){ 0x42, 0xc0, 0x14 }, &c,
	    &cause), 0);
	CHECK_EQ(c.pt, 100);
	CHECK(c.plid[0] == 0x42 && c.plid[1] == 0x00 && c.plid[2] == 0x14);
}

/* A copy of s with the first from replaced by to (NULL: by nothing). */
static char *
edit(const char *s, const char *from, const char *to)
{
	const char	*at = strstr(s, from);
	char		*r;
	size_t		 n = strlen(s) + (to ? strlen(to) : 0) + 1;

	if (at == NULL || (r = malloc(n)) == NULL)
		return (NULL);
	snprintf(r, n, "%.*s%s%s", (int)(at - s), s, to ? to : "",
	    at + strlen(from));
	return (r);
}

/* The refusals, each with its one-line cause. */
static void
test_refusals(void)
{
	static const struct {
		const char	*from, *to, *cause;
		int		 parse;	/* refused by the parse */
	} t[] = {
		{ "packetization-mode=1", "packetization-mode=0",
		  "the offer has no H.264 with packetization-mode=1", 0 },
		{ "H264/90000", "VP8/90000",
		  "the offer has no H.264 with packetization-mode=1", 0 },
		{ "a=ice-ufrag:", "a=x-ice-ufrag:",
		  "the offer has no a=ice-ufrag", 1 },
		{ "a=ice-pwd:", "a=x-ice-pwd:",
		  "the offer has no a=ice-pwd", 1 },
		{ "a=fingerprint:sha-256", "a=fingerprint:sha-1",
		  "the offer has no a=fingerprint:sha-256", 1 },
		{ "5A:0E", "5A-0E", "the offer has a bad a=fingerprint", 1 },
		{ "a=recvonly", "a=sendonly",
		  "the offer's video is not recvonly or sendrecv", 0 },
		{ "a=rtcp-mux\r\n", "",
		  "the offer's video has no a=rtcp-mux", 0 },
		{ "UDP/TLS/RTP/SAVPF", "RTP/AVP",
		  "the offer's video is not UDP/TLS/RTP/SAVPF", 0 },
		{ "m=video", "m=text", "the offer has no video m= section", 0 },
		{ "a=setup:actpass", "a=setup:holdconn",
		  "the offer's a=setup is holdconn", 0 },
		{ "a=setup:actpass", "a=setup:both",
		  "the offer has a bad a=setup", 1 },
		{ "a=mid:video0", "a=mid:vi deo0", "the offer has a bad a=mid",
		  1 },
		{ "v=0", "v=1", "the offer does not begin with v=0", 1 },
		{ "s=-", "s=\001", "the offer has a control character", 1 },
		{ "t=0 0", "t0 0", "the offer has a line not TYPE=VALUE", 1 },
		{ "m=video 9 ", "m=video 99999 ", "the offer has a bad m= line",
		  1 },
		{ "a=rtpmap:96 H264/90000", "a=rtpmap:96 H264",
		  "the offer has a bad a=rtpmap", 1 },
		{ "a=ice-pwd:N4qV8sK2mZ6xC0wB9eR3tY7uI1oP5aLg",
		  "a=ice-pwd:short",
		  "the offer has a bad a=ice-pwd", 1 },
		{ "m=video 9 UDP/TLS/RTP/SAVPF 96",
		  "m=video 9 UDP/TLS/RTP/SAVPF",
		  "the offer has a bad m= line", 1 },
	};
	struct sdp_offer_choice	 c;
	const char		*cause;
	char			*base, *s;
	size_t			 len, i;
	int			 r;

	if ((base = slurp(DATA "gstreamer-recvonly.sdp", &len)) == NULL) {
		CHECK(0);
		return;
	}
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		test_cur = t[i].cause;
		if ((s = edit(base, t[i].from, t[i].to)) == NULL) {
			CHECK(s != NULL);
			continue;
		}
		cause = NULL;
		r = parse_str(s, &cause);
		CHECK_EQ(r, t[i].parse ? -1 : 0);
		if (r == 0)
			CHECK_EQ(sdp_offer_choose(o, cb, &c, &cause), -1);
		CHECK(cause != NULL && strcmp(cause, t[i].cause) == 0);
		if (cause != NULL && strcmp(cause, t[i].cause) != 0)
			fprintf(stderr, "  got \"%s\"\n", cause);
		free(s);
	}
	test_cur = "test_refusals";
	free(base);
}

/* The bounds: size, lines, the last line's end, an empty offer. */
static void
test_bounds(void)
{
	char		*s;
	const char	*cause = NULL;
	size_t		 i;

	if ((s = malloc(SDP_OFFER_MAX + 2)) == NULL)
		return;
	memset(s, 'x', SDP_OFFER_MAX + 1);
	CHECK_EQ(sdp_offer_parse(o, s, SDP_OFFER_MAX + 1, &cause), -1);
	CHECK(strcmp(cause, "the offer is over 16384 bytes") == 0);
	memcpy(s, "v=0\n", 4);
	for (i = 4; i + 4 <= 4 * (SDP_OFFER_LINES + 1); i += 4)
		memcpy(s + i, "a=x\n", 4);
	CHECK_EQ(sdp_offer_parse(o, s, i, &cause), -1);
	CHECK(strcmp(cause, "the offer is over 1024 lines") == 0);
	CHECK_EQ(sdp_offer_parse(o, s, i - 4, &cause), -1);
	CHECK(strcmp(cause, "the offer has no m= section") == 0);
	CHECK_EQ(sdp_offer_parse(o, s, 3, &cause), -1);
	CHECK(strcmp(cause, "the offer's last line has no line end") == 0);
	CHECK_EQ(sdp_offer_parse(o, s, 0, &cause), -1);
	CHECK(strcmp(cause, "the offer is empty") == 0);
	free(s);
}

/*
 * Every offer cut at every byte, in a buffer of exactly the cut's size:
 * a cut inside a line is refused for it; a cut at a line's end parses or
 * is refused with a cause.
 */
static void
test_truncated(void)
{
	static const char *const files[] = {
		"chromium-recvonly.sdp", "chromium-audio-video.sdp",
		"chromium-video-data.sdp", "firefox-recvonly.sdp",
		"gstreamer-recvonly.sdp",
	};
	struct sdp_offer_choice	 c;
	const char		*cause;
	char			 path[256], *s, *cut;
	size_t			 f, len, n, bad = 0;
	int			 r;

	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		snprintf(path, sizeof(path), DATA "%s", files[f]);
		if ((s = slurp(path, &len)) == NULL) {
			CHECK(0);
			continue;
		}
		for (n = 0; n <= len; n++) {
			if ((cut = malloc(n ? n : 1)) == NULL)
				break;
			memcpy(cut, s, n);
			cause = NULL;
			r = sdp_offer_parse(o, cut, n, &cause);
			if (r == 0)
				(void)sdp_offer_choose(o, cb, &c, &cause);
			if ((r == -1 && cause == NULL) ||
			    (n > 0 && s[n - 1] != '\n' && (r != -1 ||
			    strcmp(cause, "the offer's last line has no line "
			    "end") != 0)))
				bad++;
			free(cut);
		}
		free(s);
	}
	CHECK_EQ(bad, 0);
}

int
main(void)
{
	if ((o = malloc(sizeof(*o))) == NULL)
		return (1);
	RUN(test_chromium);
	RUN(test_chromium_more);
	RUN(test_firefox);
	RUN(test_gstreamer);
	RUN(test_profiles);
	RUN(test_subset);
	RUN(test_refusals);
	RUN(test_bounds);
	RUN(test_truncated);
	free(o);
	return (TEST_DONE("test_sdp_offer"));
}
