/* SPDX-License-Identifier: ISC */
/*
 * privdrop.h: leaving root for an unprivileged user, for daemons started as
 * root outside systemd (--user).  Called after the sockets and the camera
 * are open; afterwards the process cannot become root again.
 */
#ifndef CAMPIPE_PRIVDROP_H
#define CAMPIPE_PRIVDROP_H

#include <sys/types.h>
#include <stddef.h>

/*
 * Looks up user (a name or a number): its uid and primary gid.  Returns -1
 * and fills cause if there is no such user.
 */
int	privdrop_lookup(const char *user, uid_t *uid, gid_t *gid, char *cause,
	    size_t causelen);

/*
 * Switches the process to user: supplementary groups become the user's own
 * (from the group database) when keep_groups is NULL, or exactly the groups
 * named in the NULL-terminated keep_groups (none if it is empty); then the
 * real, effective and saved gids and uids become the user's.  Checks that
 * root cannot be regained.  Refuses a user with uid 0.  When not running as
 * root, succeeds only if already running as that user.  Returns -1 and
 * fills cause on error; the process may then be half switched and should
 * exit.
 */
int	privdrop_user(const char *user, const char *const *keep_groups,
	    char *cause, size_t causelen);

#endif
