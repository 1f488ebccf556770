/* SPDX-License-Identifier: ISC */
/*
 * control.h: capd's control socket (docs/control.md): HTTP/1.1 with JSON
 * bodies on a Unix socket apart from the frame socket.  GET /status, GET
 * /settings, PATCH /settings.
 */
#ifndef CAPD_CONTROL_H
#define CAPD_CONTROL_H

#include <sys/time.h>
#include <sys/types.h>
#include <stddef.h>

struct control;
struct event_base;
struct framesock;
struct h264;
struct settings_state;
struct source;

struct control_conf {
	const char	*path;		/* --control */
	mode_t		 mode;		/* --control-mode */
	const char	*group;		/* --control-group, or NULL */
};

/* Listens on conf->path; NULL with cause. */
struct control	*control_new(struct event_base *base,
		    const struct control_conf *conf, struct framesock *srv,
		    struct source *src, struct settings_state *cc, char *cause,
		    size_t causelen);
/* Closes every connection and removes the socket file. */
void		 control_free(struct control *ctl);
/* The H.264 socket /status reports on (NULL: none). */
void		 control_set_h264(struct control *ctl, struct h264 *h,
	    struct h264 *sub);
/* Each published frame, for the measured frame rate. */
void		 control_on_frame(struct control *ctl);
/* The measured frame rate over the last frames (0 if none lately). */
double		 control_fps(const struct control *ctl);

#endif
