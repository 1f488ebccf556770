/* SPDX-License-Identifier: ISC */
/*
 * wsd: relays capd's frames to browsers over WebSocket (RFC 6455), one
 * binary message per JPEG, subscribing to capd only while someone watches.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include <pwd.h>

#include "handoff_recv.h"
#include "auth.h"
#include "camname.h"
#include "listen_addr.h"
#include "http_host.h"
#include "log.h"
#include "notify.h"
#include "privdrop.h"
#include "opt.h"
#include "connset.h"
#include "version.h"

#define WSD_DEFAULT_LISTEN	"127.0.0.1:8081"	/* in the usage text */
#define WSD_DEFAULT_HANDOFF	"/run/campipe/wsd.sock"
#define WSD_BACKLOG		512
#define WSD_ADDR_FDS		8	/* sockets for one --listen name */

/* Long options without a letter. */
enum {
	WSD_OPT_PER_ADDR = 256,		/* --max-clients-per-addr */
	WSD_OPT_PENDING,		/* --max-pending */
	WSD_OPT_PENDING_PER_ADDR	/* --max-pending-per-addr */
};

/* Prints the options. */
static void
usage(FILE *f)
{
	fprintf(f,
"usage: campipe-wsd [options]\n"
"Relays camera frames from capd to browsers over WebSocket.\n"
"\n"
"  --listen ADDR:PORT    also listen on TCP: an IPv4 address, [IPv6], a host\n"
"                        name or * for all; repeatable, e.g.\n"
"                        " WSD_DEFAULT_LISTEN " (default: none)\n"
"  --handoff PATH        take connections httpd hands over on this Unix\n"
"                        socket (default " WSD_DEFAULT_HANDOFF "\n"
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
wsd_number(const char *opt, const char *s, long long min, long long max)
{
	long long	 v;
	char		 cause[256];

	if (opt_number(opt, s, min, max, &v, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	return (v);
}

/* Parses a size with an optional K or M suffix within [min, max] or exits 2. */
static size_t
wsd_size(const char *opt, const char *s, size_t min, size_t max)
{
	size_t	 v;
	char	 cause[256];

	if (opt_size(opt, s, min, max, &v, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	return (v);
}

/* Listens on a parsed --listen address or exits. */
static void
wsd_listen(struct connset *relay, const struct listen_addr *la,
    const char *spec)
{
	char	 cause[512];
	int	 fds[WSD_ADDR_FDS], n, i;

	if ((n = listen_addr_open(la, WSD_BACKLOG, fds, WSD_ADDR_FDS, cause,
	    sizeof(cause))) == -1)
		fatalx("--listen: %s", cause);
	for (i = 0; i < n; i++)
		if (connset_listen_fd(relay, fds[i], cause, sizeof(cause)) == -1)
			fatalx("--listen: %s: %s", spec, cause);
	log_info("listening on %s", spec);
}

/* Parses seconds (fractions allowed, over 0) into a timeval or exits. */
static void
wsd_seconds(const char *opt, const char *s, struct timeval *tv)
{
	double	 v;
	char	 cause[256];

	if (opt_seconds(opt, s, 0.001, 86400, &v, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	tv->tv_sec = (time_t)v;
	tv->tv_usec = (suseconds_t)((v - tv->tv_sec) * 1e6);
}

/* SIGHUP: re-reads the password file. */
static void
wsd_hup(evutil_socket_t sig, short what, void *arg)
{
	connset_reload(arg);
}

/* SIGTERM, SIGINT: leave the loop. */
static void
wsd_signal(evutil_socket_t sig, short what, void *arg)
{
	log_info("signal %d: exiting", (int)sig);
	event_base_loopbreak(arg);
}

int
main(int argc, char *argv[])
{
	static struct option longopts[] = {
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
		    WSD_OPT_PER_ADDR },
		{ "max-pending",	required_argument,	NULL, WSD_OPT_PENDING },
		{ "max-pending-per-addr", required_argument,	NULL,
		    WSD_OPT_PENDING_PER_ADDR },
		{ "ping-interval",	required_argument,	NULL, 'i' },
		{ "ping-timeout",	required_argument,	NULL, 't' },
		{ "write-timeout",	required_argument,	NULL, 'w' },
		{ "head-timeout",	required_argument,	NULL, 'H' },
		{ "max-message",	required_argument,	NULL, 'm' },
		{ "max-frame-size",	required_argument,	NULL, 'M' },
		{ "htpasswd",		required_argument,	NULL, 'A' },
		{ "token-key",		required_argument,	NULL, 'K' },
		{ "auth-delay",		required_argument,	NULL, 'D' },
		{ "user",		required_argument,	NULL, 'u' },
		{ "server-name",	required_argument,	NULL, 'N' },
		{ "verbose",		no_argument,		NULL, 'v' },
		{ "help",		no_argument,		NULL, 'h' },
		{ "version",		no_argument,		NULL, 'R' },
		{ NULL,			0,			NULL, 0 }
	};
	struct listen_addr	 addrs[CONNSET_LISTEN_MAX];
	struct connset_conf	 conf = {
		.path = "/stream",
		.cams = { .frames = "/run/campipe/frames.sock" },
		.max_clients = 100, .max_message = 4096,
		.max_frame = 8 * 1024 * 1024,
		.ping_interval = { 20, 0 }, .ping_timeout = { 10, 0 },
		.write_timeout = { 30, 0 }, .head_timeout = { 10, 0 },
		.pool = { .max_pending = 256, .max_pending_per_addr = 64,
		    .max_viewers_per_addr = 32 },
	};
	struct event_base	*base;
	struct event		*ev_term, *ev_int, *ev_hup;
	struct connset		*relay;
	struct notify		*notify;
	struct handoff_recv		*adopt = NULL;
	struct passwd		*pw;
	const char		*handoff = NULL, *handoff_user = NULL;
	uid_t			 handoff_uid = 0;
	struct http_host_names	 hn;
	char			*names[CONNSET_ORIGINS_MAX];
	size_t			 nnames = 0;
	const char		*user = NULL;
	char			 cause[512];
	size_t			 i;
	int			 ch, opt, verbose = 0, fds[CONNSET_LISTEN_MAX], nfds;

	log_init("campipe-wsd", 0);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":vh", longopts, &opt)) != -1) {
		switch (ch) {
		case 'l':
			if (conf.nlisten == CONNSET_LISTEN_MAX)
				log_usage("--listen: at most %d",
				    CONNSET_LISTEN_MAX);
			if (listen_addr_parse(optarg, &addrs[conf.nlisten],
			    cause, sizeof(cause)) == -1)
				log_usage("--listen: %s", cause);
			conf.listen[conf.nlisten++] = optarg;
			break;
		case 'p':
			if (optarg[0] != '/' || strcmp(optarg, "/status") == 0)
				log_usage("--path: \"%s\" must start with / "
				    "and not be /status", optarg);
			conf.path = optarg;
			break;
		case '2':
		case 'f':
		case 'k':
		case 'd':
		case 'j':
			if (camname_opt(&conf.cams, longopts[opt].name, optarg,
			    cause, sizeof(cause)) == -1)
				log_usage("%s", cause);
			break;
		case 'X':
			conf.max_camera_clients = wsd_number(
			    "--max-camera-clients", optarg, 1, 100000);
			break;
		case 'O':
			handoff = optarg;
			break;
		case 'U':
			handoff_user = optarg;
			break;
		case 'C':
			conf.control = optarg;
			break;
		case 'o':
			if (conf.norigins == CONNSET_ORIGINS_MAX)
				log_usage("--allow-origin: at most %d",
				    CONNSET_ORIGINS_MAX);
			conf.origins[conf.norigins++] = optarg;
			break;
		case 'n':
			conf.max_clients = wsd_number("--max-clients", optarg,
			    1, 100000);
			break;
		case WSD_OPT_PER_ADDR:
			conf.pool.max_viewers_per_addr = wsd_number(
			    "--max-clients-per-addr", optarg, 1, 100000);
			break;
		case WSD_OPT_PENDING:
			conf.pool.max_pending = wsd_number("--max-pending",
			    optarg, 1, 100000);
			break;
		case WSD_OPT_PENDING_PER_ADDR:
			conf.pool.max_pending_per_addr = wsd_number(
			    "--max-pending-per-addr", optarg, 1, 100000);
			break;
		case 'i':
			wsd_seconds("--ping-interval", optarg,
			    &conf.ping_interval);
			break;
		case 't':
			wsd_seconds("--ping-timeout", optarg,
			    &conf.ping_timeout);
			break;
		case 'w':
			wsd_seconds("--write-timeout", optarg,
			    &conf.write_timeout);
			break;
		case 'H':
			wsd_seconds("--head-timeout", optarg,
			    &conf.head_timeout);
			break;
		case 'm':
			conf.max_message = wsd_size("--max-message", optarg,
			    125, 1024 * 1024);
			break;
		case 'M':
			conf.max_frame = wsd_size("--max-frame-size", optarg,
			    1024, 256 * 1024 * 1024);
			break;
		case 'A':
			conf.auth.htpasswd = optarg;
			break;
		case 'K':
			conf.auth.token_key = optarg;
			break;
		case 'D':
			conf.auth.fail_step_ms = wsd_number("--auth-delay",
			    optarg, 1, 60000);
			conf.auth.fail_max_ms = conf.auth.fail_step_ms * 15;
			break;
		case 'u':
			user = optarg;
			break;
		case 'N':
			if (nnames == CONNSET_ORIGINS_MAX)
				fatalx("--server-name: at most %d",
				    CONNSET_ORIGINS_MAX);
			names[nnames++] = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return (0);
		case 'R':
			printf("campipe-wsd %s\n", CAMPIPE_VERSION);
			return (0);
		default:
			opt_complaint(ch, argv, cause, sizeof(cause));
			log_usage("%s", cause);
		}
	}
	if (optind != argc)
		log_usage("%s: unexpected argument (see --help)",
		    argv[optind]);
	if (camname_opt_done(&conf.cams, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	if (conf.max_camera_clients == 0)
		conf.max_camera_clients = conf.max_clients;
	log_setverbose(verbose);
	/* Sockets from systemd (campipe-wsd.socket) replace the default. */
	if ((nfds = notify_listen_fds(fds, CONNSET_LISTEN_MAX, cause,
	    sizeof(cause))) == -1)
		fatalx("%s", cause);
	/* Without TCP, connections come from httpd only. */
	if (conf.nlisten == 0 && nfds == 0 && handoff == NULL)
		handoff = WSD_DEFAULT_HANDOFF;
	if (http_host_names_init(&hn, names, nnames, cause,
	    sizeof(cause)) == -1)
		fatalx("%s", cause);
	conf.names = &hn;

	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL)
		fatalx("cannot create the event loop");
	if ((relay = connset_new(base, &conf, cause, sizeof(cause))) == NULL)
		fatalx("%s", cause);
	for (i = 0; i < conf.nlisten; i++)
		wsd_listen(relay, &addrs[i], conf.listen[i]);
	for (i = 0; i < (size_t)nfds; i++) {
		if (connset_listen_fd(relay, fds[i], cause,
		    sizeof(cause)) == -1)
			fatalx("%s", cause);
		log_info("listening on socket %d from systemd", fds[i]);
	}
	if (handoff_user != NULL) {
		if ((pw = getpwnam(handoff_user)) == NULL)
			log_usage("--handoff-user: %s: no such user",
			    handoff_user);
		handoff_uid = pw->pw_uid;
	}
	if (handoff != NULL) {
		if ((adopt = handoff_recv_new(relay, handoff, cause,
		    sizeof(cause))) == NULL)
			fatalx("%s", cause);
		log_info("taking handed-over connections on %s", handoff);
	}
	if (user != NULL && privdrop_user(user, NULL, cause,
	    sizeof(cause)) == -1)
		fatalx("--user: %s", cause);
	if (adopt != NULL)
		handoff_recv_allow(adopt, handoff_user != NULL ? handoff_uid :
		    geteuid());
	ev_term = evsignal_new(base, SIGTERM, wsd_signal, base);
	ev_int = evsignal_new(base, SIGINT, wsd_signal, base);
	ev_hup = evsignal_new(base, SIGHUP, wsd_hup, relay);
	if (ev_term == NULL || ev_int == NULL || ev_hup == NULL ||
	    evsignal_add(ev_term, NULL) || evsignal_add(ev_int, NULL) ||
	    evsignal_add(ev_hup, NULL))
		fatalx("cannot watch signals");
	for (i = 0; i < conf.nlisten; i++)
		if (!connset_auth_enabled(relay) && !auth_loopback(conf.listen[i]))
			log_warnx("%s is reachable from other hosts and "
			    "anyone may watch: consider --htpasswd",
			    conf.listen[i]);
	for (i = 0; i < (size_t)conf.cams.n; i++)
		log_info("camera %s: frames from %s on /cam/%s/stream, "
		    "H.264 from %s", conf.cams.cams[i].name,
		    conf.cams.cams[i].path, conf.cams.cams[i].name,
		    conf.cams.cams[i].h264[0] != '\0' ?
		    conf.cams.cams[i].h264 : "none");
	/* The last line at start: the default camera's. */
	log_info("relaying frames from %s on %s",
	    conf.cams.cams[conf.cams.deflt].path, conf.path);

	if ((notify = notify_new(base, connset_status_line, relay, cause,
	    sizeof(cause))) == NULL)
		fatalx("%s", cause);

	event_base_dispatch(base);

	notify_free(notify);
	handoff_recv_free(adopt);
	connset_free(relay);
	http_host_names_clear(&hn);
	event_free(ev_term);
	event_free(ev_int);
	event_free(ev_hup);
	event_base_free(base);
	return (0);
}
