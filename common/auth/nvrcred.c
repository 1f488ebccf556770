/* SPDX-License-Identifier: ISC */
/* nvrcred.c: the NVR credentials file, "user:password" lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "nvrcred.h"
#include "secret_file.h"

struct nvrcred_entry {
	char	 user[NVRCRED_MAX_USER + 1];
	char	 pass[NVRCRED_MAX_PASS + 1];
};

struct nvrcred {
	struct nvrcred_entry	*entries;
	size_t			 n;
};

/* Why a user name or password is refused, or NULL. */
static const char *
nvrcred_problem(const char *s, size_t len, size_t min, size_t max,
    const char *what)
{
	static char	 why[64];
	size_t		 i;

	if (len < min || len > max) {
		snprintf(why, sizeof(why), "%s of %zu to %zu bytes expected",
		    what, min, max);
		return (why);
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f) {
			snprintf(why, sizeof(why), "space, control or "
			    "non-ASCII byte in %s", what);
			return (why);
		}
	return (NULL);
}

/* Adds one "user:password" line; -1 with cause. */
static int
nvrcred_add(struct nvrcred *t, const char *line, size_t len, size_t lineno,
    char *cause, size_t causelen)
{
	struct nvrcred_entry	*e;
	const char		*colon, *why;
	size_t			 ulen, i;

	if ((colon = memchr(line, ':', len)) == NULL) {
		snprintf(cause, causelen, "line %zu: \"user:password\" "
		    "expected", lineno);
		return (-1);
	}
	ulen = (size_t)(colon - line);
	if ((why = nvrcred_problem(line, ulen, 1, NVRCRED_MAX_USER,
	    "the user name")) != NULL ||
	    (why = nvrcred_problem(colon + 1, len - ulen - 1,
	    NVRCRED_MIN_PASS, NVRCRED_MAX_PASS, "the password")) != NULL) {
		snprintf(cause, causelen, "line %zu: %s", lineno, why);
		return (-1);
	}
	if (t->n == NVRCRED_MAX_USERS) {
		snprintf(cause, causelen, "line %zu: more than %d users",
		    lineno, NVRCRED_MAX_USERS);
		return (-1);
	}
	for (i = 0; i < t->n; i++)
		if (strlen(t->entries[i].user) == ulen &&
		    memcmp(t->entries[i].user, line, ulen) == 0) {
			snprintf(cause, causelen, "line %zu: user \"%.*s\" "
			    "again", lineno, (int)ulen, line);
			return (-1);
		}
	e = &t->entries[t->n++];
	memcpy(e->user, line, ulen);
	memcpy(e->pass, colon + 1, len - ulen - 1);
	return (0);
}

/* Parses the text of a credentials file. */
struct nvrcred *
nvrcred_parse(const char *buf, size_t len, char *cause, size_t causelen)
{
	struct nvrcred	*t;
	const char	*p = buf, *end = buf + len, *nl;
	size_t		 n, lineno = 0;

	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->entries = calloc(NVRCRED_MAX_USERS,
	    sizeof(*t->entries))) == NULL) {
		free(t);
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (nl != NULL ? nl : end) - p;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > 0 && p[0] != '#' &&
		    nvrcred_add(t, p, n, lineno, cause, causelen) == -1) {
			nvrcred_free(t);
			return (NULL);
		}
		p += (nl != NULL ? (size_t)(nl - p) + 1 : (size_t)(end - p));
	}
	if (t->n == 0) {
		snprintf(cause, causelen, "no users");
		nvrcred_free(t);
		return (NULL);
	}
	return (t);
}

/* Reads and parses a private file. */
struct nvrcred *
nvrcred_load(const char *path, char *cause, size_t causelen)
{
	struct nvrcred	*t;
	char		*buf, why[256];
	size_t		 len;

	if (secret_file_read(path, NVRCRED_MAX_FILE, 1, &buf, &len, cause,
	    causelen) == -1)
		return (NULL);
	if ((t = nvrcred_parse(buf, len, why, sizeof(why))) == NULL)
		snprintf(cause, causelen, "%s: %s", path, why);
	OPENSSL_cleanse(buf, len);
	free(buf);
	return (t);
}

/* Frees the table, wiping it. */
void
nvrcred_free(struct nvrcred *t)
{
	if (t == NULL)
		return;
	OPENSSL_cleanse(t->entries, NVRCRED_MAX_USERS * sizeof(*t->entries));
	free(t->entries);
	free(t);
}

/* How many users. */
size_t
nvrcred_count(const struct nvrcred *t)
{
	return (t->n);
}

/* A user's password. */
const char *
nvrcred_password(const struct nvrcred *t, const char *user)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->entries[i].user, user) == 0)
			return (t->entries[i].pass);
	return (NULL);
}
