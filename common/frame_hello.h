/*
 * frame_hello.h: the optional line a frame socket subscriber writes to name
 * itself (docs/frames.md, "Naming the subscriber"): "Subscriber: NAME\r\n".
 * No I/O.
 */
#ifndef CAMPIPE_FRAME_HELLO_H
#define CAMPIPE_FRAME_HELLO_H

#include <stddef.h>

#define FRAME_HELLO_NAME_MAX	32	/* characters of NAME at most */
#define FRAME_HELLO_MAX		64	/* bytes of the whole line at most */

/*
 * Writes the line naming the subscriber into buf.  Returns its length, or
 * -1 if name is not 1 to FRAME_HELLO_NAME_MAX of [A-Za-z0-9._-] or buf is
 * too small.
 */
int	frame_hello_format(const char *name, char *buf, size_t len);
/*
 * Reads the first bytes a subscriber wrote.  Returns 1 and fills name
 * (FRAME_HELLO_NAME_MAX + 1 bytes) when they start with a whole valid line,
 * 0 when more bytes could still make one, -1 when they never will.
 */
int	frame_hello_parse(const char *buf, size_t len, char *name);

#endif
