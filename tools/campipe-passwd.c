/* SPDX-License-Identifier: ISC */
/*
 * campipe-passwd: prints a "user:hash" line for campipe's --htpasswd file.
 *
 *   campipe-passwd [-m yescrypt|bcrypt|sha512] [-r cost] USER >> htpasswd
 *   campipe-passwd --nvr USER >> nvr-credentials
 *   campipe-passwd --admin [--dir DIR] [--group GROUP] USER
 *   campipe-passwd --help | --version
 *
 * The password is asked twice on the terminal, or read as one line from
 * standard input when that is not a terminal.  With --nvr it makes a
 * random password for an NVR's Digest or ONVIF login instead, and prints
 * the "user:password" line of the NVR credentials file (nvrcred.h).
 * With --admin (or --dir) it writes the directory the installed daemons
 * read by default (auth_dir.h) instead of printing: the user's password,
 * the token key if missing and, with --admin, the user among the admins.
 */
#include <crypt.h>
#include <grp.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "auth_dir.h"
#include "auth_dir_write.h"
#include "htpasswd.h"
#include "nvrcred.h"
#include "log.h"
#include "opt.h"
#include "version.h"

struct passwd_method {
	const char	*name;
	const char	*prefix;
	long long	 cost_min, cost_max;	/* crypt_gensalt's range */
};

static const struct passwd_method passwd_methods[] = {
	{ "yescrypt", "$y$", 1, 11 },
	{ "bcrypt", "$2b$", 4, 31 },
	{ "sha512", "$6$", 1000, 999999999 },
};

/* Prints the options. */
static void
passwd_usage(void)
{
	printf(
"usage: campipe-passwd [-m METHOD] [-r COST] USER >> htpasswd\n"
"       campipe-passwd --nvr USER >> nvr-credentials\n"
"       campipe-passwd --admin [--dir DIR] [--group GROUP] USER\n"
"Prints a USER:HASH line for the daemons' --htpasswd file; the password is\n"
"asked twice on a terminal, or read as one line from standard input.\n"
"\n"
"  -m, --method METHOD   yescrypt (default), bcrypt or sha512\n"
"  -r, --rounds COST     the method's cost: yescrypt 1-11 (default 5),\n"
"                        bcrypt 4-31 (default 5), sha512 1000-999999999\n"
"                        (default 5000)\n"
"  --nvr                 make a random password for an NVR (RTSP Digest,\n"
"                        ONVIF) and print the USER:PASSWORD line of the\n"
"                        --nvr-credentials file; the password is also\n"
"                        shown on standard error, to give to the NVR\n"
"  --admin               make USER an admin of an installed system in one\n"
"                        step: write its password to DIR/htpasswd, make\n"
"                        DIR/token.key if missing, add USER to DIR/admins;\n"
"                        the daemons read them at their next start\n"
"  --dir DIR             the directory of --admin (default " AUTH_DIR_DEFAULT ");\n"
"                        alone, writes the password there, not as admin\n"
"  --group GROUP         the group that may read DIR (default campipe)\n"
"  -h, --help            this text\n"
"  --version             print the version\n");
}

/* Reads one line into buf without its end; -1 on EOF or if too long. */
static int
passwd_readline(FILE *f, char *buf, size_t size)
{
	size_t	 n;

	if (fgets(buf, size, f) == NULL)
		return (-1);
	n = strcspn(buf, "\r\n");
	if (buf[n] == '\0' && n == size - 1)
		return (-1);
	buf[n] = '\0';
	return (0);
}

/* Asks on the terminal with echo off. */
static int
passwd_prompt(FILE *tty, const char *prompt, char *buf, size_t size)
{
	struct termios	 old, quiet;
	int		 r;

	fputs(prompt, stderr);
	if (tcgetattr(fileno(tty), &old) == -1)
		return (-1);
	quiet = old;
	quiet.c_lflag &= ~ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	r = passwd_readline(tty, buf, size);
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', stderr);
	return (r);
}

