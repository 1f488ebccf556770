/* SPDX-License-Identifier: ISC */
/*
 * settings_state.c: the settings in force at run time, applied to the
 * source and kept in the --state file.  The source reads its conf on every
 * frame, so quality is live by changing it; flips and rotation go
 * through source_reflip(); camera controls are set on the open camera and
 * kept in the conf's control list for its next opening; size and frame
 * rate restart the source.  Everything runs in the event loop, so changes
 * are serialized by construction.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "framesock.h"
#include "log.h"
#include "settings.h"
#include "settings_state.h"
#include "source.h"
#include "source_v4l2.h"

#define SETTINGS_STATE_MAX_CMDLINE	64	/* --ctrl arguments kept */
#define SETTINGS_STATE_CTRL_LEN	(SETTINGS_NAME_MAX + 24)

struct settings_state {
	struct source_conf	*sconf;
	const char		*state;
	struct source		*src;
	struct framesock		*srv;
	struct settings		 cur;
	int			 is_v4l2;
	char			**cmdline;	/* --ctrl as given */
	int			 ncmdline;
	char			*ctrls[SETTINGS_STATE_MAX_CMDLINE + SETTINGS_MAX_CTRLS +
				    1];
	char			 ctrlbuf[SETTINGS_MAX_CTRLS]
				    [SETTINGS_STATE_CTRL_LEN];
	int			 ctrl_set[SETTINGS_MAX_CTRLS];
};

/* Takes over the source's conf. */
struct settings_state *
settings_state_new(struct source_conf *sconf, const char *state)
{
	struct settings_state	*cc;
	const char	*spec = sconf->spec;
	int		 enc;

	if ((cc = calloc(1, sizeof(*cc))) == NULL)
		return (NULL);
	cc->sconf = sconf;
	cc->state = state;
	cc->cmdline = sconf->ctrls;
	while (cc->cmdline != NULL && cc->cmdline[cc->ncmdline] != NULL &&
	    cc->ncmdline < SETTINGS_STATE_MAX_CMDLINE)
		cc->ncmdline++;
	cc->cur.width = sconf->width;
	cc->cur.height = sconf->height;
	cc->cur.fps = sconf->fps;
	cc->cur.quality = sconf->quality;
	cc->cur.rotate = sconf->rotate;
	cc->cur.hflip = sconf->hflip;
	cc->cur.vflip = sconf->vflip;
	cc->is_v4l2 = strncmp(spec, "v4l2:", 5) == 0;
	enc = cc->is_v4l2 || strcmp(spec, "test") == 0;
	cc->cur.size_apply = enc ? SETTINGS_RESTART : SETTINGS_FIXED;
	cc->cur.quality_apply = enc ? SETTINGS_LIVE : SETTINGS_FIXED;
	cc->cur.fps_apply = strncmp(spec, "exec:", 5) == 0 ? SETTINGS_FIXED :
	    SETTINGS_RESTART;
	if (sconf->format == SOURCE_H264) {
		/*
		 * Passed through undecoded: no JPEG to set a quality on or
		 * to turn; a camera flips by its own controls.
		 */
		cc->cur.passthru = 1;
		cc->cur.quality_apply = SETTINGS_FIXED;
		cc->cur.rotate_apply = SETTINGS_FIXED;
		if (!cc->is_v4l2)
			cc->cur.flip_apply = SETTINGS_FIXED;
	}
	return (cc);
}

void
settings_state_free(struct settings_state *cc)
{
	free(cc);
}

/* Rebuilds the conf's control list: --ctrl first, then what was set. */
static void
settings_state_ctrl_list(struct settings_state *cc)
{
	int	 i, n = 0;

	for (i = 0; i < cc->ncmdline; i++)
		cc->ctrls[n++] = cc->cmdline[i];
	for (i = 0; i < cc->cur.nctrls; i++) {
		if (!cc->ctrl_set[i])
			continue;
		snprintf(cc->ctrlbuf[i], sizeof(cc->ctrlbuf[i]), "%s=%lld",
		    cc->cur.ctrls[i].name, (long long)cc->cur.ctrls[i].value);
		cc->ctrls[n++] = cc->ctrlbuf[i];
	}
	cc->ctrls[n] = NULL;
	cc->sconf->ctrls = cc->ctrls;
}

/*
 * Reads the camera's controls again (a camera may appear later, ranges may
 * change with the format), keeping the values capd set for the controls it
 * knew.
 */
static void
settings_state_query(struct settings_state *cc)
{
	static struct settings	 fresh;
	char			 cause[256];
	int			 i, j, set[SETTINGS_MAX_CTRLS];

	if (!cc->is_v4l2)
		return;
	/* A closed camera is opened only until its controls are known. */
	if (cc->cur.nctrls > 0 && source_v4l2_fd(cc->src) == -1)
		return;
	fresh = cc->cur;
	if (settings_state_v4l2_query(cc->src, &fresh, cause,
	    sizeof(cause)) == -1) {
		log_debug("controls: %s", cause);
		return;
	}
	for (i = 0; i < fresh.nctrls; i++) {
		set[i] = 0;
		j = settings_find_ctrl(&cc->cur, fresh.ctrls[i].name);
		if (j != -1 && cc->ctrl_set[j]) {
			fresh.ctrls[i].value = cc->cur.ctrls[j].value;
			set[i] = 1;
		}
	}
	cc->cur = fresh;
	memcpy(cc->ctrl_set, set, sizeof(set));
	settings_state_ctrl_list(cc);
}

