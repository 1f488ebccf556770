/* SPDX-License-Identifier: ISC */
/*
 * urlpath.h: turns the raw path of a request URI into a path safe to look up
 * under the file root.  No I/O.
 */
#ifndef HTTPD_URLPATH_H
#define HTTPD_URLPATH_H

#include <stddef.h>

/*
 * Percent-decodes raw (which must start with '/') into out.  Refuses, with
 * -1: malformed escapes, NUL, control bytes, backslashes, an encoded '/',
 * empty segments ("//"), and any segment starting with '.' (".", "..",
 * hidden files), before or after decoding; a result longer than outsize-1.
 * Returns 0 on success.
 */
int	urlpath_decode(const char *raw, char *out, size_t outsize);

#endif
