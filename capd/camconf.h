/* SPDX-License-Identifier: ISC */
/*
 * camconf.h: capd's settings at run time (docs/control.md): what GET and
 * PATCH /settings see and change, applied to the source (live, or by a
 * restart) and kept in the --state file.
 */
#ifndef CAPD_CAMCONF_H
#define CAPD_CAMCONF_H

#include <stddef.h>

struct camconf;
struct server;
struct settings;
struct settings_ctrl;
struct source;
struct source_conf;

/*
 * Takes over sconf (its values and its ctrls list) for changes; state is
 * the --state file or NULL.  NULL on ENOMEM.
 */
struct camconf	*camconf_new(struct source_conf *sconf, const char *state);
void		 camconf_free(struct camconf *cc);
/*
 * Attaches the running pieces, reads the camera's controls and applies
 * the state file; a missing file is fine, a corrupt one is logged and
 * ignored.
 */
void		 camconf_start(struct camconf *cc, struct source *src,
		    struct server *srv);
/* GET /settings: a malloc'd JSON document, or NULL on ENOMEM. */
char		*camconf_describe(struct camconf *cc);
/*
 * PATCH /settings: validates, applies and saves a change, all or nothing.
 * 0, or -1 with the reason in cause.
 */
int		 camconf_change(struct camconf *cc, const char *json,
		    size_t len, char *cause, size_t causelen);

/* camconf_v4l2.c */
int		 camconf_v4l2_query(const struct source *src,
		    struct settings *st, char *cause, size_t causelen);
void		 camconf_v4l2_set(const struct source *src,
		    const struct settings_ctrl *c);

#endif
