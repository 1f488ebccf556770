/* SPDX-License-Identifier: ISC */
/*
 * source_file.c: replays a JPEG, or a file of concatenated JPEGs (MJPEG),
 * at --fps, looping; or, with --source-format h264, an H.264 Annex-B file,
 * an access unit a tick (the first an IDR).  The file is mapped, not read: at start it is split
 * once into an index of frames, and each tick hands the frame straight
 * from the mapping.  Pages already used are given back at once, so memory
 * stays small whatever the file's size.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "jpeg_split.h"
#include "log.h"
#include "source.h"
#include "timeval.h"

/* What is mapped at most: the first bytes of a larger file. */
#define FILE_MAX_SIZE	((size_t)(sizeof(size_t) > 4 ? 1ULL << 36 : 1ULL << 30))
#define FILE_MAX_FRAMES	(1 << 20)	/* index entries at most */

struct file_frame {
	size_t		 off;		/* in the mapping */
	size_t		 len;
	int		 idr;		/* --source-format h264 */
};

struct file_state {
	const unsigned char	*map;
	size_t			 size;
	size_t			 given_back;	/* pages before this dropped */
	int			 one;		/* stop at the first frame */
	struct file_frame	*frames;
	size_t			 nframes, cap;
	size_t			 next;
	struct event		*ev_tick;
};

/* Gives back the mapping's pages in [from, to): they are re-read if needed. */
static void
file_give_back(struct file_state *fs, size_t from, size_t to)
{
	size_t	 page = (size_t)sysconf(_SC_PAGESIZE);

	from = from / page * page;
	to = to / page * page;
	if (to > from)
		madvise((void *)(fs->map + from), to - from, MADV_DONTNEED);
}

/* Adds a frame (or access unit) at off to the index. */
static int
file_add(struct file_state *fs, size_t off, size_t len, int idr)
{
	struct file_frame	*n;

	if (fs->one) {
		fs->nframes = 1;	/* a frame is there: enough */
		return (-1);
	}
	if (fs->nframes == FILE_MAX_FRAMES)
		return (-1);
	if (fs->nframes == fs->cap) {
		n = reallocarray(fs->frames, fs->cap ? fs->cap * 2 : 16,
		    sizeof(*n));
		if (n == NULL)
			return (-1);
		fs->frames = n;
		fs->cap = fs->cap ? fs->cap * 2 : 16;
	}
	fs->frames[fs->nframes].off = off;
	fs->frames[fs->nframes].idr = idr;
	fs->frames[fs->nframes++].len = len;
	return (0);
}

/* An access unit of an H.264 file. */
static void
file_collect_au(size_t off, size_t len, int idr, void *arg)
{
	file_add(arg, off, len, idr);
}

/* Notes where each frame the splitter finds lies in the mapping. */
static void
file_collect(const unsigned char *data, size_t len, void *arg)
{
	struct file_state	*fs = arg;

	/* Fed in one piece, every frame lies in the mapping: no copy. */
	if (!fs->one && (data < fs->map || data + len > fs->map + fs->size))
		return;
	if (file_add(fs, data - fs->map, len, 0) == -1)
		return;
	/* The splitter has gone past everything before this frame. */
	file_give_back(fs, fs->given_back, data - fs->map);
	fs->given_back = data - fs->map;
}

/* Unmaps the file and frees the index. */
static void
file_clear(struct file_state *fs)
{
	if (fs->map != NULL)
		munmap((void *)fs->map, fs->size);
	fs->map = NULL;
	free(fs->frames);
	fs->frames = NULL;
	fs->nframes = fs->cap = 0;
}

