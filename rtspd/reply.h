/* SPDX-License-Identifier: ISC */
/*
 * reply.h: the head of an RTSP answer: status line, CSeq echoed, Server,
 * the session, any further header lines, and the empty line.  No I/O.
 */
#ifndef RTSPD_REPLY_H
#define RTSPD_REPLY_H

#include <stddef.h>
#include <stdint.h>

#define REPLY_MAX	2048	/* a head, at most (bodies apart) */

/*
 * Writes the head into buf: cseq -1 leaves CSeq out, session NULL the
 * Session line out (timeout its seconds), extra (may be NULL) is whole
 * header lines ending in CRLF.  Its length, or -1 when it does not fit.
 */
int	reply_head(char *buf, size_t len, int status, int64_t cseq,
	    const char *session, unsigned timeout, const char *extra);

#endif
