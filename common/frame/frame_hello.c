/* SPDX-License-Identifier: ISC */
/* frame_hello.c: the lines a frame socket subscriber may write.  No I/O. */
#include <stdio.h>
#include <string.h>

#include "frame_hello.h"

#define FRAME_HELLO_SUB		"Subscriber: "
#define FRAME_HELLO_VIEWERS	"Viewers: "

/* Tells whether c may appear in a name. */
static int
frame_hello_char(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
}

/* Tells whether s[0..n) is a valid name. */
static int
frame_hello_name_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > FRAME_HELLO_NAME_MAX)
		return (0);
	for (i = 0; i < n; i++)
		if (!frame_hello_char(s[i]))
			return (0);
	return (1);
}

/* Writes "Subscriber: NAME\r\n". */
int
frame_hello_format(const char *name, char *buf, size_t len)
{
	int	 r;

	if (!frame_hello_name_ok(name, strlen(name)))
		return (-1);
	r = snprintf(buf, len, FRAME_HELLO_SUB "%s\r\n", name);
	if (r < 0 || (size_t)r >= len)
		return (-1);
	return (r);
}

/* Writes "Viewers: N\r\n". */
int
frame_hello_format_viewers(long n, char *buf, size_t len)
{
	int	 r;

	if (n < 0 || n > FRAME_HELLO_VIEWERS_MAX)
		return (-1);
	r = snprintf(buf, len, FRAME_HELLO_VIEWERS "%ld\r\n", n);
	if (r < 0 || (size_t)r >= len)
		return (-1);
	return (r);
}

/* Parses one line without its end. */
int
frame_hello_parse(const char *line, size_t len, struct frame_hello_msg *msg)
{
	static char	 name[FRAME_HELLO_NAME_MAX + 1];
	size_t		 sl = strlen(FRAME_HELLO_SUB);
	size_t		 vl = strlen(FRAME_HELLO_VIEWERS), i;
	long		 v = 0;

	msg->name = NULL;
	msg->viewers = -1;
	msg->idr = 0;
	if (len == FRAME_HELLO_IDR_LEN - 2 &&
	    memcmp(line, FRAME_HELLO_IDR, len) == 0) {
		msg->idr = 1;
		return (0);
	}
	if (len > sl && memcmp(line, FRAME_HELLO_SUB, sl) == 0 &&
	    frame_hello_name_ok(line + sl, len - sl)) {
		memcpy(name, line + sl, len - sl);
		name[len - sl] = '\0';
		msg->name = name;
		return (0);
	}
	if (len <= vl || len > vl + 7 || memcmp(line, FRAME_HELLO_VIEWERS,
	    vl) != 0 || (line[vl] == '0' && len > vl + 1))
		return (-1);
	for (i = vl; i < len; i++) {
		if (line[i] < '0' || line[i] > '9')
			return (-1);
		v = v * 10 + (line[i] - '0');
	}
	if (v > FRAME_HELLO_VIEWERS_MAX)
		return (-1);
	msg->viewers = v;
	return (0);
}

/* Feeds bytes; calls cb for each meaningful line. */
void
frame_hello_feed(struct frame_hello_reader *r, const char *data, size_t n,
    frame_hello_cb cb, void *arg)
{
	struct frame_hello_msg	 msg;
	size_t			 i, len;

	for (i = 0; i < n; i++) {
		if (data[i] != '\n') {
			if (r->len < sizeof(r->line))
				r->line[r->len++] = data[i];
			else
				r->overlong = 1;
			continue;
		}
		len = r->len;
		if (len > 0 && r->line[len - 1] == '\r')
			len--;
		/* The whole line with its end must fit in the limit. */
		if (!r->overlong && r->len + 1 <= sizeof(r->line) &&
		    frame_hello_parse(r->line, len, &msg) == 0)
			cb(&msg, arg);
		else
			r->skipped++;
		r->len = 0;
		r->overlong = 0;
	}
}
