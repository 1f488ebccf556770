/* SPDX-License-Identifier: ISC */
/*
 * sdp_answer.c: reads a WebRTC offer on stdin and writes campipe's answer
 * with the tests' fixed inputs (tests/unit/sdp_test.h) on stdout, so that
 * a browser can be given it (tests/browser/sdp_answer.mjs).  Exits 1 with
 * the cause on stderr when the offer is refused.
 */
#include <stdio.h>

#include "tests/unit/sdp_test.h"

int
main(void)
{
	static char	 offer[SDP_OFFER_MAX + 1], answer[8192];
	const char	*cause;
	size_t		 len;
	int		 n;

	len = fread(offer, 1, sizeof(offer), stdin);
	if (ferror(stdin)) {
		fprintf(stderr, "sdp_answer: cannot read stdin\n");
		return (1);
	}
	if ((n = sdp_test_run(offer, len, answer, sizeof(answer),
	    &cause)) == -1) {
		fprintf(stderr, "sdp_answer: %s\n", cause);
		return (1);
	}
	fwrite(answer, 1, (size_t)n, stdout);
	return (0);
}