/* Gets the password from the terminal (twice) or standard input. */
static int
passwd_get(char *pass, size_t size)
{
	char	 again[512];
	int	 r;

	if (!isatty(STDIN_FILENO))
		return (passwd_readline(stdin, pass, size));
	if (passwd_prompt(stdin, "Password: ", pass, size) == -1 ||
	    passwd_prompt(stdin, "Again: ", again, sizeof(again)) == -1)
		return (-1);
	r = strcmp(pass, again) == 0 ? 0 : -2;
	OPENSSL_cleanse(again, sizeof(again));
	return (r);
}

/* Makes and prints an NVR credentials line for user. */
static int
passwd_nvr(const char *user)
{
	/* No 0/O, 1/l/I: the password is read off a screen and typed. */
	static const char	 abc[] = "ABCDEFGHJKLMNPQRSTUVWXYZ"
				    "abcdefghijkmnopqrstuvwxyz23456789";
	unsigned char		 rnd[64];
	char			 line[NVRCRED_MAX_USER + 40], cause[256];
	char			 pass[21];
	struct nvrcred		*t;
	size_t			 i, j = 0;

	while (j < sizeof(pass) - 1) {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
			fprintf(stderr, "campipe-passwd: no random bytes\n");
			return (1);
		}
		/* Rejection sampling keeps every character equally likely. */
		for (i = 0; i < sizeof(rnd) && j < sizeof(pass) - 1; i++)
			if (rnd[i] < 256 - 256 % (sizeof(abc) - 1))
				pass[j++] = abc[rnd[i] % (sizeof(abc) - 1)];
	}
	pass[j] = '\0';
	snprintf(line, sizeof(line), "%s:%s\n", user, pass);
	if ((t = nvrcred_parse(line, strlen(line), cause,
	    sizeof(cause))) == NULL) {
		fprintf(stderr, "campipe-passwd: %s\n", cause);
		return (1);
	}
	nvrcred_free(t);
	fputs(line, stdout);
	if (!isatty(STDOUT_FILENO))
		fprintf(stderr, "campipe-passwd: %s's NVR password is %s\n",
		    user, pass);
	OPENSSL_cleanse(pass, sizeof(pass));
	OPENSSL_cleanse(line, sizeof(line));
	return (fflush(stdout) == 0 ? 0 : 1);
}

/* One line saying what changed, if it did. */
static void
passwd_said(int changed, const char *what)
{
	if (changed > 0)
		fprintf(stderr, "campipe-passwd: %s\n", what);
}

