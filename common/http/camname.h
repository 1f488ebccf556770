/* SPDX-License-Identifier: ISC */
/*
 * camname.h: camera names and their URLs, shared by httpd and wsd.  A name
 * is 1 to CAMNAME_MAX letters, digits, '-' or '_'; "--camera NAME=PATH"
 * names a camera's frame socket; "/cam/NAME/REST" is a camera's URL.
 */
#ifndef CAMPIPE_CAMNAME_H
#define CAMPIPE_CAMNAME_H

#include <stddef.h>

#define CAMNAME_MAX	32	/* characters in a name */
#define CAMNAME_CAMERAS	16	/* cameras per daemon */
#define CAMNAME_SOCK_MAX 108	/* a Unix socket's path, NUL included */

/* Checks the len bytes at s (no NUL needed) as a name: 0, or -1. */
int		 camname_check_len(const char *s, size_t len);
/* Checks a name.  Returns 0, or -1 with a one-line cause. */
int		 camname_check(const char *name, char *cause, size_t causelen);

/*
 * Splits "NAME=PATH" (--camera's value) into name (CAMNAME_MAX + 1 bytes)
 * and *path (pointing into spec).  Returns 0, or -1 with a one-line cause.
 */
int		 camname_spec(const char *spec, char *name, const char **path,
		    char *cause, size_t causelen);

/*
 * Splits a URL path "/cam/NAME/REST" into name (CAMNAME_MAX + 1 bytes)
 * and *rest (pointing into path at REST's leading '/').  Returns 0, or -1
 * when path is not under /cam/ or the name is not a valid name.
 */
int		 camname_path(const char *path, char *name, const char **rest);

/*
 * The cameras of a daemon, from --camera, --frames, --default-camera,
 * --h264 and --camera-h264 (camname_opt.c).
 */
struct camname_list {
	struct camname_cam {
		char		 name[CAMNAME_MAX + 1];
		const char	*path;
		char		 h264[CAMNAME_SOCK_MAX]; /* "": no H.264 */
		char		 h264_sub[CAMNAME_SOCK_MAX]; /* its sub-stream,
							   as capd derives it */
	}		 cams[CAMNAME_CAMERAS];
	int		 n;
	int		 deflt;		/* index of the default camera */

	/* The options as given, until camname_opt_done(). */
	const char	*frames;	/* --frames, or the daemon's default */
	int		 frames_given;
	const char	*deflt_name;	/* --default-camera */
	const char	*h264;		/* --h264: the default camera's */
	const char	*h264_specs[CAMNAME_CAMERAS];	/* --camera-h264 */
	int		 nh264_specs;
};

/* Adds --camera's "NAME=PATH": 0, or -1 with a one-line cause (a bad or
 * repeated name, too many cameras). */
int		 camname_add(struct camname_list *l, const char *spec,
		    char *cause, size_t causelen);
/*
 * Completes the list: the camera "default" on frames comes first when no
 * --camera was given or when --frames was (frames_given).  0, or -1 with a
 * one-line cause.
 */
int		 camname_finish(struct camname_list *l, const char *frames,
		    int frames_given, char *cause, size_t causelen);
/*
 * The index in l of the camera named name, or -1: the one lookup of the
 * camera set, for /cam/NAME/ in httpd and wsd alike.
 */
int		 camname_find(const struct camname_list *l, const char *name);
/* Points names (CAMNAME_CAMERAS of them) at each camera's name: n. */
int		 camname_names(const struct camname_list *l,
		    const char **names);
/* Makes the camera named name the default: 0, or -1 with a cause. */
int		 camname_default(struct camname_list *l, const char *name,
		    char *cause, size_t causelen);

/*
 * The H.264 socket capd publishes beside a frame socket: h264.sock beside
 * frames.sock, else NAME-h264.sock for NAME.sock (or for NAME).  0, or -1
 * when it does not fit in len bytes.
 */
int		 camname_h264_path(const char *frames, char *buf, size_t len);
/* The same for the H.264 sub-stream: h264-sub.sock, NAME-h264-sub.sock. */
int		 camname_h264_sub_path(const char *frames, char *buf,
		    size_t len);

/* camname_opt.c */
/*
 * Takes one camera option by its long name ("frames", "camera",
 * "default-camera", "h264", "camera-h264") and its value: 0, or -1 with a
 * one-line cause starting with the option.
 */
int		 camname_opt(struct camname_list *l, const char *opt,
		    const char *arg, char *cause, size_t causelen);
/*
 * After the options: the camera "default" (camname_finish), the default
 * camera, and each camera's H.264 socket: --camera-h264's or --h264's
 * (for the default camera) when given ("off": none), else the one capd
 * derives beside its frame socket (none if that path is too long).  0, or
 * -1 with a one-line cause starting with the option at fault.
 */
int		 camname_opt_done(struct camname_list *l, char *cause,
		    size_t causelen);

#endif
