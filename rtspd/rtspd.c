/* SPDX-License-Identifier: ISC */
/*
 * rtspd: serves capd's H.264 over RTSP 1.0 (RFC 2326) to NVRs and
 * players, subscribing to capd only while someone watches.
 */
#include <stdio.h>

#include "auth.h"
#include "daemon.h"
#include "listen_addr.h"
#include "log.h"
#include "options.h"
#include "server.h"

#define RTSPD_BACKLOG		128
#define RTSPD_ADDR_FDS		8	/* sockets for one --listen name */

/* Listens on every --listen address and on systemd's sockets, or exits. */
static void
rtspd_listen(struct server *s, struct options *o, const struct daemon *d)
{
	char	 cause[512];
	int	 fds[RTSPD_ADDR_FDS], n, i;
	size_t	 k;

	if (o->nlisten == 0 && d->nfds == 0) {
		o->listen[0] = OPTIONS_DEFAULT_LISTEN;
		if (listen_addr_parse(o->listen[0], &o->addrs[0], cause,
		    sizeof(cause)) == -1)
			fatalx("%s", cause);
		o->nlisten = 1;
	}
	for (k = 0; k < o->nlisten; k++) {
		if ((n = listen_addr_open(&o->addrs[k], RTSPD_BACKLOG, fds,
		    RTSPD_ADDR_FDS, cause, sizeof(cause))) == -1)
			fatalx("--listen: %s", cause);
		for (i = 0; i < n; i++)
			if (server_listen_fd(s, fds[i], cause,
			    sizeof(cause)) == -1)
				fatalx("--listen: %s: %s", o->listen[k], cause);
		log_info("listening on rtsp://%s/", o->listen[k]);
	}
	for (i = 0; i < d->nfds; i++) {
		if (server_listen_fd(s, d->fds[i], cause, sizeof(cause)) == -1)
			fatalx("%s", cause);
		log_info("listening on socket %d from systemd", d->fds[i]);
	}
}

/* Logs what rtspd serves, and warns of an open door. */
static void
rtspd_log_start(const struct options *o, const struct server *s)
{
	const struct camname_list	*cams = &o->conf.cams;
	size_t				 i;
	int				 k;

	for (i = 0; i < o->nlisten; i++)
		if (!auth_enabled(s->st.auth) && !auth_loopback(o->listen[i]))
			log_warnx("%s is reachable from other hosts and "
			    "anyone may watch: consider --htpasswd",
			    o->listen[i]);
	for (k = 0; k < cams->n; k++)
		log_info("camera %s: H.264 from %s at /cam/%s%s",
		    cams->cams[k].name, cams->cams[k].h264, cams->cams[k].name,
		    k == cams->deflt ? " and /" : "");
	if (o->conf.udp_port != 0)
		log_info("RTP over UDP from ports %u-%u, and over TCP",
		    o->conf.udp_port, o->conf.udp_port + 1);
	else
		log_info("RTP over TCP only");
}

/* Options, set-up, the loop until a stop signal, teardown. */
int
main(int argc, char *argv[])
{
	static struct options	 o;
	static struct server	 s;
	struct daemon		 d;
	char			 cause[512];

	log_init("campipe-rtspd", 0);
	options_parse(&o, argc, argv);
	log_setverbose(o.verbose);
	if (daemon_init(&d, cause, sizeof(cause)) == -1)
		fatalx("%s", cause);
	if (server_init(&s, d.base, d.pause, &o.conf, cause,
	    sizeof(cause)) == -1)
		fatalx("%s", cause);
	rtspd_listen(&s, &o, &d);
	if (daemon_drop(&d, o.user, NULL, cause, sizeof(cause)) == -1)
		fatalx("%s", cause);
	rtspd_log_start(&o, &s);
	d.on_hup = server_reload;
	d.hup_arg = &s;
	if (daemon_run(&d, server_status_line, &s, cause,
	    sizeof(cause)) == -1)
		fatalx("%s", cause);
	server_destroy(&s);
	daemon_destroy(&d);
	return (0);
}
