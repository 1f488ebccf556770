/* SPDX-License-Identifier: ISC */
/*
 * capd: owns the camera and publishes JPEG frames on a Unix socket
 * (docs/frames.md), starting the source when someone subscribes and stopping
 * it when nobody has for a while.
 */
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

#include "camname.h"
#include "control.h"
#include "control_client.h"
#include "framesock.h"
#include "h264.h"
#include "log.h"
#include "notify.h"
#include "opt.h"
#include "options.h"
#include "outputs.h"
#include "privdrop.h"
#include "settings_state.h"
#include "source.h"
#include "source_v4l2.h"
#include "version.h"

#define CAPD_MAX_CTRLS	64
#define CAPD_MIN_PIXELS	(4096ULL * 3072)	/* --max-pixels at least */
#define CAPD_WATCH_MS	5000	/* after the warm-up: "no frame" said */


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
	struct framesock_conf	 vconf = {
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
	struct outputs_status	 status = { 0 };
	struct outputs		 out = { 0 };
	struct settings_state		*cc;
	struct control		*ctl;
	const char		*state = NULL;
	struct framesock		*srv;
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
			sconf.fps = options_number("--fps", optarg, 1, 240);
			break;
		case 'q':
			sconf.quality = options_number("--quality", optarg, 1,
			    100);
			break;
		case 'k':
			vconf.path = optarg;
			break;
		case 'm':
			vconf.mode = options_mode("--socket-mode", optarg);
			break;
		case 'C':
			cconf.path = optarg;
			break;
		case 'O':
			cconf.mode = options_mode("--control-mode", optarg);
			break;
		case 'G':
			cconf.group = optarg;
			break;
		case 'T':
			state = optarg;
			break;
		case 'i':
			vconf.idle_stop_ms = options_seconds_ms("--idle-stop",
			    optarg);
			break;
		case 'w':
			vconf.warmup_ms = options_number("--warmup", optarg, 0,
			    60000);
			break;
		case 't':
			vconf.write_timeout = options_number("--write-timeout",
			    optarg, 1, 3600);
			break;
		case 'n':
			vconf.max_subscribers = options_number(
			    "--max-subscribers", optarg, 1, 100000);
			break;
		case 'M':
			sconf.max_frame = options_bytes("--max-frame-size",
			    optarg);
			break;
		case 'P':
			sconf.max_pixels = options_number("--max-pixels",
			    optarg, 1, 1LL << 40);
			break;
		case 'H':
			sconf.hflip = 1;
			break;
		case 'V':
			sconf.vflip = 1;
			break;
		case 'r':
			sconf.rotate = options_number("--rotate", optarg, 0,
			    270);
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
			hconf.enc.bitrate = options_number_k("--h264-bitrate",
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
			hconf.enc.gop_ms = options_seconds_ms("--h264-gop",
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

	if ((h264_default = hconf.path == NULL)) {
		if (camname_h264_path(vconf.path, h264_path,
		    sizeof(h264_path)) == -1)
			log_usage("--socket: \"%s\" is too long", vconf.path);
		hconf.path = h264_path;
	} else if (strcmp(hconf.path, "off") == 0)
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
		if (source_v4l2_ctrl_list_dev(sconf.spec + 5, stdout, cause,
		    sizeof(cause)) == -1)
			fatalx("%s", cause);
		return (0);
	}
	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL)
		fatalx("cannot create event base");

	made_dir = capd_socket_dir(vconf.path);
	made_cdir = capd_socket_dir(cconf.path);
	if ((srv = framesock_new(base, &vconf, cause, sizeof(cause))) == NULL)
		fatalx("%s", cause);
	out.srv = srv;
	if (hconf.path != NULL && (out.h264 = h264_new(base, &hconf, srv,
	    cause, sizeof(cause))) == NULL) {
		/*
		 * Only a socket asked for by name, or the only product, is
		 * worth not starting.
		 */
		if (!h264_default || hconf.passthru) {
			framesock_free(srv);
			fatalx("%s", cause);
		}
		log_warnx("no H.264 socket: %s", cause);
		hconf.path = NULL;
	}
	if ((cc = settings_state_new(&sconf, state)) == NULL)
		fatalx("out of memory");
	src = source_new(base, &sconf, outputs_frame, outputs_source_error, &out,
	    cause, sizeof(cause));
	if (src == NULL) {
		h264_free(out.h264);
		framesock_free(srv);
		fatalx("%s", cause);
	}
	framesock_set_source(srv, src);
	if (out.h264 != NULL)
		source_set_raw(src, outputs_wants, outputs_raw);
	if (hconf.passthru) {
		src->au_cb = outputs_au;
		h264_set_keyframe(out.h264, outputs_keyframe, src);
		framesock_set_refusal(srv, "this camera gives H.264 only: JPEG "
		    "stills and streams are not available; watch H.264");
	}
	if ((ctl = control_new(base, &cconf, srv, src, cc, cause,
	    sizeof(cause))) == NULL) {
		framesock_free(srv);
		fatalx("%s", cause);
	}
	control_set_h264(ctl, out.h264);
	out.ctl = ctl;
	if (user != NULL) {
		capd_drop_control(user, cconf.path, made_cdir);
		capd_drop(user, vconf.path, hconf.path, made_dir);
	}
	settings_state_start(cc, src, srv);

	ev_term = evsignal_new(base, SIGTERM, capd_signal, base);
	ev_int = evsignal_new(base, SIGINT, capd_signal, base);
	if (ev_term == NULL || ev_int == NULL || evsignal_add(ev_term, NULL) ||
	    evsignal_add(ev_int, NULL))
		fatalx("cannot set up signals");
	status.srv = srv;
	status.src = src;
	status.out = &out;
	if ((notify = notify_new(base, outputs_status, &status, cause,
	    sizeof(cause))) == NULL)
		fatalx("%s", cause);
	log_info("listening on %s (control %s), source %s %dx%d at %d fps",
	    vconf.path, cconf.path, sconf.spec, sconf.width, sconf.height,
	    sconf.fps);

	event_base_dispatch(base);

	notify_free(notify);
	control_free(ctl);
	h264_free(out.h264);
	framesock_free(srv);
	source_free(src);
	settings_state_free(cc);
	event_free(ev_int);
	event_free(ev_term);
	event_base_free(base);
	return (0);
}
