/* SPDX-License-Identifier: ISC */
/*
 * fuzz_cs_signal.c: camera-streamer's signalling messages on arbitrary
 * bytes, checking the reader's promises: a refusal has a one-line cause;
 * what is taken is of a known type, its id 1 to 64 of the id's chars, its
 * sdp as long as said and terminated, its candidates counted within
 * bounds; and the replies built from what was read fit their buffer,
 * NUL-terminated, and are read back as JSON.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "cs_signal.h"

/* Traps unless cause is one line. */
static void
fuzz_cause(const char *cause)
{
	if (cause == NULL || cause[0] == '\0' || strchr(cause, '\n') != NULL)
		__builtin_trap();
}

/* Traps unless a reply of n bytes in buf is JSON whose "sdp" is sdp. */
static void
fuzz_reply(const char *buf, int n, const char *sdp)
{
	json_t	*o;

	if (n <= 0 || strlen(buf) != (size_t)n ||
	    (o = json_loadb(buf, (size_t)n, 0, NULL)) == NULL)
		__builtin_trap();
	if (!json_is_string(json_object_get(o, "sdp")) ||
	    strcmp(json_string_value(json_object_get(o, "sdp")), sdp) != 0)
		__builtin_trap();
	json_decref(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cs_signal_msg	 m;
	static char			 out[8 * CS_SIGNAL_MAX];
	const char			*cause = NULL;
	size_t				 n;
	int				 len;

	if (cs_signal_parse(&m, (const char *)data, size, &cause) == -1) {
		fuzz_cause(cause);
		return (0);
	}
	if (m.type > CS_SIGNAL_OFFER || m.ncands > CS_SIGNAL_CANDS ||
	    m.nend > m.ncands || m.sdplen > SDP_OFFER_MAX ||
	    strlen(m.sdp) != m.sdplen)
		__builtin_trap();
	n = strlen(m.id);
	if ((m.type == CS_SIGNAL_ANSWER ||
	    m.type == CS_SIGNAL_REMOTE_CANDIDATE) && (n == 0 ||
	    n >= CS_SIGNAL_ID))
		__builtin_trap();
	if ((m.type == CS_SIGNAL_ANSWER || m.type == CS_SIGNAL_OFFER) &&
	    m.sdplen == 0)
		__builtin_trap();
	if (m.sdplen == 0)
		return (0);
	/* The replies, from what was read (the sdp may not be UTF-8). */
	if ((len = cs_signal_answer(m.sdp, out, sizeof(out), &cause)) == -1)
		fuzz_cause(cause);
	else
		fuzz_reply(out, len, m.sdp);
	if (n > 0) {
		if ((len = cs_signal_offer(m.id, m.sdp, out, sizeof(out),
		    &cause)) == -1)
			fuzz_cause(cause);
		else
			fuzz_reply(out, len, m.sdp);
	}
	return (0);
}
