/* SPDX-License-Identifier: ISC */
/*
 * dtls_test.h: two DTLS-SRTP sessions joined by a pretend network that
 * can lose and reorder datagrams, with a pretend clock for the deadline
 * (OpenSSL's retransmission timer runs on the real one, so the pump
 * sleeps as long as it asks).
 */
#ifndef CAMPIPE_DTLS_TEST_H
#define CAMPIPE_DTLS_TEST_H

#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "dtls_srtp.h"

struct dtls_test_net {
	unsigned	 sent;		/* datagrams offered to the network */
	unsigned	 lose;		/* lose datagram n when bit n is set */
	int		 reverse;	/* deliver each batch backwards */
	uint64_t	 now_ms;
	const char	*cause;		/* the first failure */
};

/* Moves what from has to send to to; how many arrived, -1 on failure. */
static inline int
dtls_test_move(struct dtls_test_net *n, struct dtls_srtp *from,
    struct dtls_srtp *to)
{
	unsigned char	 dg[DTLS_SRTP_OUT_QUEUE][DTLS_SRTP_MTU];
	int		 len[DTLS_SRTP_OUT_QUEUE], k = 0, i, moved = 0;

	while (k < DTLS_SRTP_OUT_QUEUE &&
	    (len[k] = dtls_srtp_next(from, dg[k], DTLS_SRTP_MTU)) > 0) {
		if (n->sent < 32 && (n->lose & (1u << n->sent)))
			k--;
		n->sent++;
		k++;
	}
	for (i = 0; i < k; i++) {
		int j = n->reverse ? k - 1 - i : i;

		if (dtls_srtp_handle(to, dg[j], (size_t)len[j], n->now_ms,
		    &n->cause) == -1)
			return (-1);
		moved++;
	}
	return (moved);
}

/* Runs the handshake of a and b to its end: 0, or -1 with n->cause. */
static inline int
dtls_test_pump(struct dtls_test_net *n, struct dtls_srtp *a,
    struct dtls_srtp *b)
{
	int	 round, ma, mb;
	long	 ta, tb, t;

	for (round = 0; round < 200; round++) {
		if ((ma = dtls_test_move(n, a, b)) == -1 ||
		    (mb = dtls_test_move(n, b, a)) == -1)
			return (-1);
		if (dtls_srtp_done(a) && dtls_srtp_done(b))
			return (0);
		if (ma + mb > 0)
			continue;
		ta = dtls_srtp_timeout(a);
		tb = dtls_srtp_timeout(b);
		t = ta < 0 ? tb : tb < 0 ? ta : ta < tb ? ta : tb;
		if (t < 0) {
			n->cause = "test: both sides wait";
			return (-1);
		}
		usleep((useconds_t)t * 1000 + 2000);
		n->now_ms += (uint64_t)t + 2;
		if (dtls_srtp_on_timeout(a, n->now_ms, &n->cause) == -1 ||
		    dtls_srtp_on_timeout(b, n->now_ms, &n->cause) == -1)
			return (-1);
	}
	n->cause = "test: no end after 200 rounds";
	return (-1);
}

#endif
