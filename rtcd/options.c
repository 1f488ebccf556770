/* SPDX-License-Identifier: ISC */
/* options.c: rtcd's command line, its defaults and its usage text. */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camname.h"
#include "log.h"
#include "opt.h"
#include "options.h"
#include "version.h"

/* Long options without a letter. */
enum {
	OPTIONS_LISTEN = 256,		/* --webrtc-listen */
	OPTIONS_ADDRESS,		/* --webrtc-address */
	OPTIONS_PUBLIC,			/* --webrtc-public-address */
	OPTIONS_PER_ADDR,		/* --max-sessions-per-addr */
	OPTIONS_MTU,			/* --mtu */
	OPTIONS_ICE_TIMEOUT		/* --ice-timeout */
};

/* The long options; each letter is only a label for the switch below. */
static const struct option options_long[] = {
	{ "frames",		required_argument,	NULL, 'f' },
	{ "h264",		required_argument,	NULL, '2' },
	{ "camera",		required_argument,	NULL, 'k' },
	{ "default-camera",	required_argument,	NULL, 'd' },
	{ "camera-h264",	required_argument,	NULL, 'j' },
	{ "handoff",		required_argument,	NULL, 'O' },
	{ "handoff-user",	required_argument,	NULL, 'U' },
	{ "webrtc-listen",	required_argument,	NULL, OPTIONS_LISTEN },
	{ "webrtc-address",	required_argument,	NULL, OPTIONS_ADDRESS },
	{ "webrtc-public-address", required_argument,	NULL, OPTIONS_PUBLIC },
	{ "max-sessions",	required_argument,	NULL, 'n' },
	{ "max-sessions-per-addr", required_argument,	NULL,
	    OPTIONS_PER_ADDR },
	{ "mtu",		required_argument,	NULL, OPTIONS_MTU },
	{ "ice-timeout",	required_argument,	NULL,
	    OPTIONS_ICE_TIMEOUT },
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
"usage: campipe-rtcd [options]\n"
"Serves the cameras' H.264 to browsers over WebRTC (WHEP signalling\n"
"handed over by httpd).\n"
"\n"
"  --frames PATH         the default camera's frame socket, beside which\n"
"                        capd's H.264 socket lies (default\n"
"                        /run/campipe/frames.sock)\n"
"  --h264 PATH           the default camera's H.264 socket (default: as\n"
"                        capd's, h264.sock beside frames.sock)\n"
"  --camera NAME=PATH    a camera whose capd publishes on PATH, served at\n"
"                        /cam/NAME/whep; repeatable, up to 16\n"
"  --camera-h264 NAME=PATH  camera NAME's H.264 socket (default: as capd's)\n"
"  --default-camera NAME the camera at /whep (default: the first)\n"
"  --handoff PATH        take the requests httpd hands over on this Unix\n"
"                        socket (default " OPTIONS_DEFAULT_HANDOFF ";\n"
"                        docs/handoff.md)\n"
"  --handoff-user USER   the user httpd runs as, allowed to hand over\n"
"                        besides root (default: rtcd's own user)\n"
"  --webrtc-listen ADDR:PORT  the UDP socket of every session's media: an\n"
"                        IPv4 address, [IPv6], or * for all; repeatable\n"
"                        (default " OPTIONS_DEFAULT_LISTEN ")\n"
"  --webrtc-address ADDR the host candidate to name instead of the\n"
"                        listening or interface addresses; repeatable\n"
"  --webrtc-public-address ADDR[:PORT]  an extra candidate, for a\n"
"                        forwarded port (default port: the listening one)\n"
"  --max-sessions N      sessions at most, 503 beyond (default 32)\n"
"  --max-sessions-per-addr N  of those, from one address (an IPv6 /64);\n"
"                        default a quarter of --max-sessions, at least 4\n"
"  --mtu N               RTP packets' bytes at most (default 1200)\n"
"  --ice-timeout SEC     a session with no valid STUN check this long\n"
"                        after its answer ends (default 10)\n"
"  --user USER           when started as root, run as USER once listening\n"
"  -v, --verbose         debug logging\n"
"  -h, --help            this text\n"
"  --version             print the version\n"
"\n"
"Browsers reach it through httpd: POST /whep or /cam/NAME/whep\n"
"(docs/webrtc.md).\n");
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

/* Reads an address and an optional ":PORT" ("[v6]:PORT" for IPv6). */
static int
options_addr_port(const char *spec, char *host, size_t hostlen,
    long *port, char *cause, size_t causelen)
{
	const char	*colon, *end, *orig = spec;
	char		*ep;
	size_t		 n;

	*port = -1;
	if (spec[0] == '[') {
		if ((end = strchr(spec, ']')) == NULL)
			goto bad;
		n = (size_t)(end - spec - 1);
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			goto bad;
		spec++;
	} else {
		colon = strrchr(spec, ':');
		if (colon != NULL && strchr(spec, ':') != colon)
			colon = NULL;	/* a bare IPv6 address */
		n = colon != NULL ? (size_t)(colon - spec) : strlen(spec);
	}
	if (n == 0 || n >= hostlen)
		goto bad;
	memcpy(host, spec, n);
	host[n] = '\0';
	if (colon != NULL) {
		*port = strtol(colon + 1, &ep, 10);
		if (colon[1] < '0' || colon[1] > '9' || *ep != '\0' ||
		    *port < 0 || *port > 65535)
			goto bad;
	}
	return (0);
bad:
	snprintf(cause, causelen, "\"%s\" is not ADDR:PORT", orig);
	return (-1);
}

