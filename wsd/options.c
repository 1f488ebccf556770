/* SPDX-License-Identifier: ISC */
/* options.c: wsd's command line, its defaults and its usage text. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_dir.h"
#include "camname.h"
#include "connset.h"
#include "listen_addr.h"
#include "log.h"
#include "opt.h"
#include "options.h"
#include "version.h"

#define OPTIONS_DEFAULT_LISTEN	"127.0.0.1:8081"	/* in the usage text */

/* Long options without a letter. */
enum {
	OPTIONS_PER_ADDR = 256,		/* --max-clients-per-addr */
	OPTIONS_AUTH_DIR,		/* --auth-dir */
	OPTIONS_CAMERA_USERS,		/* --camera-users */
	OPTIONS_PENDING,		/* --max-pending */
	OPTIONS_PENDING_PER_ADDR	/* --max-pending-per-addr */
};

/* The long options; each letter is only a label for the switch below. */
static const struct option options_long[] = {
	{ "listen",		required_argument,	NULL, 'l' },
	{ "path",		required_argument,	NULL, 'p' },
	{ "handoff",		required_argument,	NULL, 'O' },
	{ "handoff-user",	required_argument,	NULL, 'U' },
	{ "frames",		required_argument,	NULL, 'f' },
	{ "h264",		required_argument,	NULL, '2' },
	{ "camera",		required_argument,	NULL, 'k' },
	{ "default-camera",	required_argument,	NULL, 'd' },
	{ "camera-h264",	required_argument,	NULL, 'j' },
	{ "max-camera-clients",	required_argument,	NULL, 'X' },
	{ "control",		required_argument,	NULL, 'C' },
	{ "allow-origin",	required_argument,	NULL, 'o' },
	{ "max-clients",	required_argument,	NULL, 'n' },
	{ "max-clients-per-addr", required_argument,	NULL,
	    OPTIONS_PER_ADDR },
	{ "max-pending",	required_argument,	NULL, OPTIONS_PENDING },
	{ "max-pending-per-addr", required_argument,	NULL,
	    OPTIONS_PENDING_PER_ADDR },
	{ "ping-interval",	required_argument,	NULL, 'i' },
	{ "ping-timeout",	required_argument,	NULL, 't' },
	{ "write-timeout",	required_argument,	NULL, 'w' },
	{ "head-timeout",	required_argument,	NULL, 'H' },
	{ "max-message",	required_argument,	NULL, 'm' },
	{ "max-frame-size",	required_argument,	NULL, 'M' },
	{ "htpasswd",		required_argument,	NULL, 'A' },
	{ "auth-dir",		required_argument,	NULL, OPTIONS_AUTH_DIR },
	{ "camera-users",	required_argument,	NULL, OPTIONS_CAMERA_USERS },
	{ "token-key",		required_argument,	NULL, 'K' },
	{ "auth-delay",		required_argument,	NULL, 'D' },
	{ "user",		required_argument,	NULL, 'u' },
	{ "server-name",	required_argument,	NULL, 'N' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'R' },
	{ NULL,			0,			NULL, 0 }
};

