/* SPDX-License-Identifier: ISC */
/*
 * options.c: httpd's command line: the options, their defaults and the
 * usage text, parsed into struct options (never changed after) or a
 * one-line complaint and exit 2.
 */
#include <sys/stat.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth_dir.h"
#include "camname.h"
#include "control_client.h"
#include "listen_addr.h"
#include "log.h"
#include "opt.h"

#include "options.h"
#include "web.h"
#include "xff.h"
#include "version.h"

#define OPTIONS_DEFAULT_FRAMES	"/run/campipe/frames.sock"

/* The long options; the letters are only getopt's. */
static const struct option options_long[] = {
	{ "listen",		required_argument,	NULL, 'l' },
	{ "frames",		required_argument,	NULL, 'f' },
	{ "h264",		required_argument,	NULL, '2' },
	{ "camera",		required_argument,	NULL, 'k' },
	{ "default-camera",	required_argument,	NULL, 'd' },
	{ "camera-h264",	required_argument,	NULL, 'j' },
	{ "max-camera-clients",	required_argument,	NULL, 'C' },
	{ "max-clients-per-addr", required_argument,	NULL, 'Y' },
	{ "control",		required_argument,	NULL, 'c' },
	{ "admin",		required_argument,	NULL, 'a' },
	{ "auth-dir",		required_argument,	NULL, 0x100 },
	{ "camera-users",	required_argument,	NULL, 0x102 },
	{ "www",		required_argument,	NULL, 'w' },
	{ "max-clients",	required_argument,	NULL, 'm' },
	{ "allow-origin",	required_argument,	NULL, 'o' },
	{ "still-timeout",	required_argument,	NULL, 's' },
	{ "stream-timeout",	required_argument,	NULL, 'S' },
	{ "idle-timeout",	required_argument,	NULL, 'i' },
	{ "head-timeout",	required_argument,	NULL, 'H' },
	{ "max-pending",	required_argument,	NULL, 'q' },
	{ "max-pending-per-addr", required_argument,	NULL, 'Q' },
	{ "max-frame-size",	required_argument,	NULL, 'M' },
	{ "ws-port",		required_argument,	NULL, 'p' },
	{ "ws-path",		required_argument,	NULL, 'P' },
	{ "ws-handoff",		required_argument,	NULL, 'W' },
	{ "rtc-handoff",	required_argument,	NULL, 0x103 },
	{ "turn-url",		required_argument,	NULL, 0x104 },
	{ "turn-secret-file",	required_argument,	NULL, 0x105 },
	{ "turn-ttl",		required_argument,	NULL, 0x106 },
	{ "trusted-proxy",	required_argument,	NULL, 'X' },
	{ "htpasswd",		required_argument,	NULL, 'A' },
	{ "metrics-htpasswd",	required_argument,	NULL, 'B' },
	{ "token-key",		required_argument,	NULL, 'K' },
	{ "token-ttl",		required_argument,	NULL, 'T' },
	{ "login-ttl",		required_argument,	NULL, 0x101 },
	{ "auth-delay",		required_argument,	NULL, 'D' },
	{ "user",		required_argument,	NULL, 'u' },
	{ "server-name",	required_argument,	NULL, 'N' },
	{ "frame-ancestors",	required_argument,	NULL, 'F' },
	{ "onvif",		no_argument,		NULL, 'O' },
	{ "onvif-rtsp-port",	required_argument,	NULL, 'r' },
	{ "nvr-credentials",	required_argument,	NULL, 'n' },
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
"usage: campipe-httpd [options]\n"
"  --listen ADDR:PORT     listen here: an IPv4 address, [IPv6], a host name\n"
"                         or * for all; repeatable (default "
    OPTIONS_DEFAULT_LISTEN ")\n"
"  --frames PATH          capd's frame socket (default "
    OPTIONS_DEFAULT_FRAMES ")\n"
"  --h264 PATH            the default camera's H.264 socket from capd, for\n"
"                         /stream.h264 and /stream.mp4 (default: as capd's,\n"
"                         h264.sock beside frames.sock; off: none)\n"
"  --camera NAME=PATH     a camera named NAME whose capd publishes on PATH;\n"
"                         repeatable, up to 16 (with it, --frames only if\n"
"                         given adds the camera \"default\"); its H.264 at\n"
"                         /cam/NAME/stream.h264 and .mp4\n"
"  --camera-h264 NAME=PATH  camera NAME's H.264 socket (default: as capd's,\n"
"                         NAME-h264.sock beside NAME.sock; off: none)\n"
"  --default-camera NAME  the camera of /pi.jpg, /stream.mjpg ... (default:\n"
"                         the first)\n"
"  --control PATH         capd's control socket (default: as capd's,\n"
"                         control.sock beside frames.sock)\n"
"  --admin USER           USER of --htpasswd may change camera settings\n"
"                         (repeatable; without --htpasswd nobody may)\n"
"  --auth-dir DIR         read DIR/htpasswd, DIR/token.key, DIR/admins and,\n"
"                         with --onvif, DIR/nvr-credentials where they\n"
"                         exist and no option names another (the units:\n"
"                         /etc/campipe, which campipe-passwd --admin fills)\n"
"                         and its camera-users file (re-read on SIGHUP)\n"
"  --camera-users NAME=USER[,USER...]  camera NAME is for these users only,\n"
"                         on every route (repeatable; needs --htpasswd)\n"
"  --www DIR              static files (default: www/ of the source tree)\n"
"  --max-clients N        stream clients plus waiting stills (default 100)\n"
"  --max-camera-clients N  the same for each camera (default: --max-clients)\n"
"  --max-clients-per-addr N  stream clients (MJPEG and H.264) from one\n"
"                         address (an IPv6 /64); behind a proxy, give it\n"
"                         --trusted-proxy (default: a quarter of\n"
"                         --max-clients, at least 16)\n"
"  --allow-origin ORIGIN  send Access-Control-Allow-Origin (default none)\n"
"  --still-timeout SEC    503 when no frame comes in time (default 5)\n"
"  --stream-timeout SEC   drop a stream client taking nothing (default 20)\n"
"  --idle-timeout SEC     request and keep-alive timeout (default 15)\n"
"  --head-timeout SEC     time to send a whole request head, counted from its\n"
"                         first byte (default 10)\n"
"  --max-pending N        connections still sending a request head or kept\n"
"                         alive between requests; the oldest is closed for a\n"
"                         newcomer (default 256)\n"
"  --max-pending-per-addr N  of those, from one address (an IPv6 /64)\n"
"                         (default 64)\n"
"  --max-frame-size N     largest frame accepted from capd; K and M\n"
"                         suffixes (default 8M)\n"
"  --ws-handoff PATH      hand WebSocket upgrades to wsd on this Unix socket\n"
"                         (e.g. /run/campipe/wsd.sock; docs/handoff.md):\n"
"                         one port for pages and WebSocket\n"
"  --rtc-handoff PATH     hand WebRTC signalling (/whep, /webrtc,\n"
"                         /api/webrtc) to rtcd on this Unix socket (e.g.\n"
"                         /run/campipe/rtcd.sock; docs/handoff.md)\n"
"  --turn-url URL         a TURN server for the page's ICE servers, e.g.\n"
"                         turn:HOST:3478?transport=udp or turns:HOST:5349\n"
"                         (repeatable; needs --turn-secret-file)\n"
"  --turn-secret-file FILE  the TURN server's static-auth-secret, one line\n"
"                         (private to owner and group; re-read on SIGHUP)\n"
"  --turn-ttl SEC         lifetime of TURN credentials (default 86400)\n"
"  --ws-port PORT         wsd's port for /api/config (default 8081, or 0\n"
"                         with --ws-handoff; 0: the page's own origin)\n"
"  --ws-path PATH         wsd's path for /api/config (default /stream)\n"
"  --trusted-proxy ADDR   a reverse proxy whose X-Forwarded-For names the\n"
"                         client for login delays and limits; repeatable\n"
"  --htpasswd FILE        require HTTP Basic users from FILE (docs/auth.md;\n"
"                         re-read on SIGHUP)\n"
"  --metrics-htpasswd FILE  other users for /metrics (default: --htpasswd)\n"
"  --token-key FILE       WebSocket token key shared with wsd (created if\n"
"                         missing; default: a new key per start)\n"
"  --token-ttl SEC        lifetime of /api/token tokens (default 60)\n"
"  --login-ttl SEC        lifetime of the login page's cookie (default\n"
"                         604800, a week)\n"
"  --auth-delay MS        hold a client's next try this long per failed\n"
"                         login, up to 15 times (default 2000)\n"
"  --server-name NAME     also answer to Host NAME (repeatable; IP literals,\n"
"                         localhost, the host name and NAME.local always;\n"
"                         any other Host gets 421)\n"
"  --frame-ancestors SRC  who may frame the pages: CSP sources, e.g.\n"
"                         \"'self' http://homeassistant.local:8123\"\n"
"                         (repeatable, values joined; default 'self')\n"
"  --onvif                the ONVIF Profile S services at /onvif/ and\n"
"                         WS-Discovery on UDP 3702 (docs/onvif.md)\n"
"  --onvif-rtsp-port N    rtspd's port, in the page's links and ONVIF\n"
"                         stream URIs (default 8554)\n"
"  --nvr-credentials FILE  user:password lines (docs/auth.md) for ONVIF's\n"
"                         WS-UsernameToken; re-read on SIGHUP\n"
"  --user USER            when started as root, run as USER once listening\n"
"  -v, --verbose          debug logging\n"
"  -h, --help             this text\n"
"  --version              print the version\n");
}

