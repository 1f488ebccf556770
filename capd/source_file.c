/*
 * source_file.c: replays a JPEG, or a file of concatenated JPEGs (MJPEG),
 * at --fps, looping.  The file is read and split once, at start.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "jpeg_split.h"
#include "log.h"
#include "source.h"
#include "timeval.h"

#define FILE_MAX_SIZE	(256 * 1024 * 1024)

struct file_frame {
	unsigned char	*data;
	size_t		 len;
};

struct file_state {
	struct file_frame	*frames;
	size_t			 nframes, cap;
	size_t			 next;
	struct event		*ev_tick;
};

/* Keeps a copy of each frame the splitter finds. */
static void
file_collect(const unsigned char *data, size_t len, void *arg)
{
	struct file_state	*fs = arg;
	struct file_frame	*n;

	if (fs->nframes == fs->cap) {
		n = reallocarray(fs->frames, fs->cap ? fs->cap * 2 : 16,
		    sizeof(*n));
		if (n == NULL)
			return;
		fs->frames = n;
		fs->cap = fs->cap ? fs->cap * 2 : 16;
	}
	if ((fs->frames[fs->nframes].data = malloc(len)) == NULL)
		return;
	memcpy(fs->frames[fs->nframes].data, data, len);
	fs->frames[fs->nframes++].len = len;
}

/* Frees the frames read. */
static void
file_clear(struct file_state *fs)
{
	size_t	 i;

	for (i = 0; i < fs->nframes; i++)
		free(fs->frames[i].data);
	free(fs->frames);
	fs->frames = NULL;
	fs->nframes = fs->cap = 0;
}

/* Reads and splits the file. */
static int
file_load(struct source *src, struct file_state *fs, char *cause,
    size_t causelen)
{
	struct jpeg_split	*js;
	unsigned char		 buf[65536];
	ssize_t			 n;
	size_t			 total = 0;
	int			 fd;

	if ((fd = open(src->arg, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(cause, causelen, "file: %s: %s", src->arg,
		    strerror(errno));
		return (-1);
	}
	if ((js = jpeg_split_new(src->conf->max_frame)) == NULL) {
		close(fd);
		snprintf(cause, causelen, "file: out of memory");
		return (-1);
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0 && total < FILE_MAX_SIZE) {
		total += n;
		jpeg_split_feed(js, buf, n, file_collect, fs);
	}
	if (n == -1)
		snprintf(cause, causelen, "file: %s: %s", src->arg,
		    strerror(errno));
	close(fd);
	jpeg_split_free(js);
	if (n == -1) {
		file_clear(fs);
		return (-1);
	}
	if (fs->nframes == 0) {
		snprintf(cause, causelen, "file: %s: no JPEG frames in it",
		    src->arg);
		return (-1);
	}
	log_info("file: %s: %zu frame(s)", src->arg, fs->nframes);
	return (0);
}

/* Timer: emits the next frame, looping at the end. */
static void
file_tick(evutil_socket_t fd, short what, void *arg)
{
	struct source		*src = arg;
	struct file_state	*fs = src->priv;
	struct timeval		 tv;

	timeval_now(&tv);
	if (fs->next >= fs->nframes)
		fs->next = 0;
	source_emit(src, fs->frames[fs->next].data, fs->frames[fs->next].len,
	    &tv);
	fs->next++;
}

/* Checks that the file holds frames. */
static int
file_init(struct source *src, char *cause, size_t causelen)
{
	struct file_state	 probe = { 0 };

	if (file_load(src, &probe, cause, causelen) == -1)
		return (-1);
	file_clear(&probe);
	return (0);
}

/* Loads the file and starts the timer. */
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

/* Stops the timer and frees the frames. */
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
