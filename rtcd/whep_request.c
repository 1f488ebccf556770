/* SPDX-License-Identifier: ISC */
/* whep_request.c: the request heads rtcd answers, read and routed. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "camname.h"
#include "http_strict.h"
#include "whep_request.h"

/* 1 if the n bytes at s are 32 lowercase hex digits. */
static int
whep_request_is_id(const char *s, size_t n)
{
	size_t	 i;

	if (n != WHEP_REQUEST_ID_LEN)
		return (0);
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return (0);
	return (1);
}

/* Names the resource of the path's n bytes (the target up to '?'). */
static void
whep_request_route(struct whep_request *r, const char *p, size_t n)
{
	char		 path[WHEP_REQUEST_HEAD_MAX];
	const char	*rest;

	r->route = WHEP_ROUTE_NONE;
	memcpy(path, p, n);
	path[n] = '\0';
	if (strcmp(path, "/whep") == 0)
		r->route = WHEP_ROUTE_OFFER;
	else if (strcmp(path, "/webrtc") == 0)
		r->route = WHEP_ROUTE_SIGNAL;
	else if (strcmp(path, "/api/webrtc") == 0)
		r->route = WHEP_ROUTE_STATUS;
	else if (strncmp(path, "/whep/", 6) == 0 &&
	    whep_request_is_id(path + 6, n - 6)) {
		memcpy(r->id, path + 6, WHEP_REQUEST_ID_LEN);
		r->id[WHEP_REQUEST_ID_LEN] = '\0';
		r->route = WHEP_ROUTE_SESSION;
	} else if (camname_path(path, r->camera, &rest) == 0) {
		if (strcmp(rest, "/whep") == 0)
			r->route = WHEP_ROUTE_OFFER;
		else if (strcmp(rest, "/webrtc") == 0)
			r->route = WHEP_ROUTE_SIGNAL;
		else
			r->camera[0] = '\0';
	}
}

/* Keeps a Content-Type's media type, lowercase, without parameters. */
static void
whep_request_ctype(struct whep_request *r, const char *v, size_t n)
{
	size_t	 i, k = 0;

	for (i = 0; i < n && v[i] != ';' && k < WHEP_REQUEST_CTYPE_MAX; i++)
		if (v[i] != ' ' && v[i] != '\t')
			r->ctype[k++] = (char)tolower((unsigned char)v[i]);
	r->ctype[k] = '\0';
}

/* Reads the head. */
int
whep_request_parse(struct whep_request *r, const char *head, size_t len,
    int *status, char *cause, size_t causelen)
{
	struct http_strict	 hs;
	const char		*p, *end, *sp, *sp2, *eol, *colon, *v, *q;
	size_t			 n;

	memset(r, 0, sizeof(*r));
	memset(&hs, 0, sizeof(hs));
	*status = 400;
	if (http_strict_head(head, len, WHEP_REQUEST_HEAD_MAX, &hs, cause,
	    causelen) != 1) {
		if (hs.status != 0)
			*status = hs.status;
		if (hs.status == 0)
			snprintf(cause, causelen, "incomplete request head");
		return (-1);
	}
	r->minor = hs.minor;
	r->length = hs.body_len;
	end = head + hs.head_len;
	p = head;
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL ||
	    (sp = memchr(p, ' ', (size_t)(eol - p))) == NULL ||
	    (sp2 = memchr(sp + 1, ' ', (size_t)(eol - sp - 1))) == NULL) {
		snprintf(cause, causelen, "malformed request line");
		return (-1);
	}
	n = (size_t)(sp - p);
	if (n == 0 || n > WHEP_REQUEST_METHOD_MAX) {
		snprintf(cause, causelen, "malformed method");
		return (-1);
	}
	memcpy(r->method, p, n);
	r->method[n] = '\0';
	if (sp[1] != '/') {
		snprintf(cause, causelen, "the target is not a path");
		return (-1);
	}
	q = memchr(sp + 1, '?', (size_t)(sp2 - sp - 1));
	whep_request_route(r, sp + 1, (size_t)((q != NULL ? q : sp2) - sp - 1));
	for (p = eol + 1; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		if ((colon = memchr(p, ':', (size_t)(eol - p))) == NULL)
			continue;	/* the blank line */
		for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		n = (size_t)(eol - v);
		if (n > 0 && v[n - 1] == '\r')
			n--;
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		if ((size_t)(colon - p) == 14 &&
		    strncasecmp(p, "Content-Length", 14) == 0)
			r->has_length = 1;
		else if ((size_t)(colon - p) == 12 &&
		    strncasecmp(p, "Content-Type", 12) == 0)
			whep_request_ctype(r, v, n);
	}
	return (0);
}
