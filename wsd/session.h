/* SPDX-License-Identifier: ISC */
/*
 * session.h: a WebSocket session, from the 101 on: frames latest-wins (or
 * H.264 units in order) through a fan-out viewer of one camera, written
 * straight to the socket with the payload by reference; pings, pongs and
 * the close handshake.  The connection (client.c) lends its bufferevent
 * and learns through one callback that the session ended.
 */
#ifndef CAMPIPE_SESSION_H
#define CAMPIPE_SESSION_H

#include <sys/time.h>
#include <stddef.h>
#include <stdint.h>

#include "camera.h"
#include "fanout.h"
#include "ws_handshake.h"

struct bufferevent;
struct event;
struct event_base;
struct ws_codec;

/* The options a session runs by. */
struct session_conf {
	size_t		 max_message;		/* bytes per client message */
	struct timeval	 ping_interval;
	struct timeval	 ping_timeout;
	struct timeval	 write_timeout;		/* no progress writing: drop */
};

/* How a session ended, for its connection. */
enum session_end {
	SESSION_CLOSING,	/* a close frame is queued: linger once out */
	SESSION_BROKEN,		/* the socket failed: linger now */
	SESSION_SILENT		/* no answer to a ping: drop now */
};

struct session {
	const struct session_conf *conf;
	struct bufferevent	*bev;		/* the connection's */
	int			 fd;
	const char		*addr;		/* peer, for the log */
	struct camera		*cam;
	struct camera_viewer	 viewer;	/* on cam's list, watching */
	int			 watching;
	int			 open;
	struct ws_codec		*codec;
	struct ws_handshake_params params;
	struct fanout		 fan;		/* latest frame wins */
	size_t			 sndbuf;	/* send buffer sized for */
	struct event		*ev_rate;	/* fps cap: pending is due */
	struct event		*ev_ping;
	struct event		*ev_msg;	/* a fragmented message's time */
	int			 awaiting_pong;
	uint32_t		 pings;
	unsigned int		 controls;	/* control frames queued */
	uint64_t		 frames_sent;
	uint64_t		 bytes_sent;
	/* The session ended (called once; the connection may free it). */
	void			(*on_end)(enum session_end, void *);
	void			*arg;
};

/*
 * Switches to the WebSocket protocol after a good handshake: the 101 out,
 * joined to cam (its H.264 feed with h264).  s->conf, bev, fd, addr,
 * on_end and arg are set.  0, or -1 with cause (nothing was sent).
 */
int		 session_open(struct session *s, struct event_base *base,
		    const struct ws_handshake_result *res, struct camera *cam,
		    int h264, char *cause, size_t causelen);
/* Feeds what the client sent to the frame parser. */
void		 session_read(struct session *s);
/* The output buffer emptied: the next frame may go. */
void		 session_drained(struct session *s);
/* Stops frames and timers and leaves the camera; no callback. */
void		 session_stop(struct session *s);
/* As the daemon exits: writes a close with code if the WebSocket is open. */
void		 session_goodbye(struct session *s, unsigned short code);
/* Stops and frees what the session holds (not s itself). */
void		 session_free(struct session *s);

#endif
