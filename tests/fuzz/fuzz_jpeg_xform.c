/* SPDX-License-Identifier: ISC */
/* fuzz_jpeg_xform.c: lossless transforms of arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "capd/jpeg_xform.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct jpeg_xform	*x[2];
	const unsigned char		*out;
	char				 cause[128];
	long				 n;
	int				 i;

	if (x[0] == NULL) {
		x[0] = jpeg_xform_new(1, 0, 90, cause, sizeof(cause));
		x[1] = jpeg_xform_new(0, 1, 0, cause, sizeof(cause));
	}
	if (size > 1 << 16)
		return (0);
	for (i = 0; i < 2; i++) {
		n = jpeg_xform_apply(x[i], data, size, &out, cause,
		    sizeof(cause));
		/* a result is a whole JPEG */
		if (n != -1 && (n < 4 || out[0] != 0xff || out[1] != 0xd8))
			__builtin_trap();
	}
	return (0);
}
