/* SPDX-License-Identifier: ISC */
/*
 * framesock.h: capd's frame socket: accepts subscribers, fans frames out to
 * them (latest frame wins, shared buffers), and starts and stops the source
 * on demand.
 */
#ifndef CAPD_FRAMESOCK_H
#define CAPD_FRAMESOCK_H

#include <sys/time.h>
#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct frame;
struct framesock;
struct source;

struct framesock_conf {
	const char	*path;		/* --socket */
	mode_t		 mode;		/* --socket-mode */
	int		 idle_stop_ms;	/* --idle-stop */
	int		 warmup_ms;	/* --warmup */
	double		 write_timeout;	/* --write-timeout, seconds */
	int		 max_subscribers;
};

/*
 * Binds and listens on conf->path: refuses if another capd listens there,
 * replaces a stale socket file.  Returns NULL and fills cause on error.
 */
struct framesock	*framesock_new(struct event_base *base,
		    const struct framesock_conf *conf, char *cause,
		    size_t causelen);
/* Sets the source started and stopped on demand. */
void		 framesock_set_source(struct framesock *srv,
		    struct source *src);
/*
 * Refuses every frame subscriber, saying why (a source that gives no
 * pictures: docs/frames.md); NULL accepts them again.
 */
void		 framesock_set_refusal(struct framesock *srv, const char *why);
const char	*framesock_refusal(const struct framesock *srv);
/* Closes every subscriber, stops the source and removes the socket file. */
void		 framesock_free(struct framesock *srv);

/* A JPEG from the source: numbered, stamped and sent to subscribers. */
void		 framesock_publish(struct framesock *srv,
		    const unsigned char *jpeg, size_t len,
		    const struct timeval *ts);
/*
 * A picture encoded to H.264 only: numbered and counted as a frame, the
 * last JPEG no longer sent to new subscribers.  Its seq, or 0 while
 * warming up (dropped).
 */
uint64_t	 framesock_count(struct framesock *srv);
/* A source that gives no JPEG delivered: its last failure is over. */
void		 framesock_source_alive(struct framesock *srv);
/* The source failed; it retries by itself.  For logs and status. */
void		 framesock_source_error(struct framesock *srv,
		    const char *cause);

/*
 * Holds the source on as a subscriber would (delta +1), or releases a
 * hold (-1): for capd's other products, such as the H.264 socket.
 */
void		 framesock_hold(struct framesock *srv, int delta);

/* Counters for the status line. */
int		 framesock_subscribers(const struct framesock *srv);
unsigned long long framesock_frames(const struct framesock *srv);
unsigned long long framesock_refused(const struct framesock *srv);
/* The source's last failure, cleared by its next frame; NULL if none. */
const char	*framesock_problem(const struct framesock *srv);

/* For capd's control socket (docs/control.md). */
struct framesock_sub_info {
	const char		*name;	/* as the subscriber said, or NULL */
	unsigned long long	 sent, skipped;
	long			 viewers;	/* as it said, or -1 */
};
/* Stops and starts a running source so a changed conf takes effect. */
void		 framesock_restart_source(struct framesock *srv);
void		 framesock_each_subscriber(const struct framesock *srv,
		    void (*fn)(const struct framesock_sub_info *, void *),
		    void *arg);
unsigned long long framesock_dropped(const struct framesock *srv);
const struct frame *framesock_latest(const struct framesock *srv);
/* The last source failure ever and when it happened; NULL if none. */
const char	*framesock_last_error(const struct framesock *srv,
		    struct timeval *when);

#endif
