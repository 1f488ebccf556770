/* SPDX-License-Identifier: ISC */
/*
 * httpd.c: campipe's web daemon: stills, the MJPEG and H.264 streams,
 * static pages, status and metrics, subscribed to capd only while someone
 * needs frames.  main() reads the options (options.c), makes the server
 * (dispatch.c) and runs it in the daemon skeleton (common/daemon/daemon.h).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>
#include <event2/http.h>

#include "accept_pause.h"
#include "auth.h"
#include "camstat.h"
#include "daemon.h"
#include "listen_addr.h"
#include "log.h"

#include "auth_gate.h"
#include "cam.h"
#include "clients.h"
#include "dispatch.h"
#include "jpeg_feed.h"
#include "options.h"
#include "onvif.h"
#include "pending.h"
#include "turn.h"
#include "web.h"
#include "wsdiscovery.h"

#define HTTPD_BACKLOG		1024
#define HTTPD_ADDR_FDS		8	/* sockets for one --listen name */

/* Puts one of evhttp's listeners in the accept pause's care. */
static void
httpd_pause_listener(struct evhttp_bound_socket *bound, void *arg)
{
	if (accept_pause_add(arg, evhttp_bound_socket_get_listener(bound)) ==
	    -1)
		fatalx("too many listening sockets");
}

/* Listens on a parsed --listen address or exits. */
static void
httpd_listen(struct web *w, const struct listen_addr *la)
{
	char	 cause[512];
	int	 fds[HTTPD_ADDR_FDS], n, i;

	if ((n = listen_addr_open(la, HTTPD_BACKLOG, fds, HTTPD_ADDR_FDS,
	    cause, sizeof(cause))) == -1)
		fatalx("--listen: %s", cause);
	for (i = 0; i < n; i++)
		if (evhttp_accept_socket(w->http, fds[i]) == -1)
			fatalx("--listen: cannot accept on %s", la->host);
}

/* Listens on --listen and systemd's sockets, each in the accept pause. */
static void
httpd_listen_all(struct web *w, struct options *o, struct daemon *d)
{
	int	 i;

	for (i = 0; i < o->conf.nlisten; i++)
		httpd_listen(w, &o->addrs[i]);
	for (i = 0; i < d->nfds; i++) {
		if (evhttp_accept_socket(w->http, d->fds[i]) == -1)
			fatalx("cannot accept on socket %d from systemd",
			    d->fds[i]);
		log_info("listening on socket %d from systemd", d->fds[i]);
	}
	evhttp_foreach_bound_socket(w->http, httpd_pause_listener, d->pause);
	pending_set_accept_pause(w->pending, d->pause);
}

/* Keeps the port of the first listening socket. */
static void
httpd_first_port(struct evhttp_bound_socket *bs, void *arg)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	int			*port = arg;

	if (*port != 0 || getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&ss, &sl) == -1)
		return;
	if (ss.ss_family == AF_INET)
		*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else if (ss.ss_family == AF_INET6)
		*port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* With --onvif: WS-Discovery, naming the first listening port. */
static struct wsdiscovery *
httpd_discovery(struct web *w, struct event_base *base)
{
	struct wsdiscovery	*d;
	char			 cause[256];
	int			 port = 0;

	if (w->onvif == NULL)
		return (NULL);
	evhttp_foreach_bound_socket(w->http, httpd_first_port, &port);
	if ((d = wsdiscovery_new(base, onvif_uuid(w->onvif), port, cause,
	    sizeof(cause))) == NULL)
		log_warnx("%s: NVRs will not find the camera by themselves",
		    cause);
	else
		log_info("ONVIF at /onvif/device_service, WS-Discovery on UDP "
		    "%d, device urn:uuid:%s", WSDISCOVERY_PORT,
		    onvif_uuid(w->onvif));
	if (!auth_gate_nvr(w->gate))
		log_warnx("ONVIF without --nvr-credentials: anyone who reaches "
		    "httpd may use it, as its pages");
	return (d);
}

