/* SPDX-License-Identifier: ISC */
/*
 * capd: owns the camera and publishes JPEG frames on a Unix socket
 * (docs/frames.md), starting the source when someone subscribes and stopping
 * it when nobody has for a while.
 */
#include <sys/stat.h>

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "daemon.h"
#include "framesock.h"
#include "h264.h"
#include "log.h"
#include "options.h"
#include "outputs.h"
#include "privdrop.h"
#include "settings_state.h"
#include "source.h"
#include "source_v4l2.h"

/* What runs, made from the options. */
struct capd {
	struct daemon		 d;
	struct framesock	*srv;
	struct source		*src;
	struct control		*ctl;
	struct settings_state	*cc;
	struct outputs		 out;
	struct outputs_status	 status;
};

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
capd_drop(struct daemon *d, const char *user, const char *path,
    const char *path2, const char *path3, int made_dir)
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
		    (path3 != NULL && chown(path3, uid, gid) == -1) ||
		    (made_dir && chown(dirname(dir), uid, gid) == -1))
			fatal("--user: chown");
	}
	if (daemon_drop(d, user, NULL, cause, sizeof(cause)) == -1)
		fatalx("%s", cause);
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

/* Frees what runs, the last made first. */
static void
capd_free(struct capd *c)
{
	control_free(c->ctl);
	h264_free(c->out.h264_sub);
	h264_free(c->out.h264);
	framesock_free(c->srv);
	source_free(c->src);
	settings_state_free(c->cc);
	daemon_destroy(&c->d);
}

/* Gives up: the sockets made so far are removed first. */
static void __attribute__((noreturn))
capd_fatal(struct capd *c, const char *cause)
{
	capd_free(c);
	fatalx("%s", cause);
}

/*
 * The H.264 socket: only one asked for by name, or the only product, is
 * worth not starting; otherwise capd goes on without it.
 */
static void
capd_h264(struct capd *c, struct options *o)
{
	char	 cause[512];

	if (o->h264.path == NULL || (c->out.h264 = h264_new(c->d.base,
	    &o->h264, c->srv, cause, sizeof(cause))) != NULL)
		return;
	if (!o->h264_default || o->h264.passthru)
		capd_fatal(c, cause);
	log_warnx("no H.264 socket: %s", cause);
	o->h264.path = NULL;
}

/* The H.264 sub-stream's socket, when asked for: needed if so. */
static void
capd_h264_sub(struct capd *c, struct options *o)
{
	char	 cause[512];

	if (o->h264_sub.enc.width == 0)
		return;
	if ((c->out.h264_sub = h264_new(c->d.base, &o->h264_sub, c->srv,
	    cause, sizeof(cause))) == NULL)
		capd_fatal(c, cause);
}

/* The source, wired to its outputs. */
static void
capd_source(struct capd *c, struct options *o)
{
	char	 cause[512];

	if ((c->cc = settings_state_new(&o->source, o->state)) == NULL)
		capd_fatal(c, "out of memory");
	if ((c->src = source_new(c->d.base, &o->source, outputs_frame,
	    outputs_source_error, &c->out, cause, sizeof(cause))) == NULL)
		capd_fatal(c, cause);
	framesock_set_source(c->srv, c->src);
	if (c->out.h264 != NULL || c->out.h264_sub != NULL)
		source_set_raw(c->src, outputs_wants, outputs_raw);
	if (o->h264.passthru) {
		c->src->au_cb = outputs_au;
		h264_set_keyframe(c->out.h264, outputs_keyframe, c->src);
		framesock_set_refusal(c->srv, "this camera gives H.264 only: "
		    "JPEG stills and streams are not available; watch H.264");
	}
}

/* Sets up what the options ask for and runs until a stop signal. */
int
main(int argc, char *argv[])
{
	struct options	 o;
	struct capd	 c = { 0 };
	char		 cause[512];
	int		 made_dir, made_cdir;

	log_init("campipe-capd", 0);
	options_parse(&o, argc, argv);
	log_setverbose(o.verbose);
	if (o.list_controls) {
		if (source_v4l2_ctrl_list_dev(o.source.spec + 5, stdout, cause,
		    sizeof(cause)) == -1)
			fatalx("%s", cause);
		return (0);
	}
	if (daemon_init(&c.d, cause, sizeof(cause)) == -1)
		fatalx("%s", cause);

	made_dir = capd_socket_dir(o.frames.path);
	made_cdir = capd_socket_dir(o.control.path);
	if ((c.srv = framesock_new(c.d.base, &o.frames, cause,
	    sizeof(cause))) == NULL)
		fatalx("%s", cause);
	c.out.srv = c.srv;
	capd_h264(&c, &o);
	capd_h264_sub(&c, &o);
	capd_source(&c, &o);
	if ((c.ctl = control_new(c.d.base, &o.control, c.srv, c.src, c.cc,
	    cause, sizeof(cause))) == NULL)
		capd_fatal(&c, cause);
	control_set_h264(c.ctl, c.out.h264, c.out.h264_sub);
	c.out.ctl = c.ctl;
	if (o.user != NULL) {
		capd_drop_control(o.user, o.control.path, made_cdir);
		capd_drop(&c.d, o.user, o.frames.path, o.h264.path,
		    o.h264_sub.enc.width > 0 ? o.h264_sub.path : NULL, made_dir);
	}
	settings_state_start(c.cc, c.src, c.srv);

	c.status.srv = c.srv;
	c.status.src = c.src;
	c.status.out = &c.out;
	log_info("listening on %s (control %s), source %s %dx%d at %d fps",
	    o.frames.path, o.control.path, o.source.spec, o.source.width,
	    o.source.height, o.source.fps);
	if (daemon_run(&c.d, outputs_status, &c.status, cause,
	    sizeof(cause)) == -1)
		fatalx("%s", cause);
	capd_free(&c);
	return (0);
}
