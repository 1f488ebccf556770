/* SPDX-License-Identifier: ISC */
/*
 * fakecam.c: the doors through which programs reach the fake camera.
 *
 * Opening FAKECAM_DEVICE (default /dev/video0) returns one end of a Unix
 * socket pair, so poll, select and epoll work untouched: the other end
 * writes one byte per finished buffer, and closing it with unread data
 * makes the program's end report POLLERR, as an unplugged camera does.
 * The socket's send side is filled so that it is never writable.
 *
 * Environment:
 *   FAKECAM_DEVICES=P1,P2	several devices (at most 4), each with a
 *				picture of its own: the first as one device
 *				alone, the others tinted (see fakecam_frame.c)
 *   FAKECAM_DEVICE=PATH	one device's path (default /dev/video0)
 *   FAKECAM_FORMATS=MJPG,YUYV	formats offered, in order (also UYVY, H264)
 *   FAKECAM_H264=FILE		H264's access units (fakecam_h264.c)
 *   FAKECAM_NODHT=1		MJPEG frames without Huffman tables
 *   FAKECAM_NOFLIP=1		no hflip/vflip controls
 *   FAKECAM_BUSY=N		the first N opens fail with EBUSY
 *   FAKECAM_CONTROL=FILE	a file holding "ok", "busy" or "unplug"
 *   FAKECAM_DEBUG=1		trace each ioctl on stderr
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fakecam.h"


struct fakecam_dev	 fakecam_devs[FAKECAM_NDEV] = {
	{ .lock = PTHREAD_MUTEX_INITIALIZER },
	{ .lock = PTHREAD_MUTEX_INITIALIZER },
	{ .lock = PTHREAD_MUTEX_INITIALIZER },
	{ .lock = PTHREAD_MUTEX_INITIALIZER },
};
int			 fakecam_ndev;
int			 fakecam_debug;

static struct fakecam_file *files[FAKECAM_MAXFD];
static pthread_once_t	 once = PTHREAD_ONCE_INIT;
static pthread_once_t	 env_once = PTHREAD_ONCE_INIT;

static void	init(void);
static void	init_env(void);

/* Reads the environment if not done yet. */
void
fakecam_init_env(void)
{
	pthread_once(&once, init);
	pthread_once(&env_once, init_env);
}

static int	(*real_open)(const char *, int, ...);
static int	(*real_openat)(int, const char *, int, ...);
static int	(*real_close)(int);
static int	(*real_ioctl)(int, unsigned long, ...);
static void	*(*real_mmap)(void *, size_t, int, int, int, off_t);
static int	(*real_munmap)(void *, size_t);
static int	(*real_dup)(int);
static int	(*real_dup2)(int, int);
static int	(*real_dup3)(int, int, int);
static int	(*real_fcntl)(int, int, ...);
static ssize_t	(*real_read)(int, void *, size_t);
static FILE	*(*real_fopen)(const char *, const char *);

