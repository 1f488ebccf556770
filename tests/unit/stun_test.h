/* SPDX-License-Identifier: ISC */
/* stun_test.h: addresses and resealed messages for the STUN tests. */
#ifndef CAMPIPE_STUN_TEST_H
#define CAMPIPE_STUN_TEST_H

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "stun.h"

/* The IPv4 or IPv6 address and port of a text address. */
static inline struct sockaddr_storage
stun_test_addr(const char *ip, uint16_t port)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
	} else if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
	}
	return (ss);
}

/* Writes a 32-bit value, network order. */
static inline void
stun_test_put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

/* Rewrites FINGERPRINT, the last 8 bytes of a message of len bytes. */
static inline void
stun_test_refinger(unsigned char *p, size_t len)
{
	stun_test_put32(p + len - 4, stun_crc32(p, len - 8) ^
	    STUN_FINGERPRINT_XOR);
}

/*
 * Rewrites MESSAGE-INTEGRITY (at len - 32, computed apart from stun.c
 * with OpenSSL's HMAC()) and FINGERPRINT after a change.
 */
static inline void
stun_test_reseal(unsigned char *p, size_t len, const char *key)
{
	unsigned int	 n = 20;
	size_t		 mi = len - 32;

	p[2] = (mi + 24 - 20) >> 8;
	p[3] = (mi + 24 - 20) & 0xff;
	HMAC(EVP_sha1(), key, (int)strlen(key), p, mi, p + mi + 4, &n);
	p[2] = (len - 20) >> 8;
	p[3] = (len - 20) & 0xff;
	stun_test_refinger(p, len);
}

#endif
