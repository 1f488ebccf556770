/* SPDX-License-Identifier: ISC */
/*
 * settings.h: capd's changeable settings (docs/control.md): their current
 * values and limits, the validation of a change (JSON text in, a change or
 * a reason out; no I/O) and their JSON forms for GET /settings and the
 * state file.
 */
#ifndef CAPD_SETTINGS_H
#define CAPD_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#define SETTINGS_MAX_CTRLS	48
#define SETTINGS_MAX_MENU	16
#define SETTINGS_NAME_MAX	32
#define SETTINGS_MAX_BODY	16384	/* bytes of JSON accepted */

#define SETTINGS_MIN_W		64
#define SETTINGS_MIN_H		48
#define SETTINGS_MAX_W		7680
#define SETTINGS_MAX_H		4320
#define SETTINGS_MAX_FPS	240

/* How a setting takes effect. */
enum settings_apply {
	SETTINGS_LIVE,		/* from the next frame */
	SETTINGS_RESTART,	/* the source restarts */
	SETTINGS_FIXED		/* this source cannot change it */
};

enum settings_type {
	SETTINGS_INT,
	SETTINGS_BOOL,
	SETTINGS_MENU
};

struct settings_menu {
	int64_t		 value;
	char		 name[SETTINGS_NAME_MAX];
};

/* A camera control (v4l2: sources). */
struct settings_ctrl {
	char			 name[SETTINGS_NAME_MAX];	/* brightness */
	char			 label[SETTINGS_NAME_MAX];	/* Brightness */
	enum settings_type	 type;
	int64_t			 min, max, step, def, value;
	int			 nmenu;
	struct settings_menu	 menu[SETTINGS_MAX_MENU];
};

/* Every setting's value, and what the source can do with it. */
struct settings {
	int			 width, height, fps, quality, rotate;
	int			 hflip, vflip;
	enum settings_apply	 size_apply, fps_apply, quality_apply;
	enum settings_apply	 rotate_apply, flip_apply;
	int			 passthru;	/* H.264 passed through */
	int			 nctrls;
	struct settings_ctrl	 ctrls[SETTINGS_MAX_CTRLS];
};

#define SETTINGS_F_SIZE		0x01
#define SETTINGS_F_FPS		0x02
#define SETTINGS_F_QUALITY	0x04
#define SETTINGS_F_ROTATE	0x08
#define SETTINGS_F_HFLIP	0x10
#define SETTINGS_F_VFLIP	0x20

/* A validated change: the fields named in mask, and controls by index. */
struct settings_change {
	unsigned		 mask;
	int			 width, height, fps, quality, rotate;
	int			 hflip, vflip;
	int			 nctrls;
	struct {
		int		 index;		/* into settings.ctrls */
		int64_t		 value;
	}			 ctrls[SETTINGS_MAX_CTRLS];
};

/*
 * Validates a JSON object of changes against cur: all or nothing.  Returns
 * 0 and fills ch, or -1 with a one-line reason in cause (bad JSON, unknown
 * name, wrong type, out of range, fixed for this source).  With lenient
 * set (a state file), controls cur does not know are skipped, not refused.
 */
int	settings_parse(const struct settings *cur, const char *json,
	    size_t len, int lenient, struct settings_change *ch, char *cause,
	    size_t causelen);
/* Applies a validated change to cur. */
void	settings_apply(struct settings *cur, const struct settings_change *ch);
/* Tells whether a change needs the source restarted. */
int	settings_needs_restart(const struct settings *cur,
	    const struct settings_change *ch);

/* GET /settings: every setting with its limits; malloc'd, NUL-terminated. */
char	*settings_describe(const struct settings *cur);
/* The state file: the values only, in the form settings_parse reads. */
char	*settings_state(const struct settings *cur);

/* Finds a control by name; -1 if none. */
int	settings_find_ctrl(const struct settings *cur, const char *name);
/* The name of an apply mode: "live", "restart", "fixed". */
const char *settings_apply_name(enum settings_apply a);

#endif
