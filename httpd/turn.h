/* SPDX-License-Identifier: ISC */
/*
 * turn.h: the ICE servers httpd gives the page (--turn-url,
 * --turn-secret-file, --turn-ttl): TURN credentials for the viewer made
 * from the secret shared with the TURN server (common/auth/turn_rest.h),
 * the secret read at start and on SIGHUP and never shown.
 */
#ifndef HTTPD_TURN_H
#define HTTPD_TURN_H

#include <stdint.h>
#include <jansson.h>

struct turn;
struct web_conf;

/* Reads conf's --turn-secret-file; NULL with cause. */
struct turn	*turn_new(const struct web_conf *conf, char *cause,
		    size_t causelen);
void		 turn_free(struct turn *t);
/* SIGHUP: reads the secret again, keeping the old one on error. */
void		 turn_reload(struct turn *t);
/*
 * The "ice_servers" array for user (NULL: nobody) at Unix time now, one
 * server with every --turn-url; NULL when out of memory.
 */
json_t		*turn_ice_servers(const struct turn *t, const char *user,
		    uint64_t now);

#endif
