/* SPDX-License-Identifier: ISC */
/* test_settings.c: capd's settings validation with exact JSON bytes. */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "capd/settings.h"

/* A v4l2-like camera: 640x480 at 30, brightness, a bool and a menu. */
static void
cam(struct settings *st)
{
	struct settings_ctrl	*c;

	memset(st, 0, sizeof(*st));
	st->width = 640;
	st->height = 480;
	st->fps = 30;
	st->quality = 80;
	st->size_apply = st->fps_apply = SETTINGS_RESTART;
	st->quality_apply = SETTINGS_LIVE;
	c = &st->ctrls[st->nctrls++];
	snprintf(c->name, sizeof(c->name), "brightness");
	snprintf(c->label, sizeof(c->label), "Brightness");
	c->type = SETTINGS_INT;
	c->min = 0; c->max = 255; c->step = 1; c->def = c->value = 128;
	c = &st->ctrls[st->nctrls++];
	snprintf(c->name, sizeof(c->name), "exposure");
	c->type = SETTINGS_INT;
	c->min = 3; c->max = 2047; c->step = 4; c->def = c->value = 251;
	c = &st->ctrls[st->nctrls++];
	snprintf(c->name, sizeof(c->name), "auto_white_balance");
	c->type = SETTINGS_BOOL;
	c->min = 0; c->max = 1; c->step = 1; c->def = c->value = 1;
	c = &st->ctrls[st->nctrls++];
	snprintf(c->name, sizeof(c->name), "power_line_frequency");
	c->type = SETTINGS_MENU;
	c->min = 0; c->max = 2; c->step = 1; c->def = c->value = 1;
	c->nmenu = 2;
	c->menu[0].value = 0;
	snprintf(c->menu[0].name, sizeof(c->menu[0].name), "Disabled");
	c->menu[1].value = 2;
	snprintf(c->menu[1].name, sizeof(c->menu[1].name), "60 Hz");
}

/* Parses s against the camera; returns the result, cause in out. */
static int
parse(const char *s, struct settings_change *ch, char *cause)
{
	struct settings	 st;

	cam(&st);
	cause[0] = '\0';
	return (settings_parse(&st, s, strlen(s), 0, ch, cause, 256));
}

#define REFUSE(json, reason) do {					\
	struct settings_change _ch;					\
	char _c[256];							\
	CHECK_EQ(parse((json), &_ch, _c), -1);				\
	if (strcmp(_c, (reason)) != 0)					\
		fprintf(stderr, "  got \"%s\"\n", _c);			\
	CHECK(strcmp(_c, (reason)) == 0);				\
	CHECK_EQ(_ch.mask, 0);						\
	CHECK_EQ(_ch.nctrls, 0);					\
} while (0)

static void
test_every_field(void)
{
	struct settings_change	 ch;
	char			 c[256];

	CHECK_EQ(parse("{\"size\":\"1280x720\",\"fps\":15,\"quality\":55,"
	    "\"rotate\":270,\"hflip\":true,\"vflip\":false}", &ch, c), 0);
	CHECK_EQ(ch.mask, SETTINGS_F_SIZE | SETTINGS_F_FPS |
	    SETTINGS_F_QUALITY | SETTINGS_F_ROTATE | SETTINGS_F_HFLIP |
	    SETTINGS_F_VFLIP);
	CHECK_EQ(ch.width, 1280);
	CHECK_EQ(ch.height, 720);
	CHECK_EQ(ch.fps, 15);
	CHECK_EQ(ch.quality, 55);
	CHECK_EQ(ch.rotate, 270);
	CHECK_EQ(ch.hflip, 1);
	CHECK_EQ(ch.vflip, 0);
	CHECK_EQ(parse("{}", &ch, c), 0);
	CHECK_EQ(ch.mask, 0);
	CHECK_EQ(parse(" {\"quality\" : 1 }\n", &ch, c), 0);
	CHECK_EQ(ch.quality, 1);
}

