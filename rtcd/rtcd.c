/* SPDX-License-Identifier: ISC */
/*
 * rtcd: serves capd's H.264 to browsers over WebRTC: WHEP signalling that
 * httpd hands over, ICE-lite, DTLS-SRTP, one UDP port for every session,
 * subscribing to capd only while someone watches.
 */
#include <sys/time.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon.h"
#include "dtls_srtp.h"
#include "handoff_recv.h"
#include "log.h"
#include "media.h"
#include "mono.h"
#include "net.h"
#include "options.h"
#include "peer.h"
#include "whep_reply.h"
#include "srtp_session.h"
#include "state.h"
#include "status.h"
#include "whep.h"
#include "whep_wait.h"

#define RTCD_TICK_MS		20	/* the sessions' timers */

/* The sessions' and cameras' timers. */
static void
rtcd_on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct state	*st = arg;
	uint64_t	 now = mono_ms();

	peer_tick(st, now);
	media_tick(st, now);
}

/* Makes the running state, or exits. */
static void
rtcd_init(struct state *st, struct event_base *base,
    const struct options *o)
{
	struct timeval	 tv = { 0, RTCD_TICK_MS * 1000 };
	const char	*why;
	char		 cause[512];
	int		 k;

	memset(st, 0, sizeof(*st));
	st->base = base;
	st->conf = &o->conf;
	st->start_ms = mono_ms();
	TAILQ_INIT(&st->peers);
	TAILQ_INIT(&st->replies);
	TAILQ_INIT(&st->waits);
	if (srtp_session_lib_init(&why) == -1 ||
	    dtls_srtp_cert_init(&st->cert, &why) == -1)
		fatalx("%s", why);
	if (media_init(st, cause, sizeof(cause)) == -1 ||
	    net_open(st, cause, sizeof(cause)) == -1)
		fatalx("%s", cause);
	if ((st->tick = event_new(base, -1, EV_PERSIST, rtcd_on_tick,
	    st)) == NULL || event_add(st->tick, &tv) == -1)
		fatalx("out of memory");
	for (k = 0; k < o->conf.cams.n; k++)
		log_info("camera %s: H.264 from %s at /cam/%s/whep%s",
		    o->conf.cams.cams[k].name, o->conf.cams.cams[k].h264,
		    o->conf.cams.cams[k].name, k == o->conf.cams.deflt ?
		    " and /whep" : "");
	log_info("certificate sha-256 %s", dtls_srtp_cert_fpstr(st->cert));
}

/* Ends every session and frees the state. */
static void
rtcd_destroy(struct state *st)
{
	whep_wait_free_all(st);
	peer_end_all(st, "shutdown");
	whep_reply_free_all(st);
	if (st->tick != NULL)
		event_free(st->tick);
	net_free(st->net);
	media_free(st);
	dtls_srtp_cert_free(st->cert);
}

/* Options, set-up, the loop until a stop signal, teardown. */
int
main(int argc, char *argv[])
{
	static struct options	 o;
	static struct state	 st;
	struct daemon		 d;
	struct handoff_recv	*hr;
	char			 cause[512];

	log_init("campipe-rtcd", 0);
	options_parse(&o, argc, argv);
	log_setverbose(o.verbose);
	if (daemon_init(&d, cause, sizeof(cause)) == -1)
		fatalx("%s", cause);
	rtcd_init(&st, d.base, &o);
	if ((hr = handoff_recv_new(d.base, o.handoff, "rtcd", whep_take, &st,
	    cause, sizeof(cause))) == NULL)
		fatalx("%s", cause);
	log_info("taking handed-over requests on %s", o.handoff);
	if (daemon_drop(&d, o.user, NULL, cause, sizeof(cause)) == -1)
		fatalx("%s", cause);
	handoff_recv_allow(hr, o.handoff_user ? o.handoff_uid : geteuid());
	if (daemon_run(&d, status_line, &st, cause, sizeof(cause)) == -1)
		fatalx("%s", cause);
	rtcd_destroy(&st);
	handoff_recv_free(hr);
	daemon_destroy(&d);
	return (0);
}
