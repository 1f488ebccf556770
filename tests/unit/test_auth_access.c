/* SPDX-License-Identifier: ISC */
/*
 * test_auth_access.c: which users may watch which camera, from exact
 * rules and files, good and refused, and through auth.h with a password
 * file: the rules need one, and a SIGHUP re-reads the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "auth_access.h"
#include "test.h"

static struct auth_access	 t;
static char			 cause[256];

/* Adds rule s to a fresh table: 0 or -1 with cause. */
static int
add(const char *s)
{
	auth_access_init(&t);
	cause[0] = '\0';
	return (auth_access_add(&t, s, strlen(s), cause, sizeof(cause)));
}

/* Parses s into a fresh table: 0 or -1 with cause. */
static int
parse(const char *s)
{
	auth_access_init(&t);
	cause[0] = '\0';
	return (auth_access_parse(&t, s, strlen(s), cause, sizeof(cause)));
}

/* One rule: its users are let in, nobody else; other cameras are open. */
static void
test_rule(void)
{
	CHECK_EQ(add("door=alice,bob"), 0);
	CHECK_EQ(t.n, 1);
	CHECK_EQ(t.rules[0].nusers, 2);
	CHECK(auth_access_allowed(&t, "door", "alice"));
	CHECK(auth_access_allowed(&t, "door", "bob"));
	CHECK(!auth_access_allowed(&t, "door", "carol"));
	CHECK(!auth_access_allowed(&t, "door", "alic"));
	CHECK(!auth_access_allowed(&t, "door", "alice2"));
	CHECK(!auth_access_allowed(&t, "door", ""));
	CHECK(!auth_access_allowed(&t, "door", NULL));
	CHECK(auth_access_allowed(&t, "garden", "carol"));
	CHECK(auth_access_allowed(&t, "garden", NULL));
	CHECK(!auth_access_allowed(&t, "door", "Alice"));	/* exact */
	CHECK(auth_access_allowed(&t, "Door", NULL));	/* another camera */
	CHECK_EQ(add("d-1_X=a.b@c"), 0);
	CHECK(auth_access_allowed(&t, "d-1_X", "a.b@c"));
}

/* Refused rules, each with its one-line cause. */
static void
test_refused(void)
{
	const char	*bad[] = { "door", "=alice", "door=", "door=alice,",
	    ",door=alice", "do or=alice", "door=al ice", "door=alice,,bob",
	    "door=a:b", "door/x=alice", "door=alice,alice",
	    "abcdefghijklmnopqrstuvwxyz0123456=alice" };
	char		 big[600];
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(add(bad[i]), -1);
		CHECK(cause[0] != '\0' && strchr(cause, '\n') == NULL);
	}
	CHECK_EQ(add("door=alice,alice"), -1);
	CHECK(strcmp(cause, "camera door: alice is named twice") == 0);
	CHECK_EQ(add("door="), -1);
	CHECK(strcmp(cause, "camera door: not a user name (1 to 64 "
	    "characters without spaces, ':' or ',')") == 0);
	/* 32 characters is a name; 33 is not. */
	CHECK_EQ(add("abcdefghijklmnopqrstuvwxyz012345=alice"), 0);
	/* 16 users at most. */
	strcpy(big, "door=u0");
	for (i = 1; i < 16; i++)
		snprintf(big + strlen(big), sizeof(big) - strlen(big), ",u%zu",
		    i);
	CHECK_EQ(add(big), 0);
	strcat(big, ",u16");
	CHECK_EQ(add(big), -1);
	CHECK(strcmp(cause, "camera door: more than 16 users") == 0);
}

