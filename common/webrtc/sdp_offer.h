/* SPDX-License-Identifier: ISC */
/*
 * sdp_offer.h: a WebRTC SDP offer (RFC 8866, JSEP RFC 8829) as browsers,
 * GStreamer's webrtcbin and WHEP players send it, read into fixed fields
 * with strict bounds, and the choice of the H.264 payload type a send-only
 * camera answers with (RFC 6184 section 8).  No I/O, no allocation.
 */
#ifndef CAMPIPE_SDP_OFFER_H
#define CAMPIPE_SDP_OFFER_H

#include <stddef.h>
#include <stdint.h>

#define SDP_OFFER_MAX		16384	/* bytes of the whole offer */
#define SDP_OFFER_LINES		1024
#define SDP_OFFER_MEDIA		16	/* m= sections */
#define SDP_OFFER_TOKEN		33	/* mid, proto, a format: 32 and NUL */
#define SDP_OFFER_ICE		257	/* ice-ufrag, ice-pwd: 256 and NUL */
#define SDP_OFFER_FPLEN		32	/* a SHA-256 fingerprint */

enum sdp_offer_kind {
	SDP_KIND_OTHER,
	SDP_KIND_VIDEO,
	SDP_KIND_AUDIO,
	SDP_KIND_APPLICATION
};

enum sdp_offer_dir {
	SDP_DIR_SENDRECV,		/* also when the offer says nothing */
	SDP_DIR_SENDONLY,
	SDP_DIR_RECVONLY,
	SDP_DIR_INACTIVE
};

enum sdp_offer_setup {
	SDP_SETUP_NONE,			/* absent: active (RFC 4145) */
	SDP_SETUP_ACTPASS,
	SDP_SETUP_ACTIVE,
	SDP_SETUP_PASSIVE,
	SDP_SETUP_HOLDCONN
};

/* a=rtcp-fb kinds, as bits. */
#define SDP_FB_NACK		0x01	/* nack */
#define SDP_FB_PLI		0x02	/* nack pli */
#define SDP_FB_FIR		0x04	/* ccm fir */
#define SDP_FB_REMB		0x08	/* goog-remb */
#define SDP_FB_TWCC		0x10	/* transport-cc */

/* The header extensions (a=extmap) whose ids are kept. */
enum sdp_offer_ext {
	SDP_EXT_MID,			/* urn:ietf:params:rtp-hdrext:sdes:mid */
	SDP_EXT_ABS_CAPTURE_TIME,
	SDP_EXT_ABS_SEND_TIME,
	SDP_EXT_TWCC,			/* transport-wide-cc-extensions-01 */
	SDP_EXT_TOFFSET,
	SDP_EXT_PLAYOUT_DELAY,
	SDP_EXT_COUNT
};
#define SDP_EXT_URI_ABS_CAPTURE_TIME \
	"http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time"

/* One payload type of an m= section. */
struct sdp_offer_pt {
	uint8_t		 listed;	/* on the m= line */
	uint8_t		 rtpmap;	/* an a=rtpmap was read */
	char		 enc[16];	/* "H264", "rtx", ... */
	uint32_t	 clock;
	uint8_t		 channels;
	int8_t		 pmode;		/* packetization-mode, -1 absent */
	uint8_t		 has_plid;	/* profile-level-id given */
	uint8_t		 plid[3];	/* profile_idc, constraints, level */
	uint8_t		 level_asym;	/* level-asymmetry-allowed=1 */
	int16_t		 apt;		/* rtx: apt=, -1 absent */
	uint8_t		 bad;		/* one of those was malformed */
	uint8_t		 fb;		/* SDP_FB_* */
};

