/* SPDX-License-Identifier: ISC */
/*
 * options.h: httpd's command line, parsed once into the configuration the
 * server runs with (struct web_conf) and the daemon's own few settings.
 */
#ifndef HTTPD_OPTIONS_H
#define HTTPD_OPTIONS_H

#include "listen_addr.h"
#include "web.h"

#define OPTIONS_DEFAULT_LISTEN	"127.0.0.1:8080"

struct options {
	struct web_conf		 conf;
	struct listen_addr	 addrs[WEB_LISTEN_MAX];	/* of conf.listen */
	const char		*user;		/* --user, or NULL */
	int			 verbose;
	char			 ancestors[512];	/* --frame-ancestors */
};

/*
 * Parses argv into o (defaults for what is not given); prints and exits 0
 * for --help and --version, exits 2 with a one-line cause on an error.
 */
void	options_parse(struct options *o, int argc, char **argv);
/* No --listen and no socket from systemd: listens on the default. */
void	options_listen_default(struct options *o, int nfds);

#endif
