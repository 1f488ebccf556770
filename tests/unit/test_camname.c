/* SPDX-License-Identifier: ISC */
/* test_camname.c: camera names, --camera values and /cam/NAME/ paths. */
#include "camname.h"
#include "test.h"

/* Names: the allowed characters, the bounds, and what is refused. */
static void
test_names(void)
{
	char	 cause[128];

	CHECK(camname_check("a", cause, sizeof(cause)) == 0);
	CHECK(camname_check("Door-2_cam", cause, sizeof(cause)) == 0);
	CHECK(camname_check("abcdefghijklmnopqrstuvwxyz012345", cause,
	    sizeof(cause)) == 0);
	CHECK(camname_check("abcdefghijklmnopqrstuvwxyz0123456", cause,
	    sizeof(cause)) == -1);
	CHECK(strstr(cause, "longer than 32") != NULL);
	CHECK(camname_check("", cause, sizeof(cause)) == -1);
	CHECK(strcmp(cause, "empty camera name") == 0);
	CHECK(camname_check("a b", cause, sizeof(cause)) == -1);
	CHECK(strcmp(cause, "camera name \"a b\": only letters, digits, - "
	    "and _ are allowed") == 0);
	CHECK(camname_check("a/b", cause, sizeof(cause)) == -1);
	CHECK(camname_check("..", cause, sizeof(cause)) == -1);
	CHECK(camname_check("caf\xc3\xa9", cause, sizeof(cause)) == -1);
	CHECK(camname_check("a\nb", cause, sizeof(cause)) == -1);
	CHECK(strcmp(cause, "camera name \"a?b\": only letters, digits, - "
	    "and _ are allowed") == 0);
}

/* NAME=PATH splits at the first '='; the path may hold more. */
static void
test_spec(void)
{
	char		 name[CAMNAME_MAX + 1], cause[128];
	const char	*path;

	CHECK(camname_spec("door=/run/campipe/door/frames.sock", name, &path,
	    cause, sizeof(cause)) == 0);
	CHECK(strcmp(name, "door") == 0);
	CHECK(strcmp(path, "/run/campipe/door/frames.sock") == 0);
	CHECK(camname_spec("a=b=c", name, &path, cause, sizeof(cause)) == 0);
	CHECK(strcmp(name, "a") == 0 && strcmp(path, "b=c") == 0);
	CHECK(camname_spec("door", name, &path, cause, sizeof(cause)) == -1);
	CHECK(strcmp(cause, "\"door\" is not NAME=PATH") == 0);
	CHECK(camname_spec("door=", name, &path, cause, sizeof(cause)) == -1);
	CHECK(camname_spec("\n", name, &path, cause, sizeof(cause)) == -1);
	CHECK(strcmp(cause, "\"?\" is not NAME=PATH") == 0);
	CHECK(camname_spec("=/x", name, &path, cause, sizeof(cause)) == -1);
	CHECK(strcmp(cause, "empty camera name") == 0);
	CHECK(camname_spec("d oor=/x", name, &path, cause, sizeof(cause)) ==
	    -1);
	CHECK(camname_spec("abcdefghijklmnopqrstuvwxyz0123456=/x", name,
	    &path, cause, sizeof(cause)) == -1);
	CHECK(strstr(cause, "longer than 32") != NULL);
}

/* /cam/NAME/REST: the rest keeps its leading slash. */
static void
test_path(void)
{
	char		 name[CAMNAME_MAX + 1];
	const char	*rest;

	CHECK(camname_path("/cam/door/pi.jpg", name, &rest) == 0);
	CHECK(strcmp(name, "door") == 0 && strcmp(rest, "/pi.jpg") == 0);
	CHECK(camname_path("/cam/door/", name, &rest) == 0);
	CHECK(strcmp(rest, "/") == 0);
	CHECK(camname_path("/cam/a_b-9/stream", name, &rest) == 0);
	CHECK(strcmp(name, "a_b-9") == 0 && strcmp(rest, "/stream") == 0);
	CHECK(camname_path("/cam/door", name, &rest) == -1);
	CHECK(camname_path("/cam//pi.jpg", name, &rest) == -1);
	CHECK(camname_path("/cam/../pi.jpg", name, &rest) == -1);
	CHECK(camname_path("/cam/d%20r/pi.jpg", name, &rest) == -1);
	CHECK(camname_path("/camera/door/pi.jpg", name, &rest) == -1);
	CHECK(camname_path("/pi.jpg", name, &rest) == -1);
	CHECK(camname_path("/cam/abcdefghijklmnopqrstuvwxyz0123456/x", name,
	    &rest) == -1);
	CHECK(camname_path("/cam/abcdefghijklmnopqrstuvwxyz012345/x", name,
	    &rest) == 0);
}

