/* SPDX-License-Identifier: ISC */
/*
 * secret_file.h: reads a small file of credentials whole, bounded in
 * size, optionally refusing one that others than its owner and group may
 * read.
 */
#ifndef CAMPIPE_SECRET_FILE_H
#define CAMPIPE_SECRET_FILE_H

#include <stddef.h>

/*
 * Reads path (a regular file of at most max bytes) into a new buffer,
 * NUL-terminated; with private set, a file readable or writable by
 * others is refused.  0 with *buf (free it) and *len, or -1 with cause.
 */
int	secret_file_read(const char *path, size_t max, int private,
	    char **buf, size_t *len, char *cause, size_t causelen);

#endif
