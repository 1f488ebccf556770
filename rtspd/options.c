/* SPDX-License-Identifier: ISC */
/* options.c: rtspd's command line, its defaults and its usage text. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_dir.h"
#include "camname.h"
#include "listen_addr.h"
#include "log.h"
#include "opt.h"
#include "options.h"
#include "version.h"

/* Long options without a letter. */
enum {
	OPTIONS_PER_ADDR = 256,		/* --max-clients-per-addr */
	OPTIONS_AUTH_DIR,		/* --auth-dir */
	OPTIONS_CAMERA_USERS,		/* --camera-users */
	OPTIONS_PENDING,		/* --max-pending */
	OPTIONS_PENDING_PER_ADDR,	/* --max-pending-per-addr */
	OPTIONS_SESSION_TIMEOUT,	/* --session-timeout */
	OPTIONS_UDP_PORT,		/* --udp-port */
	OPTIONS_MTU			/* --mtu */
};

/* The long options; each letter is only a label for the switch below. */
static const struct option options_long[] = {
	{ "listen",		required_argument,	NULL, 'l' },
	{ "frames",		required_argument,	NULL, 'f' },
	{ "h264",		required_argument,	NULL, '2' },
	{ "camera",		required_argument,	NULL, 'k' },
	{ "default-camera",	required_argument,	NULL, 'd' },
	{ "camera-h264",	required_argument,	NULL, 'j' },
	{ "udp-port",		required_argument,	NULL,
	    OPTIONS_UDP_PORT },
	{ "mtu",		required_argument,	NULL, OPTIONS_MTU },
	{ "max-clients",	required_argument,	NULL, 'n' },
	{ "max-clients-per-addr", required_argument,	NULL,
	    OPTIONS_PER_ADDR },
	{ "max-pending",	required_argument,	NULL, OPTIONS_PENDING },
	{ "max-pending-per-addr", required_argument,	NULL,
	    OPTIONS_PENDING_PER_ADDR },
	{ "session-timeout",	required_argument,	NULL,
	    OPTIONS_SESSION_TIMEOUT },
	{ "head-timeout",	required_argument,	NULL, 'H' },
	{ "write-timeout",	required_argument,	NULL, 'w' },
	{ "htpasswd",		required_argument,	NULL, 'A' },
	{ "auth-dir",		required_argument,	NULL, OPTIONS_AUTH_DIR },
	{ "camera-users",	required_argument,	NULL, OPTIONS_CAMERA_USERS },
	{ "nvr-credentials",	required_argument,	NULL, 'N' },
	{ "auth-delay",		required_argument,	NULL, 'D' },
	{ "user",		required_argument,	NULL, 'u' },
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
"usage: campipe-rtspd [options]\n"
"Serves the cameras' H.264 over RTSP to NVRs and players.\n"
"\n"
"  --listen ADDR:PORT    an IPv4 address, [IPv6], a host name or * for all;\n"
"                        repeatable (default " OPTIONS_DEFAULT_LISTEN ",\n"
"                        or the sockets systemd passes)\n"
"  --frames PATH         the default camera's frame socket, beside which\n"
"                        capd's H.264 socket lies (default\n"
"                        /run/campipe/frames.sock)\n"
"  --h264 PATH           the default camera's H.264 socket (default: as\n"
"                        capd's, h264.sock beside frames.sock)\n"
"  --camera NAME=PATH    a camera whose capd publishes on PATH, served at\n"
"                        rtsp://HOST:PORT/cam/NAME; repeatable, up to 16\n"
"  --camera-h264 NAME=PATH  camera NAME's H.264 socket (default: as capd's)\n"
"  --default-camera NAME the camera at rtsp://HOST:PORT/ (default: the\n"
"                        first)\n"
"  --udp-port N          RTP over UDP from port N and RTCP from N + 1 on\n"
"                        each listening address; 0: TCP only (default 8000)\n"
"  --mtu N               RTP packets' bytes at most (default 1400)\n"
"  --max-clients N       connections at most, 503 beyond (default 64)\n"
"  --max-clients-per-addr N  of those, from one address (an IPv6 /64);\n"
"                        default a quarter of --max-clients, at least 4\n"
"  --max-pending N       connections without a request yet; the oldest is\n"
"                        closed for a newcomer (default 64)\n"
"  --max-pending-per-addr N  of those, from one address (default 16)\n"
"  --session-timeout SEC a session without a request or RTCP this long\n"
"                        ends (default 60)\n"
"  --head-timeout SEC    time to send a whole request (default 10)\n"
"  --write-timeout SEC   drop a client that reads nothing this long (30)\n"
"  --auth-dir DIR        read DIR/htpasswd and DIR/nvr-credentials where\n"
"                        they exist and no option names another (the\n"
"                        units: /etc/campipe) and its camera-users file\n"
"  --camera-users NAME=USER[,USER...]  camera NAME is for these users only\n"
"                        (repeatable; needs --htpasswd)\n"
"  --htpasswd FILE       require HTTP Basic users from FILE, as httpd\n"
"                        (docs/auth.md; re-read on SIGHUP)\n"
"  --nvr-credentials FILE  also NVR users and passwords from FILE, for\n"
"                        Digest and Basic (docs/auth.md; made by\n"
"                        campipe-passwd --nvr; re-read on SIGHUP)\n"
"  --auth-delay MS       hold a client's next try this long per failed\n"
"                        login, up to 15 times (default 2000)\n"
"  --user USER           when started as root, run as USER once listening\n"
"  -v, --verbose         debug logging\n"
"  -h, --help            this text\n"
"  --version             print the version\n"
"\n"
"Players open rtsp://HOST:8554/ or rtsp://HOST:8554/cam/NAME\n"
"(docs/rtspd.md).\n");
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

