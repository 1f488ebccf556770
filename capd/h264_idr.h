/* SPDX-License-Identifier: ISC */
/*
 * h264_idr.h: the IDR requests of one H.264 socket's subscribers
 * (docs/frames.md, "Asking for an IDR"): counted, and at most one IDR
 * forced per H264_IDR_LIMIT_MS; requests inside that window are held as
 * one, forced when it ends unless an IDR went out meanwhile.
 */
#ifndef CAPD_H264_IDR_H
#define CAPD_H264_IDR_H

#include "rtcp_fb.h"

#define H264_IDR_LIMIT_MS	500

struct event;
struct event_base;

struct h264_idr {
	struct rtcp_fb_limit	 limit;		/* the window */
	struct event		*ev;		/* a held request's timer */
	int			(*force)(void *);	/* 0: asked */
	void			*arg;
	unsigned long long	 requests;	/* since capd started */
	unsigned long long	 forced;	/* IDRs asked for by them */
};

/*
 * Sets up the limiter; force(arg) asks for an IDR, 0 if it could (-1: the
 * source cannot be asked).  -1 and cause on error.
 */
int	h264_idr_init(struct h264_idr *r, struct event_base *base,
	    int (*force)(void *), void *arg, char *cause, size_t causelen);
void	h264_idr_destroy(struct h264_idr *r);
/* A subscriber asked for an IDR. */
void	h264_idr_request(struct h264_idr *r);
/* An IDR went out (any cause): a held request is answered by it. */
void	h264_idr_sent(struct h264_idr *r);

#endif