/* Takes what the options leave unset from the files in dir. */
static void
options_auth_dir(struct options *o, const char *dir)
{
	char	 cause[512];
	int	 n;

	if (auth_dir_apply(dir, &o->conf.htpasswd, &o->conf.token_key,
	    o->conf.onvif ? &o->conf.nvr_credentials : NULL, cause,
	    sizeof(cause)) == -1 || auth_dir_camera_users(dir,
	    &o->conf.access.camera_users_file, cause, sizeof(cause)) == -1)
		log_usage("--auth-dir: %s", cause);
	if (o->conf.htpasswd == NULL || o->conf.nadmins > 0)
		return;
	if ((n = auth_dir_admins(dir, o->conf.admins, WEB_ADMINS_MAX, cause,
	    sizeof(cause))) == -1)
		log_usage("--auth-dir: %s", cause);
	o->conf.nadmins = n;
}

/* Takes a --turn-url: turn: or turns:, printable, no quote or space. */
static void
options_turn_url(struct options *o, const char *url)
{
	const char	*p;

	if (o->conf.nturn_urls == WEB_TURN_MAX)
		log_usage("--turn-url: at most %d", WEB_TURN_MAX);
	if (strncmp(url, "turn:", 5) != 0 && strncmp(url, "turns:", 6) != 0)
		log_usage("--turn-url: \"%s\" is not turn:HOST[:PORT] or "
		    "turns:HOST[:PORT]", url);
	for (p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '"' ||
		    *p == '\\')
			log_usage("--turn-url: a space, quote or control "
			    "character in \"%s\"", url);
	if (p - url > 256)
		log_usage("--turn-url: longer than 256 bytes");
	o->conf.turn_urls[o->conf.nturn_urls++] = url;
}

