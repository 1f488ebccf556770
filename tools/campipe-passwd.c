/* SPDX-License-Identifier: ISC */
/*
 * campipe-passwd: prints a "user:hash" line for campipe's --htpasswd file.
 *
 *   campipe-passwd [-m yescrypt|bcrypt|sha512] [-r cost] USER >> htpasswd
 *   campipe-passwd --nvr USER >> nvr-credentials
 *   campipe-passwd --help | --version
 *
 * The password is asked twice on the terminal, or read as one line from
 * standard input when that is not a terminal.  With --nvr it makes a
 * random password for an NVR's Digest or ONVIF login instead, and prints
 * the "user:password" line of the NVR credentials file (nvrcred.h).
 */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

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

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "method",	required_argument,	NULL, 'm' },
		{ "rounds",	required_argument,	NULL, 'r' },
		{ "nvr",	no_argument,		NULL, 'N' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'R' },
		{ NULL,		0,			NULL, 0 }
	};
	const struct passwd_method *method = &passwd_methods[0];
	const char		*hash, *user, *rounds = NULL;
	const size_t		 nmethods = sizeof(passwd_methods) /
				    sizeof(*passwd_methods);
	struct crypt_data	*cd;
	struct htpasswd		*h;
	char			 salt[CRYPT_GENSALT_OUTPUT_SIZE], pass[512];
	char			 line[HTPASSWD_MAX_LINE + 2], cause[256];
	long long		 cost = 0;
	size_t			 i;
	int			 c, r, nvr = 0;

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
	fputs(line, stdout);
	return (fflush(stdout) == 0 ? 0 : 1);
}
