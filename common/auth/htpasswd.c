/* SPDX-License-Identifier: ISC */
/* htpasswd.c: loads "user:hash" password files and checks passwords. */
#include <sys/stat.h>

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "htpasswd.h"
#include "secret_file.h"

struct htpasswd_entry {
	char			 user[HTPASSWD_MAX_USER + 1];	/* zero-padded */
	char			*hash;
};

struct htpasswd {
	struct htpasswd_entry	*entries;
	size_t			 n;
	struct crypt_data	*cd;		/* crypt_rn's work area */
};

/* A supported hash method: its prefix and the length of its digest. */
struct htpasswd_method {
	const char		*prefix;
	size_t			 digest;	/* 0 for bcrypt's own layout */
};

static const struct htpasswd_method htpasswd_methods[] = {
	{ "$2b$", 0 },
	{ "$2y$", 0 },
	{ "$y$", 43 },
	{ "$gy$", 43 },
	{ "$7$", 43 },
	{ "$6$", 86 },
};

/* Tells whether c belongs to crypt(3)'s base-64 alphabet. */
static int
htpasswd_b64char(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '/');
}

/* Checks bcrypt's layout: $2b$NN$ then 22 salt and 31 digest characters. */
static int
htpasswd_bcrypt_ok(const char *h, size_t len)
{
	size_t	 i;
	int	 cost;

	if (len != 60 || h[6] != '$' || h[4] < '0' || h[4] > '3' ||
	    h[5] < '0' || h[5] > '9')
		return (0);
	cost = (h[4] - '0') * 10 + (h[5] - '0');
	if (cost < 4 || cost > 31)
		return (0);
	for (i = 7; i < len; i++)
		if (!htpasswd_b64char((unsigned char)h[i]))
			return (0);
	return (1);
}

/* Checks "PREFIX params$salt$digest": parameters, salt, fixed-size digest. */
static int
htpasswd_modular_ok(const char *h, size_t len, size_t plen, size_t digest)
{
	const char	*last;
	size_t		 i;
	int		 c;

	last = memrchr(h, '$', len);
	if (last == NULL || (size_t)(last - h) <= plen ||
	    (size_t)(h + len - last - 1) != digest)
		return (0);
	for (i = plen; i < len; i++) {
		c = (unsigned char)h[i];
		if (!htpasswd_b64char(c) && c != '$' && c != '=' && c != ',')
			return (0);
	}
	return (1);
}

/* Checks a hash; returns NULL if usable, else why not. */
static const char *
htpasswd_hash_problem(const char *h, size_t len)
{
	const struct htpasswd_method	*m;
	size_t				 i, plen;
	int				 ok;

	if (len == 0)
		return ("empty hash");
	if (h[0] != '$')
		return ("plain-text password or DES hash refused; store a "
		    "crypt(3) hash (campipe-passwd makes one)");
	for (i = 0; i < sizeof(htpasswd_methods) / sizeof(*m); i++) {
		m = &htpasswd_methods[i];
		plen = strlen(m->prefix);
		if (len < plen || strncmp(h, m->prefix, plen) != 0)
			continue;
		if (m->digest == 0)
			ok = htpasswd_bcrypt_ok(h, len);
		else
			ok = htpasswd_modular_ok(h, len, plen, m->digest);
		return (ok ? NULL : "malformed hash");
	}
	return ("unsupported or weak hash method; use bcrypt ($2b$), "
	    "yescrypt ($y$) or sha512-crypt ($6$)");
}

/* Checks a user name: printable, no ':', bounded. */
static const char *
htpasswd_user_problem(const char *u, size_t len)
{
	size_t	 i;

	if (len == 0)
		return ("empty user name");
	if (len > HTPASSWD_MAX_USER)
		return ("user name too long");
	for (i = 0; i < len; i++)
		if ((unsigned char)u[i] <= ' ' || u[i] == 0x7f)
			return ("control character or space in user name");
	return (NULL);
}

/* True if the len bytes at u are a user name the file may hold. */
int
htpasswd_user_ok(const char *u, size_t len)
{
	return (htpasswd_user_problem(u, len) == NULL &&
	    memchr(u, ':', len) == NULL);
}

