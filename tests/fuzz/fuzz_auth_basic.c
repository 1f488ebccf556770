/* SPDX-License-Identifier: ISC */
/*
 * fuzz_auth_basic.c: the Basic header parser on arbitrary bytes (what it
 * accepts re-encodes to the same credentials), then the failure tracker
 * driven by the same bytes.
 */
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "auth_basic.h"

/* Checks the parser's promises about what it returns. */
static void
fuzz_parse(const uint8_t *data, size_t size)
{
	char		 user[AUTH_BASIC_MAX_USER + 1], pass[AUTH_BASIC_MAX_PASS + 1];
	char		 u2[AUTH_BASIC_MAX_USER + 1], p2[AUTH_BASIC_MAX_PASS + 1];
	char		 plain[AUTH_BASIC_MAX_USER + AUTH_BASIC_MAX_PASS + 2];
	unsigned char	 value[700];
	char		 cause[128];
	size_t		 ul, pl;
	int		 n;

	if (auth_basic_parse((const char *)data, size, user, pass, cause,
	    sizeof(cause)) == -1)
		return;
	ul = strlen(user);
	pl = strlen(pass);
	if (ul == 0 || ul > AUTH_BASIC_MAX_USER || pl > AUTH_BASIC_MAX_PASS ||
	    strchr(user, ':') != NULL)
		__builtin_trap();
	memcpy(plain, user, ul);
	plain[ul] = ':';
	memcpy(plain + ul + 1, pass, pl);
	memcpy(value, "Basic ", 6);
	n = EVP_EncodeBlock(value + 6, (unsigned char *)plain, ul + 1 + pl);
	if (auth_basic_parse((char *)value, 6 + n, u2, p2, cause,
	    sizeof(cause)) != 0 || strcmp(user, u2) != 0 ||
	    strcmp(pass, p2) != 0)
		__builtin_trap();
}

/* Runs tracker operations; delays never exceed the cap. */
static void
fuzz_fail(const uint8_t *data, size_t size)
{
	struct auth_basic_fail	*f;
	struct sockaddr_in	 sin;
	uint64_t		 now = 0;
	size_t			 i;

	f = auth_basic_fail_new(4, 100, 1000);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	for (i = 0; i + 3 <= size; i += 3) {
		sin.sin_addr.s_addr = htonl(0x7f000000 | (data[i + 1] & 7));
		now += (uint64_t)data[i + 2] * (data[i] & 0x80 ? 10000 : 10);
		switch (data[i] & 3) {
		case 0:
			auth_basic_fail_record(f, (struct sockaddr *)&sin, now);
			break;
		case 1:
			auth_basic_fail_clear(f, (struct sockaddr *)&sin);
			break;
		default:
			if (auth_basic_fail_delay(f, (struct sockaddr *)&sin,
			    now) > 1000)
				__builtin_trap();
		}
		if (auth_basic_fail_count(f, now) > 4)
			__builtin_trap();
	}
	auth_basic_fail_free(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_parse(data, size);
	fuzz_fail(data, size);
	return (0);
}