/* Parses seconds (fractions allowed, over 0) or exits. */
static double
options_seconds(const char *opt, const char *s)
{
	double	 v;
	char	 cause[256];

	if (opt_seconds(opt, s, 0.001, 86400, &v, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	return (v);
}

/* The defaults, before any option. */
static void
options_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->conf = (struct state_conf){
		.cams = { .frames = "/run/campipe/frames.sock" },
		.max_clients = 64, .max_sessions = 4,
		.pool = { .max_pending = 64, .max_pending_per_addr = 16 },
		.head_timeout = 10, .session_timeout = 60,
		.write_timeout = 30, .udp_port = 8000, .mtu = 1400,
	};
}

/* Parses the command line into o. */
void
options_parse(struct options *o, int argc, char *argv[])
{
	struct state_conf	*d = &o->conf;
	const char		*auth_dir = NULL;
	char			 cause[512];
	int			 ch, i;

	options_defaults(o);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":vh", options_long, &i)) != -1) {
		switch (ch) {
		case 'l':
			if (o->nlisten == OPTIONS_LISTEN_MAX)
				log_usage("--listen: at most %d",
				    OPTIONS_LISTEN_MAX);
			if (listen_addr_parse(optarg, &o->addrs[o->nlisten],
			    cause, sizeof(cause)) == -1)
				log_usage("--listen: %s", cause);
			o->listen[o->nlisten++] = optarg;
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
		case OPTIONS_UDP_PORT:
			d->udp_port = options_number("--udp-port", optarg, 0,
			    65534);
			break;
		case OPTIONS_MTU:
			d->mtu = options_number("--mtu", optarg, 256, 65535);
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
		case OPTIONS_SESSION_TIMEOUT:
			d->session_timeout = options_seconds(
			    "--session-timeout", optarg);
			break;
		case 'H':
			d->head_timeout = options_seconds("--head-timeout",
			    optarg);
			break;
		case 'w':
			d->write_timeout = options_seconds("--write-timeout",
			    optarg);
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
		case 'N':
			d->auth.nvr_credentials = optarg;
			break;
		case 'D':
			d->auth.fail_step_ms = options_number("--auth-delay",
			    optarg, 1, 60000);
			d->auth.fail_max_ms = d->auth.fail_step_ms * 15;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			options_usage(stdout);
			exit(0);
		case 'R':
			printf("campipe-rtspd %s\n", CAMPIPE_VERSION);
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
	    NULL, &d->auth.nvr_credentials, cause, sizeof(cause)) == -1 ||
	    auth_dir_camera_users(auth_dir, &d->auth.camera_users_file, cause,
	    sizeof(cause)) == -1))
		log_usage("--auth-dir: %s", cause);
	if (d->udp_port % 2 != 0)
		log_usage("--udp-port: %u is odd: RTP takes an even port",
		    d->udp_port);
	if (d->pool.max_viewers_per_addr == 0)
		d->pool.max_viewers_per_addr = d->max_clients / 4 < 4 ? 4 :
		    d->max_clients / 4;
}
