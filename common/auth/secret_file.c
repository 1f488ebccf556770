/* SPDX-License-Identifier: ISC */
/* secret_file.c: a small credentials file, read whole. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secret_file.h"

/* Reads the file whole, bounded. */
int
secret_file_read(const char *path, size_t max, int private, char **buf,
    size_t *len, char *cause, size_t causelen)
{
	struct stat	 st;
	char		*b = NULL;
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd;

	*buf = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		snprintf(cause, causelen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		snprintf(cause, causelen, "%s: not a regular file of at most "
		    "%zu bytes", path, max);
		goto fail;
	}
	if (private && (st.st_mode & 0007) != 0) {
		snprintf(cause, causelen, "%s: others may read it; make it "
		    "private to its owner and group (chmod 640)", path);
		goto fail;
	}
	if ((b = malloc(max + 1)) == NULL) {
		snprintf(cause, causelen, "out of memory");
		goto fail;
	}
	while (n <= max) {
		r = read(fd, b + n, max + 1 - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(cause, causelen, "%s: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		snprintf(cause, causelen, "%s: larger than %zu bytes", path,
		    max);
		goto fail;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return (0);
fail:
	if (fd != -1)
		close(fd);
	free(b);
	return (-1);
}
