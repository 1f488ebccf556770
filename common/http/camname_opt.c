/* SPDX-License-Identifier: ISC */
/*
 * camname_opt.c: the camera options httpd and wsd share: --frames,
 * --camera, --default-camera, --h264 and --camera-h264, read into a
 * camname_list and completed once all are given.
 */
#include <stdio.h>
#include <string.h>

#include "camname.h"

/* Sets a camera's H.264 socket from an option's value ("off": none). */
static int
camname_opt_h264(struct camname_cam *cam, const char *opt, const char *path,
    char *cause, size_t causelen)
{
	if (strcmp(path, "off") == 0) {
		cam->h264[0] = '\0';
		return (0);
	}
	if (strlen(path) >= sizeof(cam->h264)) {
		snprintf(cause, causelen, "--%s: %.40s...: longer than %zu "
		    "bytes", opt, path, sizeof(cam->h264) - 1);
		return (-1);
	}
	snprintf(cam->h264, sizeof(cam->h264), "%s", path);
	return (0);
}

/* Takes one camera option. */
int
camname_opt(struct camname_list *l, const char *opt, const char *arg,
    char *cause, size_t causelen)
{
	char		 c[256], name[CAMNAME_MAX + 1];
	const char	*path;

	if (strcmp(opt, "frames") == 0) {
		l->frames = arg;
		l->frames_given = 1;
		return (0);
	}
	if (strcmp(opt, "h264") == 0) {
		l->h264 = arg;
		return (0);
	}
	if (strcmp(opt, "camera") == 0) {
		if (camname_add(l, arg, c, sizeof(c)) == 0)
			return (0);
	} else if (strcmp(opt, "default-camera") == 0) {
		if (camname_check(arg, c, sizeof(c)) == 0) {
			l->deflt_name = arg;
			return (0);
		}
	} else if (strcmp(opt, "camera-h264") == 0) {
		if (l->nh264_specs == CAMNAME_CAMERAS)
			snprintf(c, sizeof(c), "at most %d", CAMNAME_CAMERAS);
		else if (camname_spec(arg, name, &path, c, sizeof(c)) == 0) {
			l->h264_specs[l->nh264_specs++] = arg;
			return (0);
		}
	} else
		snprintf(c, sizeof(c), "not a camera option");
	snprintf(cause, causelen, "--%s: %s", opt, c);
	return (-1);
}

/* Completes the list once the options are read. */
int
camname_opt_done(struct camname_list *l, char *cause, size_t causelen)
{
	struct camname_cam	*cam;
	char			 c[256], name[CAMNAME_MAX + 1];
	const char		*path;
	int			 i, k;

	if (camname_finish(l, l->frames, l->frames_given, c, sizeof(c)) == -1) {
		snprintf(cause, causelen, "--camera: %s", c);
		return (-1);
	}
	if (l->deflt_name != NULL && camname_default(l, l->deflt_name, c,
	    sizeof(c)) == -1) {
		snprintf(cause, causelen, "--default-camera: %s", c);
		return (-1);
	}
	for (i = 0; i < l->n; i++)
		if (camname_h264_path(l->cams[i].path, l->cams[i].h264,
		    sizeof(l->cams[i].h264)) == -1)
			l->cams[i].h264[0] = '\0';
	for (i = 0; i < l->n; i++)
		if (camname_h264_sub_path(l->cams[i].path, l->cams[i].h264_sub,
		    sizeof(l->cams[i].h264_sub)) == -1)
			l->cams[i].h264_sub[0] = '\0';
	if (l->h264 != NULL && camname_opt_h264(&l->cams[l->deflt], "h264",
	    l->h264, cause, causelen) == -1)
		return (-1);
	for (k = 0; k < l->nh264_specs; k++) {
		camname_spec(l->h264_specs[k], name, &path, c, sizeof(c));
		for (i = 0, cam = NULL; i < l->n && cam == NULL; i++)
			if (strcmp(l->cams[i].name, name) == 0)
				cam = &l->cams[i];
		if (cam == NULL) {
			snprintf(cause, causelen, "--camera-h264: no camera "
			    "named \"%s\"", name);
			return (-1);
		}
		if (camname_opt_h264(cam, "camera-h264", path, cause,
		    causelen) == -1)
			return (-1);
	}
	return (0);
}
