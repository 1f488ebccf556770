/* SPDX-License-Identifier: ISC */
/*
 * fakecam.h: a fake V4L2 capture device, preloaded into a program
 * (LD_PRELOAD) so that chosen paths (FAKECAM_DEVICES or FAKECAM_DEVICE,
 * default /dev/video0) behave like cameras, each drawing a picture of its
 * own.  Internal to tests/fakecam.
 *
 * fakecam.c		the doors: open, ioctl, mmap, close, ... and the table
 *			of fake file descriptors; faults; sysfs files
 * fakecam_stat.c	the stat and access doors
 * fakecam_event.c	control events
 * fakecam_ioctl.c	formats, inputs, priorities
 * fakecam_ctrl.c	controls
 * fakecam_queue.c	buffers and streaming ioctls, the frame producer
 * fakecam_frame.c	the moving pattern, MJPEG/YUYV/UYVY output
 * fakecam_h264.c	H.264 access units from a file (FAKECAM_H264)
 */
#ifndef FAKECAM_H
#define FAKECAM_H

#include <linux/videodev2.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

#define FAKECAM_MAXBUF		32
#define FAKECAM_MAXFD		65536
#define FAKECAM_NCTRL		10
#define FAKECAM_NEVENT		16
#define FAKECAM_NDEV		4	/* devices at most */

enum fakecam_bufstate {
	FAKECAM_BUF_DEQUEUED,
	FAKECAM_BUF_QUEUED,
	FAKECAM_BUF_DONE
};

struct fakecam_buf {
	int			 memfd;		/* backing memory */
	unsigned char		*mem;		/* where frames are written */
	size_t			 length;
	uint32_t		 offset;	/* mmap offset */
	uint32_t		 bytesused;
	enum fakecam_bufstate	 state;
	uint64_t		 doneseq;	/* dequeue order */
	uint32_t		 sequence;
	struct timeval		 ts;
	int			 mapped;	/* mappings by the program */
};

/* One open of the device (shared by dup'ed descriptors). */
struct fakecam_file {
	struct fakecam_dev	*dev;
	int			 refs;
	int			 fd;		/* first descriptor, for logs */
	int			 peer;		/* our end of the socket pair */
	int			 dead;		/* device unplugged under it */
	int			 prio;
	/* Control events: subscriptions and the queue (POLLPRI when full). */
	uint32_t		 sub_id[FAKECAM_NCTRL];
	uint32_t		 sub_flags[FAKECAM_NCTRL];
	int			 nsubs;
	struct v4l2_event	 evq[FAKECAM_NEVENT];
	int			 nev;
	uint32_t		 evseq;
	struct fakecam_file	*next;
};

/* Frame geometry and picture settings handed to the frame code. */
struct fakecam_shot {
	uint32_t		 pixfmt;
	int			 width, height;
	int			 brightness, contrast, saturation;
	int			 hflip, vflip;
	int			 nodht;
	int			 index;		/* the device's, in the list */
	uint32_t		 frame;
};

struct fakecam_dev {
	pthread_mutex_t		 lock;
	char			 path[256];
	int			 index;		/* in FAKECAM_DEVICES */
	int			 minor;
	int			 nodht, noflip;
	uint32_t		 formats[4];
	int			 nformats;

	/* Faults. */
	char			 control[256];
	int			 busy_opens;	/* FAKECAM_BUSY: opens to refuse */
	int			 busy;		/* control file says "busy" */
	int			 gone;		/* control file says "unplug" */

	/* Open files. */
	struct fakecam_file	*files;
	int			 prios[4];

	/* Format and settings. */
	struct v4l2_pix_format	 pix;
	struct v4l2_fract	 tpf;
	int32_t			 ctrl[FAKECAM_NCTRL];

	/* Queue. */
	struct fakecam_file	*owner;
	uint32_t		 memory;
	struct fakecam_buf	 bufs[FAKECAM_MAXBUF];
	unsigned int		 nbufs;
	int			 streaming;
	unsigned int		 gen;		/* bumped to end the producer */
	uint32_t		 sequence;
	uint64_t		 doneseq;
};

extern struct fakecam_dev fakecam_devs[FAKECAM_NDEV];
extern int fakecam_ndev;
extern int fakecam_debug;

#define FAKECAM_MAJOR		81

/* fakecam.c */
void	fakecam_init_env(void);
struct fakecam_dev *fakecam_is_device(const char *);
struct fakecam_file *fakecam_lookup(int);
const char *fakecam_sysfs_text(const char *, char *, size_t,
	    struct fakecam_dev **);
void	fakecam_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	fakecam_fault_poll(struct fakecam_dev *);
int	fakecam_real_close(int);
int	fakecam_real_munmap(void *, size_t);
int	fakecam_is_nonblocking(int fd);
void	fakecam_file_unref(struct fakecam_dev *, struct fakecam_file *);

/* fakecam_ioctl.c */
void	fakecam_ioctl_reset(struct fakecam_dev *);
int	fakecam_ioctl(struct fakecam_dev *, struct fakecam_file *, int fd,
	    unsigned int req, void *arg);
int	fakecam_ioctl_prio_check(struct fakecam_dev *, struct fakecam_file *);

/* fakecam_ctrl.c */
void	fakecam_ctrl_reset(struct fakecam_dev *);
int	fakecam_ctrl_ioctl(struct fakecam_dev *, struct fakecam_file *,
	    unsigned int req, void *arg);
int	fakecam_ctrl_value(struct fakecam_dev *, uint32_t id);
/* Fills the body of a control event: 1 for a class, -1 if none. */
int	fakecam_ctrl_event(struct fakecam_dev *, uint32_t id,
	    struct v4l2_event_ctrl *);

/* fakecam_stat.c */
void	fakecam_stat_init(void);

/* fakecam_event.c */
int	fakecam_event_ioctl(struct fakecam_dev *, struct fakecam_file *,
	    int fd, unsigned int req, void *arg);
void	fakecam_event_ctrl(struct fakecam_dev *, struct fakecam_file *,
	    uint32_t id);

/* fakecam_queue.c */
int	fakecam_queue_ioctl(struct fakecam_dev *, struct fakecam_file *,
	    int fd, unsigned int req, void *arg);
void	fakecam_queue_release(struct fakecam_dev *, struct fakecam_file *);
void	fakecam_queue_free(struct fakecam_dev *);
struct fakecam_buf *fakecam_queue_find_offset(struct fakecam_dev *, off_t);
int	fakecam_queue_busy(struct fakecam_dev *);
void	fakecam_queue_unmapped(struct fakecam_dev *, void *addr, size_t len);
void	fakecam_queue_mapped(struct fakecam_dev *, struct fakecam_buf *,
	    void *addr, size_t len);

/* fakecam_frame.c */
int	fakecam_frame_format_ok(const struct fakecam_dev *, uint32_t pixfmt);
int	fakecam_frame_sizes(const int **wh);
int	fakecam_frame_intervals(int width, int height, const int **fps);
void	fakecam_frame_geometry(struct v4l2_pix_format *);
const char *fakecam_frame_desc(uint32_t pixfmt);
void	*fakecam_frame_new(void);
void	 fakecam_frame_free(void *);
/* Draws one frame into out (outsize bytes); returns bytes used or -1. */
long	 fakecam_frame_draw(void *, const struct fakecam_shot *,
	    unsigned char *out, size_t outsize);

/* fakecam_h264.c */
void	 fakecam_h264_force(int index);
long	 fakecam_h264_draw(int index, unsigned char *out, size_t outsize);

#pragma GCC visibility pop

#endif