/* Writes a trace line when FAKECAM_DEBUG is set. */
void
fakecam_log(const char *fmt, ...)
{
	va_list	 ap;

	if (!fakecam_debug)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "fakecam: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

/* Parses FAKECAM_FORMATS into the device's format list. */
static void
parse_formats(struct fakecam_dev *dev, const char *s)
{
	char		 fcc[5];
	uint32_t	 f;
	int		 i;

	dev->nformats = 0;
	while (s != NULL && *s != '\0' && dev->nformats < 4) {
		for (i = 0; i < 4 && s[i] != '\0' && s[i] != ','; i++)
			fcc[i] = toupper((unsigned char)s[i]);
		fcc[i] = '\0';
		f = v4l2_fourcc(fcc[0], fcc[1], fcc[2], fcc[3]);
		if (f == V4L2_PIX_FMT_MJPEG || f == V4L2_PIX_FMT_YUYV ||
		    f == V4L2_PIX_FMT_UYVY || f == V4L2_PIX_FMT_H264)
			dev->formats[dev->nformats++] = f;
		s = strchr(s, ',');
		if (s != NULL)
			s++;
	}
	if (dev->nformats == 0) {
		dev->formats[dev->nformats++] = V4L2_PIX_FMT_MJPEG;
		dev->formats[dev->nformats++] = V4L2_PIX_FMT_YUYV;
	}
}

/* Copies an environment variable into buf, or def when unset. */
static void
getenv_buf(const char *name, const char *def, char *buf, size_t size)
{
	const char	*s = getenv(name);

	snprintf(buf, size, "%s", s != NULL && *s != '\0' ? s : def);
}

#define REAL(name)	(*(void **)&real_##name = dlsym(RTLD_NEXT, #name))

/* Finds the real functions, once. */
static void
init(void)
{
	REAL(open); REAL(openat); REAL(close); REAL(ioctl); REAL(mmap);
	REAL(munmap); REAL(dup); REAL(dup2); REAL(dup3); REAL(fcntl);
	REAL(read); REAL(fopen);
	fakecam_stat_init();
}

/*
 * Reads the environment, once, when the device is first looked for (not
 * in init: a sanitizer runtime may call the doors before the environment
 * is set up).
 */
static void
init_env(void)
{
	struct fakecam_dev	*dev;
	char			 list[1024], *p, *next, *digits;
	const char		*s;

	fakecam_debug = getenv("FAKECAM_DEBUG") != NULL;
	getenv_buf("FAKECAM_DEVICES", "", list, sizeof(list));
	if (list[0] == '\0')
		getenv_buf("FAKECAM_DEVICE", "/dev/video0", list,
		    sizeof(list));
	for (p = list; p != NULL && fakecam_ndev < FAKECAM_NDEV; p = next) {
		if ((next = strchr(p, ',')) != NULL)
			*next++ = '\0';
		if (*p == '\0')
			continue;
		dev = &fakecam_devs[fakecam_ndev];
		dev->index = fakecam_ndev++;
		snprintf(dev->path, sizeof(dev->path), "%.255s", p);
		getenv_buf("FAKECAM_CONTROL", "", dev->control,
		    sizeof(dev->control));
		for (digits = dev->path + strlen(dev->path);
		    digits > dev->path && isdigit((unsigned char)digits[-1]);
		    digits--)
			;
		dev->minor = atoi(digits);
		dev->nodht = (s = getenv("FAKECAM_NODHT")) != NULL && atoi(s);
		dev->noflip = (s = getenv("FAKECAM_NOFLIP")) != NULL &&
		    atoi(s);
		dev->busy_opens = (s = getenv("FAKECAM_BUSY")) != NULL ?
		    atoi(s) : 0;
		parse_formats(dev, getenv("FAKECAM_FORMATS"));
		fakecam_ioctl_reset(dev);
	}
}

/* Makes every open file of the device fail as an unplugged one does. */
static void
unplug(struct fakecam_dev *dev)
{
	struct fakecam_file	*f;

	for (f = dev->files; f != NULL; f = f->next) {
		f->dead = 1;
		if (f->peer != -1) {
			/* unread data in its queue: ECONNRESET, POLLERR */
			real_close(f->peer);
			f->peer = -1;
		}
	}
	fakecam_queue_free(dev);
	dev->owner = NULL;
}

/* Reads the control file and applies a change of state. */
void
fakecam_fault_poll(struct fakecam_dev *dev)
{
	char	 buf[32];
	ssize_t	 n;
	int	 fd, gone, busy;

	if (dev->control[0] == '\0')
		return;
	if ((fd = real_open(dev->control, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = real_read(fd, buf, sizeof(buf) - 1);
	real_close(fd);
	if (n < 0)
		return;
	buf[n] = '\0';
	gone = strncmp(buf, "unplug", 6) == 0;
	busy = strncmp(buf, "busy", 4) == 0;
	if (gone && !dev->gone) {
		fakecam_log("unplugged");
		unplug(dev);
	} else if (!gone && dev->gone) {
		fakecam_log("plugged in again");
		fakecam_ioctl_reset(dev);
	}
	dev->gone = gone;
	dev->busy = busy;
}

/* Closes a descriptor with the real close(). */
int
fakecam_real_close(int fd)
{
	return real_close(fd);
}

/* Unmaps our own memory with the real munmap(). */
int
fakecam_real_munmap(void *addr, size_t len)
{
	return real_munmap(addr, len);
}

/* Tells whether fd was opened or set non-blocking. */
int
fakecam_is_nonblocking(int fd)
{
	return (real_fcntl(fd, F_GETFL) & O_NONBLOCK) != 0;
}

/* The fake device path names, or NULL. */
struct fakecam_dev *
fakecam_is_device(const char *path)
{
	int	 i;

	pthread_once(&once, init);
	pthread_once(&env_once, init_env);
	if (path == NULL)
		return NULL;
	for (i = 0; i < fakecam_ndev; i++)
		if (strcmp(path, fakecam_devs[i].path) == 0)
			return &fakecam_devs[i];
	return NULL;
}

/* The file behind a descriptor, or NULL if it is not the fake device. */
struct fakecam_file *
fakecam_lookup(int fd)
{
	pthread_once(&once, init);
	if (fd < 0 || fd >= FAKECAM_MAXFD)
		return NULL;
	return files[fd];
}

/* Makes the socket's sending side permanently full (never writable). */
static void
fill_send(int fd)
{
	char	 junk[256];
	int	 sz = 1;

	memset(junk, 0, sizeof(junk));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	while (send(fd, junk, sizeof(junk), MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
		;
}

/* Opens the fake device: a new socket pair registered as a device file. */
static int
device_open(struct fakecam_dev *dev, int flags)
{
	struct fakecam_file	*f;
	int			 sv[2], type = SOCK_STREAM;

	pthread_mutex_lock(&dev->lock);
	fakecam_fault_poll(dev);
	if (dev->gone) {
		pthread_mutex_unlock(&dev->lock);
		errno = ENOENT;
		return -1;
	}
	if (dev->busy || dev->busy_opens > 0) {
		if (dev->busy_opens > 0)
			dev->busy_opens--;
		pthread_mutex_unlock(&dev->lock);
		fakecam_log("open: busy");
		errno = EBUSY;
		return -1;
	}
	if (flags & O_CLOEXEC)
		type |= SOCK_CLOEXEC;
	if (socketpair(AF_UNIX, type, 0, sv) == -1 ||
	    sv[0] >= FAKECAM_MAXFD || (f = calloc(1, sizeof(*f))) == NULL) {
		pthread_mutex_unlock(&dev->lock);
		errno = EMFILE;
		return -1;
	}
	fill_send(sv[0]);
	if (flags & O_NONBLOCK)
		real_fcntl(sv[0], F_SETFL, O_NONBLOCK);
	f->dev = dev;
	f->refs = 1;
	f->fd = sv[0];
	f->peer = sv[1];
	f->prio = V4L2_PRIORITY_DEFAULT;
	dev->prios[f->prio]++;
	f->next = dev->files;
	dev->files = f;
	files[sv[0]] = f;
	pthread_mutex_unlock(&dev->lock);
	fakecam_log("open: fd %d", sv[0]);
	return sv[0];
}

/* Drops one descriptor's reference; the last one releases the file. */
void
fakecam_file_unref(struct fakecam_dev *dev, struct fakecam_file *f)
{
	struct fakecam_file	**pp;

	if (--f->refs > 0)
		return;
	fakecam_queue_release(dev, f);
	for (pp = &dev->files; *pp != NULL; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	if (f->prio >= 0 && f->prio < 4)
		dev->prios[f->prio]--;
	if (f->peer != -1)
		real_close(f->peer);
	free(f);
}

/* The sysfs text of one device's attribute file, or NULL. */
static const char *
sysfs_text(const struct fakecam_dev *dev, const char *path, char *buf,
    size_t size)
{
	const char	*base = strrchr(dev->path, '/');
	const char	*attr;
	char		 dir1[128], dir2[64];

	base = base != NULL ? base + 1 : dev->path;
	snprintf(dir1, sizeof(dir1), "/sys/class/video4linux/%.64s/", base);
	snprintf(dir2, sizeof(dir2), "/sys/dev/char/%d:%d/", FAKECAM_MAJOR,
	    dev->minor);
	if (strncmp(path, dir1, strlen(dir1)) == 0)
		attr = path + strlen(dir1);
	else if (strncmp(path, dir2, strlen(dir2)) == 0)
		attr = path + strlen(dir2);
	else
		return NULL;
	if (strcmp(attr, "uevent") == 0)
		snprintf(buf, size, "MAJOR=%d\nMINOR=%d\nDEVNAME=%.64s\n",
		    FAKECAM_MAJOR, dev->minor, base);
	else if (strcmp(attr, "dev") == 0)
		snprintf(buf, size, "%d:%d\n", FAKECAM_MAJOR, dev->minor);
	else if (strcmp(attr, "name") == 0)
		snprintf(buf, size, dev->index == 0 ? "Fake Camera\n" :
		    "Fake Camera %d\n", dev->index + 1);
	else if (strcmp(attr, "index") == 0)
		snprintf(buf, size, "0\n");
	else
		return NULL;
	return buf;
}

/* The sysfs text of a fake attribute file, or NULL; *devp its device. */
const char *
fakecam_sysfs_text(const char *path, char *buf, size_t size,
    struct fakecam_dev **devp)
{
	const char	*text;
	int		 i;

	for (i = 0; i < fakecam_ndev; i++)
		if ((text = sysfs_text(&fakecam_devs[i], path, buf,
		    size)) != NULL) {
			if (devp != NULL)
				*devp = &fakecam_devs[i];
			return text;
		}
	return NULL;
}

/* Opens a fake sysfs attribute as a memory file; -2 if path is not one. */
static int
sysfs_open(const char *path, int flags)
{
	struct fakecam_dev	*dev;
	char			 buf[256];
	const char		*text;
	int			 fd;

	if (path == NULL || strncmp(path, "/sys/", 5) != 0)
		return -2;
	pthread_once(&once, init);
	pthread_once(&env_once, init_env);
	if ((text = fakecam_sysfs_text(path, buf, sizeof(buf), &dev)) == NULL)
		return -2;
	if (dev->gone) {
		errno = ENOENT;
		return -1;
	}
	fd = memfd_create("fakecam-sysfs", flags & O_CLOEXEC ? MFD_CLOEXEC : 0);
	if (fd == -1)
		return -1;
	if (write(fd, text, strlen(text)) == -1 ||
	    lseek(fd, 0, SEEK_SET) == -1) {
		real_close(fd);
		return -1;
	}
	return fd;
}

/* Common body of every open door. */
static int
do_open(int dirfd, const char *path, int flags, mode_t mode)
{
	struct fakecam_dev	*dev;
	int			 fd;

	if ((dev = fakecam_is_device(path)) != NULL)
		return device_open(dev, flags);
	if ((fd = sysfs_open(path, flags)) != -2)
		return fd;
	if (dirfd == AT_FDCWD)
		return real_open(path, flags, mode);
	return real_openat(dirfd, path, flags, mode);
}

/* Reads the optional mode argument of an open call. */
#define OPEN_MODE(flags, mode) do {					\
	va_list ap;							\
	if ((flags) & (O_CREAT | __O_TMPFILE)) {			\
		va_start(ap, flags);					\
		mode = va_arg(ap, mode_t);				\
		va_end(ap);						\
	}								\
} while (0)

int
open(const char *path, int flags, ...)
{
	mode_t	 mode = 0;

	OPEN_MODE(flags, mode);
	return do_open(AT_FDCWD, path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	mode_t	 mode = 0;

	OPEN_MODE(flags, mode);
	return do_open(AT_FDCWD, path, flags | O_LARGEFILE, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	mode_t	 mode = 0;

	OPEN_MODE(flags, mode);
	return do_open(dirfd, path, flags, mode);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t	 mode = 0;

	OPEN_MODE(flags, mode);
	return do_open(dirfd, path, flags | O_LARGEFILE, mode);
}

int	__open_2(const char *, int);
int	__open64_2(const char *, int);
int	__openat_2(int, const char *, int);
int	__openat64_2(int, const char *, int);

int
__open_2(const char *path, int flags)
{
	return do_open(AT_FDCWD, path, flags, 0);
}

int
__open64_2(const char *path, int flags)
{
	return do_open(AT_FDCWD, path, flags | O_LARGEFILE, 0);
}

int
__openat_2(int dirfd, const char *path, int flags)
{
	return do_open(dirfd, path, flags, 0);
}

int
__openat64_2(int dirfd, const char *path, int flags)
{
	return do_open(dirfd, path, flags | O_LARGEFILE, 0);
}

FILE *
fopen(const char *path, const char *mode)
{
	FILE	*fp;
	int	 fd;

	pthread_once(&once, init);
	if ((fd = sysfs_open(path, O_CLOEXEC)) == -2)
		return real_fopen(path, mode);
	if (fd == -1)
		return NULL;
	if ((fp = fdopen(fd, "r")) == NULL)
		real_close(fd);
	return fp;
}

FILE	*fopen64(const char *, const char *);

FILE *
fopen64(const char *path, const char *mode)
{
	return fopen(path, mode);
}

int
close(int fd)
{
	struct fakecam_file	*f;

	struct fakecam_dev	*dev;

	if ((f = fakecam_lookup(fd)) != NULL) {
		dev = f->dev;
		pthread_mutex_lock(&dev->lock);
		files[fd] = NULL;
		fakecam_file_unref(dev, f);
		pthread_mutex_unlock(&dev->lock);
		fakecam_log("close: fd %d", fd);
	}
	return real_close(fd);
}

/* Registers newfd as another descriptor of oldfd's file. */
static int
dup_done(int oldfd, int newfd)
{
	struct fakecam_file	*f, *old;

	if (newfd < 0 || newfd >= FAKECAM_MAXFD)
		return newfd;
	if ((old = files[newfd]) != NULL) {
		pthread_mutex_lock(&old->dev->lock);
		files[newfd] = NULL;
		fakecam_file_unref(old->dev, old);
		pthread_mutex_unlock(&old->dev->lock);
	}
	if (oldfd >= 0 && oldfd < FAKECAM_MAXFD &&
	    (f = files[oldfd]) != NULL) {
		pthread_mutex_lock(&f->dev->lock);
		f->refs++;
		files[newfd] = f;
		pthread_mutex_unlock(&f->dev->lock);
	}
	return newfd;
}

int
dup(int fd)
{
	pthread_once(&once, init);
	return dup_done(fd, real_dup(fd));
}

int
dup2(int fd, int newfd)
{
	pthread_once(&once, init);
	if (fd == newfd)
		return real_dup2(fd, newfd);
	return dup_done(fd, real_dup2(fd, newfd));
}

int
dup3(int fd, int newfd, int flags)
{
	pthread_once(&once, init);
	return dup_done(fd, real_dup3(fd, newfd, flags));
}

/* Common body of fcntl and fcntl64: follows F_DUPFD. */
static int
do_fcntl(int fd, int cmd, void *arg)
{
	int	 r;

	pthread_once(&once, init);
	r = real_fcntl(fd, cmd, arg);
	if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
		dup_done(fd, r);
	return r;
}

int
fcntl(int fd, int cmd, ...)
{
	va_list	 ap;
	void	*arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return do_fcntl(fd, cmd, arg);
}

int	fcntl64(int, int, ...);

int
fcntl64(int fd, int cmd, ...)
{
	va_list	 ap;
	void	*arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return do_fcntl(fd, cmd, arg);
}

ssize_t
read(int fd, void *buf, size_t len)
{
	if (fakecam_lookup(fd) != NULL) {
		errno = EINVAL;		/* no V4L2_CAP_READWRITE */
		return -1;
	}
	return real_read(fd, buf, len);
}

/* Common body of every ioctl door; requests compare as 32-bit values. */
static int
do_ioctl(int fd, unsigned long request, void *arg)
{
	struct fakecam_file	*f;
	int			 r;

	if ((f = fakecam_lookup(fd)) == NULL)
		return real_ioctl(fd, request, arg);
	pthread_mutex_lock(&f->dev->lock);
	r = fakecam_ioctl(f->dev, f, fd, (unsigned int)request, arg);
	pthread_mutex_unlock(&f->dev->lock);
	if (r > 0) {
		errno = r;
		return -1;
	}
	return r;
}

int
ioctl(int fd, unsigned long request, ...)
{
	va_list	 ap;
	void	*arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	return do_ioctl(fd, request, arg);
}

#if __WORDSIZE == 32
int	__ioctl_time64(int, unsigned long, ...);

int
__ioctl_time64(int fd, unsigned long request, ...)
{
	va_list	 ap;
	void	*arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	return do_ioctl(fd, request, arg);
}
#endif

/* Common body of mmap and mmap64: maps a buffer's memory file. */
static void *
do_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct fakecam_file	*f;
	struct fakecam_buf	*b;
	void			*p;

	if ((f = fakecam_lookup(fd)) == NULL)
		return real_mmap(addr, len, prot, flags, fd, off);
	pthread_mutex_lock(&f->dev->lock);
	b = f->dead ? NULL : fakecam_queue_find_offset(f->dev, off);
	if (b == NULL || b->memfd == -1 || len == 0 || len > b->length ||
	    !(flags & MAP_SHARED)) {
		pthread_mutex_unlock(&f->dev->lock);
		fakecam_log("mmap: fd %d offset %#lx len %zu refused", fd,
		    (long)off, len);
		errno = f->dead ? ENODEV : EINVAL;
		return MAP_FAILED;
	}
	p = real_mmap(addr, len, prot, flags, b->memfd, 0);
	if (p != MAP_FAILED)
		fakecam_queue_mapped(f->dev, b, p, len);
	pthread_mutex_unlock(&f->dev->lock);
	return p;
}

void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return do_mmap(addr, len, prot, flags, fd, off);
}

void *
mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
	return do_mmap(addr, len, prot, flags, fd, off);
}

int
munmap(void *addr, size_t len)
{
	int	 i;

	pthread_once(&once, init);
	for (i = 0; i < fakecam_ndev; i++) {
		pthread_mutex_lock(&fakecam_devs[i].lock);
		fakecam_queue_unmapped(&fakecam_devs[i], addr, len);
		pthread_mutex_unlock(&fakecam_devs[i].lock);
	}
	return real_munmap(addr, len);
}
