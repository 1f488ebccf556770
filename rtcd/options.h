/* SPDX-License-Identifier: ISC */
/*
 * options.h: rtcd's command line: what each option sets, its defaults and
 * the usage text.  Parsed once; the running daemon's state is elsewhere.
 */
#ifndef CAMPIPE_OPTIONS_H
#define CAMPIPE_OPTIONS_H

#include <sys/types.h>

#include "state.h"

#define OPTIONS_DEFAULT_HANDOFF	"/run/campipe/rtcd.sock"
#define OPTIONS_DEFAULT_LISTEN	"127.0.0.1:8555"

struct options {
	struct state_conf	 conf;
	const char		*handoff;	/* --handoff */
	int			 handoff_user;	/* --handoff-user given */
	uid_t			 handoff_uid;	/* its uid */
	const char		*user;
	int			 verbose;
};

/*
 * Fills o from the command line, with the defaults.  Exits after --help
 * and --version (0) and on a usage error (2, with a message).
 */
void	options_parse(struct options *o, int argc, char *argv[]);
/*
 * Reads "ADDR:PORT" ("[v6]:PORT", "*:PORT") into l.  0, or -1 with cause.
 */
int	options_listen(const char *spec, struct state_listen *l, char *cause,
	    size_t causelen);

#endif
