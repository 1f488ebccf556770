/* frame_hello.c: the line naming a frame socket subscriber.  No I/O. */
#include <stdio.h>
#include <string.h>

#include "frame_hello.h"

#define FRAME_HELLO_PREFIX	"Subscriber: "

/* Tells whether c may appear in a name. */
static int
frame_hello_char(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
}

/* Writes "Subscriber: NAME\r\n". */
int
frame_hello_format(const char *name, char *buf, size_t len)
{
	size_t	 i, n = strlen(name);
	int	 r;

	if (n == 0 || n > FRAME_HELLO_NAME_MAX)
		return (-1);
	for (i = 0; i < n; i++)
		if (!frame_hello_char(name[i]))
			return (-1);
	r = snprintf(buf, len, FRAME_HELLO_PREFIX "%s\r\n", name);
	if (r < 0 || (size_t)r >= len)
		return (-1);
	return (r);
}

/* Reads the line, if the first bytes hold one. */
int
frame_hello_parse(const char *buf, size_t len, char *name)
{
	size_t	 plen = strlen(FRAME_HELLO_PREFIX), i, n;

	if (memcmp(buf, FRAME_HELLO_PREFIX, len < plen ? len : plen) != 0)
		return (-1);
	if (len <= plen)
		return (0);
	for (i = plen, n = 0; i < len; i++, n++) {
		if (buf[i] == '\r' || buf[i] == '\n')
			break;
		if (!frame_hello_char(buf[i]) || n == FRAME_HELLO_NAME_MAX)
			return (-1);
	}
	if (i == len)
		return (len >= FRAME_HELLO_MAX ? -1 : 0);
	if (n == 0)
		return (-1);
	if (buf[i] == '\r') {
		if (i + 1 == len)
			return (0);
		if (buf[i + 1] != '\n')
			return (-1);
	}
	memcpy(name, buf + plen, n);
	name[n] = '\0';
	return (1);
}
