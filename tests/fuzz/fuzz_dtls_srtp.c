/* SPDX-License-Identifier: ISC */
/*
 * fuzz_dtls_srtp.c: arbitrary datagrams to a fresh server-role DTLS-SRTP
 * session.  The input is split into datagrams at each 2-byte big-endian
 * length; each is handed in, what the session sends is collected and
 * bounded, and the session never reaches DONE (no client knows the
 * certificate's key) nor reads more than DTLS_SRTP_IN_COUNT datagrams
 * before failing.  A failure is sticky and says why.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dtls_srtp.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dtls_srtp_cert	*cert;
	static const uint8_t		 fp[DTLS_SRTP_FPLEN] = { 1, 2, 3 };
	struct dtls_srtp		*d;
	unsigned char			 out[DTLS_SRTP_MTU];
	const char			*cause = NULL;
	size_t				 off = 0, len;
	unsigned			 n = 0, failed = 0;
	int				 r, m;

	if (cert == NULL && dtls_srtp_cert_init(&cert, &cause) == -1)
		__builtin_trap();
	if (dtls_srtp_init(&d, cert, DTLS_SRTP_SERVER, fp, 0, &cause) == -1)
		__builtin_trap();
	while (off + 2 <= size) {
		len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		cause = NULL;
		r = dtls_srtp_handle(d, data + off, len, n * 10, &cause);
		n++;
		off += len;
		if (r == -1) {
			if (cause == NULL)
				__builtin_trap();
			failed = 1;
		} else if (failed || r != DTLS_SRTP_AGAIN ||
		    n > DTLS_SRTP_IN_COUNT)
			__builtin_trap();
		while ((m = dtls_srtp_next(d, out, sizeof(out))) != 0)
			if (m < 0 || m > DTLS_SRTP_MTU)
				__builtin_trap();
	}
	if (dtls_srtp_done(d) || dtls_srtp_on_timeout(d, 0, &cause) !=
	    (failed ? -1 : 0))
		__builtin_trap();
	dtls_srtp_free(d);
	return (0);
}
