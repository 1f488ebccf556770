/* SPDX-License-Identifier: ISC */
/*
 * auth_dir_write.h: what `campipe-passwd --admin` changes in the
 * directory of credentials (auth_dir.h).  Each file is written whole to
 * a new file, mode 0640 and group gid, then renamed over the old one, so
 * a daemon reading it sees the old or the new, never half.
 */
#ifndef CAMPIPE_AUTH_DIR_WRITE_H
#define CAMPIPE_AUTH_DIR_WRITE_H

#include <sys/types.h>
#include <stddef.h>

/*
 * Makes dir (mode 0750, group gid) if missing; an existing one gets group
 * gid and the group's read and search bits, others' write bit removed.
 * 1 if made, 2 if changed, 0 if already right, or -1 with cause.
 */
int	auth_dir_make(const char *dir, gid_t gid, char *cause,
	    size_t causelen);
/*
 * Puts line ("user:hash", no line end) in dir/htpasswd in place of user's
 * old line, or at the end.  1 if added, 0 if replaced, -1 with cause (the
 * file is then unchanged).
 */
int	auth_dir_set_password(const char *dir, gid_t gid, const char *user,
	    const char *line, char *cause, size_t causelen);
/* Makes dir/token.key (32 random bytes) if missing: 1 made, 0 there, -1. */
int	auth_dir_make_key(const char *dir, gid_t gid, char *cause,
	    size_t causelen);
/* Adds user to dir/admins: 1 added, 0 there already, -1 with cause. */
int	auth_dir_add_admin(const char *dir, gid_t gid, const char *user,
	    char *cause, size_t causelen);

#endif
