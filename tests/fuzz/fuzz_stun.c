/* SPDX-License-Identifier: ISC */
/*
 * fuzz_stun.c: arbitrary bytes as a STUN message, through stun_parse and
 * an ICE-lite session's ice_lite_handle: what is read lies within the
 * datagram, an answer is a whole STUN message no longer than the request,
 * a success answers a request whose integrity holds.  Input starting with
 * 0xff is the attributes of a request sealed with the session's password,
 * so the checks past MESSAGE-INTEGRITY are reached too.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ice_lite.h"
#include "stun.h"
#include "tests/unit/stun_test.h"

#define FUZZ_PWD	"q7Tz2c9LmN4vR8sW1yB6dF"
#define FUZZ_MAX	1500

/* A Binding request of attrs, MESSAGE-INTEGRITY and FINGERPRINT. */
static size_t
fuzz_seal(const uint8_t *attrs, size_t alen, unsigned char *out)
{
	static const unsigned char hdr[20] = {
		0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42,
		'f', 'u', 'z', 'z', '-', 'r', 'e', 'q', 'u', 'e', 's', 't'
	};
	size_t		 len;

	alen &= ~(size_t)3;
	if (alen > FUZZ_MAX - 20 - 32)
		alen = FUZZ_MAX - 20 - 32;
	len = 20 + alen + 32;
	memcpy(out, hdr, 20);
	memcpy(out + 20, attrs, alen);
	memcpy(out + 20 + alen, "\x00\x08\x00\x14", 4);
	memcpy(out + 44 + alen, "\x80\x28\x00\x04", 4);
	stun_test_reseal(out, len, FUZZ_PWD);
	return (len);
}

/* Checks what stun_parse said of len bytes at p. */
static void
fuzz_check_msg(const struct stun_msg *m, const unsigned char *p, size_t len)
{
	if (m->len != len || m->pkt != p)
		__builtin_trap();
	if ((m->has & STUN_HAS_USERNAME) && (m->username < p + 24 ||
	    m->username + m->username_len > p + len ||
	    m->username_len > STUN_USERNAME_MAX))
		__builtin_trap();
	if ((m->has & STUN_HAS_INTEGRITY) && (m->integrity_off < 20 ||
	    m->integrity_off + 24 > len))
		__builtin_trap();
	if (m->nunknown > STUN_UNKNOWN_MAX)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char	 sealed[FUZZ_MAX];
	struct sockaddr_storage	 from;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&from;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&from;
	struct ice_lite		 ice;
	struct stun_msg		 m, a;
	unsigned char		 ans[STUN_ANSWER_MAX];
	char			 uf[ICE_LITE_UFRAG_MAX + 1];
	const unsigned char	*p = data;
	const char		*cause = NULL;
	size_t			 len = size;
	int			 n;

	if (size > 0 && data[0] == 0xff) {
		len = fuzz_seal(data + 1, size - 1, sealed);
		p = sealed;
	}
	if (stun_parse(&m, p, len, &cause) == 0) {
		fuzz_check_msg(&m, p, len);
		(void)stun_integrity(&m, FUZZ_PWD, 22, &cause);
	} else if (cause == NULL)
		__builtin_trap();
	if (ice_lite_ufrag(p, len, uf, sizeof(uf), &cause) == 0 &&
	    strlen(uf) < ICE_LITE_UFRAG_MIN)
		__builtin_trap();

	memset(&from, 0, sizeof(from));
	if (len & 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(54321);
		memset(&sin6->sin6_addr, 0x20, 16);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(54321);
		sin->sin_addr.s_addr = htonl(0xc6336407);
	}
	if (ice_lite_init(&ice, "Kp3x", FUZZ_PWD, "b7Qz", 1000, &cause) == -1)
		__builtin_trap();
	cause = "";
	n = ice_lite_handle(&ice, p, len, &from, 2000, ans, sizeof(ans),
	    &cause);
	if (n == -1) {
		if (cause == NULL || ice.answered != 0 ||
		    ice_lite_selected(&ice) != NULL)
			__builtin_trap();
	} else {
		/* An answer: whole, to this request, never an amplifier. */
		if (n < 20 || (size_t)n > len || n > STUN_ANSWER_MAX ||
		    stun_parse(&a, ans, (size_t)n, &cause) != 0 ||
		    memcmp(a.tid, p + 8, STUN_TID_LEN) != 0 ||
		    stun_integrity(&m, FUZZ_PWD, 22, &cause) != 0)
			__builtin_trap();
		if (a.type == STUN_BINDING_SUCCESS) {
			if (ice.answered != 1 ||
			    stun_integrity(&a, FUZZ_PWD, 22, &cause) != 0 ||
			    memcmp(&a.mapped, &from, sizeof(from)) != 0 ||
			    !ice_lite_consent(&ice, &from, 2000))
				__builtin_trap();
		} else if (a.type != STUN_BINDING_ERROR ||
		    !(a.has & STUN_HAS_ERROR) || ice.answered != 0)
			__builtin_trap();
	}
	ice_lite_free(&ice);
	return (0);
}
