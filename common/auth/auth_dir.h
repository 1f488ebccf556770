/* SPDX-License-Identifier: ISC */
/*
 * auth_dir.h: the directory of credentials the installed daemons read by
 * default (docs/auth.md, "One directory"): DIR/htpasswd, DIR/token.key,
 * DIR/nvr-credentials and DIR/admins, each used when it exists and the
 * matching option is not given.  `campipe-passwd --admin` writes them.
 */
#ifndef CAMPIPE_AUTH_DIR_H
#define CAMPIPE_AUTH_DIR_H

#include <stddef.h>

#define AUTH_DIR_DEFAULT	"/etc/campipe"
#define AUTH_DIR_MAX_ADMINS	16
#define AUTH_DIR_MAX_FILE	4096

/*
 * For each of htpasswd, token_key and nvr that is not NULL and points to
 * NULL, points it to the file of that name in dir if it exists (the
 * token key only with a password file).  The paths live as long as the
 * process.  0, or -1 with cause if dir is too long.
 */
int	auth_dir_apply(const char *dir, const char **htpasswd,
	    const char **token_key, const char **nvr, char *cause,
	    size_t causelen);
/*
 * Points *path, if NULL, to DIR/camera-users (auth_access.h), whether it
 * exists yet or not: a SIGHUP reads it.  0, or -1 with cause.
 */
int	auth_dir_camera_users(const char *dir, const char **path, char *cause,
	    size_t causelen);
/*
 * Parses an admins file held in buf (len bytes, changed in place): one
 * user name per line as in the password file, '#' comments and empty
 * lines skipped, CRLF accepted, each name once, at most max.  names point
 * into buf.  The count, or -1 with cause naming the line.
 */
int	auth_dir_admins_parse(char *buf, size_t len, const char **names,
	    int max, char *cause, size_t causelen);
/*
 * Reads DIR/admins, if it exists, into names (which live as long as the
 * process).  The count (0 without the file), or -1 with cause.
 */
int	auth_dir_admins(const char *dir, const char **names, int max,
	    char *cause, size_t causelen);

#endif