/* Adds the entry of one non-comment line; -1 with cause on error. */
static int
htpasswd_add(struct htpasswd *h, const char *line, size_t len, size_t lineno,
    char *cause, size_t causelen)
{
	struct htpasswd_entry	*e;
	const char		*colon, *why;
	size_t			 ulen, i;

	colon = memchr(line, ':', len);
	if (colon == NULL) {
		snprintf(cause, causelen, "line %zu: no ':' between user and "
		    "hash", lineno);
		return (-1);
	}
	ulen = colon - line;
	if ((why = htpasswd_user_problem(line, ulen)) == NULL)
		why = htpasswd_hash_problem(colon + 1, len - ulen - 1);
	if (why != NULL) {
		snprintf(cause, causelen, "line %zu: %s", lineno, why);
		return (-1);
	}
	for (i = 0; i < h->n; i++) {
		if (strlen(h->entries[i].user) == ulen &&
		    memcmp(h->entries[i].user, line, ulen) == 0) {
			snprintf(cause, causelen, "line %zu: duplicate user "
			    "\"%s\"", lineno, h->entries[i].user);
			return (-1);
		}
	}
	if (h->n == HTPASSWD_MAX_ENTRIES) {
		snprintf(cause, causelen, "line %zu: more than %d users",
		    lineno, HTPASSWD_MAX_ENTRIES);
		return (-1);
	}
	e = &h->entries[h->n];
	memset(e->user, 0, sizeof(e->user));
	memcpy(e->user, line, ulen);
	if ((e->hash = strndup(colon + 1, len - ulen - 1)) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (-1);
	}
	if (crypt_checksalt(e->hash) != CRYPT_SALT_OK) {
		snprintf(cause, causelen, "line %zu: hash method disabled or "
		    "too weak in this libcrypt", lineno);
		free(e->hash);
		return (-1);
	}
	h->n++;
	return (0);
}

/* Parses a whole password file held in memory. */
struct htpasswd *
htpasswd_parse(const char *buf, size_t len, char *cause, size_t causelen)
{
	struct htpasswd	*h;
	const char	*p = buf, *end = buf + len, *nl, *s;
	size_t		 n, lineno = 0;

	if (memchr(buf, '\0', len) != NULL) {
		snprintf(cause, causelen, "NUL byte in password file");
		return (NULL);
	}
	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (h->entries = calloc(HTPASSWD_MAX_ENTRIES,
	    sizeof(*h->entries))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		goto fail;
	}
	for (; p < end; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		n = nl - p;
		while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' ||
		    p[n - 1] == '\t'))
			n--;
		if (n > HTPASSWD_MAX_LINE) {
			snprintf(cause, causelen, "line %zu: longer than %d "
			    "bytes", lineno, HTPASSWD_MAX_LINE);
			goto fail;
		}
		for (s = p; s < p + n && (*s == ' ' || *s == '\t'); s++)
			;
		if (s == p + n || *s == '#')
			continue;
		if (s != p) {
			snprintf(cause, causelen, "line %zu: leading white "
			    "space", lineno);
			goto fail;
		}
		if (htpasswd_add(h, p, n, lineno, cause, causelen) == -1)
			goto fail;
	}
	if (h->n == 0) {
		snprintf(cause, causelen, "no users in password file");
		goto fail;
	}
	return (h);
fail:
	htpasswd_free(h);
	return (NULL);
}

/* Reads a password file, bounded in size, and parses it. */
struct htpasswd *
htpasswd_load(const char *path, char *cause, size_t causelen)
{
	struct htpasswd	*h;
	char		*buf, why[256];
	size_t		 len;

	if (secret_file_read(path, HTPASSWD_MAX_FILE, 0, &buf, &len, cause,
	    causelen) == -1)
		return (NULL);
	if ((h = htpasswd_parse(buf, len, why, sizeof(why))) == NULL)
		snprintf(cause, causelen, "%s: %s", path, why);
	free(buf);
	return (h);
}

/* Frees a table. */
void
htpasswd_free(struct htpasswd *h)
{
	size_t	 i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n; i++)
		free(h->entries[i].hash);
	free(h->entries);
	if (h->cd != NULL)
		OPENSSL_cleanse(h->cd, sizeof(*h->cd));
	free(h->cd);
	free(h);
}

/* Returns the number of users. */
size_t
htpasswd_count(const struct htpasswd *h)
{
	return (h->n);
}

/* Verifies a password; unknown users cost the same hash as known ones. */
int
htpasswd_check(struct htpasswd *h, const char *user, const char *pass)
{
	char		 padded[HTPASSWD_MAX_USER + 1];
	const char	*hash, *out;
	size_t		 i, ulen, hlen;
	int		 found = -1, ok;

	if (user == NULL || pass == NULL ||
	    (ulen = strlen(user)) > HTPASSWD_MAX_USER)
		return (0);
	if (h->cd == NULL && (h->cd = calloc(1, sizeof(*h->cd))) == NULL)
		return (0);
	memset(padded, 0, sizeof(padded));
	memcpy(padded, user, ulen);
	/* Every entry is compared, whichever matches. */
	for (i = 0; i < h->n; i++)
		if (CRYPTO_memcmp(h->entries[i].user, padded,
		    sizeof(padded)) == 0 && found == -1)
			found = i;
	/* An unknown user is checked against the first hash, then refused. */
	hash = h->entries[found == -1 ? 0 : found].hash;
	hlen = strlen(hash);
	out = crypt_rn(pass, hash, h->cd, sizeof(*h->cd));
	ok = out != NULL && strlen(out) == hlen &&
	    CRYPTO_memcmp(out, hash, hlen) == 0;
	OPENSSL_cleanse(h->cd, sizeof(*h->cd));
	return (ok && found != -1);
}

/* Says whether the file names user. */
int
htpasswd_has(const struct htpasswd *h, const char *user)
{
	size_t	 i;

	for (i = 0; i < h->n; i++)
		if (strcmp(h->entries[i].user, user) == 0)
			return (1);
	return (0);
}
