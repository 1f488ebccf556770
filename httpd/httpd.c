/* SPDX-License-Identifier: ISC */
/*
 * httpd.c: campipe's web daemon: stills, the MJPEG stream, static pages,
 * status and metrics, subscribed to capd only while someone needs frames.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/http.h>

#include "accept_pause.h"

#include "auth.h"
#include "cam.h"
#include "camname.h"
#include "camstat.h"
#include "jpeg_feed.h"
#include "control_client.h"
#include "listen_addr.h"
#include "log.h"
#include "notify.h"
#include "opt.h"
#include "privdrop.h"

#include "auth_gate.h"
#include "clients.h"
#include "dispatch.h"
#include "web.h"
#include "xff.h"
#include "version.h"

#define HTTPD_DEFAULT_LISTEN	"127.0.0.1:8080"
#define HTTPD_DEFAULT_FRAMES	"/run/campipe/frames.sock"
#define HTTPD_BACKLOG		1024
#define HTTPD_ADDR_FDS		8	/* sockets for one --listen name */

static const struct option httpd_opts[] = {
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
	{ "trusted-proxy",	required_argument,	NULL, 'X' },
	{ "htpasswd",		required_argument,	NULL, 'A' },
	{ "metrics-htpasswd",	required_argument,	NULL, 'B' },
	{ "token-key",		required_argument,	NULL, 'K' },
	{ "token-ttl",		required_argument,	NULL, 'T' },
	{ "auth-delay",		required_argument,	NULL, 'D' },
	{ "user",		required_argument,	NULL, 'u' },
	{ "server-name",	required_argument,	NULL, 'N' },
	{ "frame-ancestors",	required_argument,	NULL, 'F' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'R' },
	{ NULL,			0,			NULL, 0 }
};

/* Puts one of evhttp's listeners in the accept pause's care. */
static void
httpd_pause_listener(struct evhttp_bound_socket *bound, void *arg)
{
	if (accept_pause_add(arg, evhttp_bound_socket_get_listener(bound)) ==
	    -1)
		fatalx("too many listening sockets");
}

/* Prints the options. */
static void
httpd_usage(FILE *f)
{
	fprintf(f,
"usage: campipe-httpd [options]\n"
"  --listen ADDR:PORT     listen here: an IPv4 address, [IPv6], a host name\n"
"                         or * for all; repeatable (default "
    HTTPD_DEFAULT_LISTEN ")\n"
"  --frames PATH          capd's frame socket (default "
    HTTPD_DEFAULT_FRAMES ")\n"
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
"                         (repeatable; without --htpasswd anyone may)\n"
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
"  --auth-delay MS        hold a client's next try this long per failed\n"
"                         login, up to 15 times (default 2000)\n"
"  --server-name NAME     also answer to Host NAME (repeatable; IP literals,\n"
"                         localhost, the host name and NAME.local always;\n"
"                         any other Host gets 421)\n"
"  --frame-ancestors SRC  who may frame the pages: CSP sources, e.g.\n"
"                         \"'self' http://homeassistant.local:8123\"\n"
"                         (repeatable, values joined; default 'self')\n"
"  --user USER            when started as root, run as USER once listening\n"
"  -v, --verbose          debug logging\n"
"  -h, --help             this text\n"
"  --version              print the version\n");
}