/* The list: --frames as "default", duplicates, limits, the default. */
static void
test_list(void)
{
	struct camname_list	 l;
	char			 cause[128], spec[32];
	int			 i;

	memset(&l, 0, sizeof(l));
	CHECK(camname_finish(&l, "/f.sock", 0, cause,
	    sizeof(cause)) == 0);
	CHECK(l.n == 1 && strcmp(l.cams[0].name, "default") == 0);
	CHECK(strcmp(l.cams[0].path, "/f.sock") == 0 && l.deflt == 0);

	memset(&l, 0, sizeof(l));
	CHECK(camname_add(&l, "a=/a", cause, sizeof(cause)) == 0);
	CHECK(camname_add(&l, "b=/b", cause, sizeof(cause)) == 0);
	CHECK(camname_add(&l, "a=/c", cause, sizeof(cause)) == -1);
	CHECK(strcmp(cause, "camera \"a\" named twice") == 0);
	CHECK(camname_finish(&l, "/f", 0, cause, sizeof(cause)) == 0);
	CHECK(camname_default(&l, "b", cause, sizeof(cause)) == 0);
	CHECK(l.n == 2 && l.deflt == 1);
	CHECK(strcmp(l.cams[0].name, "a") == 0 &&
	    strcmp(l.cams[1].path, "/b") == 0);
	/* The one lookup by name: exact, case and all. */
	CHECK(camname_find(&l, "a") == 0 && camname_find(&l, "b") == 1);
	CHECK(camname_find(&l, "B") == -1 && camname_find(&l, "") == -1 &&
	    camname_find(&l, "ab") == -1);

	memset(&l, 0, sizeof(l));
	CHECK(camname_add(&l, "a=/a", cause, sizeof(cause)) == 0);
	CHECK(camname_finish(&l, "/f", 1, cause, sizeof(cause)) == 0);
	CHECK(l.n == 2 && strcmp(l.cams[0].name, "default") == 0);
	CHECK(strcmp(l.cams[0].path, "/f") == 0);
	CHECK(strcmp(l.cams[1].name, "a") == 0 &&
	    strcmp(l.cams[1].path, "/a") == 0);

	memset(&l, 0, sizeof(l));
	CHECK(camname_add(&l, "default=/a", cause, sizeof(cause)) == 0);
	CHECK(camname_finish(&l, "/f", 1, cause, sizeof(cause)) == -1);
	CHECK(strcmp(cause, "camera \"default\" named twice") == 0);

	memset(&l, 0, sizeof(l));
	CHECK(camname_finish(&l, "/f", 0, cause, sizeof(cause)) == 0);
	CHECK(camname_default(&l, "zz", cause, sizeof(cause)) == -1);
	CHECK(strcmp(cause, "no camera named \"zz\"") == 0);

	memset(&l, 0, sizeof(l));
	for (i = 0; i < CAMNAME_CAMERAS; i++) {
		snprintf(spec, sizeof(spec), "c%d=/x", i);
		CHECK(camname_add(&l, spec, cause, sizeof(cause)) == 0);
	}
	CHECK(camname_add(&l, "more=/x", cause, sizeof(cause)) == -1);
	CHECK(strcmp(cause, "at most 16 cameras") == 0);
	CHECK(camname_finish(&l, "/f", 1, cause, sizeof(cause)) == -1);
}

/* The H.264 socket capd derives beside a frame socket. */
static void
test_h264_path(void)
{
	char	 buf[CAMNAME_SOCK_MAX], small[16];

	CHECK(camname_h264_path("/run/campipe/frames.sock", buf,
	    sizeof(buf)) == 0 && strcmp(buf, "/run/campipe/h264.sock") == 0);
	CHECK(camname_h264_path("/run/campipe/door/frames.sock", buf,
	    sizeof(buf)) == 0 &&
	    strcmp(buf, "/run/campipe/door/h264.sock") == 0);
	CHECK(camname_h264_path("frames.sock", buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "h264.sock") == 0);
	CHECK(camname_h264_path("/t/yard.sock", buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "/t/yard-h264.sock") == 0);
	CHECK(camname_h264_path("/t/yard", buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "/t/yard-h264.sock") == 0);
	CHECK(camname_h264_path(".sock", buf, sizeof(buf)) == 0 &&
	    strcmp(buf, ".sock-h264.sock") == 0);
	CHECK(camname_h264_path("/t/abcdef.sock", small, sizeof(small)) ==
	    -1);
	CHECK(camname_h264_path("/t/ab.sock", small, sizeof(small)) == 0 &&
	    strcmp(small, "/t/ab-h264.sock") == 0);
}

