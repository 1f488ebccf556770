/* SPDX-License-Identifier: ISC */
/*
 * stun.c: STUN messages (RFC 8489) read and written byte by byte, never
 * through a struct laid over the packet: MESSAGE-INTEGRITY is HMAC-SHA1
 * (OpenSSL's EVP_MAC) with the ICE password as key, FINGERPRINT the CRC-32
 * of what precedes it XOR 0x5354554e.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "stun.h"

#define STUN_INTEGRITY_LEN	20	/* HMAC-SHA1 */
#define STUN_FAMILY_IPV4	0x01
#define STUN_FAMILY_IPV6	0x02

/* CRC-32's table (reflected polynomial 0xedb88320), four bits at a time. */
static const uint32_t stun_crc_tab[16] = {
	0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu,
	0x76dc4190u, 0x6b6b51f4u, 0x4db26158u, 0x5005713cu,
	0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu,
	0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu,
};

/* Reads a 16-bit value, network order. */
static uint16_t
stun_get16(const unsigned char *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

/* Reads a 32-bit value, network order. */
static uint32_t
stun_get32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/* Writes a 16-bit value, network order. */
static void
stun_put16(unsigned char *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Writes a 32-bit value, network order. */
static void
stun_put32(unsigned char *p, uint32_t v)
{
	stun_put16(p, v >> 16);
	stun_put16(p + 2, v & 0xffff);
}

/* The CRC-32 of len bytes. */
uint32_t
stun_crc32(const unsigned char *p, size_t len)
{
	uint32_t	 c = 0xffffffffu;
	size_t		 i;

	for (i = 0; i < len; i++) {
		c = (c >> 4) ^ stun_crc_tab[(c ^ p[i]) & 0xf];
		c = (c >> 4) ^ stun_crc_tab[(c ^ (p[i] >> 4)) & 0xf];
	}
	return (c ^ 0xffffffffu);
}

/* HMAC-SHA1 with key over a then b, into out.  0, or -1. */
static int
stun_hmac(const void *key, size_t keylen, const unsigned char *a,
    size_t alen, const unsigned char *b, size_t blen, unsigned char *out)
{
	static char	 digest[] = "SHA1";
	EVP_MAC		*mac;
	EVP_MAC_CTX	*ctx = NULL;
	OSSL_PARAM	 params[2];
	size_t		 n = 0;
	int		 rc = -1;

	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return (-1);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_MAC_CTX_new(mac)) != NULL &&
	    EVP_MAC_init(ctx, key, keylen, params) == 1 &&
	    EVP_MAC_update(ctx, a, alen) == 1 &&
	    (blen == 0 || EVP_MAC_update(ctx, b, blen) == 1) &&
	    EVP_MAC_final(ctx, out, &n, STUN_INTEGRITY_LEN) == 1 &&
	    n == STUN_INTEGRITY_LEN)
		rc = 0;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return (rc);
}

/* The XOR mask of an address: the magic cookie, then the transaction id. */
static void
stun_mask(const unsigned char *tid, unsigned char *mask)
{
	stun_put32(mask, STUN_MAGIC);
	memcpy(mask + 4, tid, STUN_TID_LEN);
}

/* Reads an XOR-MAPPED-ADDRESS value of vlen bytes into m->mapped. */
static int
stun_parse_xor(struct stun_msg *m, const unsigned char *v, size_t vlen,
    const char **cause)
{
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;
	unsigned char		 mask[16], a[16];
	uint16_t		 port;
	size_t			 i, alen;

	if (vlen == 8 && v[1] == STUN_FAMILY_IPV4)
		alen = 4;
	else if (vlen == 20 && v[1] == STUN_FAMILY_IPV6)
		alen = 16;
	else {
		*cause = "XOR-MAPPED-ADDRESS: bad family or length";
		return (-1);
	}
	stun_mask(m->tid, mask);
	port = stun_get16(v + 2) ^ (STUN_MAGIC >> 16);
	for (i = 0; i < alen; i++)
		a[i] = v[4 + i] ^ mask[i];
	memset(&m->mapped, 0, sizeof(m->mapped));
	if (alen == 4) {
		sin = (struct sockaddr_in *)&m->mapped;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a, 4);
	} else {
		sin6 = (struct sockaddr_in6 *)&m->mapped;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, a, 16);
	}
	m->has |= STUN_HAS_MAPPED;
	return (0);
}

