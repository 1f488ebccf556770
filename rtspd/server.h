/* SPDX-License-Identifier: ISC */
/*
 * server.h: rtspd's running state set up and torn down (state.h): the
 * authentication, the pools, one stream per camera, the listeners (each
 * with its UDP pair), accepting connections fairly, and the status line.
 */
#ifndef RTSPD_SERVER_H
#define RTSPD_SERVER_H

#include <stddef.h>

#include "state.h"

struct accept_pause;
struct event_base;

struct server {
	struct state		 st;
	struct accept_pause	*ap;
	struct evconnlistener	*listeners[STATE_LISTEN_MAX];
	int			 nlisteners;
};

/* Sets up s from conf.  0, or -1 with cause. */
int	server_init(struct server *s, struct event_base *base,
	    struct accept_pause *ap, const struct state_conf *conf,
	    char *cause, size_t causelen);
/* Closes every connection, listener and stream. */
void	server_destroy(struct server *s);
/*
 * Accepts on a listening socket, with a UDP pair on its address when
 * conf->udp_port is set.  0, or -1 with cause.
 */
int	server_listen_fd(struct server *s, int fd, char *cause,
	    size_t causelen);
/* SIGHUP: re-reads the password file. */
void	server_reload(void *s);
/* The status line for systemd (a notify_status_cb). */
void	server_status_line(char *buf, size_t len, void *s);

#endif
