/* SPDX-License-Identifier: ISC */
/*
 * fakecam_stat.c: the stat and access doors.  The device path is a
 * character device (major 81) while the camera is plugged in, and the
 * sysfs attributes of fakecam.c are regular files.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fakecam.h"

static int	(*real_stat)(const char *, struct stat *);
static int	(*real_lstat)(const char *, struct stat *);
static int	(*real_fstat)(int, struct stat *);
static int	(*real_fstatat)(int, const char *, struct stat *, int);
static int	(*real_statx)(int, const char *, int, unsigned int,
		    struct statx *);
static int	(*real_access)(const char *, int);
static int	(*real_faccessat)(int, const char *, int, int);

#define REAL(name)	(*(void **)&real_##name = dlsym(RTLD_NEXT, #name))

/* Finds the real stat functions (called once by fakecam.c's init). */
void
fakecam_stat_init(void)
{
	REAL(stat); REAL(lstat); REAL(fstat); REAL(fstatat); REAL(statx);
	REAL(access); REAL(faccessat);
}

/* Fills st as the character device node. */
static int
device_stat(struct fakecam_dev *dev, struct stat *st)
{
	pthread_mutex_lock(&dev->lock);
	fakecam_fault_poll(dev);
	if (dev->gone) {
		pthread_mutex_unlock(&dev->lock);
		errno = ENOENT;
		return -1;
	}
	pthread_mutex_unlock(&dev->lock);
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFCHR | 0660;
	st->st_rdev = makedev(FAKECAM_MAJOR, dev->minor);
	st->st_dev = makedev(0, 5);
	st->st_ino = 1000 + dev->minor;
	st->st_nlink = 1;
	st->st_gid = 44;
	st->st_blksize = 4096;
	return 0;
}

/* Fills st for a fake sysfs attribute; 1 if path is not one. */
static int
sysfs_stat(const char *path, struct stat *st)
{
	char	 buf[256];

	if (path == NULL || strncmp(path, "/sys/", 5) != 0)
		return 1;
	fakecam_init_env();
	if (fakecam_sysfs_text(path, buf, sizeof(buf), NULL) == NULL)
		return 1;
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFREG | 0444;
	st->st_size = 4096;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	return 0;
}

/* Common body of the path-based stat doors; 1 means "not ours". */
static int
path_stat(const char *path, struct stat *st)
{
	struct fakecam_dev	*dev;

	if ((dev = fakecam_is_device(path)) != NULL)
		return device_stat(dev, st);
	return sysfs_stat(path, st);
}

int
stat(const char *path, struct stat *st)
{
	int	 r;

	if ((r = path_stat(path, st)) != 1)
		return r;
	return real_stat(path, st);
}

int
lstat(const char *path, struct stat *st)
{
	int	 r;

	if ((r = path_stat(path, st)) != 1)
		return r;
	return real_lstat(path, st);
}

int
fstat(int fd, struct stat *st)
{
	struct fakecam_file	*f;

	if ((f = fakecam_lookup(fd)) != NULL)
		return device_stat(f->dev, st);
	return real_fstat(fd, st);
}

int
fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	struct fakecam_file	*f;
	int			 r;

	if ((flags & AT_EMPTY_PATH) && *path == '\0' &&
	    (f = fakecam_lookup(dirfd)) != NULL)
		return device_stat(f->dev, st);
	if ((r = path_stat(path, st)) != 1)
		return r;
	return real_fstatat(dirfd, path, st, flags);
}

/* The 64-bit names: struct stat64 is struct stat on LP64. */
#if __WORDSIZE == 64
int
stat64(const char *path, struct stat64 *st)
{
	return stat(path, (struct stat *)st);
}

int
lstat64(const char *path, struct stat64 *st)
{
	return lstat(path, (struct stat *)st);
}

int
fstat64(int fd, struct stat64 *st)
{
	return fstat(fd, (struct stat *)st);
}

int
fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	return fstatat(dirfd, path, (struct stat *)st, flags);
}

/* Older binaries call the versioned wrappers of glibc before 2.33. */
int	__xstat(int, const char *, struct stat *);
int	__lxstat(int, const char *, struct stat *);
int	__fxstat(int, int, struct stat *);
int	__fxstatat(int, int, const char *, struct stat *, int);

int
__xstat(int ver, const char *path, struct stat *st)
{
	return stat(path, st);
}

int
__lxstat(int ver, const char *path, struct stat *st)
{
	return lstat(path, st);
}

int
__fxstat(int ver, int fd, struct stat *st)
{
	return fstat(fd, st);
}

int
__fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags)
{
	return fstatat(dirfd, path, st, flags);
}

/* Same types on LP64: the 64-bit names are aliases. */
int	__xstat64(int, const char *, struct stat *)
	    __attribute__((alias("__xstat")));
int	__lxstat64(int, const char *, struct stat *)
	    __attribute__((alias("__lxstat")));
int	__fxstat64(int, int, struct stat *) __attribute__((alias("__fxstat")));
int	__fxstatat64(int, int, const char *, struct stat *, int)
	    __attribute__((alias("__fxstatat")));
#endif

/* Fills a statx from a stat. */
static void
stat_to_statx(const struct stat *st, struct statx *sx)
{
	memset(sx, 0, sizeof(*sx));
	sx->stx_mask = STATX_BASIC_STATS;
	sx->stx_mode = st->st_mode;
	sx->stx_nlink = st->st_nlink;
	sx->stx_gid = st->st_gid;
	sx->stx_size = st->st_size;
	sx->stx_blksize = st->st_blksize;
	sx->stx_ino = st->st_ino;
	sx->stx_rdev_major = major(st->st_rdev);
	sx->stx_rdev_minor = minor(st->st_rdev);
	sx->stx_dev_major = major(st->st_dev);
	sx->stx_dev_minor = minor(st->st_dev);
}

int
statx(int dirfd, const char *path, int flags, unsigned int mask,
    struct statx *sx)
{
	struct fakecam_file	*f;
	struct stat		 st;
	int			 r = 1;

	if ((flags & AT_EMPTY_PATH) && *path == '\0' &&
	    (f = fakecam_lookup(dirfd)) != NULL)
		r = device_stat(f->dev, &st);
	else
		r = path_stat(path, &st);
	if (r == 1)
		return real_statx(dirfd, path, flags, mask, sx);
	if (r == 0)
		stat_to_statx(&st, sx);
	return r;
}

int
access(const char *path, int mode)
{
	struct stat	 st;
	int		 r;

	if ((r = path_stat(path, &st)) != 1)
		return r;
	return real_access(path, mode);
}

int
faccessat(int dirfd, const char *path, int mode, int flags)
{
	struct stat	 st;
	int		 r;

	if ((r = path_stat(path, &st)) != 1)
		return r;
	return real_faccessat(dirfd, path, mode, flags);
}
