/* SPDX-License-Identifier: ISC */
/* camname.c: camera names, --camera NAME=PATH, and /cam/NAME/ URLs. */
#include <stdio.h>
#include <string.h>

#include "camname.h"

#define CAMNAME_PREFIX	"/cam/"

/* True for a character allowed in a name. */
static int
camname_char(unsigned char ch)
{
	return ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_');
}

/* Copies at most 40 bytes of s for a message, control bytes as '?'. */
static const char *
camname_quote(const char *s, char *buf, size_t size)
{
	size_t	 i;

	for (i = 0; s[i] != '\0' && i < 40 && i + 1 < size; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = '\0';
	return (buf);
}

/* Checks the len bytes at s as a name; 0 or -1. */
int
camname_check_len(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len > CAMNAME_MAX)
		return (-1);
	for (i = 0; i < len; i++)
		if (!camname_char((unsigned char)s[i]))
			return (-1);
	return (0);
}

/* Checks a name: 0, or -1 with a one-line cause. */
int
camname_check(const char *name, char *cause, size_t causelen)
{
	size_t	 len = strlen(name);
	char	 q[48];

	if (len == 0) {
		snprintf(cause, causelen, "empty camera name");
		return (-1);
	}
	if (len > CAMNAME_MAX) {
		snprintf(cause, causelen, "camera name \"%s...\" is longer "
		    "than %d characters", camname_quote(name, q, sizeof(q)),
		    CAMNAME_MAX);
		return (-1);
	}
	if (camname_check_len(name, len) == -1) {
		snprintf(cause, causelen, "camera name \"%s\": only letters, "
		    "digits, - and _ are allowed", camname_quote(name, q,
		    sizeof(q)));
		return (-1);
	}
	return (0);
}

/* Splits "NAME=PATH": 0, or -1 with a one-line cause. */
int
camname_spec(const char *spec, char *name, const char **path, char *cause,
    size_t causelen)
{
	const char	*eq = strchr(spec, '=');
	size_t		 len;
	char		 q[48];

	if (eq == NULL || eq[1] == '\0') {
		snprintf(cause, causelen, "\"%s\" is not NAME=PATH",
		    camname_quote(spec, q, sizeof(q)));
		return (-1);
	}
	len = (size_t)(eq - spec);
	if (len > CAMNAME_MAX) {
		snprintf(cause, causelen, "camera name \"%.32s...\" is longer "
		    "than %d characters", camname_quote(spec, q, sizeof(q)),
		    CAMNAME_MAX);
		return (-1);
	}
	memcpy(name, spec, len);
	name[len] = '\0';
	if (camname_check(name, cause, causelen) == -1)
		return (-1);
	*path = eq + 1;
	return (0);
}

/* Splits "/cam/NAME/REST": 0, or -1 when it is not a camera's URL. */
int
camname_path(const char *path, char *name, const char **rest)
{
	const char	*s, *slash;
	size_t		 len;

	if (strncmp(path, CAMNAME_PREFIX, sizeof(CAMNAME_PREFIX) - 1) != 0)
		return (-1);
	s = path + sizeof(CAMNAME_PREFIX) - 1;
	if ((slash = strchr(s, '/')) == NULL)
		return (-1);
	len = (size_t)(slash - s);
	if (camname_check_len(s, len) == -1)
		return (-1);
	memcpy(name, s, len);
	name[len] = '\0';
	*rest = slash;
	return (0);
}

/* Appends one camera unless its name is taken: 0, or -1 with a cause. */
static int
camname_append(struct camname_list *l, const char *name, const char *path,
    char *cause, size_t causelen)
{
	int	 i;

	if (l->n == CAMNAME_CAMERAS) {
		snprintf(cause, causelen, "at most %d cameras",
		    CAMNAME_CAMERAS);
		return (-1);
	}
	for (i = 0; i < l->n; i++)
		if (strcmp(l->cams[i].name, name) == 0) {
			snprintf(cause, causelen, "camera \"%s\" named twice",
			    name);
			return (-1);
		}
	snprintf(l->cams[l->n].name, sizeof(l->cams[l->n].name), "%s", name);
	l->cams[l->n++].path = path;
	return (0);
}

/* Adds --camera's NAME=PATH. */
int
camname_add(struct camname_list *l, const char *spec, char *cause,
    size_t causelen)
{
	char		 name[CAMNAME_MAX + 1];
	const char	*path;

	if (camname_spec(spec, name, &path, cause, causelen) == -1)
		return (-1);
	return (camname_append(l, name, path, cause, causelen));
}

/* Adds the camera "default" if it is meant. */
int
camname_finish(struct camname_list *l, const char *frames, int frames_given,
    char *cause, size_t causelen)
{
	if (l->n == 0 || frames_given) {
		if (camname_append(l, "default", frames, cause,
		    causelen) == -1)
			return (-1);
		/* Given or implied, it comes first. */
		memmove(&l->cams[1], &l->cams[0],
		    (l->n - 1) * sizeof(l->cams[0]));
		snprintf(l->cams[0].name, sizeof(l->cams[0].name), "default");
		l->cams[0].path = frames;
	}
	l->deflt = 0;
	return (0);
}

/* The index of the camera named name, or -1. */
int
camname_find(const struct camname_list *l, const char *name)
{
	int	 i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->cams[i].name, name) == 0)
			return (i);
	return (-1);
}

/* Each camera's name. */
int
camname_names(const struct camname_list *l, const char **names)
{
	int	 i;

	for (i = 0; i < l->n; i++)
		names[i] = l->cams[i].name;
	return (l->n);
}

/* Makes the camera named name the default. */
int
camname_default(struct camname_list *l, const char *deflt, char *cause,
    size_t causelen)
{
	char	 q[48];
	int	 i;

	if ((i = camname_find(l, deflt)) != -1) {
		l->deflt = i;
		return (0);
	}
	snprintf(cause, causelen, "no camera named \"%s\"",
	    camname_quote(deflt, q, sizeof(q)));
	return (-1);
}

/* A socket capd derives from a frame socket: WHAT.sock or NAME-WHAT.sock. */
static int
camname_sock_path(const char *frames, const char *what, char *buf,
    size_t len)
{
	const char	*base = strrchr(frames, '/');
	size_t		 n = strlen(frames);
	int		 r;

	base = base != NULL ? base + 1 : frames;
	if (strcmp(base, "frames.sock") == 0)
		r = snprintf(buf, len, "%.*s%s.sock", (int)(base - frames),
		    frames, what);
	else if (n > 5 && strcmp(frames + n - 5, ".sock") == 0)
		r = snprintf(buf, len, "%.*s-%s.sock", (int)(n - 5), frames,
		    what);
	else
		r = snprintf(buf, len, "%s-%s.sock", frames, what);
	return (r < 0 || (size_t)r >= len ? -1 : 0);
}

/* The H.264 socket capd derives from a frame socket. */
int
camname_h264_path(const char *frames, char *buf, size_t len)
{
	return (camname_sock_path(frames, "h264", buf, len));
}

/* The H.264 sub-stream's socket beside a frame socket. */
int
camname_h264_sub_path(const char *frames, char *buf, size_t len)
{
	return (camname_sock_path(frames, "h264-sub", buf, len));
}
