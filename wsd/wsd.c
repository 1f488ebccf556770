/* SPDX-License-Identifier: ISC */
/*
 * wsd: relays capd's frames to browsers over WebSocket (RFC 6455), one
 * binary message per JPEG, subscribing to capd only while someone watches.
 */
#include <stdio.h>
#include <unistd.h>

#include "auth.h"
#include "connset.h"
#include "daemon.h"
#include "handoff_recv.h"
#include "http_host.h"
#include "listen_addr.h"
#include "log.h"
#include "options.h"

#define WSD_BACKLOG		512
#define WSD_ADDR_FDS		8	/* sockets for one --listen name */

/* Listens on every --listen address and on systemd's sockets, or exits. */
static void
wsd_listen(struct connset *set, const struct options *o,
    const struct daemon *d)
{
	char	 cause[512];
	int	 fds[WSD_ADDR_FDS], n, i;
	size_t	 k;

	for (k = 0; k < o->nlisten; k++) {
		if ((n = listen_addr_open(&o->addrs[k], WSD_BACKLOG, fds,
		    WSD_ADDR_FDS, cause, sizeof(cause))) == -1)
			fatalx("--listen: %s", cause);
		for (i = 0; i < n; i++)
			if (connset_listen_fd(set, fds[i], cause,
			    sizeof(cause)) == -1)
				fatalx("--listen: %s: %s", o->listen[k], cause);
		log_info("listening on %s", o->listen[k]);
	}
	for (i = 0; i < d->nfds; i++) {
		if (connset_listen_fd(set, d->fds[i], cause,
		    sizeof(cause)) == -1)
			fatalx("%s", cause);
		log_info("listening on socket %d from systemd", d->fds[i]);
	}
}

/* Logs what wsd serves, and warns of an open door. */
static void
wsd_log_start(const struct options *o, const struct connset *set)
{
	const struct camname_list	*cams = &o->conf.cams;
	size_t				 i;

	for (i = 0; i < o->nlisten; i++)
		if (!connset_auth_enabled(set) && !auth_loopback(o->listen[i]))
			log_warnx("%s is reachable from other hosts and "
			    "anyone may watch: consider --htpasswd",
			    o->listen[i]);
	for (i = 0; i < (size_t)cams->n; i++)
		log_info("camera %s: frames from %s on /cam/%s/stream, "
		    "H.264 from %s", cams->cams[i].name, cams->cams[i].path,
		    cams->cams[i].name, cams->cams[i].h264[0] != '\0' ?
		    cams->cams[i].h264 : "none");
	/* The last line at start: the default camera's. */
	log_info("relaying frames from %s on %s",
	    cams->cams[cams->deflt].path, o->conf.client.path);
}

/* Options, set-up, the loop until a stop signal, teardown. */
int
main(int argc, char *argv[])
{
	static struct options	 o;
	struct daemon		 d;
	struct http_host_names	 hn;
	struct connset		*set;
	struct handoff_recv	*hr = NULL;
	char			 cause[512];

	log_init("campipe-wsd", 0);
	options_parse(&o, argc, argv);
	log_setverbose(o.verbose);
	if (daemon_init(&d, cause, sizeof(cause)) == -1)
		fatalx("%s", cause);
	/* Without TCP, connections come from httpd only. */
	if (o.nlisten == 0 && d.nfds == 0 && o.handoff == NULL)
		o.handoff = OPTIONS_DEFAULT_HANDOFF;
	if (http_host_names_init(&hn, o.names, o.nnames, cause,
	    sizeof(cause)) == -1)
		fatalx("%s", cause);
	o.conf.client.names = &hn;
	if ((set = connset_new(d.base, d.pause, &o.conf, cause,
	    sizeof(cause))) == NULL)
		fatalx("%s", cause);
	wsd_listen(set, &o, &d);
	if (o.handoff != NULL) {
		if ((hr = handoff_recv_new(d.base, o.handoff, "wsd",
		    connset_adopt, set, cause, sizeof(cause))) == NULL)
			fatalx("%s", cause);
		log_info("taking handed-over connections on %s", o.handoff);
	}
	if (daemon_drop(&d, o.user, NULL, cause, sizeof(cause)) == -1)
		fatalx("%s", cause);
	if (hr != NULL)
		handoff_recv_allow(hr, o.handoff_user ? o.handoff_uid :
		    geteuid());
	wsd_log_start(&o, set);
	d.on_hup = connset_reload;
	d.hup_arg = set;
	d.on_stop = connset_goodbye;
	d.stop_arg = set;
	if (daemon_run(&d, connset_status_line, set, cause,
	    sizeof(cause)) == -1)
		fatalx("%s", cause);
	handoff_recv_free(hr);
	connset_free(set);
	http_host_names_clear(&hn);
	daemon_destroy(&d);
	return (0);
}
