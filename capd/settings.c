/* SPDX-License-Identifier: ISC */
/*
 * settings.c: validation of setting changes and their JSON forms.  Pure
 * functions over struct settings: JSON text in, a change or a reason out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "settings.h"

/* The name of an apply mode. */
const char *
settings_apply_name(enum settings_apply a)
{
	switch (a) {
	case SETTINGS_LIVE:
		return ("live");
	case SETTINGS_RESTART:
		return ("restart");
	default:
		return ("fixed");
	}
}

/* Finds a control by name; -1 if none. */
int
settings_find_ctrl(const struct settings *cur, const char *name)
{
	int	 i;

	for (i = 0; i < cur->nctrls; i++)
		if (strcmp(cur->ctrls[i].name, name) == 0)
			return (i);
	return (-1);
}

/* An integer in [min, max], not a float or a bool; -1 with cause. */
static int
settings_int(const char *what, json_t *v, long long min, long long max,
    long long *out, char *cause, size_t causelen)
{
	if (!json_is_integer(v)) {
		snprintf(cause, causelen, "%s: expected an integer", what);
		return (-1);
	}
	*out = json_integer_value(v);
	if (*out < min || *out > max) {
		snprintf(cause, causelen, "%s: %lld out of range (%lld to %lld)",
		    what, *out, min, max);
		return (-1);
	}
	return (0);
}

/* A boolean; -1 with cause. */
static int
settings_bool(const char *what, json_t *v, int *out, char *cause,
    size_t causelen)
{
	if (!json_is_boolean(v)) {
		snprintf(cause, causelen, "%s: expected true or false", what);
		return (-1);
	}
	*out = json_is_true(v);
	return (0);
}

/* "WIDTHxHEIGHT" within the limits; -1 with cause. */
static int
settings_size(json_t *v, int *w, int *h, char *cause, size_t causelen)
{
	const char	*s;
	char		 x, end;

	if (!json_is_string(v)) {
		snprintf(cause, causelen, "size: expected \"WIDTHxHEIGHT\"");
		return (-1);
	}
	s = json_string_value(v);
	if (strlen(s) > 11 || sscanf(s, "%5d%c%5d%c", w, &x, h, &end) != 3 ||
	    x != 'x' || s[0] < '0' || s[0] > '9' ||
	    strchr(s, 'x')[1] < '0' || strchr(s, 'x')[1] > '9') {
		snprintf(cause, causelen, "size: \"%.16s\" is not WIDTHxHEIGHT",
		    s);
		return (-1);
	}
	if (*w < SETTINGS_MIN_W || *h < SETTINGS_MIN_H ||
	    *w > SETTINGS_MAX_W || *h > SETTINGS_MAX_H) {
		snprintf(cause, causelen, "size: %dx%d out of range (%dx%d to "
		    "%dx%d)", *w, *h, SETTINGS_MIN_W, SETTINGS_MIN_H,
		    SETTINGS_MAX_W, SETTINGS_MAX_H);
		return (-1);
	}
	return (0);
}

/* Why a fixed setting is fixed: NULL for a source's own command. */
static const char *
settings_why(const struct settings *cur, const char *what)
{
	if (cur->passthru && (strcmp(what, "quality") == 0 ||
	    strcmp(what, "rotate") == 0 || strcmp(what, "hflip") == 0 ||
	    strcmp(what, "vflip") == 0))
		return ("H.264 is passed through as the source gives it, not "
		    "decoded (--source-format h264)");
	return (NULL);
}

/* Refuses a change this source cannot make. */
static int
settings_fixed(const struct settings *cur, const char *what,
    enum settings_apply a, char *cause, size_t causelen)
{
	const char	*why = settings_why(cur, what);

	if (a != SETTINGS_FIXED)
		return (0);
	if (why != NULL)
		snprintf(cause, causelen, "%s: %s", what, why);
	else
		snprintf(cause, causelen, "%s: this source cannot change it "
		    "(set it in the source's own command)", what);
	return (-1);
}

