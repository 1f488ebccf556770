/* SPDX-License-Identifier: ISC */
/* test_auth_dir.c: the admins file, and campipe-passwd's writes. */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "auth_dir.h"
#include "auth_dir_write.h"
#include "secret_file.h"
#include "test.h"

static char	 cause[256];

/* Parses s; the count, or -1 with cause. */
static int
parse(const char *s, const char **names, int max)
{
	static char	 buf[1024];
	size_t		 len = strlen(s);

	memcpy(buf, s, len);
	cause[0] = '\0';
	return (auth_dir_admins_parse(buf, len, names, max, cause,
	    sizeof(cause)));
}

/* Exact files, good and refused. */
static void
test_admins_parse(void)
{
	const char	*n[4];

	CHECK_EQ(parse("", n, 4), 0);
	CHECK_EQ(parse("# who may change settings\n\n", n, 4), 0);
	CHECK_EQ(parse("alice\r\nbob\n# carol\ndave", n, 4), 3);
	CHECK(strcmp(n[0], "alice") == 0 && strcmp(n[1], "bob") == 0 &&
	    strcmp(n[2], "dave") == 0);
	CHECK_EQ(parse("alice\nbob alice\n", n, 4), -1);
	CHECK(strcmp(cause, "line 2: not a user name (1 to 64 characters "
	    "without spaces or ':')") == 0);
	CHECK_EQ(parse("a:b\n", n, 4), -1);
	CHECK_EQ(parse(" alice\n", n, 4), -1);
	CHECK_EQ(parse("alice\nalice\n", n, 4), -1);
	CHECK(strcmp(cause, "line 2: alice is named twice") == 0);
	CHECK_EQ(parse("a\nb\nc\n", n, 2), -1);
	CHECK(strcmp(cause, "line 3: more than 2 admins") == 0);
	CHECK_EQ(parse("a\n\x7f\n", n, 4), -1);
	CHECK_EQ(parse("0123456789012345678901234567890123456789012345678901"
	    "234567890123\n", n, 4), 1);
	CHECK_EQ(parse("0123456789012345678901234567890123456789012345678901"
	    "2345678901234\n", n, 4), -1);
	{
		char	 nul[] = "alice\0bob\n";
		CHECK_EQ(auth_dir_admins_parse(nul, sizeof(nul) - 1, n, 4,
		    cause, sizeof(cause)), -1);
		CHECK(strcmp(cause, "a NUL byte in the file") == 0);
	}
}

/* Reads dir/name into a static buffer. */
static const char *
slurp(const char *dir, const char *name, size_t *len)
{
	static char	*buf;
	char		 path[512];

	free(buf);
	buf = NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (secret_file_read(path, 1 << 20, 1, &buf, len, cause,
	    sizeof(cause)) == -1)
		return (NULL);
	return (buf);
}

/* What campipe-passwd --admin writes, twice, and what the daemons read. */
static void
test_write(void)
{
	const char	*names[AUTH_DIR_MAX_ADMINS], *h = NULL, *k = NULL;
	const char	*nvr = NULL, *s;
	const char	*files[] = { "htpasswd", "token.key", "admins" };
	char		 dir[] = "/tmp/test_auth_dir.XXXXXX", sub[64], path[96];
	struct stat	 st;
	size_t		 len, i;
	gid_t		 gid = getgid();

	CHECK(mkdtemp(dir) != NULL);
	snprintf(sub, sizeof(sub), "%s/etc", dir);
	/* Nothing there yet: the daemons keep their options unset. */
	CHECK_EQ(auth_dir_apply(sub, &h, &k, &nvr, cause, sizeof(cause)), 0);
	CHECK(h == NULL && k == NULL && nvr == NULL);
	CHECK_EQ(auth_dir_admins(sub, names, 4, cause, sizeof(cause)), 0);

	CHECK_EQ(auth_dir_make(sub, gid, cause, sizeof(cause)), 1);
	CHECK(stat(sub, &st) == 0 && (st.st_mode & 07777) == 0750);
	CHECK_EQ(auth_dir_make(sub, gid, cause, sizeof(cause)), 0);
	CHECK(chmod(sub, 0703) == 0);
	CHECK_EQ(auth_dir_make(sub, gid, cause, sizeof(cause)), 2);
	CHECK(stat(sub, &st) == 0 && (st.st_mode & 07777) == 0751);

	CHECK_EQ(auth_dir_set_password(sub, gid, "alice",
	    "alice:$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
	    cause, sizeof(cause)), 1);
	CHECK_EQ(auth_dir_set_password(sub, gid, "bob",
	    "bob:$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
	    cause, sizeof(cause)), 1);
	CHECK_EQ(auth_dir_set_password(sub, gid, "alice",
	    "alice:$2b$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.",
	    cause, sizeof(cause)), 0);
	s = slurp(sub, "htpasswd", &len);
	CHECK(s != NULL && strcmp(s,
	    "alice:$2b$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.\n"
	    "bob:$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\n")
	    == 0);
	/* A line the daemons would refuse is not written. */
	CHECK_EQ(auth_dir_set_password(sub, gid, "carol", "carol:plain",
	    cause, sizeof(cause)), -1);
	CHECK(strstr(cause, "plain-text") != NULL);
	CHECK(slurp(sub, "htpasswd", &len) != NULL && len == 132);

	CHECK_EQ(auth_dir_make_key(sub, gid, cause, sizeof(cause)), 1);
	CHECK(slurp(sub, "token.key", &len) != NULL && len == 32);
	CHECK_EQ(auth_dir_make_key(sub, gid, cause, sizeof(cause)), 0);

	CHECK_EQ(auth_dir_add_admin(sub, gid, "alice", cause,
	    sizeof(cause)), 1);
	CHECK_EQ(auth_dir_add_admin(sub, gid, "alice", cause,
	    sizeof(cause)), 0);
	CHECK_EQ(auth_dir_add_admin(sub, gid, "bob", cause, sizeof(cause)), 1);
	s = slurp(sub, "admins", &len);
	CHECK(s != NULL && strcmp(s, "alice\nbob\n") == 0);
	snprintf(path, sizeof(path), "%s/htpasswd", sub);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640 &&
	    st.st_gid == gid);

	/* The daemons now find them, and options given keep their value. */
	CHECK_EQ(auth_dir_apply(sub, &h, &k, &nvr, cause, sizeof(cause)), 0);
	CHECK(h != NULL && strstr(h, "/etc/htpasswd") != NULL);
	CHECK(k != NULL && strstr(k, "/etc/token.key") != NULL);
	CHECK(nvr == NULL);
	h = "/elsewhere";
	k = NULL;
	CHECK_EQ(auth_dir_apply(sub, &h, &k, NULL, cause, sizeof(cause)), 0);
	CHECK(strcmp(h, "/elsewhere") == 0 && k != NULL);
	CHECK_EQ(auth_dir_admins(sub, names, 4, cause, sizeof(cause)), 2);
	CHECK(strcmp(names[0], "alice") == 0 && strcmp(names[1], "bob") == 0);
	CHECK_EQ(auth_dir_admins(sub, names, 1, cause, sizeof(cause)), -1);
	CHECK(strstr(cause, "/etc/admins: line 2: more than 1 admins") != NULL);

	for (i = 0; i < sizeof(files) / sizeof(*files); i++) {
		snprintf(path, sizeof(path), "%s/%s", sub, files[i]);
		unlink(path);
	}
	rmdir(sub);
	rmdir(dir);
}

int
main(void)
{
	RUN(test_admins_parse);
	RUN(test_write);
	return (TEST_DONE("auth_dir"));
}
