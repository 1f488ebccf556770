/* SPDX-License-Identifier: ISC */
/* test_frames_doc.c: docs/frames.md's examples are what the code writes. */
#include <stdlib.h>

#include "annexb.h"
#include "doc_test.h"
#include "frame_hello.h"
#include "frame_part.h"
#include "jpeg_com.h"
#include "test.h"

#define FRAMES_DOC	"docs/frames.md"

/* The part header example, its "\r\n" spelled out, is frame_part_header's. */
static void
test_part_example(void)
{
	struct frame_part_info	 in;
	struct timeval		 tv = { 1764057600, 123456 };
	char			 doc[1024], want[1024], buf[256], cause[128];
	char			*p, *q;
	long			 n;
	int			 len;

	n = doc_block(FRAMES_DOC, "the part header is:", doc, sizeof(doc));
	CHECK(n > 0);
	if (n <= 0)
		return;
	/* Each line ends with the characters \r\n and a newline. */
	for (p = doc, q = want; *p != '\0'; p++) {
		if (strncmp(p, "\\r\\n\n", 5) == 0) {
			*q++ = '\r';
			*q++ = '\n';
			p += 4;
		} else
			*q++ = *p;
	}
	*q = '\0';
	len = frame_part_header(buf, sizeof(buf), 1234, 42, &tv);
	CHECK_EQ(len, strlen(want));
	CHECK(strcmp(buf, want) == 0);
	CHECK_EQ(frame_part_parse((unsigned char *)want, strlen(want), 1 << 20,
	    &in, cause, sizeof(cause)), 1);
	CHECK_EQ(in.hdr_len, strlen(want));
	CHECK_EQ(in.jpeg_len, 1234);
	CHECK_EQ(in.seq, 42);
	CHECK_EQ(in.ts.tv_sec, 1764057600);
	CHECK_EQ(in.ts.tv_usec, 123456);
}

/* The COM segment example is jpeg_com_insert's, and parses back. */
static void
test_com_example(void)
{
	static const unsigned char	 tiny[] = { 0xff, 0xd8, 0xff, 0xd9 };
	struct timeval			 tv = { 1764057600, 123456 }, t2 = { 0, 0 };
	unsigned char			 want[128], out[128];
	char				 doc[1024];
	uint64_t			 seq = 0;
	size_t				 n;
	long				 len;

	if (doc_block(FRAMES_DOC, "in hex:", doc, sizeof(doc)) <= 0) {
		CHECK(!"the COM example in " FRAMES_DOC);
		return;
	}
	n = doc_hex(doc, want, sizeof(want));
	CHECK_EQ(n, 2 + 4 + 34);
	len = jpeg_com_insert(out, sizeof(out), tiny, sizeof(tiny), 42, &tv);
	CHECK_EQ(len, n + 2);
	CHECK_MEM(out, want, n);
	CHECK_MEM(out + n, "\xff\xd9", 2);
	/* The documented bytes alone are enough for a reader. */
	CHECK_EQ(jpeg_com_parse(want, n, &seq, &t2), 0);
	CHECK_EQ(seq, 42);
	CHECK_EQ(t2.tv_sec, 1764057600);
	CHECK_EQ(t2.tv_usec, 123456);
}

/* The SEI example: annexb_sei_build writes exactly these bytes. */
static void
test_sei_example(void)
{
	struct timeval			 tv = { 1764057600, 123456 }, t2;
	unsigned char			 want[128], out[ANNEXB_SEI_MAX];
	char				 doc[1024];
	uint64_t			 seq = 0;
	size_t				 n;

	if (doc_block(FRAMES_DOC, "SEI NAL unit of frame 42, in hex:", doc,
	    sizeof(doc)) <= 0) {
		CHECK(!"the SEI example in " FRAMES_DOC);
		return;
	}
	n = doc_hex(doc, want, sizeof(want));
	CHECK_EQ(n, 7 + 16 + 34 + 1);
	CHECK_EQ(annexb_sei_build(out, sizeof(out), 42, &tv), n);
	CHECK_MEM(out, want, n);
	CHECK_EQ(annexb_sei_parse(want + 4, n - 4, &seq, &t2), 0);
	CHECK_EQ(seq, 42);
	CHECK_EQ(t2.tv_usec, 123456);
}

/* The IDR request's block, its "\r\n" spelled out, is FRAME_HELLO_IDR. */
static void
test_idr_example(void)
{
	char	 doc[64];

	CHECK_EQ(doc_block(FRAMES_DOC, "the five bytes `49 44 52 0D 0A`:", doc,
	    sizeof(doc)), 8);
	CHECK(strcmp(doc, "IDR\\r\\n\n") == 0);
	CHECK(memcmp(FRAME_HELLO_IDR, "IDR\r\n", FRAME_HELLO_IDR_LEN) == 0);
}

int
main(void)
{
	RUN(test_part_example);
	RUN(test_com_example);
	RUN(test_sei_example);
	RUN(test_idr_example);
	return (TEST_DONE("frames_doc"));
}
