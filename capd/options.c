/* SPDX-License-Identifier: ISC */
/*
 * options.c: capd's command line: its options, their defaults and the
 * --help text; each value parsed or refused with exit 2 and a one-line
 * reason.
 */
#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camname.h"
#include "control_client.h"
#include "log.h"
#include "opt.h"
#include "options.h"
#include "version.h"

#define OPTIONS_MIN_PIXELS	(4096ULL * 3072) /* --max-pixels at least */
#define OPTIONS_WATCH_MS	5000	/* after the warm-up: "no frame" said */

/* The long options; each has a case in options_one(). */
static const struct option options_long[] = {
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
	{ "h264-sub",		required_argument,	NULL, '8' },
	{ "h264-sub-socket",	required_argument,	NULL, '9' },
	{ NULL,			0,			NULL, 0 }
};

/* The --help text. */
static void
options_usage(FILE *f)
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
"  --h264-gop SECONDS    an IDR at least this often (default 1; fractions\n"
"                        allowed)\n"
"  --h264-sub WxH@FPS    also a small H.264 sub-stream (e.g. 640x360@5),\n"
"                        at most FPS frames a second, encoded while\n"
"                        subscribed from JPEGs decoded scaled down\n"
"  --h264-sub-socket PATH  its socket (default h264-sub.sock beside the\n"
"                        frame socket, NAME-h264-sub.sock beside NAME.sock)\n"
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
"  --write-timeout SEC   drop a subscriber that reads nothing this long, in\n"
"                        seconds (default 30; fractions allowed)\n"
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
options_number(const char *opt, const char *s, long long min, long long max)
{
	long long	 v;
	char		 cause[256];

	if (opt_number(opt, s, min, max, &v, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	return (v);
}

/* Parses a socket's octal permissions or exits 2. */
static mode_t
options_mode(const char *opt, const char *s)
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
options_bytes(const char *opt, const char *s)
{
	size_t	 v;
	char	 cause[256];

	if (opt_size(opt, s, 1024, 256 << 20, &v, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	return (v);
}

/* Parses a number with an optional K or M suffix (10^3, 10^6) or exits 2. */
static long
options_number_k(const char *opt, const char *s)
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
	return ((long)(options_number(opt, s, (10000 + mul - 1) / mul,
	    100000000 / mul) * mul));
}

/* Parses seconds with an optional fraction within [min, max] or exits 2. */
static double
options_seconds(const char *opt, const char *s, double min, double max)
{
	double	 v;
	char	 cause[256];

	if (opt_seconds(opt, s, min, max, &v, cause, sizeof(cause)) == -1)
		log_usage("%s", cause);
	return (v);
}

/* Parses seconds with an optional fraction, into milliseconds. */
static int
options_seconds_ms(const char *opt, const char *s)
{
	return ((int)(options_seconds(opt, s, 0, 86400) * 1000 + 0.5));
}

/* Takes one option (ch) and its argument into o. */
static void
options_one(struct options *o, int ch, char *argv[], int *nctrls)
{
	char	 cause[512], junk;

	switch (ch) {
	case 's':
		if (!source_known(optarg))
			log_usage("--source: \"%s\" is not test, "
			    "file:PATH, exec:COMMAND or v4l2:DEVICE",
			    optarg);
		o->source.spec = optarg;
		break;
	case 'S':
		if (sscanf(optarg, "%5dx%5d%c", &o->source.width,
		    &o->source.height, &junk) != 2 || o->source.width <= 0 ||
		    o->source.height <= 0)
			log_usage("--size: \"%s\" is not WIDTHxHEIGHT",
			    optarg);
		break;
	case 'f':
		o->source.fps = options_number("--fps", optarg, 1, 240);
		break;
	case 'q':
		o->source.quality = options_number("--quality", optarg, 1,
		    100);
		break;
	case 'k':
		o->frames.path = optarg;
		break;
	case 'm':
		o->frames.mode = options_mode("--socket-mode", optarg);
		break;
	case 'C':
		o->control.path = optarg;
		break;
	case 'O':
		o->control.mode = options_mode("--control-mode", optarg);
		break;
	case 'G':
		o->control.group = optarg;
		break;
	case 'T':
		o->state = optarg;
		break;
	case 'i':
		o->frames.idle_stop_ms = options_seconds_ms("--idle-stop",
		    optarg);
		break;
	case 'w':
		o->frames.warmup_ms = options_number("--warmup", optarg, 0,
		    60000);
		break;
	case 't':
		o->frames.write_timeout = options_seconds("--write-timeout",
		    optarg, 0.001, 3600);
		break;
	case 'n':
		o->frames.max_subscribers = options_number(
		    "--max-subscribers", optarg, 1, 100000);
		break;
	case 'M':
		o->source.max_frame = options_bytes("--max-frame-size",
		    optarg);
		break;
	case 'P':
		o->source.max_pixels = options_number("--max-pixels",
		    optarg, 1, 1LL << 40);
		break;
	case 'H':
		o->source.hflip = 1;
		break;
	case 'V':
		o->source.vflip = 1;
		break;
	case 'r':
		o->source.rotate = options_number("--rotate", optarg, 0,
		    270);
		if (o->source.rotate % 90 != 0)
			log_usage("--rotate: \"%s\" is not 0, 90, 180 "
			    "or 270", optarg);
		break;
	case 'c':
		if (*nctrls == OPTIONS_MAX_CTRLS)
			log_usage("--ctrl: at most %d",
			    OPTIONS_MAX_CTRLS);
		if (strchr(optarg, '=') == NULL)
			log_usage("--ctrl: \"%s\" is not NAME=VALUE",
			    optarg);
		o->ctrls[(*nctrls)++] = optarg;
		break;
	case 'L':
		o->list_controls = 1;
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
		printf("campipe-capd %s\n", CAMPIPE_VERSION);
		exit(0);
	case '2':
		o->h264.path = optarg;
		break;
	case '3':
		o->h264.enc.encoder = optarg;
		break;
	case '4':
		o->h264.enc.bitrate = options_number_k("--h264-bitrate",
		    optarg);
		break;
	case '5':
		if (strcmp(optarg, "baseline") != 0 &&
		    strcmp(optarg, "main") != 0 &&
		    strcmp(optarg, "high") != 0)
			log_usage("--h264-profile: \"%s\" is not "
			    "baseline, main or high", optarg);
		o->h264.enc.profile = optarg;
		break;
	case '6':
		o->h264.enc.gop_ms = options_seconds_ms("--h264-gop",
		    optarg);
		if (o->h264.enc.gop_ms < 1)
			log_usage("--h264-gop: \"%s\" is not above 0",
			    optarg);
		break;
	case '7':
		if (strcmp(optarg, "jpeg") == 0)
			o->source.format = SOURCE_JPEG;
		else if (strcmp(optarg, "h264") == 0)
			o->source.format = SOURCE_H264;
		else
			log_usage("--source-format: \"%s\" is not jpeg "
			    "or h264", optarg);
		break;
	case '8':
		if (sscanf(optarg, "%5dx%5d@%3d%c", &o->h264_sub.enc.width,
		    &o->h264_sub.enc.height, &o->h264_sub.max_fps,
		    &junk) != 3 || o->h264_sub.enc.width < 16 ||
		    o->h264_sub.enc.height < 16 || o->h264_sub.max_fps < 1 ||
		    o->h264_sub.max_fps > 240)
			log_usage("--h264-sub: \"%s\" is not WIDTHxHEIGHT@FPS "
			    "(at least 16x16, 1 to 240 fps)", optarg);
		o->h264_sub.enc.width &= ~1;
		o->h264_sub.enc.height &= ~1;
		break;
	case '9':
		o->h264_sub.path = optarg;
		break;
	default:
		opt_complaint(ch, argv, cause, sizeof(cause));
		log_usage("%s", cause);
	}
}

/* The sub-stream: its socket, and the main one's settings but its size. */
static void
options_sub(struct options *o)
{
	struct h264_conf	*sub = &o->h264_sub;

	if (sub->enc.width == 0) {
		if (sub->path != NULL)
			log_usage("--h264-sub-socket: needs --h264-sub");
		return;
	}
	if (o->source.format == SOURCE_H264)
		log_usage("--h264-sub: needs JPEG to scale, not "
		    "--source-format h264");
	if (sub->path == NULL) {
		if (camname_h264_sub_path(o->frames.path, o->h264_sub_path,
		    sizeof(o->h264_sub_path)) == -1)
			log_usage("--socket: \"%s\" is too long",
			    o->frames.path);
		sub->path = o->h264_sub_path;
	}
	sub->mode = o->frames.mode;
	sub->idle_stop_ms = o->frames.idle_stop_ms;
	sub->write_timeout = o->frames.write_timeout;
	sub->max_subscribers = o->frames.max_subscribers;
	sub->enc.encoder = o->h264.enc.encoder;
	sub->enc.profile = o->h264.enc.profile;
	sub->enc.gop_ms = o->h264.enc.gop_ms;
	sub->enc.bitrate = 0;
	sub->enc.fps = sub->max_fps < o->source.fps ? sub->max_fps :
	    o->source.fps;
	sub->enc.verbose = o->verbose;
	sub->enc.name = "h264-sub";
}

/* The defaults that depend on other options, and what options exclude. */
static void
options_finish(struct options *o)
{
	struct source_conf	*sc = &o->source;

	sc->ctrls = o->ctrls;
	if (o->control.path == NULL)
		o->control.path = control_client_path(o->frames.path);
	if (o->frames.warmup_ms < 0)
		o->frames.warmup_ms = (strncmp(sc->spec, "v4l2:", 5) == 0 ||
		    strncmp(sc->spec, "exec:", 5) == 0) ? 800 : 0;
	sc->watch_ms = o->frames.warmup_ms + OPTIONS_WATCH_MS;
	if (sc->max_pixels == 0) {
		sc->max_pixels = 4ULL * sc->width * sc->height;
		if (sc->max_pixels < OPTIONS_MIN_PIXELS)
			sc->max_pixels = OPTIONS_MIN_PIXELS;
	}
	if ((o->h264_default = o->h264.path == NULL)) {
		if (camname_h264_path(o->frames.path, o->h264_path,
		    sizeof(o->h264_path)) == -1)
			log_usage("--socket: \"%s\" is too long",
			    o->frames.path);
		o->h264.path = o->h264_path;
	} else if (strcmp(o->h264.path, "off") == 0)
		o->h264.path = NULL;
	if (sc->format == SOURCE_H264) {
		if (strncmp(sc->spec, "exec:", 5) != 0 &&
		    strncmp(sc->spec, "file:", 5) != 0 &&
		    strncmp(sc->spec, "v4l2:", 5) != 0)
			log_usage("--source-format h264: needs an exec:, file: "
			    "or v4l2: source");
		if (o->h264.path == NULL)
			log_usage("--source-format h264: needs the H.264 "
			    "socket, not --h264 off");
		o->h264.passthru = 1;
		sc->gop_ms = o->h264.enc.gop_ms;
		/* No picture is decoded: the camera's or command's own. */
		if (sc->rotate != 0 || ((sc->hflip || sc->vflip) &&
		    strncmp(sc->spec, "v4l2:", 5) != 0))
			log_warnx("--source-format h264: H.264 is passed "
			    "through as it comes: flips and rotation are the "
			    "camera's or the command's own");
	}
	options_sub(o);
	o->h264.mode = o->frames.mode;
	o->h264.idle_stop_ms = o->frames.idle_stop_ms;
	o->h264.write_timeout = o->frames.write_timeout;
	o->h264.max_subscribers = o->frames.max_subscribers;
	o->h264.enc.fps = sc->fps;
	o->h264.enc.verbose = o->verbose;
	o->h264.enc.name = "h264";
	if (o->list_controls && strncmp(sc->spec, "v4l2:", 5) != 0)
		log_usage("--list-controls: needs --source v4l2:DEVICE");
}

/* Parses the command line and fills in the defaults. */
void
options_parse(struct options *o, int argc, char *argv[])
{
	int	 ch, nctrls = 0;

	memset(o, 0, sizeof(*o));
	o->source = (struct source_conf){ .spec = "test", .width = 640,
	    .height = 480, .fps = 30, .quality = 80,
	    .max_frame = 4 * 1024 * 1024 };
	o->frames = (struct framesock_conf){
	    .path = "/run/campipe/frames.sock", .mode = 0660,
	    .idle_stop_ms = 5000, .warmup_ms = -1, .write_timeout = 30,
	    .max_subscribers = 64 };
	o->h264.enc.encoder = "auto";
	o->h264.enc.profile = "baseline";
	o->h264.enc.gop_ms = 1000;
	o->control.mode = 0660;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":vh", options_long,
	    NULL)) != -1)
		options_one(o, ch, argv, &nctrls);
	if (optind != argc)
		log_usage("%s: unexpected argument (see --help)",
		    argv[optind]);
	options_finish(o);
}
