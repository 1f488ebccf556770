/* SPDX-License-Identifier: ISC */
/*
 * camjson.c: a camera's routes in the status JSON, one shape for httpd
 * and wsd.
 */
#include <stdio.h>

#include <jansson.h>

#include "camjson.h"

/* Sets member key of obj to "/cam/NAME" + suffix.  0 or -1. */
static int
camjson_route(json_t *obj, const char *key, const char *name,
    const char *suffix)
{
	char	 buf[256];

	snprintf(buf, sizeof(buf), "/cam/%s%s", name, suffix);
	return (json_object_set_new(obj, key, json_string(buf)));
}

/* Sets the route members of obj. */
int
camjson_routes(json_t *obj, const char *name, int has_h264)
{
	json_t	*h;

	if (camjson_route(obj, "still", name, "/pi.jpg") == -1 ||
	    camjson_route(obj, "stream", name, "/stream.mjpg") == -1 ||
	    camjson_route(obj, "ws", name, "/stream") == -1)
		return (-1);
	if (!has_h264)
		return (json_object_set_new(obj, "h264", json_null()));
	if ((h = json_object()) == NULL ||
	    camjson_route(h, "stream", name, "/stream.h264") == -1 ||
	    camjson_route(h, "mp4", name, "/stream.mp4") == -1 ||
	    camjson_route(h, "ws", name, "/stream.h264") == -1) {
		json_decref(h);
		return (-1);
	}
	return (json_object_set_new(obj, "h264", h));
}
