/* SPDX-License-Identifier: ISC */
/* test_frame_part.c: the frame socket's part header, byte by byte. */
#include <stdlib.h>

#include <event2/buffer.h>

#include "frame.h"
#include "frame_part.h"
#include "jpeg_com.h"
#include "test.h"
#include "jpeg_test.h"

static const char good[] =
    "--campipe\r\n"
    "Content-Type: image/jpeg\r\n"
    "Content-Length: 1234\r\n"
    "X-Frame-Seq: 42\r\n"
    "X-Timestamp: 1764057600.123456\r\n"
    "\r\n";

/* Writes the header exactly as docs/frames.md says. */
static void
test_header_exact(void)
{
	char		 buf[256];
	struct timeval	 tv = { 1764057600, 123456 };
	int		 n;

	n = frame_part_header(buf, sizeof(buf), 1234, 42, &tv);
	CHECK_EQ(n, sizeof(good) - 1);
	CHECK_MEM(buf, good, sizeof(good) - 1);
	CHECK_EQ(frame_part_header(buf, 20, 1234, 42, &tv), -1);
	tv.tv_usec = 7;
	n = frame_part_header(buf, sizeof(buf), 1, 0, &tv);
	CHECK(n > 0 && strstr(buf, "X-Timestamp: 1764057600.000007\r\n") != NULL);
}

/* Parses what it writes. */
static void
test_parse_good(void)
{
	struct frame_part_info	 in;
	char			 cause[128];

	CHECK_EQ(frame_part_parse((const unsigned char *)good, sizeof(good) - 1,
	    1 << 20, &in, cause, sizeof(cause)), 1);
	CHECK_EQ(in.hdr_len, sizeof(good) - 1);
	CHECK_EQ(in.jpeg_len, 1234);
	CHECK_EQ(in.seq, 42);
	CHECK_EQ(in.ts.tv_sec, 1764057600);
	CHECK_EQ(in.ts.tv_usec, 123456);
}

/* Every proper prefix asks for more bytes. */
static void
test_parse_prefixes(void)
{
	struct frame_part_info	 in;
	char			 cause[128];
	size_t			 i;

	for (i = 0; i < sizeof(good) - 1; i++)
		CHECK_EQ(frame_part_parse((const unsigned char *)good, i,
		    1 << 20, &in, cause, sizeof(cause)), 0);
}

/* Leading CRLFs, other header order, case, unknown fields, short decimals. */
static void
test_parse_lenient(void)
{
	const char		 s[] = "\r\n\r\n--campipe\r\n"
	    "x-timestamp: 5.5\r\ncontent-length:  7 \r\nX-Other: y\r\n\r\n";
	struct frame_part_info	 in;
	char			 cause[128];

	CHECK_EQ(frame_part_parse((const unsigned char *)s, sizeof(s) - 1,
	    100, &in, cause, sizeof(cause)), 1);
	CHECK_EQ(in.hdr_len, sizeof(s) - 1);
	CHECK_EQ(in.jpeg_len, 7);
	CHECK_EQ(in.ts.tv_sec, 5);
	CHECK_EQ(in.ts.tv_usec, 500000);
	CHECK_EQ(in.seq, 0);
}

