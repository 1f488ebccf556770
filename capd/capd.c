/* SPDX-License-Identifier: ISC */
/*
 * capd: owns the camera and publishes JPEG frames on a Unix socket
 * (docs/frames.md), starting the source when someone subscribes and stopping
 * it when nobody has for a while.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "camconf.h"
#include "control.h"
#include "control_client.h"
#include "frame.h"
#include "h264.h"
#include "log.h"
#include "mono.h"
#include "notify.h"
#include "opt.h"
#include "privdrop.h"
#include "server.h"
#include "source.h"
#include "source_v4l2.h"
#include "version.h"

#define CAPD_MAX_CTRLS	64
#define CAPD_MIN_PIXELS	(4096ULL * 3072)	/* --max-pixels at least */
#define CAPD_WATCH_MS	5000	/* after the warm-up: "no frame" said */

/* What each frame goes to. */
struct capd_sink {
	struct server	*srv;
	struct control	*ctl;
	struct h264	*h264;		/* NULL with --h264 off */
};

/* What the status line is computed from. */
struct capd_status {
	struct server		*srv;
	struct source		*src;
	unsigned long long	 frames;	/* at the last call */
	double			 when;		/* monotonic seconds */
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: campipe-capd [options]\n"
"Owns the camera and publishes JPEG frames on a Unix socket.\n"
"\n"
"  --source SPEC         test (default), file:PATH, exec:COMMAND, v4l2:DEVICE\n"
"  --source-format FMT   what it gives: jpeg (default: JPEG, or raw frames\n"
"                        encoded) or h264 (H.264 Annex-B, passed through\n"
"                        to the H.264 socket; no JPEG then)\n"
"  --size WxH            frame size (default 640x480)\n"
"  --fps N               frames per second (default 30)\n"
"  --quality N           JPEG quality for encoded sources, 1-100 (default 80)\n"
"  --frames PATH         frame socket (default /run/campipe/frames.sock;\n"
"                        --socket is another name for it)\n"
"  --socket-mode MODE    its permissions, octal (default 0660)\n"
"  --h264 PATH           H.264 socket (default h264.sock beside the frame\n"
"                        socket, NAME-h264.sock beside NAME.sock; off:\n"
"                        none); encodes while subscribed\n"
"  --h264-encoder NAME   auto (default: h264_v4l2m2m where /dev/video11\n"
"                        exists and opens, else libx264) or an encoder\n"
"  --h264-bitrate N      bits per second, K and M suffixes (default:\n"
"                        0.07 bits per pixel, 1.9M at 1280x720 30 fps)\n"
"  --h264-profile NAME   baseline (default), main or high\n"
"  --h264-gop SECONDS    an IDR at least this often (default 1)\n"
"  --control PATH        control socket (docs/control.md; default\n"
"                        control.sock beside frames.sock, else\n"
"                        NAME-control.sock beside NAME.sock)\n"
"  --control-mode MODE   its permissions, octal (default 0660)\n"
"  --control-group GROUP its group (default: capd's)\n"
"  --state FILE          keep settings changed through the control socket\n"
"                        here and apply them at start (default: not kept)\n"
"  --idle-stop SECONDS   stop the source this long after the last subscriber\n"
"                        leaves (default 5; fractions allowed)\n"
"  --warmup MS           discard frames this long after the source starts\n"
"                        (default 800 for v4l2: and exec:, 0 otherwise)\n"
"  --write-timeout SEC   drop a subscriber that reads nothing this long (30)\n"
"  --max-subscribers N   subscribers at most (default 64)\n"
"  --max-frame-size N    drop frames larger than N bytes; K and M suffixes\n"
"                        (default 4M)\n"
"  --max-pixels N        drop frames whose header declares more pixels,\n"
"                        before any flip, rotation or decoding (default:\n"
"                        4 times --size, at least 4096x3072)\n"
"  --hflip, --vflip      mirror the image\n"
"  --rotate DEG          rotate by 0, 90, 180 or 270 degrees\n"
"  --ctrl NAME=VALUE     set a camera control at start (repeatable)\n"
"  --list-controls       print the v4l2: camera's controls and exit\n"
"  --user USER           when started as root, run as USER once the socket\n"
"                        and the source are set up; USER's groups are kept\n"
"                        (a v4l2: camera is opened on demand, so USER needs\n"
"                        group video); the socket is given to USER and its\n"
"                        primary group\n"
"  -v, --verbose         debug logging\n"
"  -h, --help            this text\n"
"  --version             print the version\n"
"\n"
"Example: campipe-capd --source 'exec:rpicam-vid -t 0 --codec mjpeg -o -'\n"
"H.264 passed through: campipe-capd --source-format h264 --source\n"
"  'exec:rpicam-vid -t 0 --codec h264 --inline --intra 30 -o -'\n");
}

