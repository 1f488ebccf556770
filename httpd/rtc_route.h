/* SPDX-License-Identifier: ISC */
/*
 * rtc_route.h: the requests httpd hands to rtcd with --rtc-handoff
 * (docs/httpd.md, WebRTC): which paths and methods they are, and the
 * checks httpd makes itself before the handoff (Origin, Content-Length).
 */
#ifndef HTTPD_RTC_ROUTE_H
#define HTTPD_RTC_ROUTE_H

#include <event2/http.h>

#define RTC_ROUTE_BODY_MAX	16384	/* HANDOFF_REC_BODY_MAX */

/* What a path is to rtcd. */
enum rtc_route_kind {
	RTC_ROUTE_NONE,		/* httpd's own */
	RTC_ROUTE_OFFER,	/* /whep, /webrtc: a camera's, POST */
	RTC_ROUTE_SESSION,	/* /whep/ID: PATCH, DELETE */
	RTC_ROUTE_STATUS	/* /api/webrtc: GET */
};

/*
 * The kind of path, the path within a camera's tree; incam says it came
 * under /cam/NAME/ (only offers are a camera's).
 */
enum rtc_route_kind rtc_route_kind(const char *path, int incam);
/* Whether the route of kind at path (within the tree) takes cmd. */
int		 rtc_route_method(enum rtc_route_kind kind, const char *path,
		    enum evhttp_cmd_type cmd);
/* The Allow header's value for the route of kind at path. */
const char	*rtc_route_allow(enum rtc_route_kind kind, const char *path);
/*
 * The checks before the handoff: an Origin, if any, of the page's own
 * origin (403), and for POST and PATCH a Content-Length (411) of at most
 * RTC_ROUTE_BODY_MAX bytes (413).  0 to go on, or -1 when it answered req.
 */
int		 rtc_route_check(struct evhttp_request *req);

#endif
