/* SPDX-License-Identifier: ISC */
/*
 * options.h: rtspd's command line: what each option sets, its defaults and
 * the usage text.  Parsed once; the running daemon's state is elsewhere.
 */
#ifndef CAMPIPE_OPTIONS_H
#define CAMPIPE_OPTIONS_H

#include <stddef.h>

#include "listen_addr.h"
#include "state.h"

#define OPTIONS_DEFAULT_LISTEN	"127.0.0.1:8554"
#define OPTIONS_LISTEN_MAX	8

struct options {
	struct state_conf	 conf;
	const char		*listen[OPTIONS_LISTEN_MAX];	/* ADDR:PORT */
	struct listen_addr	 addrs[OPTIONS_LISTEN_MAX];
	size_t			 nlisten;
	const char		*user;
	int			 verbose;
};

/*
 * Fills o from the command line, with the defaults.  Exits after --help
 * and --version (0) and on a usage error (2, with a message).
 */
void	options_parse(struct options *o, int argc, char *argv[]);

#endif
