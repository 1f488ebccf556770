/* SPDX-License-Identifier: ISC */
/* test_camjson.c: a camera's routes, exactly as httpd and wsd show them. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "camjson.h"
#include "test.h"

/* The members in key order, compact. */
static char *
dump(int h264)
{
	json_t	*o = json_object();
	char	*s;

	CHECK_EQ(camjson_routes(o, "door", h264), 0);
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return (s);
}

static void
test_with_h264(void)
{
	char	*s = dump(1);

	CHECK(strcmp(s, "{\"h264\":{\"mp4\":\"/cam/door/stream.mp4\","
	    "\"stream\":\"/cam/door/stream.h264\",\"ws\":"
	    "\"/cam/door/stream.h264\"},\"still\":\"/cam/door/pi.jpg\","
	    "\"stream\":\"/cam/door/stream.mjpg\",\"ws\":"
	    "\"/cam/door/stream\"}") == 0);
	free(s);
}

static void
test_without_h264(void)
{
	char	*s = dump(0);

	CHECK(strcmp(s, "{\"h264\":null,\"still\":\"/cam/door/pi.jpg\","
	    "\"stream\":\"/cam/door/stream.mjpg\",\"ws\":"
	    "\"/cam/door/stream\"}") == 0);
	free(s);
}

int
main(void)
{
	RUN(test_with_h264);
	RUN(test_without_h264);
	return (TEST_DONE("camjson"));
}
