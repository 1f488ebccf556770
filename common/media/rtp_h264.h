/* SPDX-License-Identifier: ISC */
/*
 * rtp_h264.h: H.264 access units as RTP packets (RFC 3550, RFC 6184
 * packetization-mode=1): each NAL unit that fits the MTU as a single NAL
 * unit packet, a larger one as FU-A fragments.  Access unit delimiters
 * (type 9) are not sent, nor types 24 to 31 (which RFC 6184 takes for its
 * own packets); the last packet of a unit carries the marker.
 *
 * Packetized once per stream: every packet goes into one buffer after
 * `prefix` bytes the caller fills (4 for RTSP's interleaved header, 0 for
 * UDP and WebRTC), so that each receiver is sent the same bytes.  No I/O.
 */
#ifndef CAMPIPE_RTP_H264_H
#define CAMPIPE_RTP_H264_H

#include <stddef.h>
#include <stdint.h>

#define RTP_HDR_LEN		12
#define RTP_H264_MTU_MIN	64	/* smallest packet accepted */
#define RTP_H264_MTU_MAX	65535

/* One stream's sender state. */
struct rtp_h264 {
	uint32_t	 ssrc;
	uint16_t	 seq;		/* of the next packet */
	uint8_t		 pt;		/* payload type, 96 to 127 */
	size_t		 mtu;		/* RTP header + payload, at most */
	uint32_t	 packets;	/* sent, for the sender report */
	uint32_t	 octets;	/* payload octets, likewise */
};

/* Where one packet lies in rtp_out's buffer: its RTP header at off. */
struct rtp_pkt {
	size_t		 off;		/* prefix bytes lie before it */
	size_t		 len;		/* RTP header + payload */
};

/* The packets of one access unit; buffers grow and are kept. */
struct rtp_out {
	unsigned char	*buf;
	size_t		 len, cap;
	struct rtp_pkt	*pkts;
	size_t		 npkts, pktcap;
};

/*
 * Sets up a stream.  mtu is clamped to [RTP_H264_MTU_MIN,
 * RTP_H264_MTU_MAX]; pt to 96..127.
 */
void	rtp_h264_init(struct rtp_h264 *r, uint32_t ssrc, uint16_t seq,
	    uint8_t pt, size_t mtu);
void	rtp_out_init(struct rtp_out *o);
void	rtp_out_free(struct rtp_out *o);
/*
 * Replaces o's packets with those of one access unit in Annex-B (3- or
 * 4-byte start codes; bytes before the first start code are ignored),
 * stamped ts, each after prefix zeroed bytes.  The sequence number and
 * the counts advance.  A unit with no NAL unit to send gives no packet.
 * 0, or -1 with cause (out of memory).
 */
int	rtp_h264_unit(struct rtp_h264 *r, const unsigned char *au, size_t len,
	    uint32_t ts, size_t prefix, struct rtp_out *o, char *cause,
	    size_t causelen);
/*
 * Finds the last SPS (type 7) and PPS (type 8) of an Annex-B unit, as
 * pointers into au without their start codes.  1 if both were found,
 * else 0 (the pointers are left as they were).
 */
int	rtp_h264_params(const unsigned char *au, size_t len,
	    const unsigned char **sps, size_t *spslen,
	    const unsigned char **pps, size_t *ppslen);

#endif