/* Parses a whole number in [min, max] or exits 2 with a one-line error. */
static long
httpd_number(const char *opt, const char *s, long min, long max)
{
	long long	 n;
	char		 opt2[64], cause[256];

	snprintf(opt2, sizeof(opt2), "--%s", opt);
	if (opt_number(opt2, s, min, max, &n, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	return (n);
}

/* Listens on a parsed --listen address or exits. */
static void
httpd_listen(struct web *w, const struct listen_addr *la)
{
	char	 cause[512];
	int	 fds[HTTPD_ADDR_FDS], n, i;

	if ((n = listen_addr_open(la, HTTPD_BACKLOG, fds, HTTPD_ADDR_FDS,
	    cause, sizeof(cause))) == -1)
		fatalx("--listen: %s", cause);
	for (i = 0; i < n; i++)
		if (evhttp_accept_socket(w->http, fds[i]) == -1)
			fatalx("--listen: cannot accept on %s", la->host);
}

/* The www/ directory of the source tree the binary was built in. */
static const char *
httpd_default_www(void)
{
	static char	 dir[PATH_MAX];
	static const char *up[] = { "/../www", "/../../www" };
	char		 exe[PATH_MAX];
	struct stat	 st;
	ssize_t		 n;
	size_t		 i;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		for (i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
			snprintf(dir, sizeof(dir), "%s%s", dirname(exe), up[i]);
			if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
				return (dir);
			exe[n] = '\0';
		}
	}
	return ("www");
}

/* What the status line is made of. */
struct httpd_status {
	struct web		*w;
	struct camstat		*cam;
};

/*
 * The status line for systemctl status: the camera as capd says, then
 * httpd's own stream clients; the feed's state if capd does not answer.
 */
static void
httpd_status(char *buf, size_t len, void *arg)
{
	struct httpd_status	*hs = arg;
	struct web		*w = hs->w;
	struct jpeg_feed_info	 fi;
	char			 cam[200], cams[32] = "";
	int			 n = clients_streams_all(w);

	camstat_refresh(hs->cam);
	jpeg_feed_info(w->cam->feed, &fi);
	if (w->ncams > 1)
		snprintf(cams, sizeof(cams), " (%d cameras)", w->ncams);
	if (camstat_line(hs->cam, cam, sizeof(cam)) == 0)
		snprintf(buf, len, "camera %s; %d MJPEG client%s%s", cam, n,
		    n == 1 ? "" : "s", cams);
	else if (strcmp(fi.state, "streaming") == 0)
		snprintf(buf, len, "streaming %.0f fps to %d MJPEG client%s%s",
		    fi.fps, n, n == 1 ? "" : "s", cams);
	else if (strcmp(fi.state, "idle") != 0 && *fi.cause != '\0')
		snprintf(buf, len, "%s: %s%s", fi.state, fi.cause, cams);
	else
		snprintf(buf, len, "%s%s", fi.state, cams);
}

/* SIGTERM, SIGINT: leave the loop. */
static void
httpd_on_signal(evutil_socket_t sig, short ev, void *arg)
{
	log_info("signal %d, exiting", (int)sig);
	event_base_loopbreak(arg);
}

/* SIGHUP: re-reads the password files. */
static void
httpd_on_hup(evutil_socket_t sig, short ev, void *arg)
{
	auth_gate_reload(arg);
}

/* Raises the open-file limit to its maximum: each client is a socket. */
static void
httpd_raise_nofile(void)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
main(int argc, char **argv)
{
	struct web_conf	 conf;
	struct listen_addr addrs[WEB_LISTEN_MAX];
	size_t		 maxframe;
	double		 secs;
	struct event_base *base;
	struct event	*sigterm, *sigint, *sighup;
	struct web	*w;
	struct notify	*notify;
	struct httpd_status hs;
	struct accept_pause *pause;
	const char	*user = NULL;
	char		 cause[512], ancestors[512] = "";
	int		 c, i, verbose = 0, fds[WEB_LISTEN_MAX], nfds, opt;
	int		 ws_port_set = 0;

	memset(&conf, 0, sizeof(conf));
	conf.cams.frames = HTTPD_DEFAULT_FRAMES;
	conf.max_clients = 100;
	conf.still_timeout = 5;
	conf.stream_timeout = 20;
	conf.idle_timeout = 15;
	conf.pending.head_timeout.tv_sec = 10;
	conf.pending.pool.max_pending = 256;
	conf.pending.pool.max_pending_per_addr = 64;
	conf.pending.pool.max_viewers_per_addr = 100000;	/* not used */
	conf.max_frame = 8 << 20;
	conf.ws_port = 8081;
	conf.ws_path = "/stream";
	log_init("campipe-httpd", 0);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vh", httpd_opts, &opt)) != -1) {
		switch (c) {
		case 'l':
			if (conf.nlisten == WEB_LISTEN_MAX)
				log_usage("--listen: at most %d",
				    WEB_LISTEN_MAX);
			if (listen_addr_parse(optarg, &addrs[conf.nlisten],
			    cause, sizeof(cause)) == -1)
				log_usage("--listen: %s", cause);
			conf.listen[conf.nlisten++] = optarg;
			break;
		case 'f':
		case 'k':
		case 'd':
		case '2':
		case 'j':
			if (camname_opt(&conf.cams, httpd_opts[opt].name, optarg,
			    cause, sizeof(cause)) == -1)
				log_usage("%s", cause);
			break;
		case 'C':
			conf.max_camera_clients = httpd_number(
			    "max-camera-clients", optarg, 1, 100000);
			break;
		case 'Y':
			conf.max_clients_per_addr = httpd_number(
			    "max-clients-per-addr", optarg, 1, 100000);
			break;
		case 'c':
			conf.control = optarg;
			break;
		case 'a':
			if (conf.nadmins == WEB_ADMINS_MAX)
				log_usage("--admin: at most %d",
				    WEB_ADMINS_MAX);
			conf.admins[conf.nadmins++] = optarg;
			break;
		case 'w':
			conf.www = optarg;
			break;
		case 'm':
			conf.max_clients = httpd_number("max-clients", optarg,
			    1, 100000);
			break;
		case 'o':
			conf.allow_origin = optarg;
			break;
		case 's':
			if (opt_seconds("--still-timeout", optarg, 0.001, 3600,
			    &conf.still_timeout, cause, sizeof(cause)) == -1)
				log_usage("%s", cause);
			break;
		case 'S':
			if (opt_seconds("--stream-timeout", optarg, 0.001, 3600,
			    &conf.stream_timeout, cause, sizeof(cause)) == -1)
				log_usage("%s", cause);
			break;
		case 'i':
			if (opt_seconds("--idle-timeout", optarg, 0.001, 3600,
			    &conf.idle_timeout, cause, sizeof(cause)) == -1)
				log_usage("%s", cause);
			break;
		case 'H':
			if (opt_seconds("--head-timeout", optarg, 0.001, 3600,
			    &secs, cause, sizeof(cause)) == -1)
				log_usage("%s", cause);
			conf.pending.head_timeout.tv_sec = (time_t)secs;
			conf.pending.head_timeout.tv_usec = (suseconds_t)
			    ((secs - (time_t)secs) * 1e6);
			break;
		case 'q':
			conf.pending.pool.max_pending = httpd_number(
			    "max-pending", optarg, 1, 100000);
			break;
		case 'Q':
			conf.pending.pool.max_pending_per_addr = httpd_number(
			    "max-pending-per-addr", optarg, 1, 100000);
			break;
		case 'M':
			if (opt_size("--max-frame-size", optarg, 1024,
			    256 << 20, &maxframe, cause, sizeof(cause)) == -1)
				log_usage("%s", cause);
			conf.max_frame = maxframe;
			break;
		case 'p':
			conf.ws_port = httpd_number("ws-port", optarg, 0,
			    65535);
			ws_port_set = 1;
			break;
		case 'W':
			conf.ws_handoff = optarg;
			break;
		case 'X':
			if (conf.nproxies == WEB_PROXIES_MAX)
				log_usage("--trusted-proxy: at most %d",
				    WEB_PROXIES_MAX);
			if (xff_parse_proxy(optarg,
			    &conf.proxies[conf.nproxies], cause,
			    sizeof(cause)) == -1)
				log_usage("%s", cause);
			conf.nproxies++;
			break;
		case 'P':
			if (*optarg != '/')
				log_usage("--ws-path: \"%s\" does not start "
				    "with /", optarg);
			conf.ws_path = optarg;
			break;
		case 'A':
			conf.htpasswd = optarg;
			break;
		case 'B':
			conf.metrics_htpasswd = optarg;
			break;
		case 'K':
			conf.token_key = optarg;
			break;
		case 'T':
			conf.token_ttl = httpd_number("token-ttl", optarg, 1,
			    86400);
			break;
		case 'D':
			conf.auth_delay_ms = httpd_number("auth-delay", optarg,
			    1, 60000);
			break;
		case 'u':
			user = optarg;
			break;
		case 'N':
			if (conf.nserver_names == WEB_NAMES_MAX)
				fatalx("--server-name: at most %d",
				    WEB_NAMES_MAX);
			conf.server_names[conf.nserver_names++] = optarg;
			break;
		case 'F':
			if (strpbrk(optarg, ";,\r\n") != NULL ||
			    strlen(ancestors) + strlen(optarg) + 2 >
			    sizeof(ancestors))
				fatalx("--frame-ancestors: CSP sources "
				    "separated by spaces, 512 bytes at most");
			if (*ancestors != '\0')
				strcat(ancestors, " ");
			strcat(ancestors, optarg);
			conf.frame_ancestors = ancestors;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			httpd_usage(stdout);
			return (0);
		case 'R':
			printf("campipe-httpd %s\n", CAMPIPE_VERSION);
			return (0);
		default:
			opt_complaint(c, argv, cause, sizeof(cause));
			log_usage("%s", cause);
		}
	}
	if (optind < argc)
		log_usage("%s: unexpected argument (see --help)",
		    argv[optind]);
	if (camname_opt_done(&conf.cams, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	if (conf.max_camera_clients == 0)
		conf.max_camera_clients = conf.max_clients;
	/* A quarter of --max-clients, but 16 (or all, if fewer) at least. */
	if (conf.max_clients_per_addr == 0)
		conf.max_clients_per_addr = conf.max_clients / 4 > 16 ?
		    conf.max_clients / 4 : conf.max_clients < 16 ?
		    conf.max_clients : 16;
	log_setverbose(verbose);
	/* With the handoff the page's own origin serves the WebSocket. */
	if (conf.ws_handoff != NULL && !ws_port_set)
		conf.ws_port = 0;
	if (conf.nadmins > 0 && conf.htpasswd == NULL)
		log_usage("--admin needs --htpasswd (without it anyone may "
		    "change settings)");
	if (conf.control == NULL)
		conf.control = control_client_path(
		    conf.cams.cams[conf.cams.deflt].path);
	/* Sockets from systemd (campipe-httpd.socket) replace the default. */
	if ((nfds = notify_listen_fds(fds, WEB_LISTEN_MAX, cause,
	    sizeof(cause))) == -1)
		fatalx("%s", cause);
	if (conf.nlisten == 0 && nfds == 0) {
		conf.listen[conf.nlisten] = HTTPD_DEFAULT_LISTEN;
		if (listen_addr_parse(HTTPD_DEFAULT_LISTEN,
		    &addrs[conf.nlisten++], cause, sizeof(cause)) == -1)
			fatalx("%s", cause);
	}
	if (conf.www == NULL)
		conf.www = httpd_default_www();
	signal(SIGPIPE, SIG_IGN);
	httpd_raise_nofile();

	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	if ((w = dispatch_new(base, &conf, cause, sizeof(cause))) == NULL)
		fatalx("%s", cause);
	for (i = 0; i < conf.nlisten; i++)
		httpd_listen(w, &addrs[i]);
	for (i = 0; i < nfds; i++) {
		if (evhttp_accept_socket(w->http, fds[i]) == -1)
			fatalx("cannot accept on socket %d from systemd",
			    fds[i]);
		log_info("listening on socket %d from systemd", fds[i]);
	}
	if ((pause = accept_pause_new(base, cause, sizeof(cause))) == NULL)
		fatalx("%s", cause);
	evhttp_foreach_bound_socket(w->http, httpd_pause_listener, pause);
	pending_set_accept_pause(w->pending, pause);
	if (user != NULL && privdrop_user(user, NULL, cause,
	    sizeof(cause)) == -1)
		fatalx("--user: %s", cause);
	sigterm = evsignal_new(base, SIGTERM, httpd_on_signal, base);
	sigint = evsignal_new(base, SIGINT, httpd_on_signal, base);
	sighup = evsignal_new(base, SIGHUP, httpd_on_hup, w->gate);
	if (sigterm == NULL || sigint == NULL || sighup == NULL ||
	    evsignal_add(sigterm, NULL) || evsignal_add(sigint, NULL) ||
	    evsignal_add(sighup, NULL))
		fatalx("cannot handle signals");
	for (i = 0; i < conf.nlisten; i++) {
		log_info("listening on %s", conf.listen[i]);
		if (!auth_gate_enabled(w->gate) && !auth_loopback(conf.listen[i]))
			log_warnx("%s is reachable from other hosts and "
			    "anyone may watch: consider --htpasswd",
			    conf.listen[i]);
	}
	for (i = 0; i < conf.cams.n; i++)
		log_info("camera %s: frames from %s, H.264 from %s%s",
		    conf.cams.cams[i].name, conf.cams.cams[i].path,
		    conf.cams.cams[i].h264[0] != '\0' ?
		    conf.cams.cams[i].h264 : "none", i == conf.cams.deflt ?
		    " (default)" : "");
	log_info("serving %s", w->wwwroot);
	if (conf.ws_handoff != NULL)
		log_info("handing WebSocket upgrades to %s", conf.ws_handoff);

	hs.w = w;
	if ((hs.cam = camstat_new(base, conf.control)) == NULL)
		fatalx("out of memory");
	if ((notify = notify_new(base, httpd_status, &hs, cause,
	    sizeof(cause))) == NULL)
		fatalx("%s", cause);

	event_base_dispatch(base);

	notify_free(notify);
	camstat_free(hs.cam);
	dispatch_free(w);
	accept_pause_free(pause);
	event_free(sigterm);
	event_free(sigint);
	event_free(sighup);
	event_base_free(base);
	return (0);
}
