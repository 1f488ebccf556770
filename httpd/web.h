/* SPDX-License-Identifier: ISC */
/*
 * web.h: what every part of httpd reads: the configuration, the counters,
 * and the server's parts (cameras, auth, pools) that the dispatcher
 * (dispatch.c) makes.  Only types and small inline helpers: no module.
 */
#ifndef HTTPD_WEB_H
#define HTTPD_WEB_H

#include <sys/socket.h>
#include <sys/time.h>
#include <stddef.h>
#include <stdint.h>

#include "admit.h"
#include "auth.h"
#include "camname.h"
#include "mono.h"
#include "pending.h"

#define WEB_LISTEN_MAX	8
#define WEB_PROXIES_MAX	8
#define WEB_ADMINS_MAX	16
#define WEB_NAMES_MAX	32
#define WEB_TURN_MAX	8

struct event_base;
struct evhttp;
struct evhttp_request;
struct cam;
struct connpool;
struct auth_gate;
struct handoff;
struct turn;
struct host_headers;
struct strict;
struct onvif;
struct wsdiscovery;

/* Command-line configuration; never changed at run time. */
struct web_conf {
	const char	*listen[WEB_LISTEN_MAX];
	int		 nlisten;
	struct camname_list cams;	/* --camera, --frames, --h264... */
	int		 max_camera_clients; /* per camera */
	const char	*control;	/* capd's control socket */
	const char	*admins[WEB_ADMINS_MAX];	/* --admin */
	int		 nadmins;
	const char	*www;		/* static file root */
	int		 max_clients;	/* stream clients + waiting stills */
	int		 max_clients_per_addr; /* stream clients, one address */
	const char	*allow_origin;	/* CORS; NULL: none */
	double		 still_timeout;	/* seconds to wait for a still */
	double		 stream_timeout; /* seconds a stream may take nothing */
	double		 idle_timeout;	/* seconds for requests and keep-alive */
	size_t		 max_frame;	/* largest JPEG accepted from capd */
	int		 ws_port;	/* for /api/config */
	const char	*ws_handoff;	/* wsd's handoff socket, or NULL */
	const char	*rtc_handoff;	/* rtcd's handoff socket, or NULL */
	const char	*turn_urls[WEB_TURN_MAX];	/* --turn-url */
	size_t		 nturn_urls;
	const char	*turn_secret_file; /* --turn-secret-file, or NULL */
	unsigned	 turn_ttl;	/* --turn-ttl, seconds */
	struct sockaddr_storage proxies[WEB_PROXIES_MAX]; /* --trusted-proxy */
	size_t		 nproxies;
	const char	*ws_path;
	const char	*htpasswd;	/* NULL: no authentication */
	struct auth_conf access;	/* --camera-users and its file only */
	const char	*metrics_htpasswd; /* NULL: as for other paths */
	const char	*token_key;	/* NULL: a random key per run */
	unsigned	 token_ttl;	/* seconds; 0: the default */
	unsigned	 login_ttl;	/* --login-ttl, seconds; 0: the default */
	unsigned	 auth_delay_ms;	/* after a failure; 0: the default */
	char		*server_names[WEB_NAMES_MAX];	/* --server-name */
	size_t		 nserver_names;
	const char	*frame_ancestors; /* CSP sources; NULL: 'self' */
	struct pending_conf pending;	/* heads: --max-pending... */
	int		 onvif;		/* --onvif */
	int		 onvif_rtsp_port; /* rtspd's, for stream URIs */
	const char	*nvr_credentials; /* WS-UsernameToken; NULL: none */
};

/* Counters shown by /api/status and /metrics. */
struct web_stats {
	uint64_t	 requests;
	uint64_t	 refused;	/* 503 for --max-clients */
	uint64_t	 refused_addr;	/* 503 for --max-clients-per-addr */
	uint64_t	 evicted;	/* viewers closed for a quieter one */
	uint64_t	 stills_served;
	uint64_t	 stills_failed;
	uint64_t	 stream_frames;	/* parts queued to stream clients */
	uint64_t	 stream_skipped; /* frames a stream client skipped */
	uint64_t	 streams_total;	/* stream clients ever */
	uint64_t	 bytes_stills;
	uint64_t	 bytes_stream;
	uint64_t	 bytes_files;
};

/* What httpd's requests to capd's control socket found, wall-clock. */
struct web_capd {
	double		 seen;		/* its latest answer, 0: never */
	double		 lost;		/* unreachable since, 0: it answers */
	char		 cause[128];	/* why, while lost */
};

struct web {
	const struct web_conf	*conf;
	struct event_base	*base;
	struct evhttp		*http;
	char			*wwwroot;	/* realpath of conf->www */
	struct cam		*cams[CAMNAME_CAMERAS];
	int			 ncams;
	struct cam		*cam;		/* the default camera */
	struct auth_gate		*gate;
	struct handoff		*handoff;	/* --ws-handoff, or NULL */
	struct handoff		*rtc;		/* --rtc-handoff, or NULL */
	struct turn		*turn;		/* --turn-url, or NULL */
	struct strict		*strict;	/* raw head checks */
	struct host_headers		*headers;	/* Host, security headers */
	struct pending		*pending;	/* connections in a head */
	struct connpool		*viewers;	/* stream clients per address */
	struct onvif		*onvif;		/* --onvif, or NULL */
	struct web_stats	 stats;
	struct admit		 admit;		/* --max-clients */
	double			 started;	/* monotonic seconds */
	struct web_capd		 capd;		/* the default camera's capd */
};

/* Seconds (fractions allowed, as the options take them) as a timeval. */
static inline void
web_tv(double sec, struct timeval *tv)
{
	tv->tv_sec = (time_t)sec;
	tv->tv_usec = (suseconds_t)((sec - (double)tv->tv_sec) * 1e6);
}

/* Seconds since start, monotonic. */
static inline double
web_uptime(const struct web *w)
{
	return (mono_sec() - w->started);
}

#endif