/* Files: comments, blank lines, CRLF; a bad line is named. */
static void
test_parse(void)
{
	CHECK_EQ(parse(""), 0);
	CHECK_EQ(t.n, 0);
	CHECK_EQ(parse("# who watches what\n\ndoor=alice\r\ngarden=bob,carol"),
	    0);
	CHECK_EQ(t.n, 2);
	CHECK(auth_access_allowed(&t, "garden", "carol"));
	CHECK(!auth_access_allowed(&t, "garden", "alice"));
	CHECK_EQ(parse("door=alice\n\ndoor=bob\n"), -1);
	CHECK(strcmp(cause, "line 3: camera door is given twice") == 0);
	CHECK_EQ(parse("door=alice\ngarden alice\n"), -1);
	CHECK(strncmp(cause, "line 2: not NAME=USER", 21) == 0);
	CHECK_EQ(parse("door=alice\n\0garden=bob\n"), 0);	/* strlen */
	auth_access_init(&t);
	CHECK_EQ(auth_access_parse(&t, "a=b\n\0", 5, cause, sizeof(cause)),
	    -1);
	CHECK(strcmp(cause, "a NUL byte in the file") == 0);
}

/* Cameras of rules that a daemon does not have. */
static void
test_unknown(void)
{
	const char	*names[] = { "default", "door" };

	CHECK_EQ(parse("door=alice\n"), 0);
	CHECK(auth_access_unknown(&t, names, 2) == NULL);
	CHECK_EQ(parse("door=alice\nshed=bob\n"), 0);
	CHECK(strcmp(auth_access_unknown(&t, names, 2), "shed") == 0);
}

/* Writes s to path. */
static void
put(const char *path, const char *s)
{
	FILE	*f = fopen(path, "w");

	fputs(s, f);
	fclose(f);
}

/* Through auth.h: options and file together, a password file needed. */
static void
test_auth(void)
{
	char		 dir[] = "/tmp/test_auth_access.XXXXXX", pw[64], cu[64];
	struct auth_conf conf;
	struct auth	*a;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(pw, sizeof(pw), "%s/htpasswd", dir);
	snprintf(cu, sizeof(cu), "%s/camera-users", dir);
	put(pw, "alice:$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\n");
	memset(&conf, 0, sizeof(conf));
	CHECK_EQ(auth_conf_camera_users(&conf, "door=alice", cause,
	    sizeof(cause)), 0);
	conf.camera_users_file = cu;		/* not there yet */
	CHECK((a = auth_new(&conf, cause, sizeof(cause))) == NULL);
	CHECK(strcmp(cause, "cameras for some users (door) need a password "
	    "file") == 0);
	conf.htpasswd = pw;
	a = auth_new(&conf, cause, sizeof(cause));
	if (a == NULL)
		fprintf(stderr, "%s\n", cause);
	CHECK(a != NULL);
	if (a == NULL)
		return;
	CHECK(auth_allowed(a, "door", "alice"));
	CHECK(!auth_allowed(a, "door", "bob"));
	CHECK(auth_allowed(a, "garden", "bob"));
	/* The file comes; a SIGHUP reads it. */
	put(cu, "garden=carol\n");
	CHECK_EQ(auth_reload(a, cause, sizeof(cause)), 0);
	CHECK(!auth_allowed(a, "garden", "bob"));
	CHECK(auth_allowed(a, "door", "alice"));
	/* A bad file keeps the rules in force. */
	put(cu, "garden=carol\ngarden=bob\n");
	CHECK_EQ(auth_reload(a, cause, sizeof(cause)), -1);
	CHECK(strstr(cause, "line 2: camera garden is given twice") != NULL);
	CHECK(auth_allowed(a, "garden", "carol"));
	CHECK(!auth_allowed(a, "garden", "bob"));
	/* A camera in both the options and the file is refused. */
	put(cu, "door=bob\n");
	CHECK_EQ(auth_reload(a, cause, sizeof(cause)), -1);
	auth_free(a);
	unlink(pw);
	unlink(cu);
	rmdir(dir);
}

int
main(void)
{
	RUN(test_rule);
	RUN(test_refused);
	RUN(test_parse);
	RUN(test_unknown);
	RUN(test_auth);
	return (TEST_DONE("auth_access"));
}