/* Malformed headers are refused with a cause. */
static void
test_parse_bad(void)
{
	static const char *bad[] = {
		"--other\r\nContent-Length: 1\r\n\r\n",
		"campipe\r\nContent-Length: 1\r\n\r\n",
		"--campipe\r\nContent-Type: image/jpeg\r\n\r\n",
		"--campipe\r\nContent-Length: -1\r\n\r\n",
		"--campipe\r\nContent-Length: 1x\r\n\r\n",
		"--campipe\r\nContent-Length: \r\n\r\n",
		"--campipe\r\nContent-Length: 99999999999999999999999\r\n\r\n",
		"--campipe\r\nContent-Length: 101\r\n\r\n",
		"--campipe\r\nContent-Length: 1\r\nX-Frame-Seq: a\r\n\r\n",
		"--campipe\r\nContent-Length: 1\r\nX-Timestamp: 1.1234567\r\n\r\n",
		"--campipe\r\nContent-Length: 1\r\nX-Timestamp: .5\r\n\r\n",
		"--campipe\r\nno colon\r\n\r\n",
	};
	struct frame_part_info	 in;
	char			 cause[128];
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cause[0] = '\0';
		CHECK_EQ(frame_part_parse((const unsigned char *)bad[i],
		    strlen(bad[i]), 100, &in, cause, sizeof(cause)), -1);
		CHECK(cause[0] != '\0');
	}
}

/* The reader's rules of docs/frames.md, each with its exact line. */
static void
test_parse_rules(void)
{
	static const struct {
		const char	*in;
		int		 want;
		const char	*cause;
		size_t		 len;
		uint64_t	 seq;
	} cases[] = {
		/* Bare LF line ends, and spaces or tabs after the boundary. */
		{ "--campipe\nContent-Length: 3\n\n", 1, "", 3, 0 },
		{ "\n\r\n--campipe \t\r\nContent-Length: 3\r\n\r\n", 1, "", 3, 0 },
		/* Content-Type and the X- fields are optional, any case. */
		{ "--campipe\r\nCONTENT-LENGTH:3\r\nx-frame-seq:\t9\t\r\n\r\n",
		    1, "", 3, 9 },
		{ "--campipe\r\nContent-Type: text/plain\r\n"
		    "Content-Length: 3\r\n\r\n", 1, "", 3, 0 },
		{ "--campipe\r\nX-Frame-Seq: 18446744073709551615\r\n"
		    "Content-Length: 3\r\n\r\n", 1, "", 3, UINT64_MAX },
		/* Refused. */
		{ "--campipe--\r\n\r\n", -1,
		    "expected boundary line \"--campipe\"", 0, 0 },
		{ "--campipex\r\nContent-Length: 3\r\n\r\n", -1,
		    "expected boundary line \"--campipe\"", 0, 0 },
		{ "--CAMPIPE\r\nContent-Length: 3\r\n\r\n", -1,
		    "expected boundary line \"--campipe\"", 0, 0 },
		{ "--campipe\r\nContent-Length: 0\r\n\r\n", -1,
		    "bad or oversized Content-Length (limit 100)", 0, 0 },
		{ "--campipe\r\nContent-Length: +3\r\n\r\n", -1,
		    "bad or oversized Content-Length (limit 100)", 0, 0 },
		{ "--campipe\r\nContent-Length: 3\r\ncontent-length: 3\r\n"
		    "\r\n", -1, "repeated content-length", 0, 0 },
		{ "--campipe\r\nContent-Length: 3\r\nX-Frame-Seq: 1\r\n"
		    "X-Frame-Seq: 2\r\n\r\n", -1, "repeated X-Frame-Seq", 0, 0 },
		{ "--campipe\r\nContent-Length: 3\r\nX-Timestamp: 1\r\n"
		    "X-Timestamp: 1\r\n\r\n", -1, "repeated X-Timestamp", 0, 0 },
		{ "--campipe\r\nContent-Length : 3\r\n\r\n", -1,
		    "bad header name", 0, 0 },
		{ "--campipe\r\n: 3\r\nContent-Length: 3\r\n\r\n", -1,
		    "bad header name", 0, 0 },
		{ "--campipe\r\nContent-Length: 3\r\n X-Folded: y\r\n\r\n", -1,
		    "bad header name", 0, 0 },
		{ "--campipe\r\nX-Frame-Seq: 18446744073709551616\r\n\r\n", -1,
		    "bad X-Frame-Seq", 0, 0 },
		{ "--campipe\r\nX-Timestamp: 5.\r\n\r\n", -1,
		    "bad X-Timestamp", 0, 0 },
		{ "--campipe\r\nX-Seq: 1\r\n\r\n", -1,
		    "part without Content-Length", 0, 0 },
		{ "--campipe\r\nContent-Length: 3\r\nno colon\r\n\r\n", -1,
		    "header line without colon", 0, 0 },
	};
	struct frame_part_info	 in;
	char			 cause[128];
	size_t			 i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cause[0] = '\0';
		n = strlen(cases[i].in);
		if (frame_part_parse((const unsigned char *)cases[i].in, n, 100,
		    &in, cause, sizeof(cause)) != cases[i].want ||
		    strcmp(cause, cases[i].cause) != 0 ||
		    (cases[i].want == 1 && (in.hdr_len != n ||
		    in.jpeg_len != cases[i].len || in.seq != cases[i].seq))) {
			fprintf(stderr, "case %zu: cause '%s'\n", i, cause);
			CHECK(!"rule");
		}
	}
}

