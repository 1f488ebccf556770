/* SPDX-License-Identifier: ISC */
/*
 * test_turn_rest.c: TURN REST credentials (common/auth/turn_rest.h): the
 * example of docs/httpd.md byte for byte, the user name's rules, and the
 * secret file's one line.
 */
#include <stdio.h>
#include <string.h>

#include "doc_test.h"
#include "test.h"
#include "turn_rest.h"

#define HTTPD_DOC	"docs/httpd.md"
#define SECRET		"campipe-example-secret"
#define URLS		"[\"turn:turn.example.net:3478?transport=udp\"," \
			"\"turns:turn.example.net:5349\"]"

/* The documented ice_servers of alice at 1700000000 with the default TTL. */
static void
test_doc_example(void)
{
	char	 doc[1024], want[1024], name[TURN_REST_NAME_MAX];
	char	 pass[TURN_REST_PASS_MAX], cause[128];

	CHECK(doc_block(HTTPD_DOC, "the viewer `alice` at Unix time "
	    "1700000000 gets:", doc, sizeof(doc)) > 0);
	CHECK_EQ(turn_rest_credential(SECRET, strlen(SECRET),
	    1700000000 + 86400, "alice", name, pass, cause, sizeof(cause)), 0);
	CHECK(strcmp(name, "1700086400:alice") == 0);
	snprintf(want, sizeof(want), "\"ice_servers\":[{\"urls\":" URLS ","
	    "\"username\":\"%s\",\"credential\":\"%s\"}]\n", name, pass);
	CHECK(strcmp(doc, want) == 0);
	if (strcmp(doc, want) != 0)
		fprintf(stderr, "doc:  %swant: %s", doc, want);
}

/* Nobody signed in: the expiry alone; a changed byte changes the password. */
static void
test_names(void)
{
	char	 name[TURN_REST_NAME_MAX], pass[TURN_REST_PASS_MAX];
	char	 pass2[TURN_REST_PASS_MAX], cause[128], user[80];

	CHECK_EQ(turn_rest_credential(SECRET, strlen(SECRET), 1700086400,
	    NULL, name, pass, cause, sizeof(cause)), 0);
	CHECK(strcmp(name, "1700086400") == 0);
	CHECK(strcmp(pass, "EZGicdJBLccTz7cmNZN+JNfzDzU=") == 0);
	CHECK_EQ(turn_rest_credential(SECRET, strlen(SECRET), 1700086400,
	    "", name, pass2, cause, sizeof(cause)), 0);
	CHECK(strcmp(pass, pass2) == 0);
	CHECK_EQ(turn_rest_credential(SECRET, strlen(SECRET) - 1, 1700086400,
	    NULL, name, pass2, cause, sizeof(cause)), 0);
	CHECK(strcmp(pass, pass2) != 0);
	CHECK_EQ(strlen(pass), 28);
	/* The longest expiry and user fit. */
	memset(user, 'u', TURN_REST_USER_MAX);
	user[TURN_REST_USER_MAX] = '\0';
	CHECK_EQ(turn_rest_credential(SECRET, strlen(SECRET), UINT64_MAX,
	    user, name, pass, cause, sizeof(cause)), 0);
	CHECK_EQ(strlen(name), 20 + 1 + TURN_REST_USER_MAX);
	user[TURN_REST_USER_MAX] = 'u';
	user[TURN_REST_USER_MAX + 1] = '\0';
	CHECK_EQ(turn_rest_credential(SECRET, strlen(SECRET), 1, user, name,
	    pass, cause, sizeof(cause)), -1);
	CHECK_EQ(turn_rest_credential(SECRET, strlen(SECRET), 1, "a:b", name,
	    pass, cause, sizeof(cause)), -1);
	CHECK_EQ(turn_rest_credential(SECRET, strlen(SECRET), 1, "a\nb", name,
	    pass, cause, sizeof(cause)), -1);
	CHECK_EQ(turn_rest_credential(SECRET, 0, 1, "a", name, pass, cause,
	    sizeof(cause)), -1);
	CHECK_EQ(turn_rest_credential(SECRET, TURN_REST_SECRET_MAX + 1, 1,
	    "a", name, pass, cause, sizeof(cause)), -1);
}

/* The secret file: one line, LF or CRLF, nothing else. */
static void
test_secret(void)
{
	char	 cause[128], big[TURN_REST_SECRET_MAX + 2];

	CHECK_EQ(turn_rest_secret("abc\n", 4, cause, sizeof(cause)), 3);
	CHECK_EQ(turn_rest_secret("abc\r\n", 5, cause, sizeof(cause)), 3);
	CHECK_EQ(turn_rest_secret("abc", 3, cause, sizeof(cause)), 3);
	CHECK_EQ(turn_rest_secret("a c", 3, cause, sizeof(cause)), 3);
	CHECK_EQ(turn_rest_secret("", 0, cause, sizeof(cause)), -1);
	CHECK_EQ(turn_rest_secret("\n", 1, cause, sizeof(cause)), -1);
	CHECK_EQ(turn_rest_secret("ab\ncd\n", 6, cause, sizeof(cause)), -1);
	CHECK_EQ(turn_rest_secret("ab\n\n", 4, cause, sizeof(cause)), -1);
	CHECK_EQ(turn_rest_secret("a\tb", 3, cause, sizeof(cause)), -1);
	CHECK_EQ(turn_rest_secret("a\0b", 3, cause, sizeof(cause)), -1);
	memset(big, 's', sizeof(big));
	big[TURN_REST_SECRET_MAX] = '\n';
	CHECK_EQ(turn_rest_secret(big, TURN_REST_SECRET_MAX + 1, cause,
	    sizeof(cause)), TURN_REST_SECRET_MAX);
	CHECK_EQ(turn_rest_secret(big, TURN_REST_SECRET_MAX + 2, cause,
	    sizeof(cause)), -1);
}

int
main(void)
{
	RUN(test_doc_example);
	RUN(test_names);
	RUN(test_secret);
	return (TEST_DONE("turn_rest"));
}
