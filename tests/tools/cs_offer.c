/* SPDX-License-Identifier: ISC */
/*
 * cs_offer.c: campipe's offer in camera-streamer's signalling with the
 * tests' fixed inputs (tests/unit/sdp_test.h) on stdout, so that a browser
 * can be given it (tests/browser/cs_offer.mjs); with -a, reads a
 * browser's answer to it on stdin and says what cs_answer_read() makes of
 * it, one "key value" a line.  Exits 1 with the cause on stderr when the
 * answer is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_answer.h"
#include "cs_offer.h"
#include "tests/unit/sdp_test.h"

/* Reads the answer on stdin and prints what it gives. */
static int
answer(void)
{
	static char		 in[SDP_OFFER_MAX + 1];
	struct sdp_offer	*o;
	struct cs_answer	 r;
	const char		*cause;
	size_t			 len, i;

	len = fread(in, 1, sizeof(in), stdin);
	if (ferror(stdin) || (o = malloc(sizeof(*o))) == NULL) {
		fprintf(stderr, "cs_offer: cannot read stdin\n");
		return (1);
	}
	if (cs_answer_read(o, in, len, &r, &cause) == -1) {
		fprintf(stderr, "cs_offer: %s\n", cause);
		free(o);
		return (1);
	}
	free(o);
	printf("ufrag %s\nrole %s\npt %u\nfb %u\nrsize %d\nfp ", r.ice_ufrag,
	    r.role == SDP_SETUP_PASSIVE ? "passive" : "active", r.pt, r.fb,
	    r.rtcp_rsize);
	for (i = 0; i < sizeof(r.fp); i++)
		printf("%02X", r.fp[i]);
	printf("\n");
	return (0);
}

int
main(int argc, char *argv[])
{
	struct sdp_answer	 a = sdp_test_answer();
	char			 buf[4096];
	const char		*cause;
	int			 n;

	if (argc == 2 && strcmp(argv[1], "-a") == 0)
		return (answer());
	if ((n = cs_offer_write(&a, sdp_test_ours, buf, sizeof(buf),
	    &cause)) == -1) {
		fprintf(stderr, "cs_offer: %s\n", cause);
		return (1);
	}
	fwrite(buf, 1, (size_t)n, stdout);
	return (0);
}
