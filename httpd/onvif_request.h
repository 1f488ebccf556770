/* SPDX-License-Identifier: ISC */
/*
 * onvif_request.h: what httpd's ONVIF services read from a SOAP request
 * (docs/onvif.md): the action (the first child of the Body, its namespace
 * prefix ignored), the ProfileToken, and the WS-Security UsernameToken;
 * and what WS-Discovery reads from a Probe.  A small bounded scanner, not
 * an XML library: no DOCTYPE, entity declarations, comments or CDATA
 * ("<!" anywhere is refused), at most ONVIF_REQUEST_MAX bytes and
 * ONVIF_DEPTH_MAX levels of elements.  No I/O.
 */
#ifndef HTTPD_ONVIF_REQUEST_H
#define HTTPD_ONVIF_REQUEST_H

#include <stddef.h>

#define ONVIF_REQUEST_MAX	65536	/* bytes of a body */
#define ONVIF_DEPTH_MAX		32	/* nested elements */
#define ONVIF_NAME_MAX		64	/* a qualified element name */

/* A request's fields, NUL-terminated; "" when absent. */
struct onvif_request {
	char	 action[ONVIF_NAME_MAX + 1];	/* e.g. "GetProfiles" */
	char	 profile[65];			/* ProfileToken */
	int	 has_token;			/* a UsernameToken came */
	char	 username[65];
	char	 password[129];			/* the digest, as sent */
	int	 password_digest;		/* Type ...#PasswordDigest */
	char	 nonce[129];			/* base64, as sent */
	char	 created[64];			/* xsd:dateTime, as sent */
};

/* A WS-Discovery Probe's fields. */
struct onvif_probe {
	char	 message_id[256];	/* wsa:MessageID */
	char	 types[512];		/* d:Types, as sent */
	int	 wanted;	/* no types, or dn:NetworkVideoTransmitter or
				 * tds:Device among them */
};

/* Parses a SOAP request body: 0, or -1 with cause (a client's fault). */
int	onvif_request_parse(const char *buf, size_t len,
	    struct onvif_request *r, char *cause, size_t causelen);
/* Parses a WS-Discovery message: 0 for a Probe, -1 with cause otherwise. */
int	onvif_probe_parse(const char *buf, size_t len, struct onvif_probe *p,
	    char *cause, size_t causelen);

#endif