/* One control's new value; -1 with cause. */
static int
settings_ctrl_value(const struct settings_ctrl *c, json_t *v, int64_t *out,
    char *cause, size_t causelen)
{
	long long	 n;
	int		 b, i;

	switch (c->type) {
	case SETTINGS_BOOL:
		if (settings_bool(c->name, v, &b, cause, causelen) == -1)
			return (-1);
		*out = b;
		return (0);
	case SETTINGS_MENU:
		for (i = 0; json_is_string(v) && i < c->nmenu; i++)
			if (strcmp(c->menu[i].name, json_string_value(v)) == 0) {
				*out = c->menu[i].value;
				return (0);
			}
		if (json_is_string(v)) {
			snprintf(cause, causelen, "%s: \"%.32s\" is not one of "
			    "its choices", c->name, json_string_value(v));
			return (-1);
		}
		if (settings_int(c->name, v, c->min, c->max, &n, cause,
		    causelen) == -1)
			return (-1);
		for (i = 0; i < c->nmenu; i++)
			if (c->menu[i].value == n) {
				*out = n;
				return (0);
			}
		snprintf(cause, causelen, "%s: %lld is not one of its choices",
		    c->name, n);
		return (-1);
	default:
		if (settings_int(c->name, v, c->min, c->max, &n, cause,
		    causelen) == -1)
			return (-1);
		if (c->step > 1 && (n - c->min) % c->step != 0) {
			snprintf(cause, causelen, "%s: %lld is not a step of "
			    "%lld from %lld", c->name, n, (long long)c->step,
			    (long long)c->min);
			return (-1);
		}
		*out = n;
		return (0);
	}
}

/* The "controls" object; -1 with cause. */
static int
settings_parse_ctrls(const struct settings *cur, json_t *obj, int lenient,
    struct settings_change *ch, char *cause, size_t causelen)
{
	const char	*name;
	json_t		*v;
	int		 i;
	int64_t		 value;

	if (!json_is_object(obj)) {
		snprintf(cause, causelen, "controls: expected an object");
		return (-1);
	}
	json_object_foreach(obj, name, v) {
		if ((i = settings_find_ctrl(cur, name)) == -1) {
			if (lenient)
				continue;
			snprintf(cause, causelen, "controls: no control named "
			    "\"%.32s\"", name);
			return (-1);
		}
		if (settings_ctrl_value(&cur->ctrls[i], v, &value, cause,
		    causelen) == -1)
			return (-1);
		ch->ctrls[ch->nctrls].index = i;
		ch->ctrls[ch->nctrls].value = value;
		ch->nctrls++;
	}
	return (0);
}

/* One top-level member; -1 with cause. */
static int
settings_member(const struct settings *cur, const char *key, json_t *v,
    int lenient, struct settings_change *ch, char *cause, size_t causelen)
{
	long long	 n;

	/* A state file may hold what this source cannot change: skipped. */
	if (lenient && ((strcmp(key, "size") == 0 &&
	    cur->size_apply == SETTINGS_FIXED) || (strcmp(key, "fps") == 0 &&
	    cur->fps_apply == SETTINGS_FIXED) || (strcmp(key, "quality") == 0 &&
	    cur->quality_apply == SETTINGS_FIXED) || (strcmp(key, "rotate") ==
	    0 && cur->rotate_apply == SETTINGS_FIXED) || ((strcmp(key, "hflip")
	    == 0 || strcmp(key, "vflip") == 0) && cur->flip_apply ==
	    SETTINGS_FIXED)))
		return (0);
	if (strcmp(key, "size") == 0) {
		if (settings_fixed(cur, key, cur->size_apply, cause,
		    causelen) || settings_size(v, &ch->width, &ch->height,
		    cause, causelen))
			return (-1);
		ch->mask |= SETTINGS_F_SIZE;
	} else if (strcmp(key, "fps") == 0) {
		if (settings_fixed(cur, key, cur->fps_apply, cause,
		    causelen) || settings_int(key, v, 1, SETTINGS_MAX_FPS, &n,
		    cause, causelen))
			return (-1);
		ch->fps = n;
		ch->mask |= SETTINGS_F_FPS;
	} else if (strcmp(key, "quality") == 0) {
		if (settings_fixed(cur, key, cur->quality_apply, cause,
		    causelen) || settings_int(key, v, 1, 100, &n, cause,
		    causelen))
			return (-1);
		ch->quality = n;
		ch->mask |= SETTINGS_F_QUALITY;
	} else if (strcmp(key, "rotate") == 0) {
		if (settings_fixed(cur, key, cur->rotate_apply, cause,
		    causelen) || settings_int(key, v, 0, 270, &n, cause,
		    causelen))
			return (-1);
		if (n % 90 != 0) {
			snprintf(cause, causelen, "rotate: must be 0, 90, 180 "
			    "or 270");
			return (-1);
		}
		ch->rotate = n;
		ch->mask |= SETTINGS_F_ROTATE;
	} else if (strcmp(key, "hflip") == 0) {
		if (settings_fixed(cur, key, cur->flip_apply, cause,
		    causelen) || settings_bool(key, v, &ch->hflip, cause,
		    causelen))
			return (-1);
		ch->mask |= SETTINGS_F_HFLIP;
	} else if (strcmp(key, "vflip") == 0) {
		if (settings_fixed(cur, key, cur->flip_apply, cause,
		    causelen) || settings_bool(key, v, &ch->vflip, cause,
		    causelen))
			return (-1);
		ch->mask |= SETTINGS_F_VFLIP;
	} else if (strcmp(key, "controls") == 0)
		return (settings_parse_ctrls(cur, v, lenient, ch, cause,
		    causelen));
	else if (!lenient) {
		snprintf(cause, causelen, "no setting named \"%.32s\" (expected "
		    "size, fps, quality, rotate, hflip, vflip or controls)",
		    key);
		return (-1);
	}
	return (0);
}