/* Parses a whole number in [min, max] or exits 2 with a one-line error. */
static long
options_number(const char *opt, const char *s, long min, long max)
{
	long long	 n;
	char		 opt2[64], cause[256];

	snprintf(opt2, sizeof(opt2), "--%s", opt);
	if (opt_number(opt2, s, min, max, &n, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	return (n);
}

/* The www/ directory of the source tree the binary was built in. */
static const char *
options_default_www(void)
{
	static char	 dir[PATH_MAX];
	static const char *up[] = { "/../www", "/../../www" };
	char		 exe[PATH_MAX], *bin;
	struct stat	 st;
	ssize_t		 n;
	size_t		 i;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		/* dirname() cuts exe in place: once, for every candidate. */
		bin = dirname(exe);
		for (i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
			snprintf(dir, sizeof(dir), "%s%s", bin, up[i]);
			if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
				return (dir);
		}
	}
	return ("www");
}

/* Parses the command line into o; exits after --help, --version or an error. */
void
options_parse(struct options *o, int argc, char **argv)
{
	double		 secs;
	size_t		 maxframe;
	char		 cause[512];
	const char	*auth_dir = NULL;
	int		 c, opt, ws_port_set = 0;

	memset(o, 0, sizeof(*o));
	o->conf.cams.frames = OPTIONS_DEFAULT_FRAMES;
	o->conf.max_clients = 100;
	o->conf.still_timeout = 5;
	o->conf.stream_timeout = 20;
	o->conf.idle_timeout = 15;
	o->conf.pending.head_timeout.tv_sec = 10;
	o->conf.pending.pool.max_pending = 256;
	o->conf.pending.pool.max_pending_per_addr = 64;
	o->conf.pending.pool.max_viewers_per_addr = 100000;	/* not used */
	o->conf.max_frame = 8 << 20;
	o->conf.ws_port = 8081;
	o->conf.ws_path = "/stream";
	o->conf.onvif_rtsp_port = 8554;
	o->conf.turn_ttl = 86400;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vh", options_long, &opt)) != -1) {
		switch (c) {
		case 'l':
			if (o->conf.nlisten == WEB_LISTEN_MAX)
				log_usage("--listen: at most %d",
				    WEB_LISTEN_MAX);
			if (listen_addr_parse(optarg, &o->addrs[o->conf.nlisten],
			    cause, sizeof(cause)) == -1)
				log_usage("--listen: %s", cause);
			o->conf.listen[o->conf.nlisten++] = optarg;
			break;
		case 'f':
		case 'k':
		case 'd':
		case '2':
		case 'j':
			if (camname_opt(&o->conf.cams, options_long[opt].name, optarg,
			    cause, sizeof(cause)) == -1)
				log_usage("%s", cause);
			break;
		case 'C':
			o->conf.max_camera_clients = options_number(
			    "max-camera-clients", optarg, 1, 100000);
			break;
		case 'Y':
			o->conf.max_clients_per_addr = options_number(
			    "max-clients-per-addr", optarg, 1, 100000);
			break;
		case 'c':
			o->conf.control = optarg;
			break;
		case 0x100:
			auth_dir = optarg;
			break;
		case 0x102:
			if (auth_conf_camera_users(&o->conf.access, optarg,
			    cause, sizeof(cause)) == -1)
				log_usage("--camera-users: %s", cause);
			break;
		case 0x101:
			o->conf.login_ttl = options_number("login-ttl", optarg,
			    60, 31 * 86400);
			break;
		case 'a':
			if (o->conf.nadmins == WEB_ADMINS_MAX)
				log_usage("--admin: at most %d",
				    WEB_ADMINS_MAX);
			o->conf.admins[o->conf.nadmins++] = optarg;
			break;
		case 'w':
			o->conf.www = optarg;
			break;
		case 'm':
			o->conf.max_clients = options_number("max-clients", optarg,
			    1, 100000);
			break;
		case 'o':
			o->conf.allow_origin = optarg;
			break;
		case 's':
			if (opt_seconds("--still-timeout", optarg, 0.001, 3600,
			    &o->conf.still_timeout, cause, sizeof(cause)) == -1)
				log_usage("%s", cause);
			break;
		case 'S':
			if (opt_seconds("--stream-timeout", optarg, 0.001, 3600,
			    &o->conf.stream_timeout, cause, sizeof(cause)) == -1)
				log_usage("%s", cause);
			break;
		case 'i':
			if (opt_seconds("--idle-timeout", optarg, 0.001, 3600,
			    &o->conf.idle_timeout, cause, sizeof(cause)) == -1)
				log_usage("%s", cause);
			break;
		case 'H':
			if (opt_seconds("--head-timeout", optarg, 0.001, 3600,
			    &secs, cause, sizeof(cause)) == -1)
				log_usage("%s", cause);
			o->conf.pending.head_timeout.tv_sec = (time_t)secs;
			o->conf.pending.head_timeout.tv_usec = (suseconds_t)
			    ((secs - (time_t)secs) * 1e6);
			break;
		case 'q':
			o->conf.pending.pool.max_pending = options_number(
			    "max-pending", optarg, 1, 100000);
			break;
		case 'Q':
			o->conf.pending.pool.max_pending_per_addr = options_number(
			    "max-pending-per-addr", optarg, 1, 100000);
			break;
		case 'M':
			if (opt_size("--max-frame-size", optarg, 1024,
			    256 << 20, &maxframe, cause, sizeof(cause)) == -1)
				log_usage("%s", cause);
			o->conf.max_frame = maxframe;
			break;
		case 'p':
			o->conf.ws_port = options_number("ws-port", optarg, 0,
			    65535);
			ws_port_set = 1;
			break;
		case 'W':
			o->conf.ws_handoff = optarg;
			break;
		case 0x103:
			o->conf.rtc_handoff = optarg;
			break;
		case 0x104:
			options_turn_url(o, optarg);
			break;
		case 0x105:
			o->conf.turn_secret_file = optarg;
			break;
		case 0x106:
			o->conf.turn_ttl = options_number("turn-ttl", optarg, 60,
			    7 * 86400);
			break;
		case 'X':
			if (o->conf.nproxies == WEB_PROXIES_MAX)
				log_usage("--trusted-proxy: at most %d",
				    WEB_PROXIES_MAX);
			if (xff_parse_proxy(optarg,
			    &o->conf.proxies[o->conf.nproxies], cause,
			    sizeof(cause)) == -1)
				log_usage("%s", cause);
			o->conf.nproxies++;
			break;
		case 'P':
			if (*optarg != '/')
				log_usage("--ws-path: \"%s\" does not start "
				    "with /", optarg);
			o->conf.ws_path = optarg;
			break;
		case 'A':
			o->conf.htpasswd = optarg;
			break;
		case 'B':
			o->conf.metrics_htpasswd = optarg;
			break;
		case 'K':
			o->conf.token_key = optarg;
			break;
		case 'T':
			o->conf.token_ttl = options_number("token-ttl", optarg, 1,
			    86400);
			break;
		case 'D':
			o->conf.auth_delay_ms = options_number("auth-delay", optarg,
			    1, 60000);
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'N':
			if (o->conf.nserver_names == WEB_NAMES_MAX)
				fatalx("--server-name: at most %d",
				    WEB_NAMES_MAX);
			o->conf.server_names[o->conf.nserver_names++] = optarg;
			break;
		case 'F':
			if (strpbrk(optarg, ";,\r\n") != NULL ||
			    strlen(o->ancestors) + strlen(optarg) + 2 >
			    sizeof(o->ancestors))
				fatalx("--frame-ancestors: CSP sources "
				    "separated by spaces, 512 bytes at most");
			if (*o->ancestors != '\0')
				strcat(o->ancestors, " ");
			strcat(o->ancestors, optarg);
			o->conf.frame_ancestors = o->ancestors;
			break;
		case 'O':
			o->conf.onvif = 1;
			break;
		case 'r':
			o->conf.onvif_rtsp_port = options_number(
			    "onvif-rtsp-port", optarg, 1, 65535);
			break;
		case 'n':
			o->conf.nvr_credentials = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			options_usage(stdout);
			exit(0);
		case 'R':
			printf("campipe-httpd %s\n", CAMPIPE_VERSION);
			exit(0);
		default:
			opt_complaint(c, argv, cause, sizeof(cause));
			log_usage("%s", cause);
		}
	}
	if (optind < argc)
		log_usage("%s: unexpected argument (see --help)",
		    argv[optind]);
	if (camname_opt_done(&o->conf.cams, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	if (o->conf.max_camera_clients == 0)
		o->conf.max_camera_clients = o->conf.max_clients;
	/* A quarter of --max-clients, but 16 (or all, if fewer) at least. */
	if (o->conf.max_clients_per_addr == 0)
		o->conf.max_clients_per_addr = o->conf.max_clients / 4 > 16 ?
		    o->conf.max_clients / 4 : o->conf.max_clients < 16 ?
		    o->conf.max_clients : 16;
	log_setverbose(o->verbose);
	/* With the handoff the page's own origin serves the WebSocket. */
	if (o->conf.ws_handoff != NULL && !ws_port_set)
		o->conf.ws_port = 0;
	if (auth_dir != NULL)
		options_auth_dir(o, auth_dir);
	if (o->conf.nadmins > 0 && o->conf.htpasswd == NULL)
		log_usage("--admin needs --htpasswd (without it anyone may "
		    "change settings)");
	if (o->conf.onvif && o->conf.htpasswd != NULL &&
	    o->conf.nvr_credentials == NULL)
		log_usage("--onvif with --htpasswd needs --nvr-credentials "
		    "(ONVIF clients prove a password with WS-UsernameToken)");
	if (o->conf.nvr_credentials != NULL && !o->conf.onvif)
		log_usage("--nvr-credentials is for --onvif");
	if ((o->conf.nturn_urls > 0) != (o->conf.turn_secret_file != NULL))
		log_usage("--turn-url and --turn-secret-file go together (the "
		    "credentials are made from the TURN server's secret)");
	if (o->conf.control == NULL)
		o->conf.control = control_client_path(
		    o->conf.cams.cams[o->conf.cams.deflt].path);
	if (o->conf.www == NULL)
		o->conf.www = options_default_www();
}

/* Without --listen and without sockets from systemd: the default address. */
void
options_listen_default(struct options *o, int nfds)
{
	char	 cause[512];

	if (o->conf.nlisten > 0 || nfds > 0)
		return;
	o->conf.listen[o->conf.nlisten] = OPTIONS_DEFAULT_LISTEN;
	if (listen_addr_parse(OPTIONS_DEFAULT_LISTEN,
	    &o->addrs[o->conf.nlisten++], cause, sizeof(cause)) == -1)
		fatalx("%s", cause);
}
