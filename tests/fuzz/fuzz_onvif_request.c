/* SPDX-License-Identifier: ISC */
/*
 * fuzz_onvif_request.c: the ONVIF request and WS-Discovery Probe readers
 * on arbitrary bytes, checking their promises (every field terminated,
 * an action on success, "<!" never accepted), then the PasswordDigest
 * check on what was read.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "auth_wsse.h"
#include "httpd/onvif_request.h"

/* Traps unless s ends within its field. */
static void
fuzz_str(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*buf = (const char *)data;
	struct onvif_request	 r;
	struct onvif_probe	 p;
	char			 cause[128], d[AUTH_WSSE_DIGEST_LEN + 1];
	int64_t			 t;
	int			 rc;

	cause[0] = '\0';
	rc = onvif_request_parse(buf, size, &r, cause, sizeof(cause));
	fuzz_str(r.action, sizeof(r.action));
	fuzz_str(r.profile, sizeof(r.profile));
	fuzz_str(r.username, sizeof(r.username));
	fuzz_str(r.password, sizeof(r.password));
	fuzz_str(r.nonce, sizeof(r.nonce));
	fuzz_str(r.created, sizeof(r.created));
	if (rc == -1 && (cause[0] == '\0' || memchr(cause, '\0',
	    sizeof(cause)) == NULL))
		__builtin_trap();
	if (rc == 0) {
		if (r.action[0] == '\0' || size > ONVIF_REQUEST_MAX ||
		    memmem(buf, size, "<!", 2) != NULL)
			__builtin_trap();
		(void)auth_wsse_check(r.password, r.nonce, r.created,
		    "a password of twenty", 1796624033, AUTH_WSSE_WINDOW);
		if (auth_wsse_digest(r.nonce, r.created, "x", d) == 0 &&
		    strlen(d) != AUTH_WSSE_DIGEST_LEN)
			__builtin_trap();
		(void)auth_wsse_time(r.created, &t);
	}
	cause[0] = '\0';
	rc = onvif_probe_parse(buf, size, &p, cause, sizeof(cause));
	fuzz_str(p.message_id, sizeof(p.message_id));
	fuzz_str(p.types, sizeof(p.types));
	if (rc == -1 && cause[0] == '\0')
		__builtin_trap();
	if (rc == 0 && p.types[0] == '\0' && !p.wanted)
		__builtin_trap();
	return (0);
}
