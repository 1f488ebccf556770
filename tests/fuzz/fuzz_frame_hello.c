/* fuzz_frame_hello.c: the subscriber's naming line on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "frame_hello.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 name[FRAME_HELLO_NAME_MAX + 1], line[FRAME_HELLO_MAX];
	size_t	 n = size > FRAME_HELLO_MAX ? FRAME_HELLO_MAX : size;
	int	 r;

	/* capd keeps at most FRAME_HELLO_MAX bytes. */
	r = frame_hello_parse((const char *)data, n, name);
	if (r == 1) {
		/* A name that parses formats back to a prefix of the input. */
		if (frame_hello_format(name, line, sizeof(line)) == -1 ||
		    memcmp(line, data, strlen(line) - 2) != 0)
			__builtin_trap();
	}
	return (0);
}
