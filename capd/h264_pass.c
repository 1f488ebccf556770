/* SPDX-License-Identifier: ISC */
/* h264_pass.c: a source's own H.264 access units, made h264.sock's. */
#include <stdlib.h>
#include <string.h>

#include "annexb.h"
#include "h264_pass.h"

#define H264_PASS_PS_MAX	1024	/* SPS and PPS kept for IDRs */

struct h264_pass {
	unsigned char	 sps[H264_PASS_PS_MAX / 2], pps[H264_PASS_PS_MAX / 2];
	size_t		 spslen, ppslen;
	unsigned char	 ps[H264_PASS_PS_MAX];
};

/* A new pass-through state. */
struct h264_pass *
h264_pass_new(void)
{
	return (calloc(1, sizeof(struct h264_pass)));
}

/* Frees it. */
void
h264_pass_free(struct h264_pass *p)
{
	free(p);
}

/* Keeps the latest SPS and PPS of au, each with a 4-byte start code. */
static void
h264_pass_keep(struct h264_pass *p, const unsigned char *au, size_t len)
{
	struct annexb_nal	 nal;
	size_t			 pos = 0;
	unsigned char		*to;
	size_t			*tolen;

	while (annexb_next(au, len, &pos, &nal) == 0) {
		if (nal.type == ANNEXB_SPS) {
			to = p->sps;
			tolen = &p->spslen;
		} else if (nal.type == ANNEXB_PPS) {
			to = p->pps;
			tolen = &p->ppslen;
		} else
			continue;
		if (4 + nal.len > sizeof(p->sps))
			continue;
		memcpy(to, "\0\0\0\1", 4);
		memcpy(to + 4, au + nal.off, nal.len);
		*tolen = 4 + nal.len;
	}
}

/* Makes the h264.sock unit. */
long
h264_pass_build(struct h264_pass *p, const unsigned char *au, size_t len,
    uint64_t seq, const struct timeval *ts, unsigned char **out)
{
	size_t		 size, pslen;
	long		 n;

	h264_pass_keep(p, au, len);
	memcpy(p->ps, p->sps, p->spslen);
	memcpy(p->ps + p->spslen, p->pps, p->ppslen);
	pslen = p->spslen + p->ppslen;
	size = 2 * (len + pslen) + ANNEXB_AU_EXTRA;
	if ((*out = malloc(size)) == NULL)
		return (-1);
	if ((n = annexb_au_build(*out, size, au, len, p->ps, pslen, seq,
	    ts)) < 0) {
		free(*out);
		*out = NULL;
	}
	return (n);
}
