/* SPDX-License-Identifier: ISC */
/*
 * frame_hello.h: the lines a frame socket subscriber may write to capd
 * (docs/frames.md, "What a subscriber may say"): "Subscriber: NAME\r\n",
 * "Viewers: N\r\n" and, to the H.264 sockets, "IDR\r\n".  No I/O: capd
 * feeds the bytes as they come.
 */
#ifndef CAMPIPE_FRAME_HELLO_H
#define CAMPIPE_FRAME_HELLO_H

#include <stddef.h>

#define FRAME_HELLO_NAME_MAX	32	/* characters of NAME at most */
#define FRAME_HELLO_MAX		64	/* bytes of a line at most, with CRLF */
#define FRAME_HELLO_VIEWERS_MAX	1000000
#define FRAME_HELLO_IDR		"IDR\r\n"	/* an H.264 subscriber asks */
#define FRAME_HELLO_IDR_LEN	5

struct frame_hello_msg {
	const char	*name;		/* a Subscriber line, else NULL */
	long		 viewers;	/* a Viewers line, else -1 */
	int		 idr;		/* 1: an IDR line */
};

/* Splits what a subscriber writes into lines; zero it to start. */
struct frame_hello_reader {
	char		 line[FRAME_HELLO_MAX];
	size_t		 len;
	int		 overlong;	/* skipping to the end of a long line */
	unsigned long long skipped;	/* lines that meant nothing */
};

typedef void	(*frame_hello_cb)(const struct frame_hello_msg *msg, void *arg);

/* "Subscriber: NAME\r\n" into buf: its length, or -1 (bad name, small buf). */
int	frame_hello_format(const char *name, char *buf, size_t len);
/* "Viewers: N\r\n" into buf: its length, or -1. */
int	frame_hello_format_viewers(long n, char *buf, size_t len);
/*
 * Parses one line without its end ("\r\n" or "\n").  Returns 0 and fills
 * msg (name points into a static buffer until the next call), or -1 for a
 * line that means nothing.
 */
int	frame_hello_parse(const char *line, size_t len,
	    struct frame_hello_msg *msg);
/*
 * Feeds bytes as they arrive; calls cb for each meaningful line.  Lines
 * over FRAME_HELLO_MAX bytes and lines meaning nothing are skipped, and
 * counted in r->skipped.
 */
void	frame_hello_feed(struct frame_hello_reader *r, const char *data,
	    size_t n, frame_hello_cb cb, void *arg);

#endif
