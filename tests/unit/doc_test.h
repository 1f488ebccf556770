/* SPDX-License-Identifier: ISC */
/*
 * doc_test.h: examples in docs/ checked byte for byte: a test reads the
 * fenced block that follows a marker sentence in a document, so the
 * document and the code cannot drift apart.  Tests run from the top of the
 * source tree (make unit).
 */
#ifndef CAMPIPE_DOC_TEST_H
#define CAMPIPE_DOC_TEST_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Copies into out the lines of the first ``` block after the first line of
 * path containing marker, each ended by '\n'.  Returns the length, or -1
 * (with a line on stderr) if the file, the marker or the block is missing
 * or out is too small.
 */
static long
doc_block(const char *path, const char *marker, char *out, size_t outsize)
{
	FILE	*f;
	char	 line[512];
	size_t	 n = 0, len;
	int	 state = 0;	/* 0: marker, 1: fence, 2: block */

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "doc_block: cannot open %s (run from the "
		    "source tree)\n", path);
		return (-1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (state == 0 && strstr(line, marker) != NULL)
			state = 1;
		else if (state == 1 && strncmp(line, "```", 3) == 0)
			state = 2;
		else if (state == 2 && strncmp(line, "```", 3) == 0) {
			fclose(f);
			out[n] = '\0';
			return ((long)n);
		} else if (state == 2) {
			len = strlen(line);
			if (n + len + 1 > outsize)
				break;
			memcpy(out + n, line, len);
			n += len;
		}
	}
	fclose(f);
	fprintf(stderr, "doc_block: no block after \"%s\" in %s\n", marker,
	    path);
	return (-1);
}

/*
 * Reads the hex pairs at the start of each line, one space apart; two
 * spaces or more begin the comment column.
 */
static inline size_t
doc_hex(const char *s, unsigned char *out, size_t outsize)
{
	size_t	 n = 0;

	while (*s != '\0') {
		while (isxdigit((unsigned char)s[0]) &&
		    isxdigit((unsigned char)s[1]) &&
		    (s[2] == ' ' || s[2] == '\n') && n < outsize) {
			out[n++] = (unsigned char)strtoul((char[]){ s[0], s[1],
			    '\0' }, NULL, 16);
			s += 2;
			if (s[0] != ' ' || s[1] == ' ')
				break;
			s++;
		}
		s += strcspn(s, "\n");	/* the comment column */
		if (*s == '\n')
			s++;
	}
	return (n);
}

/* Reads a file whole into buf (NUL-terminated); its length or -1. */
static inline long
doc_readfile(const char *path, char *buf, size_t size)
{
	FILE	*f;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "cannot open %s (run from the source tree)\n",
		    path);
		return (-1);
	}
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	return ((long)n);
}

/*
 * doc_block with every line ended by CRLF instead, as SDP is written; the
 * length, or -1.
 */
static inline long
doc_block_crlf(const char *path, const char *marker, char *out, size_t size)
{
	char	*doc;
	size_t	 i, n = 0;
	long	 len;

	if ((doc = malloc(size)) == NULL)
		return (-1);
	if ((len = doc_block(path, marker, doc, size)) <= 0) {
		free(doc);
		return (-1);
	}
	for (i = 0; i < (size_t)len && n + 2 < size; i++) {
		if (doc[i] == '\n')
			out[n++] = '\r';
		out[n++] = doc[i];
	}
	out[n] = '\0';
	free(doc);
	return (i == (size_t)len ? (long)n : -1);
}

#endif
