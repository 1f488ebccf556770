/* SPDX-License-Identifier: ISC */
/*
 * jpeg_split_bench.c: throughput of the MJPEG splitter.  Encodes a stream
 * of 300 640x480 JPEGs in memory, then feeds it to jpeg_split_feed in
 * 64 KiB chunks, as a pipe read would, and prints MB/s and frames/s; a
 * plain memchr pass over the same bytes gives the ceiling.
 *
 *   build/bench/jpeg_split_bench [passes]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capd/jpeg_split.h"
#include "tests/unit/jpeg_test.h"

#define BENCH_FRAMES	300
#define BENCH_W		640
#define BENCH_H		480
#define BENCH_CHUNK	65536

/* Counts delivered frames and bytes. */
static void
bench_cb(const unsigned char *data, size_t len, void *arg)
{
	size_t	*bytes = arg;

	*bytes += len;
}

/* Seconds on the monotonic clock. */
static double
bench_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* Builds the stream: BENCH_FRAMES different frames back to back. */
static unsigned char *
bench_stream(size_t *len)
{
	unsigned char	*s = NULL, *j;
	size_t		 n;
	int		 i;

	*len = 0;
	for (i = 0; i < BENCH_FRAMES; i++) {
		j = jpeg_test_make(BENCH_W, BENCH_H, TJSAMP_420, 0, i, &n);
		if (j == NULL || (s = realloc(s, *len + n)) == NULL) {
			fprintf(stderr, "cannot build the stream\n");
			exit(1);
		}
		memcpy(s + *len, j, n);
		*len += n;
		free(j);
	}
	return (s);
}

int
main(int argc, char **argv)
{
	struct jpeg_split	*js;
	struct jpeg_split_stats	 st;
	unsigned char		*s;
	size_t			 len, at, k, bytes = 0, ffs = 0;
	const unsigned char	*p, *q;
	double			 t0, split, scan;
	int			 passes = argc > 1 ? atoi(argv[1]) : 20, i;

	if (passes < 1)
		passes = 1;
	s = bench_stream(&len);
	if ((js = jpeg_split_new(4 << 20)) == NULL)
		return (1);

	t0 = bench_now();
	for (i = 0; i < passes; i++)
		for (at = 0; at < len; at += k) {
			k = len - at < BENCH_CHUNK ? len - at : BENCH_CHUNK;
			if (jpeg_split_feed(js, s + at, k, bench_cb, &bytes) < 0)
				return (1);
		}
	split = bench_now() - t0;
	jpeg_split_stats(js, &st);

	t0 = bench_now();
	for (i = 0; i < passes; i++)
		for (p = s; (q = memchr(p, 0xff, s + len - p)) != NULL;
		    p = q + 1)
			ffs++;
	scan = bench_now() - t0;

	printf("stream: %d frames of %dx%d, %.1f KiB each, %zu bytes\n",
	    BENCH_FRAMES, BENCH_W, BENCH_H, len / 1024.0 / BENCH_FRAMES, len);
	printf("split: %d passes in %zu-byte chunks, %.3f s, %.0f MB/s, "
	    "%.0f frames/s\n", passes, (size_t)BENCH_CHUNK, split,
	    (double)len * passes / split / 1e6,
	    (double)BENCH_FRAMES * passes / split);
	printf("memchr scan alone: %.0f MB/s (%zu FF bytes)\n",
	    (double)len * passes / scan / 1e6, ffs / passes);
	printf("frames %llu, bytes out %zu, dropped %llu\n",
	    (unsigned long long)st.frames, bytes,
	    (unsigned long long)(st.dropped_oversize + st.dropped_truncated +
	    st.dropped_corrupt));
	jpeg_split_free(js);
	free(s);
	return (st.frames == (uint64_t)BENCH_FRAMES * passes ? 0 : 1);
}
