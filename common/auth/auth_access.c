/* SPDX-License-Identifier: ISC */
/* auth_access.c: the cameras some users only may watch. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth_access.h"
#include "camname.h"
#include "htpasswd.h"
#include "secret_file.h"

/* Empties the table. */
void
auth_access_init(struct auth_access *t)
{
	memset(t, 0, sizeof(*t));
}

/* True if p (len bytes) is a user name of the password file, no ','. */
static int
auth_access_user_ok(const char *p, size_t len)
{
	return (htpasswd_user_ok(p, len) && memchr(p, ',', len) == NULL);
}

/* The rule for camera, or NULL. */
static const struct auth_access_rule *
auth_access_find(const struct auth_access *t, const char *camera,
    size_t len)
{
	int	 i;

	for (i = 0; i < t->n; i++)
		if (strlen(t->rules[i].camera) == len &&
		    memcmp(t->rules[i].camera, camera, len) == 0)
			return (&t->rules[i]);
	return (NULL);
}

/* Adds one rule. */
int
auth_access_add(struct auth_access *t, const char *spec, size_t len,
    char *cause, size_t causelen)
{
	struct auth_access_rule	*r;
	const char		*eq, *p, *end = spec + len, *comma;
	size_t			 n;
	int			 i;

	if ((eq = memchr(spec, '=', len)) == NULL ||
	    camname_check_len(spec, eq - spec) == -1) {
		snprintf(cause, causelen, "not NAME=USER[,USER...]: NAME is 1 "
		    "to %d letters, digits, '-' or '_'", CAMNAME_MAX);
		return (-1);
	}
	if (auth_access_find(t, spec, eq - spec) != NULL) {
		snprintf(cause, causelen, "camera %.*s is given twice",
		    (int)(eq - spec), spec);
		return (-1);
	}
	if (t->n >= AUTH_ACCESS_CAMERAS) {
		snprintf(cause, causelen, "more than %d cameras with users",
		    AUTH_ACCESS_CAMERAS);
		return (-1);
	}
	r = &t->rules[t->n];
	memset(r, 0, sizeof(*r));
	memcpy(r->camera, spec, eq - spec);
	for (p = eq + 1; p <= end; p = comma + 1) {
		if ((comma = memchr(p, ',', end - p)) == NULL)
			comma = end;
		n = comma - p;
		if (!auth_access_user_ok(p, n)) {
			snprintf(cause, causelen, "camera %s: not a user name "
			    "(1 to %d characters without spaces, ':' or ',')",
			    r->camera, AUTH_ACCESS_NAME_MAX);
			return (-1);
		}
		for (i = 0; i < r->nusers; i++)
			if (strlen(r->users[i]) == n &&
			    memcmp(r->users[i], p, n) == 0)
				break;
		if (i < r->nusers) {
			snprintf(cause, causelen, "camera %s: %.*s is named "
			    "twice", r->camera, (int)n, p);
			return (-1);
		}
		if (r->nusers >= AUTH_ACCESS_USERS) {
			snprintf(cause, causelen, "camera %s: more than %d "
			    "users", r->camera, AUTH_ACCESS_USERS);
			return (-1);
		}
		memcpy(r->users[r->nusers++], p, n);
	}
	t->n++;
	return (0);
}

/* Adds the rules of a file's text. */
int
auth_access_parse(struct auth_access *t, const char *buf, size_t len,
    char *cause, size_t causelen)
{
	const char	*p = buf, *end = buf + len, *nl;
	char		 why[256];
	size_t		 n;
	int		 line = 0;

	if (memchr(buf, '\0', len) != NULL) {
		snprintf(cause, causelen, "a NUL byte in the file");
		return (-1);
	}
	for (; p < end; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		n = nl - p;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0 || *p == '#')
			continue;
		if (auth_access_add(t, p, n, why, sizeof(why)) == -1) {
			snprintf(cause, causelen, "line %d: %s", line, why);
			return (-1);
		}
	}
	return (0);
}

/* Adds the rules of a file, if it exists. */
int
auth_access_load(struct auth_access *t, const char *path, char *cause,
    size_t causelen)
{
	char	*buf, why[256];
	size_t	 len;
	int	 rc;

	if (access(path, F_OK) != 0 && errno == ENOENT)
		return (0);
	if (secret_file_read(path, AUTH_ACCESS_FILE_MAX, 0, &buf, &len, cause,
	    causelen) == -1)
		return (-1);
	if ((rc = auth_access_parse(t, buf, len, why, sizeof(why))) == -1)
		snprintf(cause, causelen, "%s: %s", path, why);
	free(buf);
	return (rc);
}

/* Whether user may watch camera. */
int
auth_access_allowed(const struct auth_access *t, const char *camera,
    const char *user)
{
	const struct auth_access_rule	*r;
	int				 i;

	if ((r = auth_access_find(t, camera, strlen(camera))) == NULL)
		return (1);
	if (user == NULL || *user == '\0')
		return (0);
	for (i = 0; i < r->nusers; i++)
		if (strcmp(r->users[i], user) == 0)
			return (1);
	return (0);
}

/* The first camera of a rule that is not among names. */
const char *
auth_access_unknown(const struct auth_access *t, const char *const *names,
    int n)
{
	int	 i, j;

	for (i = 0; i < t->n; i++) {
		for (j = 0; j < n; j++)
			if (strcmp(t->rules[i].camera, names[j]) == 0)
				break;
		if (j == n)
			return (t->rules[i].camera);
	}
	return (NULL);
}
