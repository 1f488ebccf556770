/* SPDX-License-Identifier: ISC */
/*
 * htpasswd.h: a password file of "user:hash" lines, where each hash is a
 * crypt(3) string libxcrypt verifies: bcrypt ($2b$, $2y$), yescrypt ($y$,
 * $gy$), scrypt ($7$) or sha512-crypt ($6$).  Lines starting with '#'
 * and blank lines are ignored; CRLF line ends are accepted.  Plain-text,
 * weak or legacy (DES, MD5, sha256-crypt) and malformed entries are
 * refused at load, naming the line.  Parsing is separate from file I/O so
 * tests feed it exact bytes.
 */
#ifndef CAMPIPE_HTPASSWD_H
#define CAMPIPE_HTPASSWD_H

#include <stddef.h>

#define HTPASSWD_MAX_LINE	512	/* bytes per line, line end excluded */
#define HTPASSWD_MAX_ENTRIES	1024
#define HTPASSWD_MAX_USER	64
#define HTPASSWD_MAX_FILE	(HTPASSWD_MAX_ENTRIES * (HTPASSWD_MAX_LINE + 2))

struct htpasswd;

/*
 * Parses len bytes of password file.  Returns a new table, or NULL with
 * a one-line reason ("line 3: ...") in cause.
 */
struct htpasswd	*htpasswd_parse(const char *buf, size_t len, char *cause,
		    size_t causelen);
/* Reads and parses a file; the cause names the path and the line. */
struct htpasswd	*htpasswd_load(const char *path, char *cause, size_t causelen);
void		 htpasswd_free(struct htpasswd *);
/* Number of users in the table. */
size_t		 htpasswd_count(const struct htpasswd *);

/*
 * Returns 1 if pass is user's password, 0 otherwise.  An unknown user
 * costs one hash computation too, so timing does not tell whether the
 * user exists; hashes are compared in constant time.  Slow by design.
 */
int		 htpasswd_check(struct htpasswd *, const char *user,
		    const char *pass);
/* Returns 1 if user has an entry (a token's user, say), 0 otherwise. */
int		 htpasswd_has(const struct htpasswd *, const char *user);
/*
 * Whether the len bytes at u are a user name a password file may hold:
 * 1 to HTPASSWD_MAX_USER bytes, no space, control byte or ':'.
 */
int		 htpasswd_user_ok(const char *u, size_t len);

#endif
