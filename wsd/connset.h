/* SPDX-License-Identifier: ISC */
/*
 * connset.h: wsd's connection set: the listeners, every connection (the
 * pool of pending heads and the viewer limits), the cameras (camera.h:
 * each subscribed only while someone watches it), the counters and
 * /status.
 */
#ifndef CAMPIPE_CONNSET_H
#define CAMPIPE_CONNSET_H

#include <stddef.h>

#include "auth.h"
#include "camname.h"
#include "client.h"
#include "connpool.h"

struct accept_pause;
struct connset;
struct event_base;
struct handoff_rec;

#define CONNSET_LISTEN_MAX	8

struct connset_conf {
	struct client_conf client;		/* path, origins, timeouts */
	struct camname_list cams;		/* --camera, --frames, --h264... */
	size_t		 max_camera_clients;	/* per camera */
	const char	*control;		/* capd's control socket, or NULL */
	size_t		 max_clients;		/* WebSocket clients at most */
	struct connpool_conf pool;		/* heads pending, shares */
	size_t		 max_frame;		/* bytes per frame from capd */
	struct auth_conf auth;			/* --htpasswd, --token-key */
};

/*
 * Creates the set; its listeners pause on ap when out of descriptors.
 * NULL with cause on failure.
 */
struct connset	*connset_new(struct event_base *base, struct accept_pause *ap,
		    const struct connset_conf *conf, char *cause,
		    size_t causelen);
/* Closes every connection and frees. */
void		 connset_free(struct connset *r);
/* As the daemon exits (on_stop): each open WebSocket gets a 1001 close. */
void		 connset_goodbye(void *set);

/* SIGHUP (on_hup): re-reads the password file, or keeps the old one. */
void		 connset_reload(void *set);
/* True when clients need a token or credentials. */
int		 connset_auth_enabled(const struct connset *r);
/* Accepts on a listening socket (wsd.c's or systemd's).  0, or -1 with cause. */
int		 connset_listen_fd(struct connset *r, int fd, char *cause,
		    size_t causelen);
/* Takes over a connection httpd handed over with its record. */
void		 connset_adopt(int fd, const struct handoff_rec *rec,
		    void *arg);
/* The one-line status for systemctl status (a notify_status_cb). */
void		 connset_status_line(char *buf, size_t len, void *arg);

#endif