/* Says where it listens, what it serves, and warns of an open door. */
static void
httpd_log_start(struct web *w, const struct web_conf *conf)
{
	int	 i;

	for (i = 0; i < conf->nlisten; i++) {
		log_info("listening on %s", conf->listen[i]);
		if (!auth_gate_enabled(w->gate) &&
		    !auth_loopback(conf->listen[i]))
			log_warnx("%s is reachable from other hosts and "
			    "anyone may watch: consider --htpasswd",
			    conf->listen[i]);
	}
	for (i = 0; i < conf->cams.n; i++)
		log_info("camera %s: frames from %s, H.264 from %s%s",
		    conf->cams.cams[i].name, conf->cams.cams[i].path,
		    conf->cams.cams[i].h264[0] != '\0' ?
		    conf->cams.cams[i].h264 : "none", i == conf->cams.deflt ?
		    " (default)" : "");
	log_info("serving %s", w->wwwroot);
	if (conf->ws_handoff != NULL)
		log_info("handing WebSocket upgrades to %s", conf->ws_handoff);
	if (conf->rtc_handoff != NULL)
		log_info("handing WebRTC signalling to %s", conf->rtc_handoff);
	if (conf->nturn_urls > 0)
		log_info("TURN for viewers at %s%s", conf->turn_urls[0],
		    conf->nturn_urls > 1 ? " and others" : "");
}

/* What the status line is made of. */
struct httpd_status {
	struct web		*w;
	struct camstat		*cam;
};

/*
 * The status line for systemctl status: the camera as capd says, then
 * httpd's own stream clients; the feed's state if capd does not answer.
 */
static void
httpd_status(char *buf, size_t len, void *arg)
{
	struct httpd_status	*hs = arg;
	struct web		*w = hs->w;
	struct jpeg_feed_info	 fi;
	char			 cam[200], cams[32] = "";
	int			 n = clients_streams_all(w);

	camstat_refresh(hs->cam);
	jpeg_feed_info(w->cam->feed, &fi);
	if (w->ncams > 1)
		snprintf(cams, sizeof(cams), " (%d cameras)", w->ncams);
	if (camstat_line(hs->cam, cam, sizeof(cam)) == 0)
		snprintf(buf, len, "camera %s; %d MJPEG client%s%s", cam, n,
		    n == 1 ? "" : "s", cams);
	else if (strcmp(fi.state, "streaming") == 0)
		snprintf(buf, len, "streaming %.0f fps to %d MJPEG client%s%s",
		    fi.fps, n, n == 1 ? "" : "s", cams);
	else if (strcmp(fi.state, "idle") != 0 && *fi.cause != '\0')
		snprintf(buf, len, "%s: %s%s", fi.state, fi.cause, cams);
	else
		snprintf(buf, len, "%s%s", fi.state, cams);
}

/* SIGHUP: re-reads the password files and the TURN secret. */
static void
httpd_on_hup(void *arg)
{
	struct web	*w = arg;

	auth_gate_reload(w->gate);
	turn_reload(w->turn);
}

int
main(int argc, char **argv)
{
	struct options		 o;
	struct daemon		 d;
	struct httpd_status	 hs;
	struct web		*w;
	struct wsdiscovery	*disco;
	char			 cause[512];

	log_init("campipe-httpd", 0);
	options_parse(&o, argc, argv);
	/* Sockets from systemd (campipe-httpd.socket) replace the default. */
	if (daemon_init(&d, cause, sizeof(cause)) == -1)
		fatalx("%s", cause);
	options_listen_default(&o, d.nfds);
	if ((w = dispatch_new(d.base, &o.conf, cause, sizeof(cause))) == NULL)
		fatalx("%s", cause);
	httpd_listen_all(w, &o, &d);
	disco = httpd_discovery(w, d.base);
	if (daemon_drop(&d, o.user, NULL, cause, sizeof(cause)) == -1)
		fatalx("%s", cause);
	httpd_log_start(w, &o.conf);
	hs.w = w;
	if ((hs.cam = camstat_new(d.base, o.conf.control)) == NULL)
		fatalx("out of memory");
	d.on_hup = httpd_on_hup;
	d.hup_arg = w;
	if (daemon_run(&d, httpd_status, &hs, cause, sizeof(cause)) == -1)
		fatalx("%s", cause);
	camstat_free(hs.cam);
	wsdiscovery_free(disco);
	dispatch_free(w);
	daemon_destroy(&d);
	return (0);
}