/* Validates a change, all or nothing. */
int
settings_parse(const struct settings *cur, const char *json, size_t len,
    int lenient, struct settings_change *ch, char *cause, size_t causelen)
{
	json_error_t	 err;
	json_t		*root, *v;
	const char	*key;
	int		 r = 0;

	memset(ch, 0, sizeof(*ch));
	if (len > SETTINGS_MAX_BODY) {
		snprintf(cause, causelen, "body over %d bytes", SETTINGS_MAX_BODY);
		return (-1);
	}
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		snprintf(cause, causelen, "bad JSON at byte %d: %s",
		    err.position, err.text);
		return (-1);
	}
	if (!json_is_object(root)) {
		snprintf(cause, causelen, "expected a JSON object");
		json_decref(root);
		return (-1);
	}
	json_object_foreach(root, key, v) {
		if (settings_member(cur, key, v, lenient, ch, cause,
		    causelen) == -1) {
			r = -1;
			break;
		}
	}
	json_decref(root);
	if (r == -1)
		memset(ch, 0, sizeof(*ch));
	return (r);
}

/* Applies a validated change. */
void
settings_apply(struct settings *cur, const struct settings_change *ch)
{
	int	 i;

	if (ch->mask & SETTINGS_F_SIZE) {
		cur->width = ch->width;
		cur->height = ch->height;
	}
	if (ch->mask & SETTINGS_F_FPS)
		cur->fps = ch->fps;
	if (ch->mask & SETTINGS_F_QUALITY)
		cur->quality = ch->quality;
	if (ch->mask & SETTINGS_F_ROTATE)
		cur->rotate = ch->rotate;
	if (ch->mask & SETTINGS_F_HFLIP)
		cur->hflip = ch->hflip;
	if (ch->mask & SETTINGS_F_VFLIP)
		cur->vflip = ch->vflip;
	for (i = 0; i < ch->nctrls; i++)
		cur->ctrls[ch->ctrls[i].index].value = ch->ctrls[i].value;
}

/* True if the change moves the size or the frame rate. */
int
settings_needs_restart(const struct settings *cur,
    const struct settings_change *ch)
{
	return (((ch->mask & SETTINGS_F_SIZE) && (ch->width != cur->width ||
	    ch->height != cur->height)) ||
	    ((ch->mask & SETTINGS_F_FPS) && ch->fps != cur->fps));
}

/* {"value": v, "apply": a} with extra members added by the caller. */
static json_t *
settings_entry(const struct settings *cur, const char *what, json_t *value,
    enum settings_apply a)
{
	const char	*why = settings_why(cur, what);

	if (a == SETTINGS_FIXED && why != NULL)
		return (json_pack("{s:o,s:s,s:s}", "value", value, "apply",
		    settings_apply_name(a), "reason", why));
	return (json_pack("{s:o,s:s}", "value", value, "apply",
	    settings_apply_name(a)));
}

