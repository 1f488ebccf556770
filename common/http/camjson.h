/* SPDX-License-Identifier: ISC */
/*
 * camjson.h: the routes of one camera in the status JSON of httpd and wsd,
 * one shape for both (docs/httpd.md, docs/wsd.md):
 *
 *   "still":  "/cam/NAME/pi.jpg",
 *   "stream": "/cam/NAME/stream.mjpg",
 *   "ws":     "/cam/NAME/stream",
 *   "h264":   {"stream": "/cam/NAME/stream.h264",
 *              "mp4":    "/cam/NAME/stream.mp4",
 *              "ws":     "/cam/NAME/stream.h264"}   or null without H.264
 */
#ifndef CAMPIPE_CAMJSON_H
#define CAMPIPE_CAMJSON_H

#include <jansson.h>

/* Sets the route members of obj for camera name.  0, or -1 (ENOMEM). */
int	camjson_routes(json_t *obj, const char *name, int has_h264);

#endif
