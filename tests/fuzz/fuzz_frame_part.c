/* SPDX-License-Identifier: ISC */
/* fuzz_frame_part.c: the part header parser on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "frame_part.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame_part_info	 in;
	char			 cause[128];
	int			 r;

	r = frame_part_parse(data, size, 1 << 20, &in, cause, sizeof(cause));
	if (r == 1) {
		/* The header lies inside the input and its length is sane. */
		if (in.hdr_len > size || in.jpeg_len > (1 << 20))
			__builtin_trap();
	} else if (r == -1 && memchr(cause, '\0', sizeof(cause)) == NULL)
		__builtin_trap();
	/* Given enough bytes it always decides: a reader's buffer is bounded. */
	if (r == 0 && size >= FRAME_PART_BLANK_MAX + FRAME_PART_HEADER_MAX)
		__builtin_trap();
	return (0);
}
