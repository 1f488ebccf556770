/* SPDX-License-Identifier: ISC */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth_dir.h"
#include "htpasswd.h"
#include "secret_file.h"

/* The paths and the admins' names, kept for the process's life. */
static char	auth_dir_paths[4][PATH_MAX];
static char	auth_dir_admins_buf[AUTH_DIR_MAX_FILE + 1];

/* Points *slot to dir/name in buf if *slot is unset and the file exists. */
static int
auth_dir_pick(const char *dir, const char *name, const char **slot,
    char *buf, char *cause, size_t causelen)
{
	int	 n;

	if (slot == NULL || *slot != NULL)
		return (0);
	n = snprintf(buf, PATH_MAX, "%s/%s", dir, name);
	if (n < 0 || n >= PATH_MAX) {
		snprintf(cause, causelen, "%s: path too long", dir);
		return (-1);
	}
	if (access(buf, F_OK) == 0)
		*slot = buf;
	return (0);
}

/* Fills the unset options from the files present in dir. */
int
auth_dir_apply(const char *dir, const char **htpasswd, const char **token_key,
    const char **nvr, char *cause, size_t causelen)
{
	if (auth_dir_pick(dir, "htpasswd", htpasswd, auth_dir_paths[0],
	    cause, causelen) == -1 ||
	    auth_dir_pick(dir, "nvr-credentials", nvr, auth_dir_paths[2],
	    cause, causelen) == -1)
		return (-1);
	if (htpasswd == NULL || *htpasswd == NULL)
		return (0);
	return (auth_dir_pick(dir, "token.key", token_key, auth_dir_paths[1],
	    cause, causelen));
}

/* Points *path to dir/camera-users. */
int
auth_dir_camera_users(const char *dir, const char **path, char *cause,
    size_t causelen)
{
	int	 n;

	if (*path != NULL)
		return (0);
	n = snprintf(auth_dir_paths[3], PATH_MAX, "%s/camera-users", dir);
	if (n < 0 || n >= PATH_MAX) {
		snprintf(cause, causelen, "%s: path too long", dir);
		return (-1);
	}
	*path = auth_dir_paths[3];
	return (0);
}

/* Parses an admins file's text in place. */
int
auth_dir_admins_parse(char *buf, size_t len, const char **names, int max,
    char *cause, size_t causelen)
{
	char	*p = buf, *end = buf + len, *nl;
	int	 n = 0, line = 0, i;

	if (memchr(buf, '\0', len) != NULL) {
		snprintf(cause, causelen, "a NUL byte in the file");
		return (-1);
	}
	while (p < end) {
		line++;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		*nl = '\0';
		if (nl > p && nl[-1] == '\r')
			nl[-1] = '\0';
		if (*p != '\0' && *p != '#') {
			if (!htpasswd_user_ok(p, strlen(p))) {
				snprintf(cause, causelen, "line %d: not a user "
				    "name (1 to %d characters without spaces "
				    "or ':')", line, HTPASSWD_MAX_USER);
				return (-1);
			}
			for (i = 0; i < n; i++)
				if (strcmp(names[i], p) == 0)
					break;
			if (i < n) {
				snprintf(cause, causelen, "line %d: %s is "
				    "named twice", line, p);
				return (-1);
			}
			if (n == max) {
				snprintf(cause, causelen, "line %d: more than "
				    "%d admins", line, max);
				return (-1);
			}
			names[n++] = p;
		}
		p = nl + 1;
	}
	return (n);
}

/* Reads dir/admins if it exists. */
int
auth_dir_admins(const char *dir, const char **names, int max, char *cause,
    size_t causelen)
{
	char	 path[PATH_MAX], why[256], *buf;
	size_t	 len;
	int	 n;

	n = snprintf(path, sizeof(path), "%s/admins", dir);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(cause, causelen, "%s: path too long", dir);
		return (-1);
	}
	if (access(path, F_OK) != 0)
		return (0);
	if (secret_file_read(path, AUTH_DIR_MAX_FILE, 1, &buf, &len, cause,
	    causelen) == -1)
		return (-1);
	memcpy(auth_dir_admins_buf, buf, len);
	free(buf);
	if ((n = auth_dir_admins_parse(auth_dir_admins_buf, len, names, max,
	    why, sizeof(why))) == -1)
		snprintf(cause, causelen, "%s: %s", path, why);
	return (n);
}
