/* SPDX-License-Identifier: ISC */
/*
 * wsdiscovery.h: WS-Discovery (2005/04) for ONVIF (docs/onvif.md): a UDP
 * socket on port 3702 in the group 239.255.255.250 on every IPv4
 * interface; a Probe for NetworkVideoTransmitter, Device or anything gets
 * a ProbeMatch sent to its sender, whose XAddrs name the address of the
 * interface that reaches it; a Hello at start, a Bye at the end.  The
 * group is joined again every WSDISCOVERY_REJOIN seconds on interfaces
 * that came up since.  At most
 * WSDISCOVERY_PER_SEC answers a second to one address.
 */
#ifndef HTTPD_WSDISCOVERY_H
#define HTTPD_WSDISCOVERY_H

#include <stddef.h>

#define WSDISCOVERY_PORT	3702
#define WSDISCOVERY_GROUP	"239.255.255.250"
#define WSDISCOVERY_PER_SEC	5	/* answers to one address a second */
#define WSDISCOVERY_SOURCES	64	/* addresses whose rate is kept */
#define WSDISCOVERY_IFACES	32	/* IPv4 addresses served */
#define WSDISCOVERY_REJOIN	30	/* seconds between joins of new ones */

struct event_base;
struct wsdiscovery;

/* Joins the group and says Hello; uuid is the device's, http_port
 * httpd's.  NULL with cause. */
struct wsdiscovery	*wsdiscovery_new(struct event_base *base,
			    const char *uuid, int http_port, char *cause,
			    size_t causelen);
/* Says Bye and closes. */
void			 wsdiscovery_free(struct wsdiscovery *d);

#endif