/* 1 if a comprehension-required type is one STUN defines, used or not. */
static int
stun_known(uint16_t type)
{
	switch (type) {
	case STUN_A_MAPPED_ADDRESS:
	case STUN_A_USERNAME:
	case STUN_A_INTEGRITY:
	case STUN_A_ERROR_CODE:
	case STUN_A_UNKNOWN:
	case 0x0014:	/* REALM */
	case 0x0015:	/* NONCE */
	case 0x001c:	/* MESSAGE-INTEGRITY-SHA256 */
	case 0x001d:	/* PASSWORD-ALGORITHM */
	case 0x001e:	/* USERHASH */
	case STUN_A_XOR_MAPPED:
	case STUN_A_PRIORITY:
	case STUN_A_USE_CANDIDATE:
		return (1);
	}
	return (0);
}

/* Records a comprehension-required attribute nobody here knows. */
static void
stun_unknown(struct stun_msg *m, uint16_t type)
{
	size_t	 i;

	for (i = 0; i < m->nunknown; i++)
		if (m->unknown[i] == type)
			return;
	if (m->nunknown < STUN_UNKNOWN_MAX)
		m->unknown[m->nunknown++] = type;
}

/* Reads one attribute at off, its value v of vlen bytes, into m. */
static int
stun_parse_attr(struct stun_msg *m, size_t off, uint16_t type,
    const unsigned char *v, size_t vlen, const char **cause)
{
	unsigned	 cls;

	switch (type) {
	case STUN_A_USERNAME:
		if (vlen > STUN_USERNAME_MAX) {
			*cause = "USERNAME longer than 513 bytes";
			return (-1);
		}
		if (!(m->has & STUN_HAS_USERNAME)) {
			m->username = v;
			m->username_len = vlen;
			m->has |= STUN_HAS_USERNAME;
		}
		return (0);
	case STUN_A_INTEGRITY:
		if (vlen != STUN_INTEGRITY_LEN) {
			*cause = "MESSAGE-INTEGRITY not 20 bytes";
			return (-1);
		}
		m->integrity_off = off;
		m->has |= STUN_HAS_INTEGRITY;
		return (0);
	case STUN_A_FINGERPRINT:
		if (vlen != 4 || off + 8 != m->len) {
			*cause = "FINGERPRINT not 4 bytes, or not last";
			return (-1);
		}
		if ((stun_crc32(m->pkt, off) ^ STUN_FINGERPRINT_XOR) !=
		    stun_get32(v)) {
			*cause = "FINGERPRINT does not match";
			return (-1);
		}
		m->has |= STUN_HAS_FINGERPRINT;
		return (0);
	case STUN_A_PRIORITY:
		if (vlen != 4) {
			*cause = "PRIORITY not 4 bytes";
			return (-1);
		}
		if (!(m->has & STUN_HAS_PRIORITY))
			m->priority = stun_get32(v);
		m->has |= STUN_HAS_PRIORITY;
		return (0);
	case STUN_A_USE_CANDIDATE:
		if (vlen != 0) {
			*cause = "USE-CANDIDATE not empty";
			return (-1);
		}
		m->has |= STUN_HAS_USE_CANDIDATE;
		return (0);
	case STUN_A_ICE_CONTROLLING:
	case STUN_A_ICE_CONTROLLED:
		if (vlen != 8) {
			*cause = "ICE-CONTROLLING or -CONTROLLED not 8 bytes";
			return (-1);
		}
		if (!(m->has & (STUN_HAS_CONTROLLING | STUN_HAS_CONTROLLED)))
			m->tiebreaker = (uint64_t)stun_get32(v) << 32 |
			    stun_get32(v + 4);
		m->has |= type == STUN_A_ICE_CONTROLLING ?
		    STUN_HAS_CONTROLLING : STUN_HAS_CONTROLLED;
		return (0);
	case STUN_A_XOR_MAPPED:
		if (m->has & STUN_HAS_MAPPED)
			return (0);
		return (stun_parse_xor(m, v, vlen, cause));
	case STUN_A_ERROR_CODE:
		cls = vlen >= 4 ? v[2] & 7 : 0;
		if (vlen < 4 || vlen > 4 + STUN_REASON_MAX || cls < 3 ||
		    cls > 6 || v[3] > 99) {
			*cause = "ERROR-CODE malformed";
			return (-1);
		}
		if (!(m->has & STUN_HAS_ERROR))
			m->error = (int)(cls * 100 + v[3]);
		m->has |= STUN_HAS_ERROR;
		return (0);
	}
	if (type < 0x8000 && !stun_known(type))
		stun_unknown(m, type);
	return (0);
}

