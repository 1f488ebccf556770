/* SPDX-License-Identifier: ISC */
/*
 * fakecam_queue.c: the fake camera's buffer queue, with the semantics of
 * the kernel's videobuf2: REQBUFS, CREATE_BUFS, QUERYBUF, QBUF, DQBUF,
 * EXPBUF, STREAMON and STREAMOFF; one open file owns the queue.  MMAP
 * buffers live in memory files; a producer thread fills queued buffers at
 * the negotiated frame rate and signals each one on the device socket.
 */
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <turbojpeg.h>

#include "fakecam.h"

#define MAXMAP		64
#define PAGE_ALIGN(n)	(((n) + 4095) & ~(size_t)4095)
#define BUF_CAPS	(V4L2_BUF_CAP_SUPPORTS_MMAP | \
			 V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS)

/* The program's mappings of buffers, for V4L2_BUF_FLAG_MAPPED. */
static struct {
	struct fakecam_dev	*dev;
	void			*addr;
	size_t			 len;
	int			 index;
} maps[MAXMAP];

/* Tells whether the queue has buffers (formats cannot change then). */
int
fakecam_queue_busy(struct fakecam_dev *dev)
{
	return dev->nbufs > 0;
}

/* Records a program's mapping of buffer b. */
void
fakecam_queue_mapped(struct fakecam_dev *dev, struct fakecam_buf *b,
    void *addr, size_t len)
{
	int	 i;

	b->mapped++;
	for (i = 0; i < MAXMAP; i++)
		if (maps[i].addr == NULL) {
			maps[i].dev = dev;
			maps[i].addr = addr;
			maps[i].len = len;
			maps[i].index = b - dev->bufs;
			return;
		}
}

/* Forgets a program's mapping when it is unmapped. */
void
fakecam_queue_unmapped(struct fakecam_dev *dev, void *addr, size_t len)
{
	int			 i;

	for (i = 0; i < MAXMAP; i++)
		if (maps[i].addr == addr && addr != NULL &&
		    maps[i].dev == dev) {
			if (maps[i].index < (int)dev->nbufs &&
			    dev->bufs[maps[i].index].mapped > 0)
				dev->bufs[maps[i].index].mapped--;
			maps[i].addr = NULL;
		}
}

/* The MMAP buffer at an mmap offset, or NULL. */
struct fakecam_buf *
fakecam_queue_find_offset(struct fakecam_dev *dev, off_t off)
{
	unsigned int	 i;

	if (dev->memory != V4L2_MEMORY_MMAP)
		return NULL;
	for (i = 0; i < dev->nbufs; i++)
		if (off >= 0 && (uint64_t)off == dev->bufs[i].offset)
			return &dev->bufs[i];
	return NULL;
}

/* Reads away the "buffer done" bytes waiting on a descriptor. */
static void
drain(int fd)
{
	char	 junk[64];

	while (recv(fd, junk, sizeof(junk), MSG_DONTWAIT) > 0)
		;
}

/* Stops streaming: the producer ends, every buffer returns to the program. */
static void
stream_off(struct fakecam_dev *dev, int fd)
{
	unsigned int	 i;

	dev->gen++;
	dev->streaming = 0;
	for (i = 0; i < dev->nbufs; i++)
		dev->bufs[i].state = FAKECAM_BUF_DEQUEUED;
	if (fd != -1)
		drain(fd);
}

/* Frees every buffer (programs' mappings stay valid: orphaned). */
void
fakecam_queue_free(struct fakecam_dev *dev)
{
	unsigned int	 i;
	struct fakecam_buf *b;

	stream_off(dev, -1);
	for (i = 0; i < dev->nbufs; i++) {
		b = &dev->bufs[i];
		if (b->memfd != -1) {
			fakecam_real_munmap(b->mem, b->length);
			fakecam_real_close(b->memfd);
		}
	}
	memset(dev->bufs, 0, sizeof(dev->bufs));
	memset(maps, 0, sizeof(maps));
	dev->nbufs = 0;
	dev->memory = 0;
}

