/* SPDX-License-Identifier: ISC */
/*
 * rtsp_request.h: what an RTSP 1.0 client sends (RFC 2326): requests, and
 * interleaved binary data ("$", channel, 16-bit length, bytes) between
 * them on the same connection; and the Transport header of a SETUP.
 * No I/O: reads the message at the front of a buffer, so the caller
 * calls again with more bytes until one is whole.
 */
#ifndef CAMPIPE_RTSP_REQUEST_H
#define CAMPIPE_RTSP_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#define RTSP_URI_MAX		512
#define RTSP_SESSION_MAX	64
#define RTSP_TRANSPORT_MAX	512
#define RTSP_AUTH_MAX		512
#define RTSP_AGENT_MAX		128
#define RTSP_REQUIRE_MAX	128
#define RTSP_BODY_MAX		4096	/* Content-Length accepted, at most */

enum rtsp_method {
	RTSP_OPTIONS,
	RTSP_DESCRIBE,
	RTSP_SETUP,
	RTSP_PLAY,
	RTSP_PAUSE,
	RTSP_TEARDOWN,
	RTSP_GET_PARAMETER,
	RTSP_SET_PARAMETER,
	RTSP_OTHER		/* a valid token, not served: 501 */
};

struct rtsp_request {
	enum rtsp_method method;
	char		 method_name[32];
	char		 uri[RTSP_URI_MAX];	/* as sent: "*" or absolute */
	char		 path[RTSP_URI_MAX];	/* its path: "/", "/cam/x/..." */
	int64_t		 cseq;			/* -1 when absent */
	char		 session[RTSP_SESSION_MAX]; /* id, without ";timeout" */
	char		 transport[RTSP_TRANSPORT_MAX];
	char		 authorization[RTSP_AUTH_MAX];
	char		 user_agent[RTSP_AGENT_MAX];
	char		 require[RTSP_REQUIRE_MAX];
	size_t		 body_len;		/* skipped with the head */
};

/* Interleaved data: points into the buffer read. */
struct rtsp_data {
	unsigned	 channel;
	const unsigned char *p;
	size_t		 len;
};

enum rtsp_read {
	RTSP_READ_MORE,		/* not whole yet: nothing used */
	RTSP_READ_REQUEST,	/* *req filled; *used covers head and body */
	RTSP_READ_DATA,		/* *data filled; *used = 4 + data->len */
	RTSP_READ_ERROR		/* *status (400, 413, 505) and cause: close;
				   req->cseq the CSeq read before the fault,
				   else -1 */
};

/*
 * Reads the message at the front of p (len bytes), after any empty lines
 * (which count in *used).  A head longer than max_head bytes, a header
 * line or value longer than its field, a Content-Length over
 * RTSP_BODY_MAX, a missing or repeated CSeq, a repeated Session,
 * Transport or Authorization, a control byte or a version other than
 * RTSP/1.0 is an error with a one-line cause.  Header names are matched
 * without regard to case.
 */
enum rtsp_read	 rtsp_read(const unsigned char *p, size_t len,
		    size_t max_head, struct rtsp_request *req,
		    struct rtsp_data *data, size_t *used, int *status,
		    char *cause, size_t causelen);
/* The reason phrase of an RTSP status code ("OK", "Not Found", ...). */
const char	*rtsp_status_text(int status);

enum rtsp_lower {
	RTSP_LOWER_TCP,		/* RTP/AVP/TCP;unicast;interleaved=a-b */
	RTSP_LOWER_UDP		/* RTP/AVP[/UDP];unicast;client_port=a-b */
};

struct rtsp_transport {
	enum rtsp_lower	 lower;
	unsigned	 channel[2];	/* TCP: RTP and RTCP channels */
	uint16_t	 client_port[2]; /* UDP: RTP and RTCP ports */
};

/*
 * Picks the first transport of a Transport header (comma-separated
 * choices) that is served: unicast RTP/AVP over TCP interleaved (channels
 * 0-1 when not given; a lone channel n means n and n+1) or over UDP with
 * client_port (a lone port n means n and n+1), UDP only when udp is
 * set.  Multicast and other profiles are skipped.  0, or -1 with cause
 * when none is served (the caller answers 461).
 */
int		 rtsp_transport_pick(const char *hdr, int udp,
		    struct rtsp_transport *t, char *cause, size_t causelen);

#endif