/* Reads a datagram as one STUN message. */
int
stun_parse(struct stun_msg *m, const unsigned char *p, size_t len,
    const char **cause)
{
	size_t		 off, vlen, padded;
	uint16_t	 type;

	memset(m, 0, sizeof(*m));
	if (len < STUN_HDR_LEN) {
		*cause = "shorter than a STUN header";
		return (-1);
	}
	if ((p[0] & 0xc0) != 0) {
		*cause = "not STUN: the first two bits are not zero";
		return (-1);
	}
	if (stun_get32(p + 4) != STUN_MAGIC) {
		*cause = "wrong magic cookie";
		return (-1);
	}
	if ((p[3] & 3) != 0 || STUN_HDR_LEN + (size_t)stun_get16(p + 2) !=
	    len) {
		*cause = "message length does not match the datagram";
		return (-1);
	}
	m->pkt = p;
	m->len = len;
	m->type = stun_get16(p);
	memcpy(m->tid, p + 8, STUN_TID_LEN);
	for (off = STUN_HDR_LEN; off < len; off += 4 + padded) {
		type = stun_get16(p + off);
		vlen = stun_get16(p + off + 2);
		padded = (vlen + 3) & ~(size_t)3;
		if (padded > len - off - 4) {
			*cause = "attribute runs past the end";
			return (-1);
		}
		if (m->has & STUN_HAS_FINGERPRINT) {
			*cause = "attribute after FINGERPRINT";
			return (-1);
		}
		if ((m->has & STUN_HAS_INTEGRITY) &&
		    type != STUN_A_FINGERPRINT) {
			*cause = "attribute after MESSAGE-INTEGRITY other "
			    "than FINGERPRINT";
			return (-1);
		}
		if (stun_parse_attr(m, off, type, p + off + 4, vlen,
		    cause) == -1)
			return (-1);
	}
	return (0);
}

/* Checks MESSAGE-INTEGRITY with key. */
int
stun_integrity(const struct stun_msg *m, const void *key, size_t keylen,
    const char **cause)
{
	unsigned char	 hdr[STUN_HDR_LEN], mac[STUN_INTEGRITY_LEN];
	int		 ok;

	if (!(m->has & STUN_HAS_INTEGRITY)) {
		*cause = "no MESSAGE-INTEGRITY";
		return (-1);
	}
	if (keylen == 0) {
		*cause = "MESSAGE-INTEGRITY: empty key";
		return (-1);
	}
	/* The length as if MESSAGE-INTEGRITY ended the message. */
	memcpy(hdr, m->pkt, STUN_HDR_LEN);
	stun_put16(hdr + 2, m->integrity_off + 4 + STUN_INTEGRITY_LEN -
	    STUN_HDR_LEN);
	if (stun_hmac(key, keylen, hdr, STUN_HDR_LEN, m->pkt + STUN_HDR_LEN,
	    m->integrity_off - STUN_HDR_LEN, mac) == -1) {
		*cause = "MESSAGE-INTEGRITY: HMAC-SHA1 failed";
		return (-1);
	}
	ok = CRYPTO_memcmp(mac, m->pkt + m->integrity_off + 4,
	    STUN_INTEGRITY_LEN) == 0;
	OPENSSL_cleanse(mac, sizeof(mac));
	if (!ok) {
		*cause = "MESSAGE-INTEGRITY does not match";
		return (-1);
	}
	return (0);
}

/* The reason phrase of an error code. */
const char *
stun_reason(int code)
{
	switch (code) {
	case STUN_E_BAD_REQUEST:
		return ("Bad Request");
	case STUN_E_UNAUTHORIZED:
		return ("Unauthorized");
	case STUN_E_UNKNOWN_ATTR:
		return ("Unknown Attribute");
	case STUN_E_ROLE_CONFLICT:
		return ("Role Conflict");
	}
	return (NULL);
}

