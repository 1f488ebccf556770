/* SPDX-License-Identifier: ISC */
/* test_control_client.c: where the control socket is by default; JSON types. */
#include <string.h>

#include "test.h"
#include "control_client.h"

static void
test_default_path(void)
{
	CHECK(strcmp(control_client_path("/run/campipe/frames.sock"),
	    "/run/campipe/control.sock") == 0);
	CHECK(strcmp(control_client_path("/tmp/x/b.sock"),
	    "/tmp/x/b-control.sock") == 0);
	CHECK(strcmp(control_client_path("cam0.sock"),
	    "./cam0-control.sock") == 0);
	CHECK(strcmp(control_client_path("/run/cam/frames"),
	    "/run/cam/frames-control.sock") == 0);
	CHECK(strcmp(control_client_path("/run/.sock"),
	    "/run/.sock-control.sock") == 0);
}

static void
test_json_type(void)
{
	CHECK(control_client_json_type("application/json"));
	CHECK(control_client_json_type("Application/JSON"));
	CHECK(control_client_json_type("application/json; charset=utf-8"));
	CHECK(control_client_json_type("application/json ;charset=utf-8"));
	CHECK(control_client_json_type("application/json\t"));
	CHECK(!control_client_json_type(NULL));
	CHECK(!control_client_json_type(""));
	CHECK(!control_client_json_type("application/jso"));
	CHECK(!control_client_json_type("application/jsonx"));
	CHECK(!control_client_json_type("application/json x"));
	CHECK(!control_client_json_type("application/json-patch+json"));
	CHECK(!control_client_json_type("text/plain"));
	CHECK(!control_client_json_type(" application/json"));
}

int
main(void)
{
	RUN(test_default_path);
	RUN(test_json_type);
	return (TEST_DONE("control_client"));
}
