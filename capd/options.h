/* SPDX-License-Identifier: ISC */
/*
 * options.h: capd's command line: the options as given, with their
 * defaults filled in, kept apart from what runs (capd.c); a mistake exits
 * 2 with a one-line reason (log_usage).
 */
#ifndef CAPD_OPTIONS_H
#define CAPD_OPTIONS_H

#include <limits.h>

#include "control.h"
#include "framesock.h"
#include "h264.h"
#include "source.h"

#define OPTIONS_MAX_CTRLS	64	/* --ctrl at most */

struct options {
	struct source_conf	 source;
	struct framesock_conf	 frames;
	struct h264_conf	 h264;		/* path NULL: --h264 off */
	struct h264_conf	 h264_sub;	/* enc.width 0: no --h264-sub */
	struct control_conf	 control;
	const char		*state;		/* --state, or NULL */
	const char		*user;		/* --user, or NULL */
	int			 verbose;
	int			 list_controls;	/* --list-controls */
	int			 h264_default;	/* --h264 not given */
	char			 h264_path[PATH_MAX];
	char			 h264_sub_path[PATH_MAX];
	char			*ctrls[OPTIONS_MAX_CTRLS + 1];
};

/*
 * Parses the command line into o and fills in what it leaves out; exits
 * 0 after --help or --version, 2 on a mistake.
 */
void	options_parse(struct options *o, int argc, char *argv[]);

#endif