/* Appends an attribute and its zero padding at *off, if it fits. */
static int
stun_put_attr(unsigned char *buf, size_t len, size_t *off, uint16_t type,
    const void *v, size_t vlen, const char **cause)
{
	size_t	 padded = (vlen + 3) & ~(size_t)3;

	if (vlen > 0xffff || len < *off || len - *off < 4 + padded ||
	    *off + 4 + padded - STUN_HDR_LEN > 0xffff) {
		*cause = "STUN message does not fit";
		return (-1);
	}
	stun_put16(buf + *off, type);
	stun_put16(buf + *off + 2, (uint16_t)vlen);
	if (vlen > 0)
		memcpy(buf + *off + 4, v, vlen);
	memset(buf + *off + 4 + vlen, 0, padded - vlen);
	*off += 4 + padded;
	return (0);
}

/* Writes ss as an XOR-MAPPED-ADDRESS value into v; its length, or 0. */
static size_t
stun_put_xor(const struct sockaddr_storage *ss, const unsigned char *tid,
    unsigned char *v)
{
	const struct sockaddr_in	*sin = (const void *)ss;
	const struct sockaddr_in6	*sin6 = (const void *)ss;
	unsigned char			 mask[16], a[16];
	uint16_t			 port;
	size_t				 i, alen;

	if (ss->ss_family == AF_INET) {
		alen = 4;
		port = ntohs(sin->sin_port);
		memcpy(a, &sin->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		alen = 16;
		port = ntohs(sin6->sin6_port);
		memcpy(a, &sin6->sin6_addr, 16);
	} else
		return (0);
	stun_mask(tid, mask);
	v[0] = 0;
	v[1] = alen == 4 ? STUN_FAMILY_IPV4 : STUN_FAMILY_IPV6;
	stun_put16(v + 2, port ^ (STUN_MAGIC >> 16));
	for (i = 0; i < alen; i++)
		v[4 + i] = a[i] ^ mask[i];
	return (4 + alen);
}

/* Writes the attributes of o before MESSAGE-INTEGRITY, from *off on. */
static int
stun_put_attrs(const struct stun_out *o, unsigned char *buf, size_t len,
    size_t *off, const char **cause)
{
	unsigned char	 v[4 + 2 * STUN_UNKNOWN_MAX + STUN_REASON_MAX];
	const char	*s;
	size_t		 i, n;

	if (o->software != NULL && ((n = strlen(o->software)) >
	    STUN_REASON_MAX || stun_put_attr(buf, len, off, STUN_A_SOFTWARE,
	    o->software, n, cause) == -1)) {
		if (n > STUN_REASON_MAX)
			*cause = "SOFTWARE longer than 763 bytes";
		return (-1);
	}
	if (o->error != 0) {
		if ((s = stun_reason(o->error)) == NULL) {
			*cause = "no reason phrase for this error code";
			return (-1);
		}
		n = strlen(s);
		v[0] = v[1] = 0;
		v[2] = o->error / 100;
		v[3] = o->error % 100;
		memcpy(v + 4, s, n);
		if (stun_put_attr(buf, len, off, STUN_A_ERROR_CODE, v, 4 + n,
		    cause) == -1)
			return (-1);
	}
	if (o->nunknown > 0) {
		if (o->nunknown > STUN_UNKNOWN_MAX) {
			*cause = "too many UNKNOWN-ATTRIBUTES";
			return (-1);
		}
		for (i = 0; i < o->nunknown; i++)
			stun_put16(v + 2 * i, o->unknown[i]);
		if (stun_put_attr(buf, len, off, STUN_A_UNKNOWN, v,
		    2 * o->nunknown, cause) == -1)
			return (-1);
	}
	if (o->mapped != NULL) {
		if ((n = stun_put_xor(o->mapped, o->tid, v)) == 0) {
			*cause = "XOR-MAPPED-ADDRESS: not IPv4 or IPv6";
			return (-1);
		}
		if (stun_put_attr(buf, len, off, STUN_A_XOR_MAPPED, v, n,
		    cause) == -1)
			return (-1);
	}
	if (o->has_priority) {
		stun_put32(v, o->priority);
		if (stun_put_attr(buf, len, off, STUN_A_PRIORITY, v, 4,
		    cause) == -1)
			return (-1);
	}
	if (o->role != 0) {
		if (o->role != STUN_A_ICE_CONTROLLING &&
		    o->role != STUN_A_ICE_CONTROLLED) {
			*cause = "role neither ICE-CONTROLLING nor -CONTROLLED";
			return (-1);
		}
		stun_put32(v, o->tiebreaker >> 32);
		stun_put32(v + 4, o->tiebreaker & 0xffffffffu);
		if (stun_put_attr(buf, len, off, (uint16_t)o->role, v, 8,
		    cause) == -1)
			return (-1);
	}
	if (o->use_candidate && stun_put_attr(buf, len, off,
	    STUN_A_USE_CANDIDATE, NULL, 0, cause) == -1)
		return (-1);
	if (o->username != NULL) {
		if ((n = strlen(o->username)) > STUN_USERNAME_MAX) {
			*cause = "USERNAME longer than 513 bytes";
			return (-1);
		}
		if (stun_put_attr(buf, len, off, STUN_A_USERNAME, o->username,
		    n, cause) == -1)
			return (-1);
	}
	return (0);
}

/* Writes the message o describes. */
int
stun_build(const struct stun_out *o, unsigned char *buf, size_t len,
    const char **cause)
{
	unsigned char	 mac[STUN_INTEGRITY_LEN], crc[4];
	size_t		 off = STUN_HDR_LEN;

	if ((o->type & 0xc000) != 0 || o->tid == NULL) {
		*cause = "not a STUN message type, or no transaction id";
		return (-1);
	}
	if (len < STUN_HDR_LEN) {
		*cause = "STUN message does not fit";
		return (-1);
	}
	stun_put16(buf, o->type);
	stun_put32(buf + 4, STUN_MAGIC);
	memcpy(buf + 8, o->tid, STUN_TID_LEN);
	if (stun_put_attrs(o, buf, len, &off, cause) == -1)
		return (-1);
	if (o->key != NULL) {
		if (o->keylen == 0) {
			*cause = "MESSAGE-INTEGRITY: empty key";
			return (-1);
		}
		stun_put16(buf + 2, off + 4 + STUN_INTEGRITY_LEN -
		    STUN_HDR_LEN);
		if (stun_hmac(o->key, o->keylen, buf, off, NULL, 0,
		    mac) == -1) {
			*cause = "MESSAGE-INTEGRITY: HMAC-SHA1 failed";
			return (-1);
		}
		if (stun_put_attr(buf, len, &off, STUN_A_INTEGRITY, mac,
		    sizeof(mac), cause) == -1)
			return (-1);
	}
	if (o->fingerprint) {
		stun_put16(buf + 2, off + 8 - STUN_HDR_LEN);
		stun_put32(crc, stun_crc32(buf, off) ^ STUN_FINGERPRINT_XOR);
		if (stun_put_attr(buf, len, &off, STUN_A_FINGERPRINT, crc,
		    sizeof(crc), cause) == -1)
			return (-1);
	}
	stun_put16(buf + 2, off - STUN_HDR_LEN);
	return ((int)off);
}

/* Starts an answer to tid: type, MESSAGE-INTEGRITY's key, FINGERPRINT. */
static void
stun_answer(struct stun_out *o, uint16_t type, const unsigned char *tid,
    const void *key, size_t keylen)
{
	memset(o, 0, sizeof(*o));
	o->type = type;
	o->tid = tid;
	o->key = key;
	o->keylen = keylen;
	o->fingerprint = 1;
}

/* A Binding success response with XOR-MAPPED-ADDRESS. */
int
stun_binding_success(const unsigned char *tid,
    const struct sockaddr_storage *mapped, const void *key, size_t keylen,
    unsigned char *buf, size_t len, const char **cause)
{
	struct stun_out	 o;

	stun_answer(&o, STUN_BINDING_SUCCESS, tid, key, keylen);
	o.mapped = mapped;
	return (stun_build(&o, buf, len, cause));
}

/* A Binding error response with ERROR-CODE. */
int
stun_binding_error(const unsigned char *tid, int code,
    const uint16_t *unknown, size_t nunknown, const void *key,
    size_t keylen, unsigned char *buf, size_t len, const char **cause)
{
	struct stun_out	 o;

	stun_answer(&o, STUN_BINDING_ERROR, tid, key, keylen);
	o.error = code;
	o.unknown = unknown;
	o.nunknown = nunknown;
	return (stun_build(&o, buf, len, cause));
}