/* Writes the state file atomically: a temporary file, then rename. */
static int
settings_state_save(struct settings_state *cc, char *cause, size_t causelen)
{
	char	 tmp[PATH_MAX], *s;
	size_t	 len;
	int	 fd, r = 0;

	if (cc->state == NULL)
		return (0);
	if ((s = settings_state(&cc->cur)) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (-1);
	}
	len = strlen(s);
	snprintf(tmp, sizeof(tmp), "%s.tmp", cc->state);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1 || write(fd, s, len) != (ssize_t)len ||
	    fsync(fd) == -1 || close(fd) == -1 || rename(tmp, cc->state) == -1) {
		snprintf(cause, causelen, "cannot save %s: %s", cc->state,
		    strerror(errno));
		if (fd != -1)
			(void)unlink(tmp);
		r = -1;
	}
	free(s);
	return (r);
}

/* Applies a validated change to the source and the conf. */
static void
settings_state_apply(struct settings_state *cc,
    const struct settings_change *ch)
{
	int	 restart, i;

	restart = settings_needs_restart(&cc->cur, ch);
	settings_apply(&cc->cur, ch);
	cc->sconf->width = cc->cur.width;
	cc->sconf->height = cc->cur.height;
	cc->sconf->fps = cc->cur.fps;
	cc->sconf->quality = cc->cur.quality;
	cc->sconf->rotate = cc->cur.rotate;
	cc->sconf->hflip = cc->cur.hflip;
	cc->sconf->vflip = cc->cur.vflip;
	for (i = 0; i < ch->nctrls; i++) {
		cc->ctrl_set[ch->ctrls[i].index] = 1;
		if (cc->src != NULL)
			settings_state_v4l2_set(cc->src,
			    &cc->cur.ctrls[ch->ctrls[i].index]);
	}
	if (ch->nctrls > 0)
		settings_state_ctrl_list(cc);
	if (cc->src != NULL && (ch->mask & (SETTINGS_F_ROTATE |
	    SETTINGS_F_HFLIP | SETTINGS_F_VFLIP)))
		source_reflip(cc->src);
	if (restart && cc->srv != NULL) {
		log_info("settings: %dx%d at %d fps from the source's next "
		    "start", cc->cur.width, cc->cur.height, cc->cur.fps);
		framesock_restart_source(cc->srv);
	}
}

/* Reads the state file; a missing one is fine, a bad one ignored. */
static void
settings_state_load(struct settings_state *cc)
{
	struct settings_change	 ch;
	char			 cause[256], *buf;
	struct stat		 st;
	ssize_t			 n;
	int			 fd;

	if (cc->state == NULL)
		return;
	if ((fd = open(cc->state, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			log_warn("state %s: ignored", cc->state);
		return;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > SETTINGS_MAX_BODY) {
		log_warnx("state %s: not a regular file of at most %d bytes: "
		    "ignored", cc->state, SETTINGS_MAX_BODY);
		close(fd);
		return;
	}
	if ((buf = malloc(st.st_size + 1)) == NULL ||
	    (n = read(fd, buf, st.st_size)) != st.st_size) {
		log_warnx("state %s: cannot read it: ignored", cc->state);
		free(buf);
		close(fd);
		return;
	}
	close(fd);
	if (settings_parse(&cc->cur, buf, n, 1, &ch, cause,
	    sizeof(cause)) == -1)
		log_warnx("state %s: %s: ignored", cc->state, cause);
	else {
		settings_state_apply(cc, &ch);
		log_info("state %s: settings applied", cc->state);
	}
	free(buf);
}

/* Attaches the source and the frame socket, then reads the state file. */
void
settings_state_start(struct settings_state *cc, struct source *src,
    struct framesock *srv)
{
	char	 dir[PATH_MAX];

	cc->src = src;
	cc->srv = srv;
	settings_state_query(cc);
	settings_state_load(cc);
	if (cc->state != NULL) {
		snprintf(dir, sizeof(dir), "%s", cc->state);
		if (access(dirname(dir), W_OK) == -1)
			log_warn("state %s: changes cannot be saved", cc->state);
	}
}

/* GET /settings. */
char *
settings_state_describe(struct settings_state *cc)
{
	settings_state_query(cc);
	return (settings_describe(&cc->cur));
}

/* PATCH /settings. */
int
settings_state_change(struct settings_state *cc, const char *json, size_t len,
    char *cause, size_t causelen)
{
	struct settings_change	 ch;

	settings_state_query(cc);
	if (settings_parse(&cc->cur, json, len, 0, &ch, cause,
	    causelen) == -1)
		return (-1);
	settings_state_apply(cc, &ch);
	if (settings_state_save(cc, cause, causelen) == -1)
		log_warnx("settings: %s", cause);
	return (0);
}
