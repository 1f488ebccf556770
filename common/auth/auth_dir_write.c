/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "auth_dir.h"
#include "auth_dir_write.h"
#include "htpasswd.h"
#include "secret_file.h"

/* dir/name into path; -1 with cause if too long. */
static int
auth_dir_path(const char *dir, const char *name, char *path, char *cause,
    size_t causelen)
{
	int	 n;

	n = snprintf(path, PATH_MAX, "%s/%s", dir, name);
	if (n < 0 || n >= PATH_MAX) {
		snprintf(cause, causelen, "%s: path too long", dir);
		return (-1);
	}
	return (0);
}

/* Writes len bytes as dir/name, mode 0640 and group gid, atomically. */
static int
auth_dir_replace(const char *dir, const char *name, gid_t gid,
    const void *data, size_t len, char *cause, size_t causelen)
{
	char	 path[PATH_MAX], tmp[PATH_MAX + 8];
	int	 fd, saved;

	if (auth_dir_path(dir, name, path, cause, causelen) == -1)
		return (-1);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		snprintf(cause, causelen, "%s: %s", tmp, strerror(errno));
		return (-1);
	}
	if (fchown(fd, (uid_t)-1, gid) == -1 || fchmod(fd, 0640) == -1 ||
	    write(fd, data, len) != (ssize_t)len || fsync(fd) == -1) {
		saved = errno;
		close(fd);
		unlink(tmp);
		snprintf(cause, causelen, "%s: %s", tmp, strerror(saved));
		return (-1);
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		snprintf(cause, causelen, "%s: %s", path, strerror(saved));
		return (-1);
	}
	return (0);
}

/* Reads dir/name whole into *buf, or an empty buffer if it is missing. */
static int
auth_dir_read(const char *dir, const char *name, size_t max, char **buf,
    size_t *len, char *cause, size_t causelen)
{
	char	 path[PATH_MAX];

	if (auth_dir_path(dir, name, path, cause, causelen) == -1)
		return (-1);
	if (access(path, F_OK) == -1 && errno == ENOENT) {
		*len = 0;
		if ((*buf = calloc(1, 1)) != NULL)
			return (0);
		snprintf(cause, causelen, "out of memory");
		return (-1);
	}
	return (secret_file_read(path, max, 0, buf, len, cause, causelen));
}

/* Makes the directory or gives group gid what it needs of it. */
int
auth_dir_make(const char *dir, gid_t gid, char *cause, size_t causelen)
{
	struct stat	 st;
	mode_t		 mode;

	if (mkdir(dir, 0750) == 0) {
		if (chown(dir, (uid_t)-1, gid) == -1 || chmod(dir, 0750) == -1)
			goto fail;
		return (1);
	}
	if (errno != EEXIST || stat(dir, &st) == -1)
		goto fail;
	if (!S_ISDIR(st.st_mode)) {
		snprintf(cause, causelen, "%s: not a directory", dir);
		return (-1);
	}
	mode = (st.st_mode & 07777 & ~S_IWOTH) | S_IRGRP | S_IXGRP;
	if (st.st_gid == gid && (st.st_mode & 07777) == mode)
		return (0);
	if (chown(dir, (uid_t)-1, gid) == -1 || chmod(dir, mode) == -1)
		goto fail;
	return (2);
fail:
	snprintf(cause, causelen, "%s: %s", dir, strerror(errno));
	return (-1);
}

/* Replaces or appends user's line in the password file. */
int
auth_dir_set_password(const char *dir, gid_t gid, const char *user,
    const char *line, char *cause, size_t causelen)
{
	struct htpasswd	*h;
	char		*old, *out, *p, *nl, why[256];
	size_t		 len, ulen = strlen(user), n = 0;
	int		 found = 0, r = -1;

	if (auth_dir_read(dir, "htpasswd", HTPASSWD_MAX_FILE, &old, &len,
	    cause, causelen) == -1)
		return (-1);
	if ((out = malloc(len + strlen(line) + 2)) == NULL) {
		snprintf(cause, causelen, "out of memory");
		goto done;
	}
	for (p = old; p < old + len; p = nl + 1) {
		if ((nl = memchr(p, '\n', old + len - p)) == NULL)
			nl = old + len;
		if (strncmp(p, user, ulen) == 0 && p[ulen] == ':') {
			if (found++)
				continue;
			n += (size_t)sprintf(out + n, "%s\n", line);
			continue;
		}
		memcpy(out + n, p, nl - p);
		n += nl - p;
		out[n++] = '\n';
	}
	if (!found)
		n += (size_t)sprintf(out + n, "%s\n", line);
	/* What is written is what the daemons will load. */
	if ((h = htpasswd_parse(out, n, why, sizeof(why))) == NULL) {
		snprintf(cause, causelen, "%s/htpasswd: %s", dir, why);
		goto done;
	}
	htpasswd_free(h);
	if (auth_dir_replace(dir, "htpasswd", gid, out, n, cause,
	    causelen) == 0)
		r = !found;
done:
	if (out != NULL)
		OPENSSL_cleanse(out, n);
	free(out);
	free(old);
	return (r);
}

/* Makes the token key shared by httpd and wsd if it is missing. */
int
auth_dir_make_key(const char *dir, gid_t gid, char *cause, size_t causelen)
{
	unsigned char	 key[32];
	char		 path[PATH_MAX];
	int		 r;

	if (auth_dir_path(dir, "token.key", path, cause, causelen) == -1)
		return (-1);
	if (access(path, F_OK) == 0)
		return (0);
	if (RAND_bytes(key, sizeof(key)) != 1) {
		snprintf(cause, causelen, "no random bytes");
		return (-1);
	}
	r = auth_dir_replace(dir, "token.key", gid, key, sizeof(key), cause,
	    causelen);
	OPENSSL_cleanse(key, sizeof(key));
	return (r == 0 ? 1 : -1);
}

/* Adds user to the admins file unless it is named there. */
int
auth_dir_add_admin(const char *dir, gid_t gid, const char *user,
    char *cause, size_t causelen)
{
	const char	*names[AUTH_DIR_MAX_ADMINS];
	char		*old, *copy, *out, why[256];
	size_t		 len;
	int		 n, i, r = -1;

	if (auth_dir_read(dir, "admins", AUTH_DIR_MAX_FILE, &old, &len,
	    cause, causelen) == -1)
		return (-1);
	out = malloc(len + strlen(user) + 3);
	if (out == NULL || (copy = strndup(old, len)) == NULL) {
		snprintf(cause, causelen, "out of memory");
		goto done;
	}
	n = auth_dir_admins_parse(copy, len, names, AUTH_DIR_MAX_ADMINS, why,
	    sizeof(why));
	for (i = 0; i < n; i++)
		if (strcmp(names[i], user) == 0)
			break;
	free(copy);
	if (n == -1 || n == AUTH_DIR_MAX_ADMINS) {
		snprintf(cause, causelen, "%s/admins: %s", dir, n == -1 ? why :
		    "full");
		goto done;
	}
	if (i < n) {
		r = 0;
		goto done;
	}
	memcpy(out, old, len);
	if (len > 0 && old[len - 1] != '\n')
		out[len++] = '\n';
	len += (size_t)sprintf(out + len, "%s\n", user);
	if (auth_dir_replace(dir, "admins", gid, out, len, cause,
	    causelen) == 0)
		r = 1;
done:
	free(out);
	free(old);
	return (r);
}