/* Maps the file and indexes its frames (only the first if fs->one). */
static int
file_load(struct source *src, struct file_state *fs, char *cause,
    size_t causelen)
{
	struct jpeg_split	*js;
	struct stat		 st;
	void			*map;
	size_t			 size, chunk, off;
	int			 fd;

	if ((fd = open(src->arg, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		snprintf(cause, causelen, "file: %s: %s", src->arg,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return (-1);
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		snprintf(cause, causelen, "file: %s: no JPEG frames in it "
		    "(not a regular file, or empty)", src->arg);
		close(fd);
		return (-1);
	}
	size = (uintmax_t)st.st_size > FILE_MAX_SIZE ? FILE_MAX_SIZE :
	    (size_t)st.st_size;
	map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		snprintf(cause, causelen, "file: %s: mmap: %s", src->arg,
		    strerror(errno));
		return (-1);
	}
	fs->map = map;
	fs->size = size;
	fs->given_back = 0;
	madvise(map, size, MADV_SEQUENTIAL);
	if (src->conf->format == SOURCE_H264)
		source_h264_index(fs->map, size, src->conf->max_frame,
		    file_collect_au, fs);
	else if ((js = jpeg_split_new(src->conf->max_frame)) == NULL) {
		file_clear(fs);
		snprintf(cause, causelen, "file: out of memory");
		return (-1);
	} else {
		/*
		 * The whole mapping in one piece, so that no frame is
		 * copied; a megabyte at a time when only the first frame
		 * matters.
		 */
		chunk = fs->one ? 1024 * 1024 : size;
		for (off = 0; off < size && fs->nframes == 0; off += chunk) {
			jpeg_split_feed(js, fs->map + off, size - off < chunk ?
			    size - off : chunk, file_collect, fs);
			file_give_back(fs, 0, off);
			if (!fs->one)
				break;
		}
		jpeg_split_free(js);
	}
	file_give_back(fs, 0, size);
	madvise(map, size, MADV_NORMAL);
	if (fs->nframes == 0) {
		file_clear(fs);
		snprintf(cause, causelen, "file: %s: no %s in it", src->arg,
		    src->conf->format == SOURCE_H264 ? "H.264 access units "
		    "from an IDR on" : "JPEG frames");
		return (-1);
	}
	if (!fs->one)
		log_info("file: %s: %zu frame(s) in %zu bytes%s", src->arg,
		    fs->nframes, size, (uintmax_t)st.st_size > size ?
		    " (the rest of the file is ignored)" : "");
	return (0);
}

/* Timer: emits the next frame, looping at the end. */
static void
file_tick(evutil_socket_t fd, short what, void *arg)
{
	struct source		*src = arg;
	struct file_state	*fs = src->priv;
	struct file_frame	*f;
	struct timeval		 tv;

	timeval_now(&tv);
	if (fs->next >= fs->nframes)
		fs->next = 0;
	f = &fs->frames[fs->next++];
	if (src->conf->format == SOURCE_H264)
		source_emit_au(src, fs->map + f->off, f->len, f->idr, &tv);
	else
		source_emit(src, fs->map + f->off, f->len, &tv);
	/* Published frames are copies: the pages can go. */
	file_give_back(fs, f->off, f->off + f->len);
}

/* Checks that the file starts with a JPEG frame. */
static int
file_init(struct source *src, char *cause, size_t causelen)
{
	struct file_state	 probe = { .one = 1 };

	if (file_load(src, &probe, cause, causelen) == -1)
		return (-1);
	file_clear(&probe);
	return (0);
}

/* Maps and indexes the file, and starts the timer. */
static int
file_start(struct source *src, char *cause, size_t causelen)
{
	struct file_state	*fs;
	struct timeval		 tv = { 0, 1000000 / src->conf->fps };

	if ((fs = calloc(1, sizeof(*fs))) == NULL) {
		snprintf(cause, causelen, "file: out of memory");
		return (-1);
	}
	if (file_load(src, fs, cause, causelen) == -1) {
		free(fs);
		return (-1);
	}
	src->priv = fs;
	fs->ev_tick = event_new(src->base, -1, EV_PERSIST, file_tick, src);
	if (fs->ev_tick == NULL || event_add(fs->ev_tick, &tv) == -1) {
		snprintf(cause, causelen, "file: cannot add timer");
		src->ops->stop(src);
		return (-1);
	}
	file_tick(-1, 0, src);
	return (0);
}

/* Stops the timer and unmaps the file. */
static void
file_stop(struct source *src)
{
	struct file_state	*fs = src->priv;

	if (fs == NULL)
		return;
	if (fs->ev_tick != NULL)
		event_free(fs->ev_tick);
	file_clear(fs);
	free(fs);
	src->priv = NULL;
}

/* Nothing beyond stop. */
static void
file_destroy(struct source *src)
{
	file_stop(src);
}

const struct source_ops source_file_ops = {
	.prefix = "file:",
	.init = file_init,
	.start = file_start,
	.stop = file_stop,
	.destroy = file_destroy,
};
