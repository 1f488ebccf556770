/* SPDX-License-Identifier: ISC */
/* test_htpasswd.c: password files with real hashes, and every refusal. */
#include <sys/stat.h>

#include <crypt.h>
#include <stdlib.h>
#include <unistd.h>

#include "htpasswd.h"
#include "test.h"

/* Published vectors (crypt(3) specifications and the bcrypt test suite). */
static const char vectors[] =
    "# published test vectors\n"
    "sha512:$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQ"
    "JuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1\r\n"
    "\n"
    "   \t\n"
    "bcrypt:$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\n"
    "bcrypty:$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\n"
    "empty:$2b$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.\n"
    "scrypt:$7$C6..../....SodiumChloride$kBGj9fHznVYFQMEn/qDCfrDevf9YDtcDdKv"
    "EqHJLV8D";

static char	 cause[256];

/* Parses a string; NULL and cause on refusal. */
static struct htpasswd *
parse(const char *s)
{
	cause[0] = '\0';
	return (htpasswd_parse(s, strlen(s), cause, sizeof(cause)));
}

/* Parses a string that must be refused with exactly this cause. */
static void
refused(const char *s, const char *want)
{
	struct htpasswd	*h;

	h = parse(s);
	CHECK(h == NULL);
	htpasswd_free(h);
	if (strcmp(cause, want) != 0) {
		fprintf(stderr, "cause \"%s\", expected \"%s\"\n", cause, want);
		test_cur_failed = 1;
	}
}

/* Known vectors verify; wrong passwords and users do not. */
static void
test_vectors(void)
{
	struct htpasswd	*h;

	h = parse(vectors);
	CHECK(h != NULL);
	if (h == NULL)
		return;
	CHECK_EQ(htpasswd_count(h), 5);
	CHECK_EQ(htpasswd_check(h, "sha512", "Hello world!"), 1);
	CHECK_EQ(htpasswd_check(h, "sha512", "Hello world"), 0);
	CHECK_EQ(htpasswd_check(h, "bcrypt", "U*U"), 1);
	CHECK_EQ(htpasswd_check(h, "bcrypty", "U*U"), 1);
	CHECK_EQ(htpasswd_check(h, "bcrypt", "U*V"), 0);
	CHECK_EQ(htpasswd_check(h, "empty", ""), 1);
	CHECK_EQ(htpasswd_check(h, "empty", "x"), 0);
	CHECK_EQ(htpasswd_check(h, "scrypt", "pleaseletmein"), 1);
	/* The right password under another user is refused. */
	CHECK_EQ(htpasswd_check(h, "sha512", "U*U"), 0);
	/* Unknown users are refused, even with the first entry's password. */
	CHECK_EQ(htpasswd_check(h, "nobody", "Hello world!"), 0);
	CHECK_EQ(htpasswd_check(h, "sha51", "Hello world!"), 0);
	CHECK_EQ(htpasswd_check(h, "sha5122", "Hello world!"), 0);
	CHECK_EQ(htpasswd_check(h, "", "Hello world!"), 0);
	CHECK_EQ(htpasswd_check(h, NULL, "x"), 0);
	CHECK_EQ(htpasswd_check(h, "bcrypt", NULL), 0);
	htpasswd_free(h);
}

/* Hashes made here with every supported method verify. */
static void
test_generated(void)
{
	static const char *prefixes[] = { "$2b$", "$2y$", "$y$", "$gy$",
	    "$7$", "$6$" };
	struct crypt_data	*cd;
	struct htpasswd		*h;
	char			 salt[CRYPT_GENSALT_OUTPUT_SIZE], *buf, *out;
	size_t			 i, len = 0;

	cd = calloc(1, sizeof(*cd));
	buf = calloc(1, 8192);
	for (i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++) {
		CHECK(crypt_gensalt_rn(prefixes[i], 0, NULL, 0, salt,
		    sizeof(salt)) != NULL);
		out = crypt_rn("pw-" "secret", salt, cd, sizeof(*cd));
		CHECK(out != NULL && strncmp(out, prefixes[i],
		    strlen(prefixes[i])) == 0);
		if (out == NULL)
			continue;
		len += snprintf(buf + len, 8192 - len, "user%zu:%s\n", i, out);
	}
	h = parse(buf);
	CHECK(h != NULL);
	if (h != NULL) {
		CHECK_EQ(htpasswd_count(h), 6);
		for (i = 0; i < 6; i++) {
			char	 u[16];

			snprintf(u, sizeof(u), "user%zu", i);
			CHECK_EQ(htpasswd_check(h, u, "pw-secret"), 1);
			CHECK_EQ(htpasswd_check(h, u, "pw-secreT"), 0);
		}
		htpasswd_free(h);
	}
	free(buf);
	free(cd);
}

