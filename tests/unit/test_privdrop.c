/* SPDX-License-Identifier: ISC */
/*
 * test_privdrop.c: privdrop_user() in forked children, so the test process
 * itself stays root.  Needs root for the switching tests; skips them
 * otherwise (and says so).
 */
#include <sys/wait.h>

#include <grp.h>
#include <stdlib.h>
#include <unistd.h>

#include "privdrop.h"
#include "test.h"

static char	cause[256];

/* Runs fn in a child; the child's failures count as this test's. */
static void
in_child(void (*fn)(void))
{
	pid_t	 pid;
	int	 st;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		fn();
		fflush(NULL);
		_exit(test_cur_failed);
	}
	CHECK(pid > 0);
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void
child_user_groups(void)
{
	gid_t	 g[8];
	int	 n;

	CHECK_EQ(privdrop_user("nobody", NULL, cause, sizeof(cause)), 0);
	CHECK_EQ(getuid(), 65534);
	CHECK_EQ(geteuid(), 65534);
	CHECK_EQ(getgid(), 65534);
	CHECK_EQ(getegid(), 65534);
	/* initgroups: the user's groups from /etc/group, primary included. */
	n = getgroups(8, g);
	CHECK_EQ(n, 1);
	CHECK_EQ(g[0], 65534);
	CHECK(setuid(0) == -1);
	CHECK(seteuid(0) == -1);
	CHECK(setgroups(0, NULL) == -1);
}

static void
test_drop_to_nobody(void)
{
	in_child(child_user_groups);
}

static void
child_keep_list(void)
{
	const char	*keep[] = { "video", "12345", NULL };
	gid_t		 g[8];
	int		 n;

	CHECK_EQ(privdrop_user("nobody", keep, cause, sizeof(cause)), 0);
	CHECK_EQ(getuid(), 65534);
	n = getgroups(8, g);
	CHECK_EQ(n, 2);
	CHECK_EQ(g[0], 44);
	CHECK_EQ(g[1], 12345);
}

static void
test_keep_exact_groups(void)
{
	in_child(child_keep_list);
}

static void
child_no_groups(void)
{
	const char	*none[] = { NULL };
	gid_t		 g[8];

	CHECK_EQ(privdrop_user("65534", none, cause, sizeof(cause)), 0);
	CHECK_EQ(getuid(), 65534);
	CHECK_EQ(getgroups(8, g), 0);
}

static void
test_numeric_user_no_groups(void)
{
	in_child(child_no_groups);
}

static void
child_again_as_user(void)
{
	CHECK_EQ(privdrop_user("nobody", NULL, cause, sizeof(cause)), 0);
	/* Already that user: nothing to do. */
	CHECK_EQ(privdrop_user("nobody", NULL, cause, sizeof(cause)), 0);
	CHECK_EQ(privdrop_user("daemon", NULL, cause, sizeof(cause)), -1);
	CHECK(strstr(cause, "not root") != NULL);
}

static void
test_second_switch_refused(void)
{
	in_child(child_again_as_user);
}

static void
child_bad_group(void)
{
	const char	*keep[] = { "no-such-group-campipe", NULL };

	CHECK_EQ(privdrop_user("nobody", keep, cause, sizeof(cause)), -1);
	CHECK(strstr(cause, "no-such-group-campipe") != NULL);
	/* Nothing switched. */
	CHECK_EQ(geteuid(), 0);
}

static void
test_unknown_group(void)
{
	in_child(child_bad_group);
}

static void
test_unknown_user_and_root(void)
{
	uid_t	 uid;
	gid_t	 gid;

	CHECK_EQ(privdrop_user("no-such-user-campipe", NULL, cause,
	    sizeof(cause)), -1);
	CHECK(strstr(cause, "no such user") != NULL);
	CHECK_EQ(privdrop_user("root", NULL, cause, sizeof(cause)), -1);
	CHECK(strstr(cause, "is root") != NULL);
	CHECK_EQ(privdrop_user("0", NULL, cause, sizeof(cause)), -1);
	CHECK_EQ(privdrop_lookup("nobody", &uid, &gid, cause, sizeof(cause)),
	    0);
	CHECK_EQ(uid, 65534);
	CHECK_EQ(gid, 65534);
	CHECK_EQ(privdrop_lookup("", &uid, &gid, cause, sizeof(cause)), -1);
}

int
main(void)
{
	RUN(test_unknown_user_and_root);
	if (geteuid() != 0) {
		printf("test_privdrop: not root, switching tests skipped\n");
		return (TEST_DONE("test_privdrop"));
	}
	RUN(test_drop_to_nobody);
	RUN(test_keep_exact_groups);
	RUN(test_numeric_user_no_groups);
	RUN(test_second_switch_refused);
	RUN(test_unknown_group);
	return (TEST_DONE("test_privdrop"));
}
