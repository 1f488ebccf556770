/* SPDX-License-Identifier: ISC */
/*
 * test_timeval.c: time arithmetic and timestamps at the 32-bit edges.  The
 * same expectations hold on every architecture except where time_t itself
 * decides (2038 and later), which is checked against sizeof(time_t); make
 * check-cross runs this under qemu-arm, where time_t and long are 32 bits.
 */
#include <stdlib.h>

#include "frame_part.h"
#include "jpeg_com.h"
#include "timeval.h"
#include "test.h"
#include "jpeg_test.h"

/* Milliseconds of dates whose tv_sec * 1000 overflows a 32-bit long. */
static void
test_ms(void)
{
	struct timespec	 ts = { 1764057600, 123456789 };

	CHECK(timeval_ms_timespec(&ts) == 1764057600123LL);
	ts.tv_sec = INT32_MAX;
	ts.tv_nsec = 999999999;
	CHECK(timeval_ms_timespec(&ts) == 2147483647999LL);
	ts.tv_sec = 2;
	ts.tv_nsec = 999999;
	CHECK_EQ(timeval_ms_timespec(&ts), 2000);
	ts.tv_sec = -1;
	ts.tv_nsec = 0;
	CHECK_EQ(timeval_ms_timespec(&ts), -1000);
}

/* Seconds that time_t cannot hold are refused, not wrapped. */
static void
test_set(void)
{
	struct timeval	 tv = { 0, 0 };

	CHECK_EQ(timeval_set(&tv, INT32_MAX, 999999), 0);
	CHECK(tv.tv_sec == INT32_MAX && tv.tv_usec == 999999);
	CHECK_EQ(timeval_set(&tv, 0, 1000000), -1);
	if (sizeof(time_t) == 4) {
		CHECK_EQ(timeval_set(&tv, (uint64_t)INT32_MAX + 1, 0), -1);
		CHECK_EQ(timeval_set(&tv, UINT32_MAX, 0), -1);
		CHECK(tv.tv_sec == INT32_MAX);	/* left alone */
	} else {
		CHECK_EQ(timeval_set(&tv, (uint64_t)INT32_MAX + 1, 5), 0);
		CHECK((int64_t)tv.tv_sec == (int64_t)INT32_MAX + 1 && tv.tv_usec == 5);
	}
	CHECK_EQ(timeval_set(&tv, UINT64_MAX, 0), -1);
}

/* Parses one part header with the given X-Timestamp value. */
static int
parse_ts(const char *value, struct timeval *tv)
{
	char			 hdr[256];
	struct frame_part_info	 info;
	char			 cause[128];
	int			 n, rc;

	n = snprintf(hdr, sizeof(hdr), "--campipe\r\nContent-Type: image/jpeg"
	    "\r\nContent-Length: 10\r\nX-Frame-Seq: 7\r\nX-Timestamp: %s\r\n"
	    "\r\n", value);
	rc = frame_part_parse((const unsigned char *)hdr, (size_t)n, 1000,
	    &info, cause, sizeof(cause));
	if (rc == 1)
		*tv = info.ts;
	return (rc);
}

/* X-Timestamp at the last second of 32-bit time and past it. */
static void
test_part_2038(void)
{
	struct timeval	 tv = { 0, 0 };
	char		 hdr[256];
	int		 n;

	CHECK_EQ(parse_ts("2147483647.999999", &tv), 1);
	CHECK(tv.tv_sec == INT32_MAX && tv.tv_usec == 999999);
	n = frame_part_header(hdr, sizeof(hdr), 10, 7, &tv);
	CHECK(n > 0 && strstr(hdr, "X-Timestamp: 2147483647.999999\r\n"));
	if (sizeof(time_t) == 4) {
		CHECK_EQ(parse_ts("2147483648.000000", &tv), -1);
		CHECK_EQ(parse_ts("4294967296", &tv), -1);
	} else {
		CHECK_EQ(parse_ts("2147483648.000000", &tv), 1);
		CHECK((int64_t)tv.tv_sec == 2147483648LL);
		CHECK_EQ(parse_ts("4294967296", &tv), 1);
		CHECK((int64_t)tv.tv_sec == 4294967296LL);
	}
	/* Over 2^40 s is refused everywhere, as docs/frames.md says. */
	CHECK_EQ(parse_ts("1099511627777", &tv), -1);
}

/* The COM segment's t= at the same edges, written then read. */
static void
test_com_2038(void)
{
	unsigned char	*jpeg, *out;
	size_t		 len;
	long		 n;
	uint64_t	 seq = 0;
	struct timeval	 tv = { INT32_MAX, 999999 }, back = { 0, 0 };
	static const char late[] = "campipe seq=1 t=2147483648.000000";
	unsigned char	 seg[128];

	jpeg = jpeg_test_make(16, 16, TJSAMP_420, 0, 1, &len);
	CHECK(jpeg != NULL);
	if (jpeg == NULL)
		return;
	out = malloc(len + JPEG_COM_MAX);
	n = jpeg_com_insert(out, len + JPEG_COM_MAX, jpeg, len, UINT64_MAX,
	    &tv);
	CHECK(n > 0);
	CHECK_EQ(jpeg_com_parse(out, (size_t)n, &seq, &back), 0);
	CHECK(seq == UINT64_MAX);
	CHECK(back.tv_sec == INT32_MAX && back.tv_usec == 999999);

	/* A COM segment from a 64-bit writer after 2038. */
	seg[0] = 0xff;
	seg[1] = 0xd8;
	seg[2] = 0xff;
	seg[3] = 0xfe;
	seg[4] = 0;
	seg[5] = (unsigned char)(sizeof(late) - 1 + 2);
	memcpy(seg + 6, late, sizeof(late) - 1);
	memcpy(out, seg, 6 + sizeof(late) - 1);
	memcpy(out + 6 + sizeof(late) - 1, jpeg + 2, len - 2);
	n = (long)(len + 4 + sizeof(late) - 1);
	if (sizeof(time_t) == 4)
		CHECK_EQ(jpeg_com_parse(out, (size_t)n, &seq, &back), -1);
	else {
		CHECK_EQ(jpeg_com_parse(out, (size_t)n, &seq, &back), 0);
		CHECK((int64_t)back.tv_sec == 2147483648LL && seq == 1);
	}
	free(out);
	free(jpeg);
}

/* The wall clock as time() has it. */
static void
test_now(void)
{
	struct timeval	 tv;
	time_t		 before, after;

	before = time(NULL);
	timeval_now(&tv);
	after = time(NULL);
	CHECK(tv.tv_sec >= before && tv.tv_sec <= after);
	CHECK(tv.tv_usec >= 0 && tv.tv_usec <= 999999);
}

/* What this build is: printed so a log shows which edges were tested. */
static void
test_widths(void)
{
	printf("test_timeval: time_t %zu, long %zu, size_t %zu, off_t %zu "
	    "bytes\n", sizeof(time_t), sizeof(long), sizeof(size_t),
	    sizeof(off_t));
	CHECK(sizeof(time_t) == 4 || sizeof(time_t) == 8);
	CHECK(sizeof(long) == sizeof(size_t));
}

int
main(void)
{
	RUN(test_ms);
	RUN(test_set);
	RUN(test_part_2038);
	RUN(test_com_2038);
	RUN(test_now);
	RUN(test_widths);
	return (TEST_DONE("test_timeval"));
}