/* Called when an open file goes away: it loses the queue it owned. */
void
fakecam_queue_release(struct fakecam_dev *dev, struct fakecam_file *f)
{
	if (dev->owner != f)
		return;
	fakecam_queue_free(dev);
	dev->owner = NULL;
}

/* Adds count buffers of size bytes; returns how many were added. */
static unsigned int
add_bufs(struct fakecam_dev *dev, unsigned int count, size_t size)
{
	struct fakecam_buf	*b;
	unsigned int		 n = 0;
	uint32_t		 off = 0;

	if (dev->nbufs > 0) {
		b = &dev->bufs[dev->nbufs - 1];
		off = b->offset + PAGE_ALIGN(b->length);
	}
	size = PAGE_ALIGN(size);
	while (n < count && dev->nbufs < FAKECAM_MAXBUF) {
		b = &dev->bufs[dev->nbufs];
		memset(b, 0, sizeof(*b));
		b->memfd = -1;
		b->length = size;
		b->memfd = memfd_create("fakecam-buf", MFD_CLOEXEC);
		if (b->memfd == -1)
			break;
		if (ftruncate(b->memfd, size) == -1 ||
		    (b->mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_SHARED, b->memfd, 0)) == MAP_FAILED) {
			fakecam_real_close(b->memfd);
			break;
		}
		b->offset = off;
		off += size;
		dev->nbufs++;
		n++;
	}
	return n;
}

