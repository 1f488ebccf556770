/* SPDX-License-Identifier: ISC */
/*
 * test_handoff_rec.c: the handoff record (docs/handoff.md) at exact bytes:
 * the documented example built and parsed, every prefix and every longer
 * message refused, and each field's rule.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_test.h"
#include "handoff_rec.h"
#include "test.h"

#define HANDOFF_DOC	"docs/handoff.md"
#define HEAD		"GET /stream HTTP/1.1\r\nHost: cam\r\n\r\n"

/* Reads the hex bytes of a documented block. */
static size_t
hex_bytes(const char *s, uint8_t *out, size_t max)
{
	unsigned int	 b;
	size_t		 n = 0;
	int		 k;

	while (n < max && sscanf(s, " %2x%n", &b, &k) == 1) {
		out[n++] = (uint8_t)b;
		s += k;
	}
	return (n);
}

/* The example record of the document, as bytes. */
static size_t
doc_record(uint8_t *out, size_t max)
{
	char	 doc[2048];

	if (doc_block(HANDOFF_DOC, "the whole record in hex:", doc,
	    sizeof(doc)) <= 0)
		return (0);
	return (hex_bytes(doc, out, max));
}

static void
test_doc_example(void)
{
	struct sockaddr_in	 sin;
	struct handoff_rec	 rec;
	uint8_t			 want[256], out[HANDOFF_REC_MAX];
	char			 cause[128];
	size_t			 n;
	int			 len;

	n = doc_record(want, sizeof(want));
	CHECK_EQ(n, 28 + 5 + 35);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(51234);
	inet_pton(AF_INET, "192.0.2.7", &sin.sin_addr);
	len = handoff_rec_build(out, sizeof(out), (struct sockaddr *)&sin,
	    "alice", HEAD, strlen(HEAD), NULL, 0, cause, sizeof(cause));
	CHECK_EQ(len, n);
	CHECK_MEM(out, want, n);
	CHECK_EQ(handoff_rec_parse(&rec, want, n, cause, sizeof(cause)), 0);
	CHECK(strcmp(rec.user, "alice") == 0);
	CHECK_EQ(rec.headlen, strlen(HEAD));
	CHECK_MEM(rec.head, HEAD, rec.headlen);
	CHECK_EQ(rec.bodylen, 0);
	CHECK_EQ(rec.salen, sizeof(struct sockaddr_in));
	CHECK(memcmp(&((struct sockaddr_in *)&rec.sa)->sin_addr,
	    &sin.sin_addr, 4) == 0);
	CHECK_EQ(ntohs(((struct sockaddr_in *)&rec.sa)->sin_port), 51234);
}

/* Every prefix is refused; a byte more is a body of one byte. */
static void
test_every_split(void)
{
	struct handoff_rec	 rec;
	uint8_t			 buf[300];
	char			 cause[128];
	size_t			 n, i;

	n = doc_record(buf, sizeof(buf));
	CHECK(n > 0);
	for (i = 0; i < n; i++)
		CHECK_EQ(handoff_rec_parse(&rec, buf, i, cause,
		    sizeof(cause)), -1);
	CHECK(strstr(cause, "record of 67 bytes, fields say 68") != NULL);
	buf[n] = 'x';
	CHECK_EQ(handoff_rec_parse(&rec, buf, n + 1, cause, sizeof(cause)),
	    0);
	CHECK_EQ(rec.bodylen, 1);
	CHECK_EQ(rec.body[0], 'x');
}

/* The documented record with a body: a WHEP offer handed to rtcd. */
static void
test_doc_body(void)
{
	struct sockaddr_in6	 sin6;
	struct handoff_rec	 rec;
	uint8_t			 want[512], out[HANDOFF_REC_MAX];
	char			 doc[2048], cause[128];
	const char		*head = "POST /whep HTTP/1.1\r\n"
	    "Content-Type: application/sdp\r\nContent-Length: 10\r\n\r\n";
	size_t			 n;
	int			 len;

	CHECK(doc_block(HANDOFF_DOC, "the record with its body in hex:", doc,
	    sizeof(doc)) > 0);
	n = hex_bytes(doc, want, sizeof(want));
	CHECK_EQ(n, 28 + strlen(head) + 10);
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(50000);
	inet_pton(AF_INET6, "2001:db8::7", &sin6.sin6_addr);
	len = handoff_rec_build(out, sizeof(out), (struct sockaddr *)&sin6,
	    NULL, head, strlen(head), "v=0\r\no=- 1", 10, cause,
	    sizeof(cause));
	CHECK_EQ(len, n);
	CHECK_MEM(out, want, n);
	CHECK_EQ(handoff_rec_parse(&rec, want, n, cause, sizeof(cause)), 0);
	CHECK_EQ(rec.headlen, strlen(head));
	CHECK_EQ(rec.bodylen, 10);
	CHECK_MEM(rec.body, "v=0\r\no=- 1", 10);
	CHECK_EQ(rec.salen, sizeof(struct sockaddr_in6));
}

/* One byte of the example changed: refused with a reason. */
static void
check_bad(size_t off, uint8_t v, const char *why)
{
	struct handoff_rec	 rec;
	uint8_t			 buf[300];
	char			 cause[128] = "";
	size_t			 n;

	n = doc_record(buf, sizeof(buf));
	buf[off] = v;
	CHECK_EQ(handoff_rec_parse(&rec, buf, n, cause, sizeof(cause)), -1);
	if (strstr(cause, why) == NULL)
		fprintf(stderr, "offset %zu = %#x: \"%s\", want \"%s\"\n",
		    off, v, cause, why);
	CHECK(strstr(cause, why) != NULL);
}

