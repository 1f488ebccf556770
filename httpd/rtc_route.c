/* SPDX-License-Identifier: ISC */
/*
 * rtc_route.c: the WebRTC signalling routes httpd hands to rtcd: WHEP
 * (draft-ietf-wish-whep) at /whep and /whep/ID, camera-streamer's JSON at
 * /webrtc, rtcd's status at /api/webrtc; and httpd's own checks of them.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "camera_api.h"
#include "reply.h"
#include "rtc_route.h"

#define RTC_ROUTE_WHEP		"/whep"
#define RTC_ROUTE_SIGNAL	"/webrtc"
#define RTC_ROUTE_API		"/api/webrtc"

/* The kind of path. */
enum rtc_route_kind
rtc_route_kind(const char *path, int incam)
{
	size_t	 n = sizeof(RTC_ROUTE_WHEP) - 1;

	if (path == NULL)
		return (RTC_ROUTE_NONE);
	if (strcmp(path, RTC_ROUTE_WHEP) == 0 ||
	    strcmp(path, RTC_ROUTE_SIGNAL) == 0)
		return (RTC_ROUTE_OFFER);
	if (incam)
		return (RTC_ROUTE_NONE);
	/* A session is one segment under /whep/: rtcd knows which. */
	if (strncmp(path, RTC_ROUTE_WHEP "/", n + 1) == 0 &&
	    path[n + 1] != '\0' && strchr(path + n + 1, '/') == NULL)
		return (RTC_ROUTE_SESSION);
	if (strcmp(path, RTC_ROUTE_API) == 0)
		return (RTC_ROUTE_STATUS);
	return (RTC_ROUTE_NONE);
}

/* Whether the route takes cmd; OPTIONS on WHEP's, as the draft asks. */
int
rtc_route_method(enum rtc_route_kind kind, const char *path,
    enum evhttp_cmd_type cmd)
{
	switch (kind) {
	case RTC_ROUTE_OFFER:
		return (cmd == EVHTTP_REQ_POST || (cmd == EVHTTP_REQ_OPTIONS &&
		    strcmp(path, RTC_ROUTE_WHEP) == 0));
	case RTC_ROUTE_SESSION:
		return (cmd == EVHTTP_REQ_PATCH || cmd == EVHTTP_REQ_DELETE ||
		    cmd == EVHTTP_REQ_OPTIONS);
	case RTC_ROUTE_STATUS:
		return (cmd == EVHTTP_REQ_GET);
	default:
		return (0);
	}
}

/* The Allow header's value. */
const char *
rtc_route_allow(enum rtc_route_kind kind, const char *path)
{
	switch (kind) {
	case RTC_ROUTE_OFFER:
		return (strcmp(path, RTC_ROUTE_WHEP) == 0 ? "POST, OPTIONS" :
		    "POST");
	case RTC_ROUTE_SESSION:
		return ("PATCH, DELETE, OPTIONS");
	default:
		return ("GET");
	}
}

/* Origin, then the body's announced length. */
int
rtc_route_check(struct evhttp_request *req)
{
	enum evhttp_cmd_type	 cmd = evhttp_request_get_command(req);
	const char		*cl;
	char			*end;
	unsigned long long	 n;

	if (!camera_api_same_origin(req)) {
		reply_close(req, 403, "Forbidden", "cross-origin request "
		    "refused");
		return (-1);
	}
	if (cmd != EVHTTP_REQ_POST && cmd != EVHTTP_REQ_PATCH)
		return (0);
	cl = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Length");
	if (cl == NULL) {
		reply_close(req, 411, "Length Required", "Content-Length "
		    "required");
		return (-1);
	}
	/* The strict head check let only plain digits through. */
	n = strtoull(cl, &end, 10);
	if (n > RTC_ROUTE_BODY_MAX || evbuffer_get_length(
	    evhttp_request_get_input_buffer(req)) > RTC_ROUTE_BODY_MAX) {
		reply_close(req, 413, "Payload Too Large", "body too large "
		    "(at most 16384 bytes)");
		return (-1);
	}
	return (0);
}
