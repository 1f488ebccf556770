/* SPDX-License-Identifier: ISC */
/* test_urlpath.c: request paths for the file tree, byte by byte. */
#include "httpd/urlpath.h"
#include "test.h"

/* Decodes ok and yields want. */
static void
ok(const char *raw, const char *want)
{
	char	 out[64];

	if (urlpath_decode(raw, out, sizeof(out)) != 0) {
		fprintf(stderr, "%s: refused %s\n", test_cur, raw);
		test_cur_failed = 1;
	} else
		CHECK(strcmp(out, want) == 0);
}

/* Refused. */
static void
bad(const char *raw)
{
	char	 out[64];

	if (urlpath_decode(raw, out, sizeof(out)) != -1) {
		fprintf(stderr, "%s: accepted %s as %s\n", test_cur, raw, out);
		test_cur_failed = 1;
	}
}

/* Plain and escaped paths decode. */
static void
test_good(void)
{
	ok("/", "/");
	ok("/index.html", "/index.html");
	ok("/a/b/", "/a/b/");
	ok("/a%20b.txt", "/a b.txt");
	ok("/%41%62", "/Ab");
	ok("/a..b", "/a..b");
	ok("/v1.2/x.js", "/v1.2/x.js");
	ok("/%e2%82%ac", "/\xe2\x82\xac");
}

/* Every way out of the root, or at hidden files, is refused. */
static void
test_traversal(void)
{
	bad("/..");
	bad("/../etc/passwd");
	bad("/a/../../etc/passwd");
	bad("/%2e%2e/etc/passwd");
	bad("/%2E%2E/etc/passwd");
	bad("/.%2e/x");
	bad("/a/%2e%2e");
	bad("/..%2fetc");
	bad("/a%2fb");
	bad("/a%2Fb");
	bad("/.");
	bad("/a/./b");
	bad("/.htpasswd");
	bad("/%2ehtpasswd");
	bad("//etc/passwd");
	bad("/a//b");
	bad("/..\\x");
	bad("/%5c..%5cx");
}

/* Malformed escapes, NUL, control bytes, missing slash, no room. */
static void
test_malformed(void)
{
	char	 out[8];

	bad("");
	bad("index.html");
	bad("/%");
	bad("/%4");
	bad("/%zz");
	bad("/%4g");
	bad("/a%00.jpg");
	bad("/a%0d%0aX: y");
	bad("/a\tb");
	bad("/a%7f");
	CHECK_EQ(urlpath_decode(NULL, out, sizeof(out)), -1);
	CHECK_EQ(urlpath_decode("/1234567", out, sizeof(out)), -1);
	CHECK_EQ(urlpath_decode("/123456", out, sizeof(out)), 0);
	CHECK(strcmp(out, "/123456") == 0);
	CHECK_EQ(urlpath_decode("/", out, 1), -1);
}

int
main(void)
{
	RUN(test_good);
	RUN(test_traversal);
	RUN(test_malformed);
	return (TEST_DONE("urlpath"));
}