/* A header longer than the limit is an error, not a wait. */
static void
test_parse_overlong(void)
{
	char			 buf[FRAME_PART_HEADER_MAX + 200], cause[128];
	struct frame_part_info	 in;
	size_t			 n;

	n = snprintf(buf, sizeof(buf), "--campipe\r\nX-Pad: ");
	memset(buf + n, 'a', sizeof(buf) - n);
	CHECK_EQ(frame_part_parse((unsigned char *)buf, sizeof(buf), 100, &in,
	    cause, sizeof(cause)), -1);
}

/*
 * The limit counts from the boundary line: 64 blank-line bytes before it
 * and a header that never ends is an error once 1024 bytes of it are in,
 * not a wait for more (which would let the input grow without bound).
 */
static void
test_parse_overlong_after_blank(void)
{
	char			 buf[64 + FRAME_PART_HEADER_MAX], cause[128];
	struct frame_part_info	 in;
	size_t			 n;

	memset(buf, '\n', 64);
	n = 64 + snprintf(buf + 64, sizeof(buf) - 64, "--campipe\r\nX-Pad: ");
	memset(buf + n, 'a', sizeof(buf) - n);
	CHECK_EQ(frame_part_parse((unsigned char *)buf, sizeof(buf) - 1, 100,
	    &in, cause, sizeof(cause)), 0);
	CHECK_EQ(frame_part_parse((unsigned char *)buf, sizeof(buf), 100, &in,
	    cause, sizeof(cause)), -1);
	CHECK(strcmp(cause, "part header over 1024 bytes") == 0);
	/* Exactly 1024 bytes with its empty line is accepted. */
	n = 64 + snprintf(buf + 64, sizeof(buf) - 64,
	    "--campipe\r\nContent-Length: 5\r\nX-Pad: ");
	memset(buf + n, 'a', sizeof(buf) - n - 4);
	memcpy(buf + sizeof(buf) - 4, "\r\n\r\n", 4);
	CHECK_EQ(frame_part_parse((unsigned char *)buf, sizeof(buf), 100, &in,
	    cause, sizeof(cause)), 1);
	CHECK_EQ(in.hdr_len, sizeof(buf));
	CHECK_EQ(in.jpeg_len, 5);
	/* 65 blank-line bytes are too many. */
	memset(buf, '\r', 65);
	CHECK_EQ(frame_part_parse((unsigned char *)buf, 65, 100, &in, cause,
	    sizeof(cause)), -1);
	CHECK(strcmp(cause, "over 64 bytes of blank lines") == 0);
	CHECK_EQ(frame_part_parse((unsigned char *)buf, 64, 100, &in, cause,
	    sizeof(cause)), 0);
}