/* Checks the owner, type and memory of a queue request; 0 or an errno. */
static int
queue_check(struct fakecam_dev *dev, struct fakecam_file *f, uint32_t type,
    uint32_t memory)
{
	if (type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return EINVAL;
	if (memory != V4L2_MEMORY_MMAP)
		return EINVAL;
	if (dev->owner != NULL && dev->owner != f)
		return EBUSY;
	return 0;
}

/* VIDIOC_REQBUFS. */
static int
reqbufs(struct fakecam_dev *dev, struct fakecam_file *f,
    struct v4l2_requestbuffers *rb)
{
	int	 r;

	rb->capabilities = BUF_CAPS;
	rb->flags = 0;
	memset(rb->reserved, 0, sizeof(rb->reserved));
	if ((r = queue_check(dev, f, rb->type, rb->memory)) != 0)
		return r;
	if ((r = fakecam_ioctl_prio_check(dev, f)) != 0)
		return r;
	if (dev->streaming)
		return EBUSY;
	if (rb->count > 0 && dev->busy)
		return EBUSY;
	fakecam_queue_free(dev);
	dev->owner = NULL;
	if (rb->count == 0)
		return 0;
	dev->memory = rb->memory;
	rb->count = add_bufs(dev, rb->count, dev->pix.sizeimage);
	if (rb->count == 0)
		return ENOMEM;
	dev->owner = f;
	return 0;
}

/* VIDIOC_CREATE_BUFS. */
static int
create_bufs(struct fakecam_dev *dev, struct fakecam_file *f,
    struct v4l2_create_buffers *cb)
{
	int	 r;

	cb->capabilities = BUF_CAPS;
	cb->flags = 0;
	memset(cb->reserved, 0, sizeof(cb->reserved));
	if ((r = queue_check(dev, f, cb->format.type, cb->memory)) != 0)
		return r;
	if ((r = fakecam_ioctl_prio_check(dev, f)) != 0)
		return r;
	if (dev->nbufs > 0 && cb->memory != dev->memory)
		return EINVAL;
	cb->index = dev->nbufs;
	if (cb->count == 0)
		return 0;
	if (cb->format.fmt.pix.sizeimage < dev->pix.sizeimage)
		return EINVAL;
	dev->memory = cb->memory;
	cb->count = add_bufs(dev, cb->count, cb->format.fmt.pix.sizeimage);
	if (cb->count == 0)
		return ENOMEM;
	dev->owner = f;
	return 0;
}

/* Fills a v4l2_buffer from buffer i. */
static void
fill_buf(struct fakecam_dev *dev, unsigned int i, struct v4l2_buffer *vb)
{
	struct fakecam_buf	*b = &dev->bufs[i];

	memset(vb, 0, sizeof(*vb));
	vb->index = i;
	vb->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	vb->memory = dev->memory;
	vb->field = V4L2_FIELD_NONE;
	vb->flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC |
	    V4L2_BUF_FLAG_TSTAMP_SRC_EOF;
	if (b->state == FAKECAM_BUF_QUEUED)
		vb->flags |= V4L2_BUF_FLAG_QUEUED;
	else if (b->state == FAKECAM_BUF_DONE)
		vb->flags |= V4L2_BUF_FLAG_DONE;
	if (b->mapped)
		vb->flags |= V4L2_BUF_FLAG_MAPPED;
	vb->bytesused = b->bytesused;
	vb->timestamp = b->ts;
	vb->sequence = b->sequence;
	vb->length = b->length;
	vb->m.offset = b->offset;
}

/* Checks a buffer request's type, memory and index; 0 or an errno. */
static int
buf_check(struct fakecam_dev *dev, struct v4l2_buffer *vb)
{
	if (vb->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return EINVAL;
	if (vb->index >= dev->nbufs || vb->memory != dev->memory)
		return EINVAL;
	return 0;
}

/* VIDIOC_QBUF. */
static int
qbuf(struct fakecam_dev *dev, struct fakecam_file *f, struct v4l2_buffer *vb)
{
	struct fakecam_buf	*b;
	int			 r;

	if ((r = queue_check(dev, f, vb->type, vb->memory)) != 0 ||
	    (r = buf_check(dev, vb)) != 0)
		return r;
	b = &dev->bufs[vb->index];
	if (b->state != FAKECAM_BUF_DEQUEUED)
		return EINVAL;
	b->state = FAKECAM_BUF_QUEUED;
	b->bytesused = 0;
	fill_buf(dev, vb->index, vb);
	return 0;
}

/* The finished buffer to dequeue first, or -1. */
static int
first_done(struct fakecam_dev *dev)
{
	unsigned int	 i;
	int		 best = -1;

	for (i = 0; i < dev->nbufs; i++)
		if (dev->bufs[i].state == FAKECAM_BUF_DONE && (best == -1 ||
		    dev->bufs[i].doneseq < dev->bufs[best].doneseq))
			best = i;
	return best;
}

/* VIDIOC_DQBUF: waits (unlocked) for a buffer unless non-blocking. */
static int
dqbuf(struct fakecam_dev *dev, struct fakecam_file *f, int fd,
    struct v4l2_buffer *vb)
{
	struct pollfd	 pfd;
	char		 c;
	int		 r, i;

	if ((r = queue_check(dev, f, vb->type, vb->memory)) != 0)
		return r;
	if (vb->memory != dev->memory)
		return EINVAL;
	while ((i = first_done(dev)) == -1) {
		if (f->dead)
			return ENODEV;
		if (!dev->streaming || dev->owner != f)
			return EINVAL;
		if (fakecam_is_nonblocking(fd)) {
			drain(fd);	/* stale signals of freed buffers */
			return EAGAIN;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		f->refs++;
		pthread_mutex_unlock(&dev->lock);
		poll(&pfd, 1, 20);
		pthread_mutex_lock(&dev->lock);
		fakecam_fault_poll(dev);
		if (f->refs == 1) {
			fakecam_file_unref(dev, f);
			return EBADF;
		}
		f->refs--;
	}
	(void)recv(fd, &c, 1, MSG_DONTWAIT);
	dev->bufs[i].state = FAKECAM_BUF_DEQUEUED;
	fill_buf(dev, i, vb);
	return 0;
}

/* VIDIOC_QUERYBUF. */
static int
querybuf(struct fakecam_dev *dev, struct v4l2_buffer *vb)
{
	int	 r;

	if (vb->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return EINVAL;
	if (vb->index >= dev->nbufs)
		return EINVAL;
	if ((r = buf_check(dev, vb)) != 0 && vb->memory != 0)
		return r;
	fill_buf(dev, vb->index, vb);
	return 0;
}

/* VIDIOC_EXPBUF: a new descriptor of the buffer's memory file. */
static int
expbuf(struct fakecam_dev *dev, struct fakecam_file *f,
    struct v4l2_exportbuffer *e)
{
	char	 path[64];
	int	 fd;

	if (e->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || e->plane != 0 ||
	    dev->memory != V4L2_MEMORY_MMAP || e->index >= dev->nbufs)
		return EINVAL;
	if (e->flags & ~(O_CLOEXEC | O_ACCMODE))
		return EINVAL;
	if (dev->owner != NULL && dev->owner != f)
		return EBUSY;
	snprintf(path, sizeof(path), "/proc/self/fd/%d",
	    dev->bufs[e->index].memfd);
	if ((fd = open(path, e->flags | O_RDWR)) == -1)
		return errno;
	e->fd = fd;
	memset(e->reserved, 0, sizeof(e->reserved));
	return 0;
}

/* Takes a snapshot of what the next frame should look like. */
static void
shot_take(struct fakecam_dev *dev, struct fakecam_shot *s)
{
	s->pixfmt = dev->pix.pixelformat;
	s->width = dev->pix.width;
	s->height = dev->pix.height;
	s->brightness = fakecam_ctrl_value(dev, V4L2_CID_BRIGHTNESS);
	s->contrast = fakecam_ctrl_value(dev, V4L2_CID_CONTRAST);
	s->saturation = fakecam_ctrl_value(dev, V4L2_CID_SATURATION);
	s->hflip = fakecam_ctrl_value(dev, V4L2_CID_HFLIP);
	s->vflip = fakecam_ctrl_value(dev, V4L2_CID_VFLIP);
	s->nodht = dev->nodht;
	s->index = dev->index;
	s->frame = dev->sequence;
}

/* Puts a drawn frame in the first queued buffer, if any. */
static void
deliver(struct fakecam_dev *dev, const unsigned char *data, long len,
    const struct timespec *now)
{
	struct fakecam_buf	*b;
	unsigned int		 i;

	dev->sequence++;
	for (i = 0; i < dev->nbufs; i++)
		if (dev->bufs[i].state == FAKECAM_BUF_QUEUED)
			break;
	if (i == dev->nbufs || dev->owner == NULL || dev->owner->peer == -1)
		return;			/* no buffer: frame dropped */
	b = &dev->bufs[i];
	if (len < 0 || (size_t)len > b->length)
		len = 0;
	memcpy(b->mem, data, len);
	b->bytesused = len;
	b->sequence = dev->sequence - 1;
	b->ts.tv_sec = now->tv_sec;
	b->ts.tv_usec = now->tv_nsec / 1000;
	b->state = FAKECAM_BUF_DONE;
	b->doneseq = ++dev->doneseq;
	(void)send(dev->owner->peer, "f", 1, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* Adds ns nanoseconds to a time. */
static void
ts_add(struct timespec *t, long ns)
{
	t->tv_nsec += ns;
	while (t->tv_nsec >= 1000000000) {
		t->tv_nsec -= 1000000000;
		t->tv_sec++;
	}
}

/* The producer: one frame per frame interval while the stream lasts. */
static void *
producer(void *arg)
{
	struct fakecam_dev	*dev = arg;
	struct fakecam_shot	 s;
	struct timespec		 next, now;
	unsigned char		*out = NULL;
	size_t			 outsize = 0, need;
	unsigned int		 gen;
	void			*fr;
	long			 len, ns;

	if ((fr = fakecam_frame_new()) == NULL)
		return NULL;
	pthread_mutex_lock(&dev->lock);
	gen = dev->gen;
	pthread_mutex_unlock(&dev->lock);
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		pthread_mutex_lock(&dev->lock);
		fakecam_fault_poll(dev);
		if (dev->gen != gen || !dev->streaming) {
			pthread_mutex_unlock(&dev->lock);
			break;
		}
		shot_take(dev, &s);
		ns = 1000000000L / dev->tpf.denominator * dev->tpf.numerator;
		pthread_mutex_unlock(&dev->lock);

		ts_add(&next, ns);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > next.tv_sec + 1)
			next = now;	/* fell far behind: resynchronize */
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);

		need = tjBufSize(s.width, s.height, TJSAMP_422);
		if (need < (size_t)s.width * s.height * 2)
			need = (size_t)s.width * s.height * 2;
		if (outsize < need) {
			free(out);
			if ((out = malloc(need)) == NULL)
				break;
			outsize = need;
		}
		len = fakecam_frame_draw(fr, &s, out, outsize);

		pthread_mutex_lock(&dev->lock);
		if (dev->gen == gen && dev->streaming)
			deliver(dev, out, len, &now);
		pthread_mutex_unlock(&dev->lock);
	}
	free(out);
	fakecam_frame_free(fr);
	return NULL;
}

/* VIDIOC_STREAMON. */
static int
streamon(struct fakecam_dev *dev, struct fakecam_file *f, uint32_t type)
{
	pthread_attr_t	 attr;
	pthread_t	 t;
	int		 r;

	if ((r = queue_check(dev, f, type, V4L2_MEMORY_MMAP)) != 0)
		return r;
	if ((r = fakecam_ioctl_prio_check(dev, f)) != 0)
		return r;
	if (dev->busy)
		return EBUSY;
	if (dev->streaming)
		return 0;
	if (dev->nbufs == 0)
		return EINVAL;
	dev->streaming = 1;
	dev->sequence = 0;
	dev->gen++;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&t, &attr, producer, dev);
	pthread_attr_destroy(&attr);
	if (r != 0) {
		dev->streaming = 0;
		return r;
	}
	return 0;
}

/* VIDIOC_STREAMOFF. */
static int
streamoff(struct fakecam_dev *dev, struct fakecam_file *f, int fd,
    uint32_t type)
{
	int	 r;

	if ((r = queue_check(dev, f, type, V4L2_MEMORY_MMAP)) != 0)
		return r;
	if ((r = fakecam_ioctl_prio_check(dev, f)) != 0)
		return r;
	stream_off(dev, fd);
	return 0;
}

/* Answers the buffer and streaming ioctls; ENOTTY for any other. */
int
fakecam_queue_ioctl(struct fakecam_dev *dev, struct fakecam_file *f, int fd,
    unsigned int req, void *arg)
{
	int	 r;

	switch (req) {
	case VIDIOC_REQBUFS:
		r = reqbufs(dev, f, arg);
		break;
	case VIDIOC_CREATE_BUFS:
		r = create_bufs(dev, f, arg);
		break;
	case VIDIOC_QUERYBUF:
		r = querybuf(dev, arg);
		break;
	case VIDIOC_QBUF:
		r = qbuf(dev, f, arg);
		break;
	case VIDIOC_DQBUF:
		r = dqbuf(dev, f, fd, arg);
		break;
	case VIDIOC_EXPBUF:
		r = expbuf(dev, f, arg);
		break;
	case VIDIOC_STREAMON:
		r = streamon(dev, f, *(uint32_t *)arg);
		break;
	case VIDIOC_STREAMOFF:
		r = streamoff(dev, f, fd, *(uint32_t *)arg);
		break;
	default:
		fakecam_log("ioctl %#x (%c nr %u): not supported", req,
		    (int)_IOC_TYPE(req), _IOC_NR(req));
		return ENOTTY;
	}
	fakecam_log("ioctl nr %u: %s", _IOC_NR(req), r ? strerror(r) : "ok");
	return r;
}
