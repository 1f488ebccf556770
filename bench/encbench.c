/* SPDX-License-Identifier: ISC */
/*
 * encbench.c: what a camera's YUYV frame costs to encode, the way capd's
 * V4L2 path does it: packed YUYV 4:2:2 split into Y, U and V planes, then
 * tjCompressFromYUVPlanes at 4:2:2 with the fast DCT.
 *
 *   encbench IMAGE.ppm [QUALITY [SECONDS]]
 *
 * The PPM (RGB) is turned into YUYV once (BT.601), so the timed loop sees
 * what a camera delivers.  Prints ms per frame for the split, the
 * compression and both, as a table line and one JSON line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <turbojpeg.h>

/* Monotonic seconds. */
static double
enc_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* Reads a binary PPM (P6, maxval 255); exits on error. */
static unsigned char *
enc_read_ppm(const char *path, int *w, int *h)
{
	FILE		*fp;
	unsigned char	*rgb;
	int		 max;

	if ((fp = fopen(path, "rb")) == NULL ||
	    fscanf(fp, "P6 %d %d %d", w, h, &max) != 3 || max != 255 ||
	    fgetc(fp) == EOF || *w < 2 || *h < 1 || *w % 2 != 0) {
		fprintf(stderr, "encbench: %s: not an even-width P6 PPM\n",
		    path);
		exit(1);
	}
	if ((rgb = malloc((size_t)*w * *h * 3)) == NULL ||
	    fread(rgb, 3, (size_t)*w * *h, fp) != (size_t)*w * *h) {
		fprintf(stderr, "encbench: %s: short read\n", path);
		exit(1);
	}
	fclose(fp);
	return (rgb);
}

/* Clamps to a byte. */
static unsigned char
enc_clamp(double v)
{
	return (v < 0 ? 0 : v > 255 ? 255 : (unsigned char)(v + 0.5));
}

/* RGB to packed YUYV (BT.601, studio range), as a camera gives it. */
static void
enc_rgb_to_yuyv(const unsigned char *rgb, unsigned char *yuyv, int w, int h)
{
	const unsigned char	*p;
	double			 r, g, b, u, v;
	size_t			 i, n = (size_t)w * h / 2;

	for (i = 0; i < n; i++) {
		p = rgb + i * 6;
		r = (p[0] + p[3]) / 2.0;
		g = (p[1] + p[4]) / 2.0;
		b = (p[2] + p[5]) / 2.0;
		u = 128 - 0.148 * r - 0.291 * g + 0.439 * b;
		v = 128 + 0.439 * r - 0.368 * g - 0.071 * b;
		yuyv[i * 4] = enc_clamp(16 + 0.257 * p[0] + 0.504 * p[1] +
		    0.098 * p[2]);
		yuyv[i * 4 + 1] = enc_clamp(u);
		yuyv[i * 4 + 2] = enc_clamp(16 + 0.257 * p[3] + 0.504 * p[4] +
		    0.098 * p[5]);
		yuyv[i * 4 + 3] = enc_clamp(v);
	}
}

/*
 * Splits packed YUYV into planes (the per-frame work before encoding):
 * eight pixels per step, 16 bytes in, 8 + 4 + 4 out, which compilers turn
 * into vector shuffles.
 */
static void
enc_split(const unsigned char *restrict yuyv, unsigned char **pl, int w,
    int h)
{
	const unsigned char	*s;
	unsigned char		*restrict y = pl[0], *restrict u = pl[1];
	unsigned char		*restrict v = pl[2];
	size_t			 i, j, n = (size_t)w * h / 2;

	for (i = 0; i + 4 <= n; i += 4) {
		s = yuyv + 4 * i;
		for (j = 0; j < 4; j++) {
			y[2 * (i + j)] = s[4 * j];
			y[2 * (i + j) + 1] = s[4 * j + 2];
			u[i + j] = s[4 * j + 1];
			v[i + j] = s[4 * j + 3];
		}
	}
	for (; i < n; i++) {
		y[2 * i] = yuyv[4 * i];
		u[i] = yuyv[4 * i + 1];
		y[2 * i + 1] = yuyv[4 * i + 2];
		v[i] = yuyv[4 * i + 3];
	}
}

int
main(int argc, char **argv)
{
	unsigned char	*rgb, *yuyv, *pl[3], *jpeg;
	unsigned long	 jlen, cap;
	tjhandle	 tj;
	double		 secs, t0, t1, tsplit = 0, tcomp = 0;
	int		 w, h, q, n = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: encbench IMAGE.ppm [QUALITY [SECONDS]]\n");
		return (2);
	}
	q = argc > 2 ? atoi(argv[2]) : 80;
	secs = argc > 3 ? atof(argv[3]) : 2;
	rgb = enc_read_ppm(argv[1], &w, &h);
	yuyv = malloc((size_t)w * h * 2);
	pl[0] = malloc((size_t)w * h);
	pl[1] = malloc((size_t)w * h / 2);
	pl[2] = malloc((size_t)w * h / 2);
	cap = tjBufSize(w, h, TJSAMP_422);
	jpeg = tjAlloc(cap);
	if ((tj = tjInitCompress()) == NULL || yuyv == NULL || jpeg == NULL ||
	    pl[0] == NULL || pl[1] == NULL || pl[2] == NULL)
		return (1);
	enc_rgb_to_yuyv(rgb, yuyv, w, h);
	for (t0 = enc_now(); enc_now() - t0 < secs / 4; ) {	/* warm-up */
		enc_split(yuyv, pl, w, h);
		jlen = cap;
		tjCompressFromYUVPlanes(tj, (const unsigned char **)pl, w,
		    NULL, h, TJSAMP_422, &jpeg, &jlen, q,
		    TJFLAG_NOREALLOC | TJFLAG_FASTDCT);
	}
	while (tsplit + tcomp < secs) {
		t0 = enc_now();
		enc_split(yuyv, pl, w, h);
		t1 = enc_now();
		jlen = cap;
		if (tjCompressFromYUVPlanes(tj, (const unsigned char **)pl, w,
		    NULL, h, TJSAMP_422, &jpeg, &jlen, q,
		    TJFLAG_NOREALLOC | TJFLAG_FASTDCT) == -1) {
			fprintf(stderr, "encbench: %s\n", tjGetErrorStr2(tj));
			return (1);
		}
		tcomp += enc_now() - t1;
		tsplit += t1 - t0;
		n++;
	}
	fprintf(stderr, "encbench: %dx%d q%d 4:2:2: split %.3f ms, compress "
	    "%.3f ms, total %.3f ms per frame (%d frames, %lu bytes)\n", w, h,
	    q, tsplit * 1e3 / n, tcomp * 1e3 / n, (tsplit + tcomp) * 1e3 / n,
	    n, jlen);
	printf("{\"width\":%d,\"height\":%d,\"quality\":%d,\"frames\":%d,"
	    "\"split_ms\":%.4f,\"compress_ms\":%.4f,\"total_ms\":%.4f,"
	    "\"jpeg_bytes\":%lu}\n", w, h, q, n, tsplit * 1e3 / n,
	    tcomp * 1e3 / n, (tsplit + tcomp) * 1e3 / n, jlen);
	tjDestroy(tj);
	return (0);
}