static void
test_controls(void)
{
	struct settings_change	 ch;
	char			 c[256];

	CHECK_EQ(parse("{\"controls\":{\"brightness\":200,\"exposure\":7,"
	    "\"auto_white_balance\":false,\"power_line_frequency\":\"60 Hz\"}}",
	    &ch, c), 0);
	CHECK_EQ(ch.nctrls, 4);
	CHECK_EQ(ch.ctrls[0].index, 0);
	CHECK_EQ(ch.ctrls[0].value, 200);
	CHECK_EQ(ch.ctrls[1].value, 7);
	CHECK_EQ(ch.ctrls[2].value, 0);
	CHECK_EQ(ch.ctrls[3].index, 3);
	CHECK_EQ(ch.ctrls[3].value, 2);
	CHECK_EQ(parse("{\"controls\":{\"power_line_frequency\":0}}", &ch, c),
	    0);
	CHECK_EQ(ch.ctrls[0].value, 0);
	CHECK_EQ(parse("{\"controls\":{\"brightness\":0}}", &ch, c), 0);
	CHECK_EQ(parse("{\"controls\":{\"brightness\":255}}", &ch, c), 0);
}

static void
test_refused(void)
{
	REFUSE("", "bad JSON at byte 0: '[' or '{' expected near end of file");
	REFUSE("{\"quality\":", "bad JSON at byte 11: unexpected token near "
	    "end of file");
	REFUSE("[1]", "expected a JSON object");
	REFUSE("{\"quality\":80} x", "bad JSON at byte 16: end of file "
	    "expected near 'x'");
	REFUSE("{\"quality\":80,\"quality\":70}", "bad JSON at byte 23: "
	    "duplicate object key near '\"quality\"'");
	REFUSE("{\"qualty\":80}", "no setting named \"qualty\" (expected size, "
	    "fps, quality, rotate, hflip, vflip or controls)");
	REFUSE("{\"quality\":0}", "quality: 0 out of range (1 to 100)");
	REFUSE("{\"quality\":101}", "quality: 101 out of range (1 to 100)");
	REFUSE("{\"quality\":80.0}", "quality: expected an integer");
	REFUSE("{\"quality\":\"80\"}", "quality: expected an integer");
	REFUSE("{\"quality\":true}", "quality: expected an integer");
	REFUSE("{\"fps\":241}", "fps: 241 out of range (1 to 240)");
	REFUSE("{\"fps\":-9223372036854775808}", "fps: -9223372036854775808 "
	    "out of range (1 to 240)");
	REFUSE("{\"rotate\":45}", "rotate: must be 0, 90, 180 or 270");
	REFUSE("{\"hflip\":1}", "hflip: expected true or false");
	REFUSE("{\"size\":\"640x\"}", "size: \"640x\" is not WIDTHxHEIGHT");
	REFUSE("{\"size\":\"640x480x\"}", "size: \"640x480x\" is not "
	    "WIDTHxHEIGHT");
	REFUSE("{\"size\":\" 640x480\"}", "size: \" 640x480\" is not "
	    "WIDTHxHEIGHT");
	REFUSE("{\"size\":\"640x-480\"}", "size: \"640x-480\" is not "
	    "WIDTHxHEIGHT");
	REFUSE("{\"size\":\"64x47\"}", "size: 64x47 out of range (64x48 to "
	    "7680x4320)");
	REFUSE("{\"size\":\"7681x4320\"}", "size: 7681x4320 out of range "
	    "(64x48 to 7680x4320)");
	REFUSE("{\"size\":[640,480]}", "size: expected \"WIDTHxHEIGHT\"");
	REFUSE("{\"controls\":[]}", "controls: expected an object");
	REFUSE("{\"controls\":{\"focus\":1}}", "controls: no control named "
	    "\"focus\"");
	REFUSE("{\"controls\":{\"brightness\":256}}", "brightness: 256 out "
	    "of range (0 to 255)");
	REFUSE("{\"controls\":{\"brightness\":-1}}", "brightness: -1 out "
	    "of range (0 to 255)");
	REFUSE("{\"controls\":{\"brightness\":\"bright\"}}", "brightness: "
	    "expected an integer");
	REFUSE("{\"controls\":{\"exposure\":5}}", "exposure: 5 is not a step "
	    "of 4 from 3");
	REFUSE("{\"controls\":{\"auto_white_balance\":1}}",
	    "auto_white_balance: expected true or false");
	REFUSE("{\"controls\":{\"power_line_frequency\":1}}",
	    "power_line_frequency: 1 is not one of its choices");
	REFUSE("{\"controls\":{\"power_line_frequency\":\"50 Hz\"}}",
	    "power_line_frequency: \"50 Hz\" is not one of its choices");
	/* One bad member refuses the good ones before it. */
	REFUSE("{\"quality\":50,\"controls\":{\"brightness\":10},"
	    "\"fps\":0}", "fps: 0 out of range (1 to 240)");
	REFUSE("{\"quality\":\"\\u0000\"}", "bad JSON at byte 19: \\u0000 is "
	    "not allowed without JSON_ALLOW_NUL near '\"\\u0000\"'");
}