/* Prints the options. */
static void
options_usage(FILE *f)
{
	fprintf(f,
"usage: campipe-wsd [options]\n"
"Relays camera frames from capd to browsers over WebSocket.\n"
"\n"
"  --listen ADDR:PORT    also listen on TCP: an IPv4 address, [IPv6], a host\n"
"                        name or * for all; repeatable, e.g.\n"
"                        " OPTIONS_DEFAULT_LISTEN " (default: none)\n"
"  --handoff PATH        take connections httpd hands over on this Unix\n"
"                        socket (default " OPTIONS_DEFAULT_HANDOFF "\n"
"                        when there is no --listen; docs/handoff.md)\n"
"  --handoff-user USER   the user httpd runs as, allowed to hand over\n"
"                        besides root (default: wsd's own user)\n"
"  --path PATH           the WebSocket's path (default /stream)\n"
"  --frames PATH         capd's frame socket (default\n"
"                        /run/campipe/frames.sock)\n"
"  --h264 PATH           the default camera's H.264 socket from capd, served\n"
"                        as fragmented MP4 on PATH.h264 of --path (default:\n"
"                        as capd's, h264.sock beside frames.sock; off: none)\n"
"  --camera NAME=PATH    a camera named NAME whose capd publishes on PATH,\n"
"                        its WebSocket at /cam/NAME/stream, its H.264 at\n"
"                        /cam/NAME/stream.h264; repeatable, up to 16 (with\n"
"                        it, --frames only if given adds the camera\n"
"                        \"default\")\n"
"  --camera-h264 NAME=PATH  camera NAME's H.264 socket (default: as capd's,\n"
"                        NAME-h264.sock beside NAME.sock; off: none)\n"
"  --default-camera NAME the camera at --path (default: the first)\n"
"  --control PATH        capd's control socket, for capd's status in /status\n"
"                        (default: as capd's, control.sock beside\n"
"                        frames.sock)\n"
"  --allow-origin ORIGIN pages allowed to connect, e.g. https://cam.example;\n"
"                        repeatable; \"*\" for any (default: same host only)\n"
"  --max-clients N       WebSocket clients at most, 503 beyond (default 100)\n"
"  --max-camera-clients N  the same for each camera (default: --max-clients)\n"
"  --max-clients-per-addr N  of those, from one address (an IPv6 /64); behind\n"
"                        a reverse proxy set it to --max-clients (default 32)\n"
"  --max-pending N       connections still sending their request head; the\n"
"                        oldest is closed for a newcomer (default 256)\n"
"  --max-pending-per-addr N  of those, from one address (default 64)\n"
"  --ping-interval SEC   ping a client silent this long (default 20)\n"
"  --ping-timeout SEC    drop it if no answer within this (default 10)\n"
"  --write-timeout SEC   drop a client that reads nothing this long (30)\n"
"  --head-timeout SEC    time to send the whole request head (default 10)\n"
"  --max-message N       longest message a client may send; K and M\n"
"                        suffixes (default 4K)\n"
"  --max-frame-size N    longest frame accepted from capd; K and M\n"
"                        suffixes (default 8M)\n"
"  --auth-dir DIR        read DIR/htpasswd and DIR/token.key where they\n"
"                        exist and no option names another (the units:\n"
"                        /etc/campipe, which campipe-passwd --admin fills)\n"
"                        and its camera-users file (re-read on SIGHUP)\n"
"  --camera-users NAME=USER[,USER...]  camera NAME is for these users only\n"
"                        (repeatable; needs --htpasswd)\n"
"  --htpasswd FILE       require a token from httpd or HTTP Basic users\n"
"                        from FILE (docs/auth.md; re-read on SIGHUP)\n"
"  --token-key FILE      the token key shared with httpd (created if\n"
"                        missing)\n"
"  --auth-delay MS       hold a client's next try this long per failed\n"
"                        login, up to 15 times (default 2000)\n"
"  --server-name NAME    also answer to Host NAME (repeatable; IP literals,\n"
"                        localhost, the host name and NAME.local always;\n"
"                        any other Host gets 421)\n"
"  --user USER           when started as root, run as USER once listening\n"
"  -v, --verbose         debug logging\n"
"  -h, --help            this text\n"
"  --version             print the version\n"
"\n"
"Clients connect to ws://HOST:PORT/stream (through httpd's port with the\n"
"handoff); ?fps=N caps their rate and\n"
"?encoding=base64 sends base64 text messages.  GET /status gives counters.\n");
}