/* Every malformed or weak line is refused with its line number. */
static void
test_refused(void)
{
	refused("alice:secret\n", "line 1: plain-text password or DES hash "
	    "refused; store a crypt(3) hash (campipe-passwd makes one)");
	refused("# x\n\nalice:abJnggxhB/yWI\n", "line 3: plain-text password "
	    "or DES hash refused; store a crypt(3) hash (campipe-passwd makes "
	    "one)");
	refused("a:$1$u/ptTeOR$8OLh91scCCsZFPwmjuEig.\n", "line 1: unsupported "
	    "or weak hash method; use bcrypt ($2b$), yescrypt ($y$) or "
	    "sha512-crypt ($6$)");
	refused("a:$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5",
	    "line 1: unsupported or weak hash method; use bcrypt ($2b$), "
	    "yescrypt ($y$) or sha512-crypt ($6$)");
	refused("a:$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
	    "line 1: unsupported or weak hash method; use bcrypt ($2b$), "
	    "yescrypt ($y$) or sha512-crypt ($6$)");
	refused("a:$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe",
	    "line 1: malformed hash");
	refused("a:$2b$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
	    "line 1: malformed hash");
	refused("a:$2b$32$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
	    "line 1: malformed hash");
	refused("a:$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyO*W",
	    "line 1: malformed hash");
	refused("a:$6$saltstring$svn8\n", "line 1: malformed hash");
	refused("a:$6$\n", "line 1: malformed hash");
	refused("a:$y$\n", "line 1: malformed hash");
	refused("a:$6$$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5\n",
	    "line 1: malformed hash");
	refused("a:\n", "line 1: empty hash");
	refused("alice\n", "line 1: no ':' between user and hash");
	refused(":$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\n",
	    "line 1: empty user name");
	refused("a b:$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\n",
	    "line 1: control character or space in user name");
	refused(" a:$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\n",
	    "line 1: leading white space");
	refused("a:$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\n"
	    "b:$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\n"
	    "a:$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\n",
	    "line 3: duplicate user \"a\"");
	refused("", "no users in password file");
	refused("# only a comment\n\r\n", "no users in password file");
}

/* Lines, users, entries and NUL bytes are bounded. */
static void
test_limits(void)
{
	static const char hash[] =
	    "$2b$04$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
	struct htpasswd	*h;
	char		*buf, user[80];
	size_t		 i, len = 0, cap = 200 * 1100;

	buf = malloc(cap);
	/* A 64-byte user is fine, 65 is not. */
	memset(user, 'u', 65);
	snprintf(buf, cap, "%.64s:%s\n", user, hash);
	h = parse(buf);
	CHECK(h != NULL);
	CHECK(h != NULL && htpasswd_check(h, "x", "y") == 0);
	htpasswd_free(h);
	snprintf(buf, cap, "%.65s:%s\n", user, hash);
	refused(buf, "line 1: user name too long");
	/* A 513-byte comment line is too long. */
	memset(buf, '#', 513);
	buf[513] = '\0';
	refused(buf, "line 1: longer than 512 bytes");
	/* 1024 users load, 1025 do not. */
	for (i = 0; i < 1025; i++)
		len += snprintf(buf + len, cap - len, "u%zu:%s\n", i, hash);
	refused(buf, "line 1025: more than 1024 users");
	buf[len - strlen(hash) - 7] = '\0';
	h = parse(buf);
	CHECK(h != NULL && htpasswd_count(h) == 1024);
	CHECK(h != NULL && htpasswd_check(h, "u1023", "U*U") == 0);
	htpasswd_free(h);
	/* A NUL byte anywhere refuses the file. */
	h = htpasswd_parse("a:b\0c\n", 6, cause, sizeof(cause));
	CHECK(h == NULL && strcmp(cause, "NUL byte in password file") == 0);
	free(buf);
}

/* Files: read, refused with the path named, missing. */
static void
test_load(void)
{
	struct htpasswd	*h;
	char		 dir[] = "/tmp/campipe-htpasswd-XXXXXX", path[128];
	FILE		*f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/htpasswd", dir);
	CHECK(htpasswd_load(path, cause, sizeof(cause)) == NULL);
	CHECK(strstr(cause, path) != NULL &&
	    strstr(cause, "No such file") != NULL);
	f = fopen(path, "w");
	fputs(vectors, f);
	fclose(f);
	h = htpasswd_load(path, cause, sizeof(cause));
	CHECK(h != NULL && htpasswd_check(h, "bcrypt", "U*U") == 1);
	htpasswd_free(h);
	f = fopen(path, "a");
	fputs("\nplain:text\n", f);
	fclose(f);
	CHECK(htpasswd_load(path, cause, sizeof(cause)) == NULL);
	CHECK(strncmp(cause, path, strlen(path)) == 0 &&
	    strstr(cause, ": line 9: plain-text") != NULL);
	CHECK(htpasswd_load(dir, cause, sizeof(cause)) == NULL);
	CHECK(strstr(cause, "not a regular file") != NULL);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	RUN(test_vectors);
	RUN(test_generated);
	RUN(test_refused);
	RUN(test_limits);
	RUN(test_load);
	return (TEST_DONE("htpasswd"));
}