static void
test_fixed(void)
{
	struct settings		 st;
	struct settings_change	 ch;
	char			 c[256];
	const char		*s = "{\"size\":\"320x240\",\"fps\":5,\"quality\":9,"
	    "\"hflip\":true,\"controls\":{\"nothing\":1},\"other\":2}";

	cam(&st);
	st.size_apply = st.fps_apply = st.quality_apply = SETTINGS_FIXED;
	CHECK_EQ(settings_parse(&st, "{\"fps\":5}", 9, 0, &ch, c, sizeof(c)),
	    -1);
	CHECK(strcmp(c, "fps: this source cannot change it (set it in the "
	    "source's own command)") == 0);
	/* A state file: what this source cannot take is skipped. */
	CHECK_EQ(settings_parse(&st, s, strlen(s), 1, &ch, c, sizeof(c)), 0);
	CHECK_EQ(ch.mask, SETTINGS_F_HFLIP);
	CHECK_EQ(ch.nctrls, 0);
}

/* Passed-through H.264: no quality, rotation or flips; controls work. */
static void
test_passthru(void)
{
	struct settings		 st;
	struct settings_change	 ch;
	char			 c[256], *d;
	const char		*s = "{\"rotate\":90,\"vflip\":true,"
	    "\"quality\":9,\"controls\":{\"brightness\":3}}";

	cam(&st);
	st.nctrls = 1;
	st.passthru = 1;
	st.quality_apply = st.rotate_apply = st.flip_apply = SETTINGS_FIXED;
	CHECK_EQ(settings_parse(&st, "{\"rotate\":180}", 14, 0, &ch, c,
	    sizeof(c)), -1);
	CHECK(strcmp(c, "rotate: H.264 is passed through as the source gives "
	    "it, not decoded (--source-format h264)") == 0);
	CHECK_EQ(settings_parse(&st, "{\"hflip\":false}", 15, 0, &ch, c,
	    sizeof(c)), -1);
	CHECK(strncmp(c, "hflip: H.264 is passed through", 30) == 0);
	CHECK_EQ(settings_parse(&st, s, strlen(s), 0, &ch, c, sizeof(c)), -1);
	CHECK_EQ(ch.mask, 0);
	/* A state file: skipped, the control taken. */
	CHECK_EQ(settings_parse(&st, s, strlen(s), 1, &ch, c, sizeof(c)), 0);
	CHECK_EQ(ch.mask, 0);
	CHECK_EQ(ch.nctrls, 1);
	/* A camera flips by its own controls. */
	st.flip_apply = SETTINGS_LIVE;
	CHECK_EQ(settings_parse(&st, "{\"vflip\":true}", 14, 0, &ch, c,
	    sizeof(c)), 0);
	CHECK_EQ(ch.mask, SETTINGS_F_VFLIP);
	st.nctrls = 0;
	d = settings_describe(&st);
	CHECK(d != NULL && strcmp(d, "{\"size\":{\"value\":\"640x480\","
	    "\"apply\":\"restart\"},\"fps\":{\"value\":30,\"apply\":\"restart\","
	    "\"min\":1,\"max\":240},\"quality\":{\"value\":80,\"apply\":\"fixed\","
	    "\"reason\":\"H.264 is passed through as the source gives it, not "
	    "decoded (--source-format h264)\",\"min\":1,\"max\":100},"
	    "\"rotate\":{\"value\":0,\"apply\":\"fixed\",\"reason\":\"H.264 is "
	    "passed through as the source gives it, not decoded "
	    "(--source-format h264)\",\"choices\":[0,90,180,270]},"
	    "\"hflip\":{\"value\":false,\"apply\":\"live\"},\"vflip\":"
	    "{\"value\":false,\"apply\":\"live\"},\"controls\":[]}\n") == 0);
	free(d);
}

