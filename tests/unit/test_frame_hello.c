/* test_frame_hello.c: the line naming a frame socket subscriber. */
#include <string.h>

#include "test.h"
#include "frame_hello.h"

/* Parses the first n bytes of s. */
static int
hello(const char *s, size_t n, char *name)
{
	name[0] = '\0';
	return (frame_hello_parse(s, n, name));
}

static void
test_format(void)
{
	char	 buf[FRAME_HELLO_MAX];

	CHECK_EQ(frame_hello_format("httpd", buf, sizeof(buf)), 19);
	CHECK(strcmp(buf, "Subscriber: httpd\r\n") == 0);
	CHECK_EQ(frame_hello_format("a.b_c-D9", buf, sizeof(buf)), 22);
	CHECK_EQ(frame_hello_format("", buf, sizeof(buf)), -1);
	CHECK_EQ(frame_hello_format("two words", buf, sizeof(buf)), -1);
	CHECK_EQ(frame_hello_format("x\r\nX-Evil: 1", buf, sizeof(buf)), -1);
	CHECK_EQ(frame_hello_format("0123456789012345678901234567890123",
	    buf, sizeof(buf)), -1);
	CHECK_EQ(frame_hello_format("01234567890123456789012345678901",
	    buf, sizeof(buf)), 46);
	CHECK_EQ(frame_hello_format("httpd", buf, 19), -1);
}

static void
test_parse(void)
{
	const char	*s = "Subscriber: wsd\r\n";
	char		 name[FRAME_HELLO_NAME_MAX + 1];
	size_t		 i;

	/* Every split point: more is needed until the line ends. */
	for (i = 0; i < strlen(s) ; i++)
		CHECK_EQ(hello(s, i, name), 0);
	CHECK_EQ(hello(s, strlen(s), name), 1);
	CHECK(strcmp(name, "wsd") == 0);
	CHECK_EQ(hello("Subscriber: wsd\nrest", 20, name), 1);
	CHECK(strcmp(name, "wsd") == 0);
	CHECK_EQ(hello("Subscriber: a.b_c-D9\r\n--", 24, name), 1);
	CHECK(strcmp(name, "a.b_c-D9") == 0);
	CHECK_EQ(hello("Subscriber: 01234567890123456789012345678901\n", 45,
	    name), 1);
	CHECK_EQ(strlen(name), 32);
}

static void
test_refused(void)
{
	char	 name[FRAME_HELLO_NAME_MAX + 1];

	CHECK_EQ(hello("GET / HTTP/1.1\r\n", 16, name), -1);
	CHECK_EQ(hello("subscriber: wsd\r\n", 17, name), -1);
	CHECK_EQ(hello("Subscriber:wsd\r\n", 16, name), -1);
	CHECK_EQ(hello("Subscriber: \r\n", 14, name), -1);
	CHECK_EQ(hello("Subscriber: a b\r\n", 17, name), -1);
	CHECK_EQ(hello("Subscriber: wsd\rX", 17, name), -1);
	CHECK_EQ(hello("Subscriber: \xc3\xa9\r\n", 16, name), -1);
	CHECK_EQ(hello("Subscriber: 012345678901234567890123456789012\n", 46,
	    name), -1);
	CHECK_EQ(hello("Subscriber: 012345678901234567890123456789012", 45,
	    name), -1);
	CHECK_EQ(hello("\0\0\0", 3, name), -1);
	CHECK(name[0] == '\0');
}

int
main(void)
{
	RUN(test_format);
	RUN(test_parse);
	RUN(test_refused);
	return (TEST_DONE("frame_hello"));
}