/* A frame built from a JPEG is a whole part that parses back. */
static void
test_frame_from_jpeg(void)
{
	struct frame_part_info	 in;
	struct timeval		 tv = { 1764057600, 5 }, t2;
	struct frame		*f;
	struct evbuffer		*eb;
	unsigned char		*jpeg;
	uint64_t		 seq;
	size_t			 len;
	char			 cause[128];

	jpeg = jpeg_test_make(32, 16, TJSAMP_420, 0, 1, &len);
	CHECK(jpeg != NULL);
	f = frame_from_jpeg(jpeg, len, 9, &tv, cause, sizeof(cause));
	CHECK(f != NULL);
	if (f == NULL)
		return;
	CHECK_EQ(frame_part_parse(f->buf, f->len, 1 << 20, &in, cause,
	    sizeof(cause)), 1);
	CHECK_EQ(in.hdr_len, f->jpeg_off);
	CHECK_EQ(in.jpeg_len, f->jpeg_len);
	CHECK_EQ(f->len, f->jpeg_off + f->jpeg_len + 2);
	CHECK_MEM(f->buf + f->len - 2, "\r\n", 2);
	CHECK_EQ(jpeg_com_parse(f->buf + f->jpeg_off, f->jpeg_len, &seq, &t2), 0);
	CHECK_EQ(seq, 9);
	CHECK_EQ(t2.tv_usec, 5);
	/* The rest of the JPEG is the original, byte for byte. */
	CHECK_MEM(f->buf + f->len - 2 - (len - 2), jpeg + 2, len - 2);

	/* Shared by reference: two buffers, one frame, freed with the last. */
	eb = evbuffer_new();
	CHECK_EQ(frame_add_part(eb, f), 0);
	CHECK_EQ(frame_add_jpeg(eb, f), 0);
	CHECK_EQ(evbuffer_get_length(eb), f->len + f->jpeg_len);
	CHECK_EQ(f->refs, 3);
	frame_unref(f);
	CHECK_EQ(frame_count_alive(), 1);
	evbuffer_free(eb);
	CHECK_EQ(frame_count_alive(), 0);
	CHECK(frame_from_jpeg((const unsigned char *)"GIF89a", 6, 1, &tv,
	    cause, sizeof(cause)) == NULL);
	free(jpeg);
}

/* capd's refusal line: its reason, at every length it may arrive in. */
static void
test_parse_refused(void)
{
	static const char	 line[] = "\r\nRefused: this camera gives "
				    "H.264 only\x01\r\n";
	struct frame_part_info	 in;
	char			 cause[128], small[20];
	size_t			 n;

	for (n = 0; n < sizeof(line) - 1; n++)
		CHECK_EQ(frame_part_parse((const unsigned char *)line, n,
		    1 << 20, &in, cause, sizeof(cause)), 0);
	CHECK_EQ(frame_part_parse((const unsigned char *)line,
	    sizeof(line) - 1, 1 << 20, &in, cause, sizeof(cause)), -1);
	CHECK(strcmp(cause, "capd refused: this camera gives H.264 only?")
	    == 0);
	CHECK_EQ(frame_part_parse((const unsigned char *)line,
	    sizeof(line) - 1, 1 << 20, &in, small, sizeof(small)), -1);
	CHECK(strcmp(small, "capd refused: this ") == 0);
	/* Not at the start of a header: an ordinary bad field. */
	CHECK_EQ(frame_part_parse((const unsigned char *)"--campipe\r\n"
	    "Refused: x\r\n\r\n", 27, 1 << 20, &in, cause, sizeof(cause)),
	    -1);
	CHECK(strncmp(cause, "capd refused", 12) != 0);
}

int
main(void)
{
	RUN(test_parse_refused);
	RUN(test_header_exact);
	RUN(test_parse_good);
	RUN(test_parse_prefixes);
	RUN(test_parse_lenient);
	RUN(test_parse_bad);
	RUN(test_parse_rules);
	RUN(test_parse_overlong);
	RUN(test_parse_overlong_after_blank);
	RUN(test_frame_from_jpeg);
	return (TEST_DONE("frame_part"));
}