static void
test_apply_and_restart(void)
{
	struct settings		 st;
	struct settings_change	 ch;
	char			 c[256];
	const char		*s;

	cam(&st);
	s = "{\"size\":\"640x480\",\"quality\":20}";
	CHECK_EQ(settings_parse(&st, s, strlen(s), 0, &ch, c, sizeof(c)), 0);
	CHECK_EQ(settings_needs_restart(&st, &ch), 0);
	s = "{\"fps\":10,\"controls\":{\"brightness\":3}}";
	CHECK_EQ(settings_parse(&st, s, strlen(s), 0, &ch, c, sizeof(c)), 0);
	CHECK_EQ(settings_needs_restart(&st, &ch), 1);
	settings_apply(&st, &ch);
	CHECK_EQ(st.fps, 10);
	CHECK_EQ(st.ctrls[0].value, 3);
	CHECK_EQ(st.quality, 80);
}

static void
test_state_round_trip(void)
{
	struct settings		 st, st2;
	struct settings_change	 ch;
	char			 c[256], *s;

	cam(&st);
	st.hflip = 1;
	st.ctrls[0].value = 7;
	st.ctrls[2].value = 0;
	s = settings_state(&st);
	CHECK(s != NULL && strcmp(s, "{\"size\":\"640x480\",\"fps\":30,"
	    "\"quality\":80,\"rotate\":0,\"hflip\":true,\"vflip\":false,"
	    "\"controls\":{\"brightness\":7,\"exposure\":251,"
	    "\"auto_white_balance\":false,\"power_line_frequency\":1}}\n") == 0);
	cam(&st2);
	/* power_line_frequency 1 is no menu item of this camera: refused. */
	CHECK_EQ(settings_parse(&st2, s, strlen(s), 1, &ch, c, sizeof(c)), -1);
	free(s);
	st.ctrls[3].value = 2;
	s = settings_state(&st);
	CHECK_EQ(settings_parse(&st2, s, strlen(s), 1, &ch, c, sizeof(c)), 0);
	settings_apply(&st2, &ch);
	CHECK_EQ(st2.hflip, 1);
	CHECK_EQ(st2.ctrls[0].value, 7);
	CHECK_EQ(st2.ctrls[2].value, 0);
	free(s);
}

static void
test_describe(void)
{
	struct settings	 st;
	char		*s;

	cam(&st);
	st.nctrls = 2;
	s = settings_describe(&st);
	CHECK(s != NULL && strcmp(s, "{\"size\":{\"value\":\"640x480\","
	    "\"apply\":\"restart\"},\"fps\":{\"value\":30,\"apply\":\"restart\","
	    "\"min\":1,\"max\":240},\"quality\":{\"value\":80,\"apply\":\"live\","
	    "\"min\":1,\"max\":100},\"rotate\":{\"value\":0,\"apply\":\"live\","
	    "\"choices\":[0,90,180,270]},\"hflip\":{\"value\":false,"
	    "\"apply\":\"live\"},\"vflip\":{\"value\":false,\"apply\":\"live\"},"
	    "\"controls\":[{\"name\":\"brightness\",\"label\":\"Brightness\","
	    "\"type\":\"int\",\"value\":128,\"apply\":\"live\",\"default\":128,"
	    "\"min\":0,\"max\":255,\"step\":1},{\"name\":\"exposure\","
	    "\"label\":\"\",\"type\":\"int\",\"value\":251,\"apply\":\"live\","
	    "\"default\":251,\"min\":3,\"max\":2047,\"step\":4}]}\n") == 0);
	free(s);
}

int
main(void)
{
	RUN(test_every_field);
	RUN(test_controls);
	RUN(test_refused);
	RUN(test_fixed);
	RUN(test_passthru);
	RUN(test_apply_and_restart);
	RUN(test_state_round_trip);
	RUN(test_describe);
	return (TEST_DONE("settings"));
}
