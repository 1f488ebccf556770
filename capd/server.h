/* SPDX-License-Identifier: ISC */
/*
 * server.h: capd's frame socket: accepts subscribers, fans frames out to
 * them (latest frame wins, shared buffers), and starts and stops the source
 * on demand.
 */
#ifndef CAPD_SERVER_H
#define CAPD_SERVER_H

#include <sys/time.h>
#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct frame;
struct server;
struct source;

struct server_conf {
	const char	*path;		/* --socket */
	mode_t		 mode;		/* --socket-mode */
	int		 idle_stop_ms;	/* --idle-stop */
	int		 warmup_ms;	/* --warmup */
	int		 write_timeout;	/* --write-timeout, seconds */
	int		 max_subscribers;
};

/*
 * Binds and listens on conf->path: refuses if another capd listens there,
 * replaces a stale socket file.  Returns NULL and fills cause on error.
 */
struct server	*server_new(struct event_base *base,
		    const struct server_conf *conf, char *cause,
		    size_t causelen);
/* Sets the source started and stopped on demand. */
void		 server_set_source(struct server *srv, struct source *src);
/*
 * Refuses every frame subscriber, saying why (a source that gives no
 * pictures: docs/frames.md); NULL accepts them again.
 */
void		 server_set_refusal(struct server *srv, const char *why);
const char	*server_refusal(const struct server *srv);
/* Closes every subscriber, stops the source and removes the socket file. */
void		 server_free(struct server *srv);

/* A JPEG from the source: numbered, stamped and sent to subscribers. */
void		 server_publish(struct server *srv, const unsigned char *jpeg,
		    size_t len, const struct timeval *ts);
/*
 * A picture encoded to H.264 only: numbered and counted as a frame, the
 * last JPEG no longer sent to new subscribers.  Its seq, or 0 while
 * warming up (dropped).
 */
uint64_t	 server_count(struct server *srv);
/* A source that gives no JPEG delivered: its last failure is over. */
void		 server_source_alive(struct server *srv);
/* The source failed; it retries by itself.  For logs and status. */
void		 server_source_error(struct server *srv, const char *cause);

/*
 * Holds the source on as a subscriber would (delta +1), or releases a
 * hold (-1): for capd's other products, such as the H.264 socket.
 */
void		 server_hold(struct server *srv, int delta);
/*
 * Opens a listening Unix socket at conf->path with conf->mode: refuses if
 * someone listens there, replaces a stale socket file.  The descriptor
 * (non-blocking), or -1 and cause.
 */
int		 server_listen(const struct server_conf *conf, char *cause,
		    size_t causelen);

/* Counters for the status line. */
int		 server_subscribers(const struct server *srv);
unsigned long long server_frames(const struct server *srv);
unsigned long long server_refused(const struct server *srv);
/* The source's last failure, cleared by its next frame; NULL if none. */
const char	*server_problem(const struct server *srv);

/*
 * Binds and listens on the Unix socket conf->path with conf->mode,
 * replacing a stale socket file; the descriptor, or -1 with cause.
 */
int		 server_listen(const struct server_conf *conf, char *cause,
		    size_t causelen);

/* For capd's control socket (docs/control.md). */
struct server_sub_info {
	const char		*name;	/* as the subscriber said, or NULL */
	unsigned long long	 sent, skipped;
	long			 viewers;	/* as it said, or -1 */
};
/* Stops and starts a running source so a changed conf takes effect. */
void		 server_restart_source(struct server *srv);
void		 server_each_subscriber(const struct server *srv,
		    void (*fn)(const struct server_sub_info *, void *),
		    void *arg);
unsigned long long server_dropped(const struct server *srv);
const struct frame *server_latest(const struct server *srv);
/* The last source failure ever and when it happened; NULL if none. */
const char	*server_last_error(const struct server *srv,
		    struct timeval *when);

#endif
