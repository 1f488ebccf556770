/* SPDX-License-Identifier: ISC */
/* fuzz_frame_hello.c: a subscriber's lines on arbitrary bytes and splits. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "frame_hello.h"

static void
check(const struct frame_hello_msg *m, void *arg)
{
	char	 line[FRAME_HELLO_MAX];

	/* An IDR request is nothing else. */
	if (m->idr) {
		if (m->name != NULL || m->viewers != -1)
			__builtin_trap();
		return;
	}
	/* Whatever passes formats back to a line of at most the limit. */
	if (m->name != NULL ? frame_hello_format(m->name, line,
	    sizeof(line)) == -1 : frame_hello_format_viewers(m->viewers, line,
	    sizeof(line)) == -1)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame_hello_reader	 r;
	size_t				 i, k;

	if (size == 0)
		return (0);
	k = data[0] % 16 + 1;
	memset(&r, 0, sizeof(r));
	for (i = 1; i < size; i += k)
		frame_hello_feed(&r, (const char *)data + i,
		    size - i < k ? size - i : k, check, NULL);
	if (r.len > FRAME_HELLO_MAX)
		__builtin_trap();
	return (0);
}
