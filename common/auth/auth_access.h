/* SPDX-License-Identifier: ISC */
/*
 * auth_access.h: which users may watch which camera (docs/auth.md,
 * "Cameras for some users"), from --camera-users options and the file
 * DIR/camera-users, each rule one line:
 *
 *   NAME=USER[,USER...]
 *
 * A camera named in no rule is for every user; a camera named is for its
 * users only, on every route of every daemon.  No I/O but reading the
 * file.
 */
#ifndef CAMPIPE_AUTH_ACCESS_H
#define CAMPIPE_AUTH_ACCESS_H

#include <stddef.h>

#include "camname.h"

#define AUTH_ACCESS_CAMERAS	32	/* cameras with rules, at most */
#define AUTH_ACCESS_USERS	16	/* users per camera, at most */
#define AUTH_ACCESS_NAME_MAX	64	/* a user's name, as htpasswd.h's */
#define AUTH_ACCESS_FILE_MAX	8192

struct auth_access_rule {
	char	 camera[CAMNAME_MAX + 1];
	char	 users[AUTH_ACCESS_USERS][AUTH_ACCESS_NAME_MAX + 1];
	int	 nusers;
};

struct auth_access {
	struct auth_access_rule	 rules[AUTH_ACCESS_CAMERAS];
	int			 n;
};

/* Empties the table. */
void	auth_access_init(struct auth_access *t);
/*
 * Adds one rule "NAME=USER[,USER...]" (len bytes of spec): a camera name
 * as in camname.h, user names as in the password file (no ':', no space
 * or control byte), each camera once, each user once in it.  0, or -1
 * with cause.
 */
int	auth_access_add(struct auth_access *t, const char *spec, size_t len,
	    char *cause, size_t causelen);
/*
 * Adds the rules of a file's text (len bytes): one per line, '#' comments
 * and blank lines skipped, CRLF accepted.  0, or -1 with cause naming the
 * line.
 */
int	auth_access_parse(struct auth_access *t, const char *buf, size_t len,
	    char *cause, size_t causelen);
/*
 * Adds the rules of the file at path; a file that does not exist adds
 * none.  0, or -1 with cause.
 */
int	auth_access_load(struct auth_access *t, const char *path, char *cause,
	    size_t causelen);
/*
 * Whether user (NULL or "": nobody signed in) may watch camera: 1 or 0.
 * With no rule for the camera, 1.
 */
int	auth_access_allowed(const struct auth_access *t, const char *camera,
	    const char *user);
/* The first camera of a rule not among names (n of them), or NULL. */
const char *auth_access_unknown(const struct auth_access *t,
	    const char *const *names, int n);

#endif
