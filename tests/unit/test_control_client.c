/* test_control_client.c: where the control socket is by default. */
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

int
main(void)
{
	RUN(test_default_path);
	return (TEST_DONE("control_client"));
}