/* One m= section. */
struct sdp_offer_media {
	enum sdp_offer_kind kind;
	char		 media[SDP_OFFER_TOKEN];	/* "video", ... */
	char		 proto[SDP_OFFER_TOKEN];	/* "UDP/TLS/RTP/SAVPF" */
	char		 fmt0[SDP_OFFER_TOKEN];	/* the first format */
	uint16_t	 port;
	int		 rtp;		/* proto is RTP: formats are PTs */
	char		 mid[SDP_OFFER_TOKEN];	/* "" without a=mid */
	enum sdp_offer_dir dir;
	int		 rtcp_mux, rtcp_rsize;
	int		 bundled;	/* its mid is in a=group:BUNDLE */
	uint8_t		 fb_all;	/* a=rtcp-fb:* */
	uint16_t	 ext[SDP_EXT_COUNT];	/* extmap ids, 0 absent */
	uint8_t		 order[128];	/* listed PTs in m= line order */
	size_t		 npt;
	struct sdp_offer_pt pt[128];	/* by payload type */
	/* Media level; after sdp_offer_parse, the session's where absent. */
	char		 ice_ufrag[SDP_OFFER_ICE];
	char		 ice_pwd[SDP_OFFER_ICE];
	int		 has_fp;	/* a SHA-256 fingerprint */
	uint8_t		 fp[SDP_OFFER_FPLEN];
	enum sdp_offer_setup setup;
};

/* An offer: session-level fields, then each m= section in order. */
struct sdp_offer {
	char		 ice_ufrag[SDP_OFFER_ICE];
	char		 ice_pwd[SDP_OFFER_ICE];
	int		 ice_trickle;	/* a=ice-options: trickle */
	int		 ice_lite;	/* the offerer is ICE-lite */
	int		 has_fp;
	uint8_t		 fp[SDP_OFFER_FPLEN];
	enum sdp_offer_setup setup;
	int		 bundle;	/* a=group:BUNDLE was read */
	char		 bundle_mid[SDP_OFFER_MEDIA][SDP_OFFER_TOKEN];
	size_t		 nbundle;	/* mids of the first BUNDLE group */
	size_t		 nmedia;
	struct sdp_offer_media media[SDP_OFFER_MEDIA];
};

/* The H.264 payload type chosen for the answer. */
struct sdp_offer_choice {
	size_t		 media;		/* index of the accepted section */
	uint8_t		 pt;
	int		 rtx;		/* its rtx PT (apt=), -1 none */
	uint8_t		 fb;		/* feedback offered for pt, SDP_FB_* */
	uint8_t		 plid[3];	/* profile-level-id to answer */
	int		 level_asym;	/* offered level-asymmetry-allowed=1 */
	int		 exact;		/* the offered profile is ours */
};

/* H.264 profiles as RFC 6184 and libwebrtc tell them apart. */
enum sdp_offer_profile {
	SDP_H264_UNKNOWN,
	SDP_H264_CB,			/* constrained baseline */
	SDP_H264_BASELINE,
	SDP_H264_MAIN,
	SDP_H264_CHP,			/* constrained high */
	SDP_H264_HIGH,
	SDP_H264_HIGH444		/* predictive high 4:4:4 */
};

/*
 * Reads len bytes of offer (CRLF or LF line ends, every line ended) into
 * o.  Unknown lines and attributes are skipped.  0, or -1 with a one-line
 * cause: over SDP_OFFER_MAX bytes or SDP_OFFER_LINES lines, a malformed
 * line, a bad mid, ice-ufrag, ice-pwd or fingerprint, or an m= section in
 * use (port not 0) without ice-ufrag, ice-pwd or SHA-256 fingerprint at
 * its level or the session's.
 */
int	sdp_offer_parse(struct sdp_offer *o, const char *buf, size_t len,
	    const char **cause);

/*
 * Chooses the section and H.264 payload type for a stream whose SPS says
 * ours (profile_idc, constraint flags, level_idc).  0, or -1 with cause
 * when no video section takes it (see docs/webrtc.md for the rule).
 */
int	sdp_offer_choose(const struct sdp_offer *o, const uint8_t ours[3],
	    struct sdp_offer_choice *c, const char **cause);

/* The profile of a profile-level-id's first two bytes. */
enum sdp_offer_profile sdp_offer_profile(const uint8_t plid[3]);

#endif
