/* SPDX-License-Identifier: ISC */
/* fuzz_jpeg_size.c: SOF size parsing on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "jpeg_size.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int	 w = -1, h = -1;

	if (jpeg_size_parse(data, size, &w, &h) == 0 &&
	    (w < 0 || w > 65535 || h < 0 || h > 65535))
		__builtin_trap();
	return (0);
}