/* Reads one --webrtc-listen. */
int
options_listen(const char *spec, struct state_listen *l, char *cause,
    size_t causelen)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&l->ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&l->ss;
	char			 host[INET6_ADDRSTRLEN];
	long			 port;

	memset(l, 0, sizeof(*l));
	if (options_addr_port(spec, host, sizeof(host), &port, cause,
	    causelen) == -1)
		return (-1);
	if (port == -1) {
		snprintf(cause, causelen, "\"%s\" is not ADDR:PORT", spec);
		return (-1);
	}
	if (strcmp(host, "*") == 0 || strcmp(host, "0.0.0.0") == 0) {
		l->any = 1;
		snprintf(host, sizeof(host), "0.0.0.0");
	}
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		l->sslen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		l->sslen = sizeof(*sin6);
		l->any = IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr);
	} else {
		snprintf(cause, causelen, "\"%s\": %s is not an IP address",
		    spec, host);
		return (-1);
	}
	return (0);
}

/* Checks an address given as a candidate: an IPv4 or IPv6 literal. */
static void
options_candidate(const char *opt, const char *addr)
{
	unsigned char	 b[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, addr, b) != 1 &&
	    inet_pton(AF_INET6, addr, b) != 1)
		log_usage("%s: %s is not an IP address", opt, addr);
}

/* Reads --webrtc-public-address ADDR[:PORT]. */
static void
options_public(struct state_conf *d, const char *spec)
{
	static char	 host[INET6_ADDRSTRLEN];
	char		 cause[256];
	long		 port;

	if (options_addr_port(spec, host, sizeof(host), &port, cause,
	    sizeof(cause)) == -1)
		log_usage("--webrtc-public-address: %s", cause);
	options_candidate("--webrtc-public-address", host);
	d->public_addr = host;
	d->public_port = port == -1 ? 0 : (uint16_t)port;
}

/* The user allowed to hand connections over, besides root. */
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
	o->conf = (struct state_conf){
		.cams = { .frames = "/run/campipe/frames.sock" },
		.max_sessions = 32, .mtu = 1200, .ice_timeout = 10,
	};
	o->handoff = OPTIONS_DEFAULT_HANDOFF;
}

/* Parses the command line into o. */
void
options_parse(struct options *o, int argc, char *argv[])
{
	struct state_conf	*d = &o->conf;
	char			 cause[512];
	int			 ch, i;

	options_defaults(o);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":vh", options_long, &i)) != -1) {
		switch (ch) {
		case '2':
		case 'f':
		case 'k':
		case 'd':
		case 'j':
			if (camname_opt(&d->cams, options_long[i].name, optarg,
			    cause, sizeof(cause)) == -1)
				log_usage("%s", cause);
			break;
		case 'O':
			o->handoff = optarg;
			break;
		case 'U':
			options_handoff_user(o, optarg);
			break;
		case OPTIONS_LISTEN:
			if (d->nlisten == STATE_LISTEN_MAX)
				log_usage("--webrtc-listen: at most %d",
				    STATE_LISTEN_MAX);
			if (options_listen(optarg, &d->listen[d->nlisten],
			    cause, sizeof(cause)) == -1)
				log_usage("--webrtc-listen: %s", cause);
			d->nlisten++;
			break;
		case OPTIONS_ADDRESS:
			if (d->naddrs == STATE_ADDR_MAX - 1)
				log_usage("--webrtc-address: at most %d",
				    STATE_ADDR_MAX - 1);
			options_candidate("--webrtc-address", optarg);
			d->addrs[d->naddrs++] = optarg;
			break;
		case OPTIONS_PUBLIC:
			options_public(d, optarg);
			break;
		case 'n':
			d->max_sessions = options_number("--max-sessions",
			    optarg, 1, 4096);
			break;
		case OPTIONS_PER_ADDR:
			d->max_per_addr = options_number(
			    "--max-sessions-per-addr", optarg, 1, 4096);
			break;
		case OPTIONS_MTU:
			d->mtu = options_number("--mtu", optarg, 256, 1400);
			break;
		case OPTIONS_ICE_TIMEOUT:
			if (opt_seconds("--ice-timeout", optarg, 0.1, 3600,
			    &d->ice_timeout, cause, sizeof(cause)) == -1)
				log_usage("%s", cause);
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
			printf("campipe-rtcd %s\n", CAMPIPE_VERSION);
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
	if (d->nlisten == 0 && options_listen(OPTIONS_DEFAULT_LISTEN,
	    &d->listen[d->nlisten++], cause, sizeof(cause)) == -1)
		fatalx("%s", cause);
	if (d->max_per_addr == 0)
		d->max_per_addr = d->max_sessions / 4 < 4 ? 4 :
		    d->max_sessions / 4;
}
