/* SPDX-License-Identifier: ISC */
/*
 * options.h: wsd's command line: what each option sets, its defaults and
 * the usage text.  Parsed once; the running daemon's state is elsewhere.
 */
#ifndef CAMPIPE_OPTIONS_H
#define CAMPIPE_OPTIONS_H

#include <sys/types.h>
#include <stddef.h>

#include "connset.h"
#include "listen_addr.h"

#define OPTIONS_NAMES_MAX	32	/* --server-name, at most */
/* --handoff without --listen or sockets from systemd. */
#define OPTIONS_DEFAULT_HANDOFF	"/run/campipe/wsd.sock"

struct options {
	struct connset_conf	 conf;		/* for the connection set */
	const char		*listen[CONNSET_LISTEN_MAX];	/* ADDR:PORT */
	struct listen_addr	 addrs[CONNSET_LISTEN_MAX];	/* parsed */
	size_t			 nlisten;
	const char		*handoff;	/* --handoff, or NULL */
	int			 handoff_user;	/* --handoff-user given */
	uid_t			 handoff_uid;	/* its uid */
	const char		*user;		/* --user, or NULL */
	char			*names[OPTIONS_NAMES_MAX]; /* --server-name */
	size_t			 nnames;
	int			 verbose;
};

/*
 * Fills o from the command line, with the defaults.  Exits after --help
 * and --version (0) and on a usage error (2, with a message).
 */
void	options_parse(struct options *o, int argc, char *argv[]);

#endif
