/* SPDX-License-Identifier: ISC */
/*
 * fuzz_rtsp_request.c: the RTSP reader on arbitrary bytes, message after
 * message, checking its promises (what it uses lies within the buffer,
 * every string is terminated, a shorter prefix asks for more), then the
 * Transport pick on what was read and on the bytes themselves.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rtspd/rtsp_request.h"

/* Traps unless s ends within its field. */
static void
fuzz_str(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		__builtin_trap();
}

/* Checks a pick's promises. */
static void
fuzz_pick(const char *hdr)
{
	struct rtsp_transport	 t;
	char			 cause[128];

	cause[0] = '\0';
	if (rtsp_transport_pick(hdr, 1, &t, cause, sizeof(cause)) == -1) {
		if (cause[0] == '\0')
			__builtin_trap();
		return;
	}
	if (t.lower == RTSP_LOWER_TCP && (t.channel[0] > 255 ||
	    t.channel[1] > 255))
		__builtin_trap();
	if (t.lower == RTSP_LOWER_UDP && (t.client_port[0] == 0 ||
	    t.client_port[1] == 0))
		__builtin_trap();
}

/* Checks one request's fields. */
static void
fuzz_req(const struct rtsp_request *req)
{
	fuzz_str(req->method_name, sizeof(req->method_name));
	fuzz_str(req->uri, sizeof(req->uri));
	fuzz_str(req->path, sizeof(req->path));
	fuzz_str(req->session, sizeof(req->session));
	fuzz_str(req->transport, sizeof(req->transport));
	fuzz_str(req->authorization, sizeof(req->authorization));
	fuzz_str(req->user_agent, sizeof(req->user_agent));
	fuzz_str(req->require, sizeof(req->require));
	if (req->cseq < 0 || req->body_len > RTSP_BODY_MAX ||
	    (req->path[0] != '/' && strcmp(req->path, "*") != 0) ||
	    req->method_name[0] == '\0' || req->uri[0] == '\0')
		__builtin_trap();
	fuzz_pick(req->transport);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rtsp_request	 req, req2;
	struct rtsp_data	 d;
	char			 cause[128], *s;
	size_t			 off = 0, used, used2, max;
	enum rtsp_read		 r;
	int			 status;

	if (size < 1)
		return (0);
	max = 64 + (size_t)data[0] * 16;
	data++;
	size--;
	while (off < size) {
		cause[0] = '\0';
		used = 12345;
		r = rtsp_read(data + off, size - off, max, &req, &d, &used,
		    &status, cause, sizeof(cause));
		if (r == RTSP_READ_MORE) {
			if (used != 0)
				__builtin_trap();
			break;
		}
		if (r == RTSP_READ_ERROR) {
			if ((status != 400 && status != 413 && status != 505) ||
			    cause[0] == '\0' || strchr(cause, '\n') != NULL)
				__builtin_trap();
			break;
		}
		if (used == 0 || used > size - off)
			__builtin_trap();
		if (r == RTSP_READ_DATA) {
			if (d.p < data + off || d.len > used ||
			    d.p + d.len != data + off + used || d.channel > 255)
				__builtin_trap();
		} else if (r == RTSP_READ_REQUEST)
			fuzz_req(&req);
		else
			__builtin_trap();
		/* One byte short of the message asks for more. */
		used2 = 1;
		if (rtsp_read(data + off, used - 1, max, &req2, &d, &used2,
		    &status, cause, sizeof(cause)) != RTSP_READ_MORE ||
		    used2 != 0)
			__builtin_trap();
		off += used;
	}
	/* The bytes as a Transport header. */
	if ((s = malloc(size + 1)) == NULL)
		return (0);
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_pick(s);
	free(s);
	return (0);
}
