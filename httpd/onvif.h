/* SPDX-License-Identifier: ISC */
/*
 * onvif.h: ONVIF Profile S's device and media services as NVRs use them
 * (docs/onvif.md): SOAP 1.2 over HTTP POST at /onvif/device_service and
 * /onvif/media_service, WS-UsernameToken against the NVR credentials,
 * answers from hand-written templates.  The media calls are in
 * onvif_media.c; both write into one call's answer (struct onvif_call).
 * An answer that describes a sub-stream whose picture is not known yet
 * waits for it (at most H264_HTTP_LEARN_MS).
 */
#ifndef HTTPD_ONVIF_H
#define HTTPD_ONVIF_H

#include <stddef.h>

struct cam;
struct evbuffer;
struct evhttp_request;
struct onvif_request;
struct web;

#define ONVIF_NS_DEVICE	"http://www.onvif.org/ver10/device/wsdl"
#define ONVIF_NS_MEDIA	"http://www.onvif.org/ver10/media/wsdl"

struct onvif;

/* One call being answered. */
struct onvif_call {
	struct web			*w;
	const struct onvif_request	*r;
	char		 host[300];	/* the Host value: name[:port] */
	char		 name[280];	/* the host alone, for rtsp:// */
	struct evbuffer	*out;		/* the Body's content */
};

/* Makes the services (its stable id from /etc/machine-id); NULL if out of
 * memory. */
struct onvif	*onvif_new(struct web *w);
void		 onvif_free(struct onvif *o);
/* True for the two service paths. */
int		 onvif_path(const char *path);
/* The device's urn:uuid, for WS-Discovery. */
const char	*onvif_uuid(const struct onvif *o);
/* A POST to a service path: parses, authenticates, answers. */
void		 onvif_handle(struct onvif *o, struct evhttp_request *req);

/* Writes s XML-escaped to b. */
void		 onvif_esc(struct evbuffer *b, const char *s);
/*
 * Media: answers c's media action into c->out: 0; 1 when the profile
 * token names no camera; -1 when the action is not a media one.
 */
int		 onvif_media_call(struct onvif_call *c);
/*
 * Whether the answer to r waits for a sub-stream's picture (onvif_media.c):
 * with start, learning begins where needed; 1 while one is learned, else
 * 0.
 */
int		 onvif_media_learn(const struct web *w,
		    const struct onvif_request *r, int start);

#endif