/* Parses a whole decimal number within [min, max] or exits 2. */
static long long
capd_number(const char *opt, const char *s, long long min, long long max)
{
	long long	 v;
	char		 cause[256];

	if (opt_number(opt, s, min, max, &v, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	return (v);
}

/* Parses a socket's octal permissions or exits 2. */
static mode_t
capd_mode(const char *opt, const char *s)
{
	unsigned long	 v;
	char		*end;

	errno = 0;
	v = strtoul(s, &end, 8);
	if (errno || *end != '\0' || end == s || v > 0777)
		log_usage("%s: \"%s\" is not an octal mode", opt, s);
	return ((mode_t)v);
}

/* Parses a size in bytes with an optional K or M suffix or exits 2. */
static size_t
capd_bytes(const char *opt, const char *s)
{
	size_t	 v;
	char	 cause[256];

	if (opt_size(opt, s, 1024, 256 << 20, &v, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	return (v);
}

/* Parses a number with an optional K or M suffix (10^3, 10^6) or exits 2. */
static long
capd_number_k(const char *opt, const char *s)
{
	char		 buf[32];
	size_t		 n = strlen(s);
	long long	 mul = 1;

	if (n > 0 && n < sizeof(buf) && (s[n - 1] == 'K' || s[n - 1] == 'k' ||
	    s[n - 1] == 'M' || s[n - 1] == 'm')) {
		mul = s[n - 1] == 'K' || s[n - 1] == 'k' ? 1000 : 1000000;
		memcpy(buf, s, n - 1);
		buf[n - 1] = '\0';
		s = buf;
	}
	return ((long)(capd_number(opt, s, (10000 + mul - 1) / mul,
	    100000000 / mul) * mul));
}

/* Parses seconds with an optional fraction, into milliseconds. */
static int
capd_seconds_ms(const char *opt, const char *s)
{
	double	 v;
	char	 cause[256];

	if (opt_seconds(opt, s, 0, 86400, &v, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	return ((int)(v * 1000 + 0.5));
}

/* Creates the socket's directory if it is missing (one level). */
static int
capd_socket_dir(const char *path)
{
	char	 dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", path);
	if (mkdir(dirname(dir), 0750) == 0) {
		log_info("created %s", dir);
		return (1);
	}
	return (0);
}

/*
 * --user: gives the socket (and its directory if capd made it) to the
 * user, so it can still remove them at exit, then leaves root for good.
 */
static void
capd_drop(const char *user, const char *path, const char *path2,
    int made_dir)
{
	char	 cause[256], dir[PATH_MAX];
	uid_t	 uid;
	gid_t	 gid;

	if (privdrop_lookup(user, &uid, &gid, cause, sizeof(cause)) == -1)
		fatalx("--user: %s", cause);
	if (geteuid() == 0) {
		snprintf(dir, sizeof(dir), "%s", path);
		if (chown(path, uid, gid) == -1 ||
		    (path2 != NULL && chown(path2, uid, gid) == -1) ||
		    (made_dir && chown(dirname(dir), uid, gid) == -1))
			fatal("--user: chown");
	}
	if (privdrop_user(user, NULL, cause, sizeof(cause)) == -1)
		fatalx("--user: %s", cause);
	log_info("running as %s (uid %u, gid %u)", user, (unsigned)uid,
	    (unsigned)gid);
}

/*
 * --user: the control socket (and its directory if capd made it) goes to
 * the user, their groups kept, so it can still remove them at exit.
 */
static void
capd_drop_control(const char *user, const char *path, int made_dir)
{
	char	 cause[256], dir[PATH_MAX];
	uid_t	 uid;
	gid_t	 gid;

	if (geteuid() != 0)
		return;
	if (privdrop_lookup(user, &uid, &gid, cause, sizeof(cause)) == -1)
		fatalx("--user: %s", cause);
	snprintf(dir, sizeof(dir), "%s", path);
	if (chown(path, uid, (gid_t)-1) == -1 ||
	    (made_dir && chown(dirname(dir), uid, (gid_t)-1) == -1))
		fatal("--user: chown %s", path);
}

/* Frame callback from the source. */
static void
capd_frame(const unsigned char *jpeg, size_t len, const struct timeval *ts,
    void *arg)
{
	struct capd_sink	*sink = arg;
	unsigned long long	 n = server_frames(sink->srv);

	server_publish(sink->srv, jpeg, len, ts);
	h264_feed(sink->h264, server_latest(sink->srv));
	if (sink->ctl != NULL && server_frames(sink->srv) != n)
		control_on_frame(sink->ctl);
}

/*
 * What the source should make of its next picture: raw for the H.264
 * encoder while it runs, JPEG while the frame socket has subscribers (or
 * whenever the encoder takes no raw pictures).
 */
static int
capd_wants(void *arg)
{
	struct capd_sink	*sink = arg;

	if (!h264_wants_raw(sink->h264))
		return (SOURCE_WANT_JPEG);
	return (SOURCE_WANT_RAW |
	    (server_subscribers(sink->srv) > 0 ? SOURCE_WANT_JPEG : 0));
}

/* A raw picture from the source, with its JPEG or none. */
static void
capd_raw(const struct yuyv_pic *raw, const unsigned char *jpeg, size_t len,
    const struct timeval *ts, void *arg)
{
	struct capd_sink	*sink = arg;
	unsigned long long	 n = server_frames(sink->srv);
	uint64_t		 seq = 0;

	if (jpeg != NULL) {
		server_publish(sink->srv, jpeg, len, ts);
		if (server_frames(sink->srv) != n)
			seq = server_latest(sink->srv)->seq;
	} else
		seq = server_count(sink->srv);
	if (seq == 0)
		return;
	h264_feed_raw(sink->h264, raw, seq, ts);
	if (sink->ctl != NULL)
		control_on_frame(sink->ctl);
}

/* Access unit callback from a source giving H.264. */
static void
capd_au(const unsigned char *au, size_t len, int idr,
    const struct timeval *ts, void *arg)
{
	struct capd_sink	*sink = arg;

	server_source_alive(sink->srv);
	h264_feed_au(sink->h264, au, len, idr, ts);
	if (sink->ctl != NULL)
		control_on_frame(sink->ctl);
}

/* Asks a source giving H.264 for an IDR. */
static int
capd_keyframe(void *arg)
{
	return (source_keyframe(arg));
}

/* Error callback from the source. */
static void
capd_source_error(const char *cause, void *arg)
{
	struct capd_sink	*sink = arg;

	server_source_error(sink->srv, cause);
}

/* The status line for systemctl status: frame rate and subscribers. */
static void
capd_status(char *buf, size_t len, void *arg)
{
	struct capd_status	*st = arg;
	double			 now = mono_sec();
	unsigned long long	 frames = server_frames(st->srv);
	int			 subs = server_subscribers(st->srv);
	const char		*problem = server_problem(st->srv);
	double			 fps = 0;

	if (st->when > 0 && now > st->when)
		fps = (frames - st->frames) / (now - st->when);
	st->frames = frames;
	st->when = now;
	if (problem != NULL && subs > 0)
		snprintf(buf, len, "source failing: %s", problem);
	else if (!st->src->running)
		snprintf(buf, len, subs ? "starting the source for %d "
		    "subscriber%s" : "idle, source stopped", subs,
		    subs == 1 ? "" : "s");
	else if (subs == 0)
		snprintf(buf, len, "no subscribers, source stopping soon");
	else if (server_refused(st->srv) > 0)
		snprintf(buf, len, "streaming %.0f fps to %d subscriber%s, "
		    "%llu refused at --max-subscribers", fps, subs,
		    subs == 1 ? "" : "s", server_refused(st->srv));
	else
		snprintf(buf, len, "streaming %.0f fps to %d subscriber%s",
		    fps, subs, subs == 1 ? "" : "s");
}

/* SIGTERM, SIGINT: leave the loop. */
static void
capd_signal(evutil_socket_t sig, short what, void *arg)
{
	log_info("signal %d: exiting", (int)sig);
	event_base_loopbreak(arg);
}

int
main(int argc, char *argv[])
{
	static struct option longopts[] = {
		{ "source",		required_argument,	NULL, 's' },
		{ "size",		required_argument,	NULL, 'S' },
		{ "fps",		required_argument,	NULL, 'f' },
		{ "quality",		required_argument,	NULL, 'q' },
		{ "frames",		required_argument,	NULL, 'k' },
		{ "socket",		required_argument,	NULL, 'k' },
		{ "socket-mode",	required_argument,	NULL, 'm' },
		{ "control",		required_argument,	NULL, 'C' },
		{ "control-mode",	required_argument,	NULL, 'O' },
		{ "control-group",	required_argument,	NULL, 'G' },
		{ "state",		required_argument,	NULL, 'T' },
		{ "idle-stop",		required_argument,	NULL, 'i' },
		{ "warmup",		required_argument,	NULL, 'w' },
		{ "write-timeout",	required_argument,	NULL, 't' },
		{ "max-subscribers",	required_argument,	NULL, 'n' },
		{ "max-frame-size",	required_argument,	NULL, 'M' },
		{ "max-pixels",		required_argument,	NULL, 'P' },
		{ "hflip",		no_argument,		NULL, 'H' },
		{ "vflip",		no_argument,		NULL, 'V' },
		{ "rotate",		required_argument,	NULL, 'r' },
		{ "ctrl",		required_argument,	NULL, 'c' },
		{ "list-controls",	no_argument,		NULL, 'L' },
		{ "user",		required_argument,	NULL, 'u' },
		{ "verbose",		no_argument,		NULL, 'v' },
		{ "help",		no_argument,		NULL, 'h' },
		{ "version",		no_argument,		NULL, 'R' },
		{ "h264",		required_argument,	NULL, '2' },
		{ "h264-encoder",	required_argument,	NULL, '3' },
		{ "h264-bitrate",	required_argument,	NULL, '4' },
		{ "h264-profile",	required_argument,	NULL, '5' },
		{ "h264-gop",		required_argument,	NULL, '6' },
		{ "source-format",	required_argument,	NULL, '7' },
		{ NULL,			0,			NULL, 0 }
	};
	struct source_conf	 sconf = {
		.spec = "test", .width = 640, .height = 480, .fps = 30,
		.quality = 80, .max_frame = 4 * 1024 * 1024,
	};
	struct server_conf	 vconf = {
		.path = "/run/campipe/frames.sock", .mode = 0660,
		.idle_stop_ms = 5000, .warmup_ms = -1, .write_timeout = 30,
		.max_subscribers = 64,
	};
	struct h264_conf	 hconf = {
		.enc = { .encoder = "auto", .profile = "baseline",
		    .gop_ms = 1000 },
	};
	char			 h264_path[PATH_MAX];
	static char		*ctrls[CAPD_MAX_CTRLS + 1];
	struct event_base	*base;
	struct event		*ev_term, *ev_int;
	struct notify		*notify;
	struct control_conf	 cconf = { .mode = 0660 };
	struct capd_status	 status = { 0 };
	struct capd_sink	 sink = { 0 };
	struct camconf		*cc;
	struct control		*ctl;
	const char		*state = NULL;
	struct server		*srv;
	struct source		*src;
	char			 cause[512], junk;
	const char		*user = NULL;
	int			 ch, verbose = 0, nctrls = 0, made_dir, made_cdir;
	int			 list_controls = 0, h264_default;

	log_init("campipe-capd", 0);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (!source_known(optarg))
				log_usage("--source: \"%s\" is not test, "
				    "file:PATH, exec:COMMAND or v4l2:DEVICE",
				    optarg);
			sconf.spec = optarg;
			break;
		case 'S':
			if (sscanf(optarg, "%5dx%5d%c", &sconf.width,
			    &sconf.height, &junk) != 2 || sconf.width <= 0 ||
			    sconf.height <= 0)
				log_usage("--size: \"%s\" is not WIDTHxHEIGHT",
				    optarg);
			break;
		case 'f':
			sconf.fps = capd_number("--fps", optarg, 1, 240);
			break;
		case 'q':
			sconf.quality = capd_number("--quality", optarg, 1,
			    100);
			break;
		case 'k':
			vconf.path = optarg;
			break;
		case 'm':
			vconf.mode = capd_mode("--socket-mode", optarg);
			break;
		case 'C':
			cconf.path = optarg;
			break;
		case 'O':
			cconf.mode = capd_mode("--control-mode", optarg);
			break;
		case 'G':
			cconf.group = optarg;
			break;
		case 'T':
			state = optarg;
			break;
		case 'i':
			vconf.idle_stop_ms = capd_seconds_ms("--idle-stop",
			    optarg);
			break;
		case 'w':
			vconf.warmup_ms = capd_number("--warmup", optarg, 0,
			    60000);
			break;
		case 't':
			vconf.write_timeout = capd_number("--write-timeout",
			    optarg, 1, 3600);
			break;
		case 'n':
			vconf.max_subscribers = capd_number(
			    "--max-subscribers", optarg, 1, 100000);
			break;
		case 'M':
			sconf.max_frame = capd_bytes("--max-frame-size",
			    optarg);
			break;
		case 'P':
			sconf.max_pixels = capd_number("--max-pixels", optarg,
			    1, 1LL << 40);
			break;
		case 'H':
			sconf.hflip = 1;
			break;
		case 'V':
			sconf.vflip = 1;
			break;
		case 'r':
			sconf.rotate = capd_number("--rotate", optarg, 0, 270);
			if (sconf.rotate % 90 != 0)
				log_usage("--rotate: \"%s\" is not 0, 90, 180 "
				    "or 270", optarg);
			break;
		case 'c':
			if (nctrls == CAPD_MAX_CTRLS)
				log_usage("--ctrl: at most %d",
				    CAPD_MAX_CTRLS);
			if (strchr(optarg, '=') == NULL)
				log_usage("--ctrl: \"%s\" is not NAME=VALUE",
				    optarg);
			ctrls[nctrls++] = optarg;
			break;
		case 'L':
			list_controls = 1;
			break;
		case 'u':
			user = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return (0);
		case 'R':
			printf("campipe-capd %s\n", CAMPIPE_VERSION);
			return (0);
		case '2':
			hconf.path = optarg;
			break;
		case '3':
			hconf.enc.encoder = optarg;
			break;
		case '4':
			hconf.enc.bitrate = capd_number_k("--h264-bitrate",
			    optarg);
			break;
		case '5':
			if (strcmp(optarg, "baseline") != 0 &&
			    strcmp(optarg, "main") != 0 &&
			    strcmp(optarg, "high") != 0)
				log_usage("--h264-profile: \"%s\" is not "
				    "baseline, main or high", optarg);
			hconf.enc.profile = optarg;
			break;
		case '6':
			hconf.enc.gop_ms = capd_seconds_ms("--h264-gop",
			    optarg);
			if (hconf.enc.gop_ms < 1)
				log_usage("--h264-gop: \"%s\" is not above 0",
				    optarg);
			break;
		case '7':
			if (strcmp(optarg, "jpeg") == 0)
				sconf.format = SOURCE_JPEG;
			else if (strcmp(optarg, "h264") == 0)
				sconf.format = SOURCE_H264;
			else
				log_usage("--source-format: \"%s\" is not jpeg "
				    "or h264", optarg);
			break;
		default:
			opt_complaint(ch, argv, cause, sizeof(cause));
			log_usage("%s", cause);
		}
	}
	if (optind != argc)
		log_usage("%s: unexpected argument (see --help)",
		    argv[optind]);
	sconf.ctrls = ctrls;
	if (cconf.path == NULL)
		cconf.path = control_client_path(vconf.path);
	if (vconf.warmup_ms < 0)
		vconf.warmup_ms = (strncmp(sconf.spec, "v4l2:", 5) == 0 ||
		    strncmp(sconf.spec, "exec:", 5) == 0) ? 800 : 0;
	sconf.watch_ms = vconf.warmup_ms + CAPD_WATCH_MS;
	if (sconf.max_pixels == 0) {
		sconf.max_pixels = 4ULL * sconf.width * sconf.height;
		if (sconf.max_pixels < CAPD_MIN_PIXELS)
			sconf.max_pixels = CAPD_MIN_PIXELS;
	}

	if ((h264_default = hconf.path == NULL))
		hconf.path = h264_default_path(vconf.path, h264_path,
		    sizeof(h264_path));
	else if (strcmp(hconf.path, "off") == 0)
		hconf.path = NULL;
	if (sconf.format == SOURCE_H264) {
		if (strncmp(sconf.spec, "exec:", 5) != 0 &&
		    strncmp(sconf.spec, "file:", 5) != 0 &&
		    strncmp(sconf.spec, "v4l2:", 5) != 0)
			log_usage("--source-format h264: needs an exec:, file: "
			    "or v4l2: source");
		if (hconf.path == NULL)
			log_usage("--source-format h264: needs the H.264 "
			    "socket, not --h264 off");
		hconf.passthru = 1;
		sconf.gop_ms = hconf.enc.gop_ms;
		/* No picture is decoded: the camera's or command's own. */
		if (sconf.rotate != 0 || ((sconf.hflip || sconf.vflip) &&
		    strncmp(sconf.spec, "v4l2:", 5) != 0))
			log_warnx("--source-format h264: H.264 is passed "
			    "through as it comes: flips and rotation are the "
			    "camera's or the command's own");
	}
	hconf.mode = vconf.mode;
	hconf.idle_stop_ms = vconf.idle_stop_ms;
	hconf.write_timeout = vconf.write_timeout;
	hconf.max_subscribers = vconf.max_subscribers;
	hconf.enc.fps = sconf.fps;
	hconf.enc.verbose = verbose;

	if (list_controls && strncmp(sconf.spec, "v4l2:", 5) != 0)
		log_usage("--list-controls: needs --source v4l2:DEVICE");
	log_setverbose(verbose);
	if (list_controls) {
		if (source_v4l2_list_controls(sconf.spec + 5, stdout, cause,
		    sizeof(cause)) == -1)
			fatalx("%s", cause);
		return (0);
	}
	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL)
		fatalx("cannot create event base");

	made_dir = capd_socket_dir(vconf.path);
	made_cdir = capd_socket_dir(cconf.path);
	if ((srv = server_new(base, &vconf, cause, sizeof(cause))) == NULL)
		fatalx("%s", cause);
	sink.srv = srv;
	if (hconf.path != NULL && (sink.h264 = h264_new(base, &hconf, srv,
	    cause, sizeof(cause))) == NULL) {
		/*
		 * Only a socket asked for by name, or the only product, is
		 * worth not starting.
		 */
		if (!h264_default || hconf.passthru) {
			server_free(srv);
			fatalx("%s", cause);
		}
		log_warnx("no H.264 socket: %s", cause);
		hconf.path = NULL;
	}
	if ((cc = camconf_new(&sconf, state)) == NULL)
		fatalx("out of memory");
	src = source_new(base, &sconf, capd_frame, capd_source_error, &sink,
	    cause, sizeof(cause));
	if (src == NULL) {
		h264_free(sink.h264);
		server_free(srv);
		fatalx("%s", cause);
	}
	server_set_source(srv, src);
	if (sink.h264 != NULL)
		source_set_raw(src, capd_wants, capd_raw);
	if (hconf.passthru) {
		src->au_cb = capd_au;
		h264_set_keyframe(sink.h264, capd_keyframe, src);
		server_set_refusal(srv, "this camera gives H.264 only: JPEG "
		    "stills and streams are not available; watch H.264");
	}
	if ((ctl = control_new(base, &cconf, srv, src, cc, cause,
	    sizeof(cause))) == NULL) {
		server_free(srv);
		fatalx("%s", cause);
	}
	control_set_h264(ctl, sink.h264);
	sink.ctl = ctl;
	if (user != NULL) {
		capd_drop_control(user, cconf.path, made_cdir);
		capd_drop(user, vconf.path, hconf.path, made_dir);
	}
	camconf_start(cc, src, srv);

	ev_term = evsignal_new(base, SIGTERM, capd_signal, base);
	ev_int = evsignal_new(base, SIGINT, capd_signal, base);
	if (ev_term == NULL || ev_int == NULL || evsignal_add(ev_term, NULL) ||
	    evsignal_add(ev_int, NULL))
		fatalx("cannot set up signals");
	status.srv = srv;
	status.src = src;
	if ((notify = notify_new(base, capd_status, &status, cause,
	    sizeof(cause))) == NULL)
		fatalx("%s", cause);
	log_info("listening on %s (control %s), source %s %dx%d at %d fps",
	    vconf.path, cconf.path, sconf.spec, sconf.width, sconf.height,
	    sconf.fps);

	event_base_dispatch(base);

	notify_free(notify);
	control_free(ctl);
	h264_free(sink.h264);
	server_free(srv);
	source_free(src);
	camconf_free(cc);
	event_free(ev_int);
	event_free(ev_term);
	event_base_free(base);
	return (0);
}
