/* SPDX-License-Identifier: ISC */
/*
 * stun.h: STUN messages (RFC 8489, read as RFC 5389 wrote them too) as
 * ICE uses them with short-term credentials: a datagram read into a
 * struct stun_msg, its MESSAGE-INTEGRITY checked with a key, and Binding
 * requests, success and error responses written.  No I/O, no clock: bytes
 * in, bytes out, in caller's buffers.  The wire format is in
 * docs/webrtc.md.
 */
#ifndef CAMPIPE_STUN_H
#define CAMPIPE_STUN_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#define STUN_HDR_LEN		20
#define STUN_MAGIC		0x2112a442u
#define STUN_TID_LEN		12
#define STUN_FINGERPRINT_XOR	0x5354554eu
#define STUN_USERNAME_MAX	513	/* bytes, RFC 8489 section 14.3 */
#define STUN_REASON_MAX		763	/* bytes, RFC 8489 section 14.8 */
#define STUN_UNKNOWN_MAX	4	/* unknown attributes remembered */
/* The most any ICE-lite answer takes (error with UNKNOWN-ATTRIBUTES). */
#define STUN_ANSWER_MAX		128

/* Message types: method Binding in each of the four classes. */
#define STUN_BINDING_REQUEST	0x0001
#define STUN_BINDING_INDICATION	0x0011
#define STUN_BINDING_SUCCESS	0x0101
#define STUN_BINDING_ERROR	0x0111

/* Attribute types. */
#define STUN_A_MAPPED_ADDRESS	0x0001
#define STUN_A_USERNAME		0x0006
#define STUN_A_INTEGRITY	0x0008
#define STUN_A_ERROR_CODE	0x0009
#define STUN_A_UNKNOWN		0x000a
#define STUN_A_XOR_MAPPED	0x0020
#define STUN_A_PRIORITY		0x0024
#define STUN_A_USE_CANDIDATE	0x0025
#define STUN_A_SOFTWARE		0x8022
#define STUN_A_FINGERPRINT	0x8028
#define STUN_A_ICE_CONTROLLED	0x8029
#define STUN_A_ICE_CONTROLLING	0x802a

/* Error codes with their reason phrase (stun_reason). */
#define STUN_E_BAD_REQUEST	400
#define STUN_E_UNAUTHORIZED	401
#define STUN_E_UNKNOWN_ATTR	420
#define STUN_E_ROLE_CONFLICT	487

/* struct stun_msg's has: which attributes the message carried. */
#define STUN_HAS_USERNAME	0x0001
#define STUN_HAS_PRIORITY	0x0002
#define STUN_HAS_USE_CANDIDATE	0x0004
#define STUN_HAS_CONTROLLING	0x0008
#define STUN_HAS_CONTROLLED	0x0010
#define STUN_HAS_INTEGRITY	0x0020
#define STUN_HAS_FINGERPRINT	0x0040
#define STUN_HAS_MAPPED		0x0080
#define STUN_HAS_ERROR		0x0100

/*
 * One message as read.  Pointers point into the datagram, which must
 * outlive the struct.  Of an attribute that occurs twice the first counts.
 */
struct stun_msg {
	const unsigned char	*pkt;		/* the datagram */
	size_t			 len;		/* 20 + header length */
	uint16_t		 type;
	unsigned char		 tid[STUN_TID_LEN];
	unsigned		 has;		/* STUN_HAS_* */
	const unsigned char	*username;	/* not NUL-terminated */
	size_t			 username_len;
	uint32_t		 priority;
	uint64_t		 tiebreaker;	/* ICE-CONTROLLING/-CONTROLLED */
	int			 error;		/* ERROR-CODE, 300..699 */
	size_t			 integrity_off;	/* MESSAGE-INTEGRITY's header */
	struct sockaddr_storage	 mapped;	/* XOR-MAPPED-ADDRESS */
	/* Comprehension-required attributes this code does not know. */
	uint16_t		 unknown[STUN_UNKNOWN_MAX];
	size_t			 nunknown;
};

/* What stun_build writes, in this order; unused fields zero or NULL. */
struct stun_out {
	uint16_t		 type;		/* STUN_BINDING_* */
	const unsigned char	*tid;		/* STUN_TID_LEN bytes */
	const char		*software;	/* SOFTWARE, or NULL */
	int			 error;		/* ERROR-CODE, or 0 */
	const uint16_t		*unknown;	/* UNKNOWN-ATTRIBUTES */
	size_t			 nunknown;
	const struct sockaddr_storage *mapped;	/* XOR-MAPPED-ADDRESS */
	int			 has_priority;
	uint32_t		 priority;
	int			 role;		/* STUN_A_ICE_CONTROLL*, or 0 */
	uint64_t		 tiebreaker;
	int			 use_candidate;
	const char		*username;	/* USERNAME, or NULL */
	const void		*key;		/* MESSAGE-INTEGRITY, or NULL */
	size_t			 keylen;
	int			 fingerprint;	/* FINGERPRINT last */
};

/*
 * Reads a datagram of len bytes as one STUN message into m: header, magic
 * cookie and length exact, attributes whole and known ones well formed,
 * MESSAGE-INTEGRITY followed by nothing but FINGERPRINT, FINGERPRINT last
 * and right.  MESSAGE-INTEGRITY is found, not checked (stun_integrity).
 * 0, or -1 with cause.
 */
int	stun_parse(struct stun_msg *m, const unsigned char *p, size_t len,
	    const char **cause);
/*
 * Checks m's MESSAGE-INTEGRITY (HMAC-SHA1) with key, in constant time.
 * 0 if it is there and right, else -1 with cause.
 */
int	stun_integrity(const struct stun_msg *m, const void *key,
	    size_t keylen, const char **cause);
/*
 * Writes the message o describes into buf.  Its length, or -1 with cause
 * (buf too small, an address family, code or string STUN cannot carry).
 */
int	stun_build(const struct stun_out *o, unsigned char *buf, size_t len,
	    const char **cause);
/*
 * A Binding success response to tid: XOR-MAPPED-ADDRESS of mapped,
 * MESSAGE-INTEGRITY with key, FINGERPRINT.  As stun_build.
 */
int	stun_binding_success(const unsigned char *tid,
	    const struct sockaddr_storage *mapped, const void *key,
	    size_t keylen, unsigned char *buf, size_t len, const char **cause);
/*
 * A Binding error response to tid with code (400, 401, 420 with unknown,
 * 487), MESSAGE-INTEGRITY when key is not NULL, FINGERPRINT.
 */
int	stun_binding_error(const unsigned char *tid, int code,
	    const uint16_t *unknown, size_t nunknown, const void *key,
	    size_t keylen, unsigned char *buf, size_t len, const char **cause);
/* The reason phrase of an error code stun_build writes, or NULL. */
const char *stun_reason(int code);
/* The CRC-32 (ISO 3309, as zlib's crc32) of len bytes. */
uint32_t stun_crc32(const unsigned char *p, size_t len);

#endif
