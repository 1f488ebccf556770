/* SPDX-License-Identifier: ISC */
/*
 * fuzz_sdp_offer.c: the WebRTC offer reader on arbitrary bytes, then the
 * H.264 choice and the answer, checking their promises: a refusal has a
 * one-line cause, what is read stays in its fields (strings terminated,
 * payload type lists consistent), a choice is a listed H.264 payload type
 * of a video section, and the answer fits its buffer, NUL-terminated.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdp_answer.h"
#include "sdp_offer.h"

/* Traps unless s ends within its field. */
static void
fuzz_str(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		__builtin_trap();
}

/* Traps unless cause is one line. */
static void
fuzz_cause(const char *cause)
{
	if (cause == NULL || cause[0] == '\0' || strchr(cause, '\n') != NULL)
		__builtin_trap();
}

/* Checks one section's fields. */
static void
fuzz_media(const struct sdp_offer_media *m)
{
	size_t	 i, listed = 0;

	fuzz_str(m->media, sizeof(m->media));
	fuzz_str(m->proto, sizeof(m->proto));
	fuzz_str(m->fmt0, sizeof(m->fmt0));
	fuzz_str(m->mid, sizeof(m->mid));
	fuzz_str(m->ice_ufrag, sizeof(m->ice_ufrag));
	fuzz_str(m->ice_pwd, sizeof(m->ice_pwd));
	if (m->npt > 128 || (!m->rtp && m->npt != 0))
		__builtin_trap();
	for (i = 0; i < 128; i++) {
		fuzz_str(m->pt[i].enc, sizeof(m->pt[i].enc));
		listed += m->pt[i].listed;
	}
	if (listed != m->npt)
		__builtin_trap();
	for (i = 0; i < m->npt; i++)
		if (m->order[i] > 127 || !m->pt[m->order[i]].listed)
			__builtin_trap();
	if (m->port != 0 && (m->ice_ufrag[0] == '\0' ||
	    m->ice_pwd[0] == '\0' || !m->has_fp))
		__builtin_trap();
}

/* Checks the answer to o for our stream ours. */
static void
fuzz_answer(const struct sdp_offer *o, const uint8_t ours[3])
{
	static const uint8_t		 fp[SDP_OFFER_FPLEN];
	static const struct sdp_answer_cand cands[] = {
		{ "192.0.2.10", 8555 }, { "2001:db8::1", 8555 } };
	struct sdp_answer		 a = {
		.session_id = 1, .version = 1, .ice_ufrag = "abcd",
		.ice_pwd = "abcdefghijklmnopqrstuv", .fingerprint = fp,
		.ssrc = 1, .cname = "c", .msid_stream = "s",
		.msid_track = "t", .cands = cands, .ncands = 2,
	};
	const struct sdp_offer_media	*m;
	struct sdp_offer_choice		 c;
	const char			*cause = NULL;
	char				*buf;
	size_t				 size = 64 * 1024;
	int				 n;

	if (sdp_offer_choose(o, ours, &c, &cause) == -1) {
		fuzz_cause(cause);
		return;
	}
	if (c.media >= o->nmedia)
		__builtin_trap();
	m = &o->media[c.media];
	if (m->kind != SDP_KIND_VIDEO || c.pt > 127 || !m->pt[c.pt].listed ||
	    m->pt[c.pt].pmode != 1 || m->port == 0 || !m->rtcp_mux ||
	    (c.rtx != -1 && (c.rtx > 127 || !m->pt[c.rtx].listed)))
		__builtin_trap();
	if ((buf = malloc(size)) == NULL)
		return;
	n = sdp_answer_write(&a, o, &c, buf, size, &cause);
	if (n == -1)
		fuzz_cause(cause);
	else if ((size_t)n >= size || strlen(buf) != (size_t)n)
		__builtin_trap();
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sdp_offer	 o;
	static const uint8_t	 cb[3] = { 0x42, 0xc0, 0x1f };
	static const uint8_t	 main_[3] = { 0x4d, 0x40, 0x28 };
	const char		*cause = NULL;
	size_t			 i;

	if (sdp_offer_parse(&o, (const char *)data, size, &cause) == -1) {
		fuzz_cause(cause);
		return (0);
	}
	if (o.nmedia == 0 || o.nmedia > SDP_OFFER_MEDIA ||
	    o.nbundle > SDP_OFFER_MEDIA)
		__builtin_trap();
	for (i = 0; i < o.nmedia; i++)
		fuzz_media(&o.media[i]);
	fuzz_answer(&o, cb);
	fuzz_answer(&o, main_);
	return (0);
}
