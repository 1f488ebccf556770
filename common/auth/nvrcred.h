/* SPDX-License-Identifier: ISC */
/*
 * nvrcred.h: the NVR credentials file (docs/auth.md): "user:password"
 * lines for the clients that must prove a password without sending it,
 * RTSP Digest (RFC 2617) and ONVIF's WS-UsernameToken, which need the
 * password itself on the server's side.  The file is private to the
 * daemons that read it; its passwords are made by `campipe-passwd --nvr`
 * and used nowhere else.
 */
#ifndef CAMPIPE_NVRCRED_H
#define CAMPIPE_NVRCRED_H

#include <stddef.h>

#define NVRCRED_MAX_USER	64
#define NVRCRED_MIN_PASS	12
#define NVRCRED_MAX_PASS	128
#define NVRCRED_MAX_USERS	64
#define NVRCRED_MAX_FILE	(NVRCRED_MAX_USERS * 200)

struct nvrcred;

/*
 * Parses the file's text: one "user:password" per line, '#' comments and
 * empty lines skipped; users as in htpasswd files (printable, no space or
 * ':'), each once; passwords NVRCRED_MIN_PASS to NVRCRED_MAX_PASS bytes
 * of printable ASCII without space; at least one user.  NULL with cause
 * (naming the line).
 */
struct nvrcred	*nvrcred_parse(const char *buf, size_t len, char *cause,
		    size_t causelen);
/* Reads and parses a file private to its owner and group; NULL with cause. */
struct nvrcred	*nvrcred_load(const char *path, char *cause, size_t causelen);
/* Frees the table, wiping the passwords. */
void		 nvrcred_free(struct nvrcred *);
size_t		 nvrcred_count(const struct nvrcred *);
/* The password of user, or NULL. */
const char	*nvrcred_password(const struct nvrcred *, const char *user);

#endif
