/* SPDX-License-Identifier: ISC */
/*
 * peer.h: one WebRTC viewer: its ICE-lite checks, DTLS-SRTP handshake,
 * SRTP keys, timers and counters, from the WHEP answer to its end.
 * Every end (DELETE, ICE timeout, consent lost, DTLS failure or
 * close_notify, shutdown) is one log line, within a per-kind limit.
 */
#ifndef RTCD_PEER_H
#define RTCD_PEER_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#include "dtls_srtp.h"
#include "handoff_rec.h"
#include "ice_lite.h"
#include "rtcp_fb.h"
#include "sdp_offer.h"
#include "srtp_session.h"

struct cs_answer;
struct media_cam;
struct net_sock;
struct state;

#define PEER_ID_LEN		32	/* lowercase hex */
#define PEER_UFRAG_LEN		8
#define PEER_PWD_LEN		24
#define PEER_ANSWER_MAX		8192

enum peer_phase {
	PEER_ICE,		/* waiting for a valid check */
	PEER_DTLS,		/* checks answered, the handshake goes on */
	PEER_MEDIA,		/* keyed: media flows */
	PEER_OFFERED		/* our offer made, the viewer's answer awaited */
};

struct peer {
	TAILQ_ENTRY(peer)	 entry;		/* state's */
	TAILQ_ENTRY(peer)	 cam_entry;	/* its camera's, once joined */
	struct state		*st;
	struct media_cam	*mc;
	char			 id[PEER_ID_LEN + 1];
	char			 user[HANDOFF_REC_USER_MAX + 1];
	struct sockaddr_storage	 client;	/* the HTTP client */
	enum peer_phase		 phase;
	struct ice_lite		 ice;		/* not before the answer */
	char			 ufrag[PEER_UFRAG_LEN + 1];	/* ours */
	char			 pwd[PEER_PWD_LEN + 1];	/* until ICE has it */
	enum dtls_srtp_role	 role;
	uint8_t			 remote_fp[SDP_OFFER_FPLEN];
	struct dtls_srtp	*dtls;
	struct srtp_session	 srtp;
	int			 keyed, joined, started;
	struct net_sock		*sock;		/* where checks arrive */
	struct sockaddr_storage	 to;		/* the nominated address */
	int			 has_to;
	uint8_t			 pt;		/* the answered payload type */
	uint8_t			 fb;		/* feedback it takes */
	uint8_t			 ext_abs;	/* abs-capture-time's id, or 0 */
	struct rtcp_fb_fir	 fir;
	uint64_t		 created_ms, checked_ms, keyed_ms;
	uint64_t		 next_sr_ms;
	unsigned		 nsr;
	/* Counters. */
	uint32_t		 packets, octets;	/* for sender reports */
	uint64_t		 nacks, retransmitted, missed, pli, firs;
	uint64_t		 rtcp_in, send_errors;
	struct rtcp_report	 rr;		/* the last about our SSRC */
	int			 has_rr;
};

/*
 * A session for camera mc answering offer o with choice c, for the user
 * and HTTP client of the record; writes the SDP answer into answer
 * (PEER_ANSWER_MAX bytes).  The session or NULL with cause.
 */
struct peer	*peer_new(struct state *st, struct media_cam *mc,
		    const struct sdp_offer *o, const struct sdp_offer_choice *c,
		    const struct handoff_rec *rec, char *answer, int *answerlen,
		    char *cause, size_t causelen);
/*
 * A session for camera mc that offers (camera-streamer's signalling,
 * docs/webrtc.md) to the user and HTTP client of the record; writes our
 * offer into offer (PEER_ANSWER_MAX bytes).  The session, PEER_OFFERED
 * until peer_answered, or NULL with cause.
 */
struct peer	*peer_offer_new(struct state *st, struct media_cam *mc,
		    const struct handoff_rec *rec, char *offer, int *offerlen,
		    char *cause, size_t causelen);
/*
 * The viewer's answer r to an offered session: ICE and DTLS start, the
 * ICE timeout from now.  0, or -1 with cause (the session is as it was).
 */
int		 peer_answered(struct peer *p, const struct cs_answer *r,
		    char *cause, size_t causelen);
/* Ends a session with one log line saying why, and frees it. */
void		 peer_end(struct peer *p, const char *why);
/* Ends every session (shutdown). */
void		 peer_end_all(struct state *st, const char *why);
/* The session of an id, or NULL. */
struct peer	*peer_by_id(struct state *st, const char *id);
/* The session whose local ufrag is ufrag, or NULL. */
struct peer	*peer_by_ufrag(struct state *st, const char *ufrag);
/* The session for which ICE proved addr (consent now), or NULL. */
struct peer	*peer_by_addr(struct state *st,
		    const struct sockaddr_storage *addr, uint64_t now_ms);
/* Sessions of the HTTP client addr (an IPv6 /64 as one). */
size_t		 peer_count_addr(struct state *st,
		    const struct sockaddr_storage *addr);
/* A STUN datagram for p on sock from from. */
void		 peer_on_stun(struct peer *p, struct net_sock *sock,
		    const struct sockaddr_storage *from, const unsigned char *pkt,
		    size_t len, uint64_t now_ms);
/* A DTLS datagram from p's proven address. */
void		 peer_on_dtls(struct peer *p, const unsigned char *pkt,
		    size_t len, uint64_t now_ms);
/* An SRTCP datagram from p's proven address (decrypted in place). */
void		 peer_on_srtcp(struct peer *p, unsigned char *pkt, size_t len,
		    uint64_t now_ms);
/* Sends one datagram to p's nominated address if it has consent. */
int		 peer_send(struct peer *p, const void *pkt, size_t len,
		    uint64_t now_ms);
/* Every session's timers: timeouts, DTLS retransmissions, reports. */
void		 peer_tick(struct state *st, uint64_t now_ms);
/* The phase's name for logs and status: "ice", "dtls", "media". */
const char	*peer_phase_name(enum peer_phase ph);

#endif
