/* SPDX-License-Identifier: ISC */
/* privdrop.c: switching from root to an unprivileged user for good. */
#include <sys/syscall.h>
#include <sys/types.h>

#include <linux/capability.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "privdrop.h"

#define PRIVDROP_MAX_GROUPS	64

/* Looks up a user by name, or by number if the name is all digits. */
int
privdrop_lookup(const char *user, uid_t *uid, gid_t *gid, char *cause,
    size_t causelen)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[4096], *end;
	unsigned long	 n;
	int		 rc;

	rc = getpwnam_r(user, &pw, buf, sizeof(buf), &res);
	if (res == NULL && rc == 0 && *user != '\0') {
		errno = 0;
		n = strtoul(user, &end, 10);
		if (errno == 0 && *end == '\0' && n < UINT_MAX)
			rc = getpwuid_r(n, &pw, buf, sizeof(buf), &res);
	}
	if (res == NULL) {
		snprintf(cause, causelen, "user \"%s\": %s", user,
		    rc != 0 ? strerror(rc) : "no such user");
		return (-1);
	}
	*uid = pw.pw_uid;
	*gid = pw.pw_gid;
	return (0);
}

/* Resolves a group name (or number) to its gid. */
static int
privdrop_group(const char *name, gid_t *gid, char *cause, size_t causelen)
{
	struct group	 gr, *res = NULL;
	char		 buf[16384], *end;
	unsigned long	 n;
	int		 rc;

	rc = getgrnam_r(name, &gr, buf, sizeof(buf), &res);
	if (res != NULL) {
		*gid = gr.gr_gid;
		return (0);
	}
	errno = 0;
	n = strtoul(name, &end, 10);
	if (rc == 0 && *name != '\0' && errno == 0 && *end == '\0' &&
	    n < UINT_MAX) {
		*gid = n;
		return (0);
	}
	snprintf(cause, causelen, "group \"%s\": %s", name,
	    rc != 0 ? strerror(rc) : "no such group");
	return (-1);
}

/* Sets the supplementary groups: the user's own, or exactly the list. */
static int
privdrop_groups(const char *user, gid_t gid, const char *const *keep,
    char *cause, size_t causelen)
{
	gid_t	 gids[PRIVDROP_MAX_GROUPS];
	size_t	 n = 0;

	if (keep == NULL) {
		if (initgroups(user, gid) == -1) {
			snprintf(cause, causelen, "initgroups %s: %s", user,
			    strerror(errno));
			return (-1);
		}
		return (0);
	}
	for (; *keep != NULL; keep++) {
		if (n == PRIVDROP_MAX_GROUPS) {
			snprintf(cause, causelen, "more than %d groups",
			    PRIVDROP_MAX_GROUPS);
			return (-1);
		}
		if (privdrop_group(*keep, &gids[n], cause, causelen) == -1)
			return (-1);
		n++;
	}
	if (setgroups(n, gids) == -1) {
		snprintf(cause, causelen, "setgroups: %s", strerror(errno));
		return (-1);
	}
	return (0);
}

/* Checks that ids are all the user's and no capability is left. */
static int
privdrop_verify(uid_t uid, gid_t gid, char *cause, size_t causelen)
{
	struct __user_cap_header_struct	 hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct	 data[2];
	uid_t				 r, e, s;
	gid_t				 rg, eg, sg;

	if (getresuid(&r, &e, &s) == -1 || r != uid || e != uid || s != uid ||
	    getresgid(&rg, &eg, &sg) == -1 || rg != gid || eg != gid ||
	    sg != gid) {
		snprintf(cause, causelen, "ids not switched to %u:%u",
		    (unsigned)uid, (unsigned)gid);
		return (-1);
	}
	if (setuid(0) != -1 || seteuid(0) != -1 || setgid(0) != -1) {
		snprintf(cause, causelen, "root could be regained");
		return (-1);
	}
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) == -1) {
		snprintf(cause, causelen, "capget: %s", strerror(errno));
		return (-1);
	}
	if (data[0].effective || data[0].permitted || data[1].effective ||
	    data[1].permitted) {
		snprintf(cause, causelen, "capabilities remain after the "
		    "switch");
		return (-1);
	}
	return (0);
}

/* Switches to user for good: groups, gids, uids, then checks. */
int
privdrop_user(const char *user, const char *const *keep_groups, char *cause,
    size_t causelen)
{
	uid_t	 uid;
	gid_t	 gid;

	if (privdrop_lookup(user, &uid, &gid, cause, causelen) == -1)
		return (-1);
	if (uid == 0) {
		snprintf(cause, causelen, "user \"%s\" is root", user);
		return (-1);
	}
	if (geteuid() != 0) {
		if (getuid() == uid && geteuid() == uid)
			return (0);
		snprintf(cause, causelen, "not root: cannot switch to user "
		    "\"%s\"", user);
		return (-1);
	}
	if (privdrop_groups(user, gid, keep_groups, cause, causelen) == -1)
		return (-1);
	if (setresgid(gid, gid, gid) == -1) {
		snprintf(cause, causelen, "setresgid %u: %s", (unsigned)gid,
		    strerror(errno));
		return (-1);
	}
	if (setresuid(uid, uid, uid) == -1) {
		snprintf(cause, causelen, "setresuid %u: %s", (unsigned)uid,
		    strerror(errno));
		return (-1);
	}
	return (privdrop_verify(uid, gid, cause, causelen));
}