/* Parses a whole decimal number within [min, max] or exits 2. */
static long long
options_number(const char *opt, const char *s, long long min, long long max)
{
	long long	 v;
	char		 cause[256];

	if (opt_number(opt, s, min, max, &v, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	return (v);
}

/* Parses a size with an optional K or M suffix within [min, max] or exits 2. */
static size_t
options_size(const char *opt, const char *s, size_t min, size_t max)
{
	size_t	 v;
	char	 cause[256];

	if (opt_size(opt, s, min, max, &v, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	return (v);
}

/* Parses seconds (fractions allowed, over 0) into a timeval or exits. */
static void
options_seconds(const char *opt, const char *s, struct timeval *tv)
{
	double	 v;
	char	 cause[256];

	if (opt_seconds(opt, s, 0.001, 86400, &v, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	tv->tv_sec = (time_t)v;
	tv->tv_usec = (suseconds_t)((v - tv->tv_sec) * 1e6);
}

/* --handoff-user: the uid of a user that exists, or exits 2. */
static void
options_handoff_user(struct options *o, const char *name)
{
	struct passwd	*pw;

	if ((pw = getpwnam(name)) == NULL)
		log_usage("--handoff-user: %s: no such user", name);
	o->handoff_user = 1;
	o->handoff_uid = pw->pw_uid;
}

/* The defaults, before any option. */
static void
options_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->conf = (struct connset_conf){
		.client = { .path = "/stream", .head_timeout = { 10, 0 },
		    .session = { .max_message = 4096,
		    .ping_interval = { 20, 0 }, .ping_timeout = { 10, 0 },
		    .write_timeout = { 30, 0 } } },
		.cams = { .frames = "/run/campipe/frames.sock" },
		.max_clients = 100, .max_frame = 8 * 1024 * 1024,
		.pool = { .max_pending = 256, .max_pending_per_addr = 64,
		    .max_viewers_per_addr = 32 },
	};
}

/* Parses the command line into o. */
void
options_parse(struct options *o, int argc, char *argv[])
{
	struct connset_conf	*d = &o->conf;
	struct client_conf	*c = &o->conf.client;
	const char		*auth_dir = NULL;
	char			 cause[512];
	int			 ch, i;

	options_defaults(o);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":vh", options_long, &i)) != -1) {
		switch (ch) {
		case 'l':
			if (o->nlisten == CONNSET_LISTEN_MAX)
				log_usage("--listen: at most %d",
				    CONNSET_LISTEN_MAX);
			if (listen_addr_parse(optarg, &o->addrs[o->nlisten],
			    cause, sizeof(cause)) == -1)
				log_usage("--listen: %s", cause);
			o->listen[o->nlisten++] = optarg;
			break;
		case 'p':
			if (optarg[0] != '/' || strcmp(optarg, "/status") == 0)
				log_usage("--path: \"%s\" must start with / "
				    "and not be /status", optarg);
			c->path = optarg;
			break;
		case '2':
		case 'f':
		case 'k':
		case 'd':
		case 'j':
			if (camname_opt(&d->cams, options_long[i].name, optarg,
			    cause, sizeof(cause)) == -1)
				log_usage("%s", cause);
			break;
		case 'X':
			d->max_camera_clients = options_number(
			    "--max-camera-clients", optarg, 1, 100000);
			break;
		case 'O':
			o->handoff = optarg;
			break;
		case 'U':
			options_handoff_user(o, optarg);
			break;
		case 'C':
			d->control = optarg;
			break;
		case 'o':
			if (c->norigins == CLIENT_ORIGINS_MAX)
				log_usage("--allow-origin: at most %d",
				    CLIENT_ORIGINS_MAX);
			c->origins[c->norigins++] = optarg;
			break;
		case 'n':
			d->max_clients = options_number("--max-clients", optarg,
			    1, 100000);
			break;
		case OPTIONS_PER_ADDR:
			d->pool.max_viewers_per_addr = options_number(
			    "--max-clients-per-addr", optarg, 1, 100000);
			break;
		case OPTIONS_PENDING:
			d->pool.max_pending = options_number("--max-pending",
			    optarg, 1, 100000);
			break;
		case OPTIONS_PENDING_PER_ADDR:
			d->pool.max_pending_per_addr = options_number(
			    "--max-pending-per-addr", optarg, 1, 100000);
			break;
		case 'i':
			options_seconds("--ping-interval", optarg,
			    &c->session.ping_interval);
			break;
		case 't':
			options_seconds("--ping-timeout", optarg,
			    &c->session.ping_timeout);
			break;
		case 'w':
			options_seconds("--write-timeout", optarg,
			    &c->session.write_timeout);
			break;
		case 'H':
			options_seconds("--head-timeout", optarg,
			    &c->head_timeout);
			break;
		case 'm':
			c->session.max_message = options_size("--max-message",
			    optarg, 125, 1024 * 1024);
			break;
		case 'M':
			d->max_frame = options_size("--max-frame-size", optarg,
			    1024, 256 * 1024 * 1024);
			break;
		case OPTIONS_AUTH_DIR:
			auth_dir = optarg;
			break;
		case OPTIONS_CAMERA_USERS:
			if (auth_conf_camera_users(&d->auth, optarg, cause,
			    sizeof(cause)) == -1)
				log_usage("--camera-users: %s", cause);
			break;
		case 'A':
			d->auth.htpasswd = optarg;
			break;
		case 'K':
			d->auth.token_key = optarg;
			break;
		case 'D':
			d->auth.fail_step_ms = options_number("--auth-delay",
			    optarg, 1, 60000);
			d->auth.fail_max_ms = d->auth.fail_step_ms * 15;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'N':
			if (o->nnames == OPTIONS_NAMES_MAX)
				fatalx("--server-name: at most %d",
				    OPTIONS_NAMES_MAX);
			o->names[o->nnames++] = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			options_usage(stdout);
			exit(0);
		case 'R':
			printf("campipe-wsd %s\n", CAMPIPE_VERSION);
			exit(0);
		default:
			opt_complaint(ch, argv, cause, sizeof(cause));
			log_usage("%s", cause);
		}
	}
	if (optind != argc)
		log_usage("%s: unexpected argument (see --help)",
		    argv[optind]);
	if (camname_opt_done(&d->cams, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	if (auth_dir != NULL && (auth_dir_apply(auth_dir, &d->auth.htpasswd,
	    &d->auth.token_key, NULL, cause, sizeof(cause)) == -1 ||
	    auth_dir_camera_users(auth_dir, &d->auth.camera_users_file, cause,
	    sizeof(cause)) == -1))
		log_usage("--auth-dir: %s", cause);
	if (d->max_camera_clients == 0)
		d->max_camera_clients = d->max_clients;
}
