/* SPDX-License-Identifier: ISC */
/*
 * settings_state.h: the settings in force at run time (docs/control.md):
 * what GET and PATCH /settings see and change, applied to the source
 * (live, or by a restart) and kept in the --state file.
 */
#ifndef CAPD_SETTINGS_STATE_H
#define CAPD_SETTINGS_STATE_H

#include <stddef.h>

struct framesock;
struct settings;
struct settings_ctrl;
struct settings_state;
struct source;
struct source_conf;

/*
 * Takes over sconf (its values and its ctrls list) for changes; state is
 * the --state file or NULL.  NULL on ENOMEM.
 */
struct settings_state *settings_state_new(struct source_conf *sconf,
		    const char *state);
void		 settings_state_free(struct settings_state *cc);
/*
 * Attaches the running pieces, reads the camera's controls and applies
 * the state file; a missing file is fine, a corrupt one is logged and
 * ignored.
 */
void		 settings_state_start(struct settings_state *cc,
		    struct source *src, struct framesock *srv);
/* GET /settings: a malloc'd JSON document, or NULL on ENOMEM. */
char		*settings_state_describe(struct settings_state *cc);
/*
 * PATCH /settings: validates, applies and saves a change, all or nothing.
 * 0, or -1 with the reason in cause.
 */
int		 settings_state_change(struct settings_state *cc,
		    const char *json, size_t len, char *cause,
		    size_t causelen);

/* settings_state_v4l2.c */
int		 settings_state_v4l2_query(const struct source *src,
		    struct settings *st, char *cause, size_t causelen);
void		 settings_state_v4l2_set(const struct source *src,
		    const struct settings_ctrl *c);

#endif
