/* SPDX-License-Identifier: ISC */
/* reply.c: the head of an RTSP answer. */
#include <inttypes.h>
#include <stdio.h>

#include "reply.h"
#include "rtsp_request.h"
#include "version.h"

/* Writes an answer's head. */
int
reply_head(char *buf, size_t len, int status, int64_t cseq,
    const char *session, unsigned timeout, const char *extra)
{
	char	 cs[40] = "", se[RTSP_SESSION_MAX + 40] = "";
	int	 n;

	if (cseq >= 0)
		snprintf(cs, sizeof(cs), "CSeq: %" PRId64 "\r\n", cseq);
	if (session != NULL)
		snprintf(se, sizeof(se), "Session: %s;timeout=%u\r\n",
		    session, timeout);
	n = snprintf(buf, len, "RTSP/1.0 %d %s\r\n%sServer: campipe/%s\r\n"
	    "%s%s\r\n", status, rtsp_status_text(status), cs, CAMPIPE_VERSION,
	    se, extra != NULL ? extra : "");
	if (n < 0 || (size_t)n >= len)
		return (-1);
	return (n);
}