/* One control's description. */
static json_t *
settings_describe_ctrl(const struct settings_ctrl *c)
{
	static const char *types[] = { "int", "bool", "menu" };
	json_t		*o, *menu;
	int		 i;

	o = json_pack("{s:s,s:s,s:s,s:o,s:s}", "name", c->name, "label",
	    c->label, "type", types[c->type], "value", c->type ==
	    SETTINGS_BOOL ? json_boolean(c->value) : json_integer(c->value),
	    "apply", "live");
	if (o == NULL)
		return (NULL);
	json_object_set_new(o, "default", c->type == SETTINGS_BOOL ?
	    json_boolean(c->def) : json_integer(c->def));
	if (c->type == SETTINGS_INT) {
		json_object_set_new(o, "min", json_integer(c->min));
		json_object_set_new(o, "max", json_integer(c->max));
		json_object_set_new(o, "step", json_integer(c->step));
	}
	if (c->type == SETTINGS_MENU) {
		menu = json_array();
		for (i = 0; i < c->nmenu; i++)
			json_array_append_new(menu, json_pack("{s:I,s:s}",
			    "value", (json_int_t)c->menu[i].value, "name",
			    c->menu[i].name));
		json_object_set_new(o, "menu", menu);
	}
	return (o);
}

/* Dumps and frees a JSON value, with a newline. */
static char *
settings_dump(json_t *o)
{
	char	*s, *out;
	size_t	 n;

	if (o == NULL)
		return (NULL);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (s == NULL)
		return (NULL);
	n = strlen(s);
	if ((out = realloc(s, n + 2)) == NULL) {
		free(s);
		return (NULL);
	}
	memcpy(out + n, "\n", 2);
	return (out);
}

/* GET /settings. */
char *
settings_describe(const struct settings *cur)
{
	json_t	*o, *e, *ctrls;
	char	 size[32];
	int	 i;

	snprintf(size, sizeof(size), "%dx%d", cur->width, cur->height);
	if ((o = json_object()) == NULL)
		return (NULL);
	json_object_set_new(o, "size", settings_entry(cur, "size",
	    json_string(size), cur->size_apply));
	e = settings_entry(cur, "fps", json_integer(cur->fps), cur->fps_apply);
	json_object_set_new(e, "min", json_integer(1));
	json_object_set_new(e, "max", json_integer(SETTINGS_MAX_FPS));
	json_object_set_new(o, "fps", e);
	e = settings_entry(cur, "quality", json_integer(cur->quality),
	    cur->quality_apply);
	json_object_set_new(e, "min", json_integer(1));
	json_object_set_new(e, "max", json_integer(100));
	json_object_set_new(o, "quality", e);
	e = settings_entry(cur, "rotate", json_integer(cur->rotate),
	    cur->rotate_apply);
	json_object_set_new(e, "choices", json_pack("[i,i,i,i]", 0, 90, 180,
	    270));
	json_object_set_new(o, "rotate", e);
	json_object_set_new(o, "hflip", settings_entry(cur, "hflip",
	    json_boolean(cur->hflip), cur->flip_apply));
	json_object_set_new(o, "vflip", settings_entry(cur, "vflip",
	    json_boolean(cur->vflip), cur->flip_apply));
	ctrls = json_array();
	for (i = 0; i < cur->nctrls; i++)
		json_array_append_new(ctrls, settings_describe_ctrl(
		    &cur->ctrls[i]));
	json_object_set_new(o, "controls", ctrls);
	return (settings_dump(o));
}

/* The state file's form. */
char *
settings_state(const struct settings *cur)
{
	json_t	*o, *ctrls;
	char	 size[32];
	int	 i;

	snprintf(size, sizeof(size), "%dx%d", cur->width, cur->height);
	o = json_pack("{s:s,s:i,s:i,s:i,s:b,s:b}", "size", size, "fps",
	    cur->fps, "quality", cur->quality, "rotate", cur->rotate, "hflip",
	    cur->hflip, "vflip", cur->vflip);
	if (o == NULL)
		return (NULL);
	ctrls = json_object();
	for (i = 0; i < cur->nctrls; i++)
		json_object_set_new(ctrls, cur->ctrls[i].name,
		    cur->ctrls[i].type == SETTINGS_BOOL ?
		    json_boolean(cur->ctrls[i].value) :
		    json_integer(cur->ctrls[i].value));
	json_object_set_new(o, "controls", ctrls);
	return (settings_dump(o));
}
