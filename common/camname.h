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

/* The cameras of a daemon, from --camera, --frames and --default-camera. */
struct camname_list {
	struct camname_cam {
		char		 name[CAMNAME_MAX + 1];
		const char	*path;
	}		 cams[CAMNAME_CAMERAS];
	int		 n;
	int		 deflt;		/* index of the default camera */
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
/* Makes the camera named name the default: 0, or -1 with a cause. */
int		 camname_default(struct camname_list *l, const char *name,
		    char *cause, size_t causelen);

#endif