/* The options as httpd and wsd read them. */
static void
test_opt(void)
{
	struct camname_list	 l;
	char			 cause[256], longp[200];

	/* Alone: the camera "default" on --frames, H.264 beside it. */
	memset(&l, 0, sizeof(l));
	l.frames = "/run/campipe/frames.sock";
	CHECK(camname_opt_done(&l, cause, sizeof(cause)) == 0);
	CHECK(l.n == 1 && strcmp(l.cams[0].h264, "/run/campipe/h264.sock") ==
	    0);

	/* Overrides in any order, --h264 for the default camera. */
	memset(&l, 0, sizeof(l));
	l.frames = "/f.sock";
	CHECK(camname_opt(&l, "camera-h264", "b=/b264", cause,
	    sizeof(cause)) == 0);
	CHECK(camname_opt(&l, "camera", "a=/t/a.sock", cause,
	    sizeof(cause)) == 0);
	CHECK(camname_opt(&l, "camera", "b=/t/b.sock", cause,
	    sizeof(cause)) == 0);
	CHECK(camname_opt(&l, "camera", "c=/t/c.sock", cause,
	    sizeof(cause)) == 0);
	CHECK(camname_opt(&l, "camera-h264", "c=off", cause,
	    sizeof(cause)) == 0);
	CHECK(camname_opt(&l, "default-camera", "b", cause,
	    sizeof(cause)) == 0);
	CHECK(camname_opt(&l, "h264", "/ignored", cause, sizeof(cause)) ==
	    0);
	CHECK(camname_opt_done(&l, cause, sizeof(cause)) == 0);
	CHECK(l.n == 3 && l.deflt == 1);
	CHECK(strcmp(l.cams[0].h264, "/t/a-h264.sock") == 0);
	CHECK(strcmp(l.cams[1].h264, "/b264") == 0);	/* over --h264 */
	CHECK(l.cams[2].h264[0] == '\0');

	memset(&l, 0, sizeof(l));
	l.frames = "/f.sock";
	CHECK(camname_opt(&l, "frames", "/t/frames.sock", cause,
	    sizeof(cause)) == 0);
	CHECK(camname_opt(&l, "camera", "a=/t/a.sock", cause,
	    sizeof(cause)) == 0);
	CHECK(camname_opt(&l, "h264", "off", cause, sizeof(cause)) == 0);
	CHECK(camname_opt_done(&l, cause, sizeof(cause)) == 0);
	CHECK(l.n == 2 && strcmp(l.cams[0].name, "default") == 0);
	CHECK(l.cams[0].h264[0] == '\0');
	CHECK(strcmp(l.cams[1].h264, "/t/a-h264.sock") == 0);

	/* Errors name their option. */
	memset(&l, 0, sizeof(l));
	CHECK(camname_opt(&l, "camera", "a", cause, sizeof(cause)) == -1);
	CHECK(strcmp(cause, "--camera: \"a\" is not NAME=PATH") == 0);
	CHECK(camname_opt(&l, "default-camera", "a b", cause,
	    sizeof(cause)) == -1);
	CHECK(strncmp(cause, "--default-camera: camera name", 29) == 0);
	CHECK(camname_opt(&l, "camera-h264", "=x", cause, sizeof(cause)) ==
	    -1);
	CHECK(strncmp(cause, "--camera-h264: ", 15) == 0);
	CHECK(camname_opt(&l, "path", "/x", cause, sizeof(cause)) == -1);

	memset(&l, 0, sizeof(l));
	l.frames = "/f.sock";
	CHECK(camname_opt(&l, "camera-h264", "zz=/x", cause,
	    sizeof(cause)) == 0);
	CHECK(camname_opt_done(&l, cause, sizeof(cause)) == -1);
	CHECK(strcmp(cause, "--camera-h264: no camera named \"zz\"") == 0);

	memset(&l, 0, sizeof(l));
	l.frames = "/f.sock";
	CHECK(camname_opt(&l, "default-camera", "zz", cause,
	    sizeof(cause)) == 0);
	CHECK(camname_opt_done(&l, cause, sizeof(cause)) == -1);
	CHECK(strcmp(cause, "--default-camera: no camera named \"zz\"") ==
	    0);

	/* A path too long for a Unix socket: an error given, none derived. */
	memset(longp, 'x', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	memset(&l, 0, sizeof(l));
	l.frames = "/f.sock";
	CHECK(camname_opt(&l, "h264", longp, cause, sizeof(cause)) == 0);
	CHECK(camname_opt_done(&l, cause, sizeof(cause)) == -1);
	CHECK(strncmp(cause, "--h264: /xxx", 12) == 0);
	memset(&l, 0, sizeof(l));
	l.frames = longp + 95;		/* 104 bytes: fits, derived not */
	CHECK(camname_opt_done(&l, cause, sizeof(cause)) == 0);
	CHECK(l.cams[0].h264[0] == '\0');
}

int
main(void)
{
	RUN(test_names);
	RUN(test_h264_path);
	RUN(test_opt);
	RUN(test_spec);
	RUN(test_path);
	RUN(test_list);
	return (TEST_DONE("camname"));
}