/* Writes user's line (no line end) into the directory of credentials. */
static int
passwd_dir(const char *dir, const char *group, const char *user,
    const char *line, int admin)
{
	struct group	*gr;
	char		 cause[512], what[PATH_MAX + 128];
	int		 r;

	if ((gr = getgrnam(group)) == NULL) {
		fprintf(stderr, "campipe-passwd: group %s does not exist: "
		    "install the package (or make install) first, or name "
		    "another with --group\n", group);
		return (1);
	}
	if ((r = auth_dir_make(dir, gr->gr_gid, cause, sizeof(cause))) == -1)
		goto fail;
	snprintf(what, sizeof(what), "%s: %s, group %s may read it", dir,
	    r == 1 ? "made" : "changed", group);
	passwd_said(r, what);
	if ((r = auth_dir_set_password(dir, gr->gr_gid, user, line, cause,
	    sizeof(cause))) == -1)
		goto fail;
	snprintf(what, sizeof(what), "%s/htpasswd: %s %s", dir,
	    r ? "added" : "new password for", user);
	passwd_said(1, what);
	if ((r = auth_dir_make_key(dir, gr->gr_gid, cause,
	    sizeof(cause))) == -1)
		goto fail;
	snprintf(what, sizeof(what), "%s/token.key: made", dir);
	passwd_said(r, what);
	if (admin) {
		if ((r = auth_dir_add_admin(dir, gr->gr_gid, user, cause,
		    sizeof(cause))) == -1)
			goto fail;
		snprintf(what, sizeof(what), "%s/admins: %s %s", dir,
		    r ? "added" : "already holds", user);
		passwd_said(1, what);
	}
	fprintf(stderr, "campipe-passwd: to apply: sudo systemctl restart "
	    "campipe.target (nothing was restarted)\n");
	return (0);
fail:
	fprintf(stderr, "campipe-passwd: %s\n", cause);
	return (1);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "method",	required_argument,	NULL, 'm' },
		{ "rounds",	required_argument,	NULL, 'r' },
		{ "nvr",	no_argument,		NULL, 'N' },
		{ "admin",	no_argument,		NULL, 'a' },
		{ "dir",	required_argument,	NULL, 'd' },
		{ "group",	required_argument,	NULL, 'g' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'R' },
		{ NULL,		0,			NULL, 0 }
	};
	const struct passwd_method *method = &passwd_methods[0];
	const char		*hash, *user, *rounds = NULL, *dir = NULL;
	const char		*group = "campipe";
	const size_t		 nmethods = sizeof(passwd_methods) /
				    sizeof(*passwd_methods);
	struct crypt_data	*cd;
	struct htpasswd		*h;
	char			 salt[CRYPT_GENSALT_OUTPUT_SIZE], pass[512];
	char			 line[HTPASSWD_MAX_LINE + 2], cause[256];
	long long		 cost = 0;
	size_t			 i;
	int			 c, r, nvr = 0, admin = 0;

	log_init("campipe-passwd", 0);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:r:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			for (i = 0; i < nmethods; i++)
				if (strcmp(optarg, passwd_methods[i].name) == 0)
					break;
			if (i == nmethods)
				log_usage("--method: \"%s\" is not yescrypt, "
				    "bcrypt or sha512", optarg);
			method = &passwd_methods[i];
			break;
		case 'r':
			rounds = optarg;
			break;
		case 'N':
			nvr = 1;
			break;
		case 'a':
			admin = 1;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'g':
			group = optarg;
			break;
		case 'h':
			passwd_usage();
			return (0);
		case 'R':
			printf("campipe-passwd %s\n", CAMPIPE_VERSION);
			return (0);
		default:
			opt_complaint(c, argv, cause, sizeof(cause));
			log_usage("%s", cause);
		}
	}
	if (rounds != NULL && opt_number("--rounds", rounds, method->cost_min,
	    method->cost_max, &cost, cause, sizeof(cause)) == -1)
		log_usage("%s (for %s)", cause, method->name);
	if (optind == argc)
		log_usage("USER: missing (see --help)");
	if (optind != argc - 1)
		log_usage("%s: unexpected argument (see --help)",
		    argv[optind + 1]);
	user = argv[optind];
	for (i = 0; user[i] != '\0'; i++)
		if ((unsigned char)user[i] <= ' ' || user[i] == ':' ||
		    user[i] == 0x7f)
			break;
	if (user[i] != '\0' || i == 0 || i > HTPASSWD_MAX_USER)
		log_usage("USER: a user name is 1 to %d characters without "
		    "spaces or ':'", HTPASSWD_MAX_USER);
	if (nvr && (admin || dir != NULL))
		log_usage("--nvr: not with --admin or --dir");
	if (admin && dir == NULL)
		dir = AUTH_DIR_DEFAULT;
	if (nvr)
		return (passwd_nvr(user));
	if ((r = passwd_get(pass, sizeof(pass))) != 0) {
		fprintf(stderr, "campipe-passwd: %s\n", r == -2 ?
		    "passwords differ" : "no password read");
		return (1);
	}
	if ((cd = calloc(1, sizeof(*cd))) == NULL ||
	    crypt_gensalt_rn(method->prefix, cost, NULL, 0, salt,
	    sizeof(salt)) == NULL ||
	    (hash = crypt_rn(pass, salt, cd, sizeof(*cd))) == NULL ||
	    hash[0] == '*') {
		fprintf(stderr, "campipe-passwd: cannot hash: %s\n",
		    strerror(errno));
		return (1);
	}
	OPENSSL_cleanse(pass, sizeof(pass));
	snprintf(line, sizeof(line), "%s:%s\n", user, hash);
	/* What is printed is what the daemons will load. */
	if ((h = htpasswd_parse(line, strlen(line), cause,
	    sizeof(cause))) == NULL) {
		fprintf(stderr, "campipe-passwd: %s\n", cause);
		return (1);
	}
	htpasswd_free(h);
	free(cd);
	if (dir != NULL) {
		line[strcspn(line, "\n")] = '\0';
		return (passwd_dir(dir, group, user, line, admin));
	}
	fputs(line, stdout);
	return (fflush(stdout) == 0 ? 0 : 1);
}
