/* SPDX-License-Identifier: ISC */
/* fuzz_settings.c: capd's settings validation on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capd/settings.h"

/* A camera with one control of each type. */
static void
cam(struct settings *st)
{
	memset(st, 0, sizeof(*st));
	st->width = 640;
	st->height = 480;
	st->fps = 30;
	st->quality = 80;
	st->size_apply = st->fps_apply = SETTINGS_RESTART;
	st->nctrls = 3;
	snprintf(st->ctrls[0].name, SETTINGS_NAME_MAX, "brightness");
	st->ctrls[0].max = 255;
	st->ctrls[0].step = 3;
	snprintf(st->ctrls[1].name, SETTINGS_NAME_MAX, "b");
	st->ctrls[1].type = SETTINGS_BOOL;
	st->ctrls[1].max = 1;
	snprintf(st->ctrls[2].name, SETTINGS_NAME_MAX, "m");
	st->ctrls[2].type = SETTINGS_MENU;
	st->ctrls[2].max = 2;
	st->ctrls[2].nmenu = 1;
	st->ctrls[2].menu[0].value = 2;
	snprintf(st->ctrls[2].menu[0].name, SETTINGS_NAME_MAX, "x");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct settings		 st;
	static struct settings_change	 ch;
	char				 cause[256];
	int				 i;

	cam(&st);
	if (settings_parse(&st, (const char *)data, size, size & 1, &ch, cause,
	    sizeof(cause)) == -1) {
		if (ch.mask != 0 || ch.nctrls != 0 || cause[0] == '\0')
			__builtin_trap();
		return (0);
	}
	/* What passes is within range. */
	if (ch.nctrls > st.nctrls ||
	    ((ch.mask & SETTINGS_F_QUALITY) && (ch.quality < 1 ||
	    ch.quality > 100)) || ((ch.mask & SETTINGS_F_FPS) &&
	    (ch.fps < 1 || ch.fps > SETTINGS_MAX_FPS)) ||
	    ((ch.mask & SETTINGS_F_SIZE) && (ch.width < SETTINGS_MIN_W ||
	    ch.width > SETTINGS_MAX_W || ch.height < SETTINGS_MIN_H ||
	    ch.height > SETTINGS_MAX_H)) || ((ch.mask & SETTINGS_F_ROTATE) &&
	    ch.rotate % 90 != 0))
		__builtin_trap();
	for (i = 0; i < ch.nctrls; i++)
		if (ch.ctrls[i].value < st.ctrls[ch.ctrls[i].index].min ||
		    ch.ctrls[i].value > st.ctrls[ch.ctrls[i].index].max ||
		    (ch.ctrls[i].index == 0 && ch.ctrls[i].value % 3 != 0) ||
		    (ch.ctrls[i].index == 2 && ch.ctrls[i].value != 2))
			__builtin_trap();
	settings_apply(&st, &ch);
	free(settings_describe(&st));
	free(settings_state(&st));
	return (0);
}