static void
test_fields(void)
{
	check_bad(0, 'X', "not a handoff record");
	check_bad(4, 2, "version 2");
	check_bad(5, 5, "address family 5");
	check_bad(12, 1, "IPv4 address with trailing bytes");
	check_bad(25, 1, "reserved byte");
	check_bad(24, 6, "fields say 69");
	check_bad(24, 65, "user of 65");
	check_bad(26, 0x20, "head of 8227");
	check_bad(28, '\n', "control character");
	check_bad(30, ':', "control character");
	check_bad(28 + 2, 0x7f, "control character");
	check_bad(28 + 5 + 34, 'x', "first blank line");
}

/* A blank line inside the head: it would end there. */
static void
test_early_blank_line(void)
{
	struct handoff_rec	 rec;
	uint8_t			 buf[300];
	char			 cause[128] = "";
	size_t			 n;

	n = doc_record(buf, sizeof(buf));
	memcpy(buf + 28 + 5 + 22, "\r\n", 2);	/* "\r\n\r\nst: cam" */
	CHECK_EQ(handoff_rec_parse(&rec, buf, n, cause, sizeof(cause)), -1);
	CHECK(strstr(cause, "first blank line") != NULL);
}

/* Family 0 and 6, no user, the longest head; the builder's bounds. */
static void
test_build_parse(void)
{
	struct sockaddr_in6	 sin6;
	struct handoff_rec	 rec;
	static uint8_t		 buf[HANDOFF_REC_MAX + 8];
	static char		 head[HANDOFF_REC_HEAD_MAX + 8];
	static char		 body[HANDOFF_REC_BODY_MAX + 1];
	char			 cause[128];
	int			 len;

	len = handoff_rec_build(buf, sizeof(buf), NULL, NULL, HEAD,
	    strlen(HEAD), NULL, 0, cause, sizeof(cause));
	CHECK_EQ(len, 28 + 35);
	CHECK_EQ(buf[5], 0);
	CHECK_EQ(buf[24], 0);
	CHECK_EQ(handoff_rec_parse(&rec, buf, len, cause, sizeof(cause)), 0);
	CHECK_EQ(rec.sa.ss_family, AF_UNSPEC);
	CHECK_EQ(rec.user[0], '\0');

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(443);
	inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr);
	memset(head, 'a', sizeof(head));
	memcpy(head, "GET / HTTP/1.1\r\nX: ", 19);
	memcpy(head + HANDOFF_REC_HEAD_MAX - 4, "\r\n\r\n", 4);
	len = handoff_rec_build(buf, sizeof(buf), (struct sockaddr *)&sin6,
	    "bob", head, HANDOFF_REC_HEAD_MAX, NULL, 0, cause, sizeof(cause));
	CHECK_EQ(len, 28 + 3 + HANDOFF_REC_HEAD_MAX);
	CHECK_EQ(buf[5], 6);
	CHECK_EQ(buf[6], 0x01);
	CHECK_EQ(buf[7], 0xbb);
	CHECK_EQ(buf[8], 0x20);
	CHECK_EQ(buf[23], 0x01);
	CHECK_EQ(handoff_rec_parse(&rec, buf, len, cause, sizeof(cause)), 0);
	CHECK_EQ(rec.salen, sizeof(struct sockaddr_in6));
	CHECK(strcmp(rec.user, "bob") == 0);

	/* One byte over, a user with ':', a buffer too small. */
	memcpy(head + HANDOFF_REC_HEAD_MAX - 3, "\r\n\r\n", 4);
	CHECK_EQ(handoff_rec_build(buf, sizeof(buf), NULL, NULL, head,
	    HANDOFF_REC_HEAD_MAX + 1, NULL, 0, cause, sizeof(cause)), -1);
	CHECK_EQ(handoff_rec_build(buf, sizeof(buf), NULL, "a:b", HEAD,
	    strlen(HEAD), NULL, 0, cause, sizeof(cause)), -1);
	CHECK_EQ(handoff_rec_build(buf, 28 + 34, NULL, NULL, HEAD,
	    strlen(HEAD), NULL, 0, cause, sizeof(cause)), -1);
	CHECK_EQ(handoff_rec_build(buf, sizeof(buf), NULL, NULL,
	    "GET / HTTP/1.1\r\n", 16, NULL, 0, cause, sizeof(cause)), -1);

	/* The longest body, one byte more refused both ways. */
	memset(body, 'b', sizeof(body));
	len = handoff_rec_build(buf, sizeof(buf), NULL, NULL, HEAD,
	    strlen(HEAD), body, HANDOFF_REC_BODY_MAX, cause, sizeof(cause));
	CHECK_EQ(len, 28 + 35 + HANDOFF_REC_BODY_MAX);
	CHECK_EQ(handoff_rec_parse(&rec, buf, len, cause, sizeof(cause)), 0);
	CHECK_EQ(rec.bodylen, HANDOFF_REC_BODY_MAX);
	CHECK_EQ(handoff_rec_build(buf, sizeof(buf), NULL, NULL, HEAD,
	    strlen(HEAD), body, HANDOFF_REC_BODY_MAX + 1, cause,
	    sizeof(cause)), -1);
	buf[len] = 'b';
	CHECK_EQ(handoff_rec_parse(&rec, buf, len + 1, cause, sizeof(cause)),
	    -1);
}

int
main(void)
{
	RUN(test_doc_example);
	RUN(test_every_split);
	RUN(test_doc_body);
	RUN(test_fields);
	RUN(test_early_blank_line);
	RUN(test_build_parse);
	return (TEST_DONE("handoff_rec"));
}
