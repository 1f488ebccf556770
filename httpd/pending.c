/* SPDX-License-Identifier: ISC */
/*
 * pending.c: the pool of connections in a request head (pending.h).
 *
 * evhttp gives no hook at accept with the connection, but it asks for
 * each new connection's bufferevent (evhttp_set_bevcb): the pool makes it,
 * keeps a reference, and right after the accept (an event made active
 * then) finds the connection behind it (the bufferevent's callback
 * argument), its peer, and makes room for it.  The connection leaves the
 * pool when its request reaches the handlers (pending_done) and comes back
 * when its answer is out (evhttp_request_set_on_complete_cb).  Its close
 * callback, ours while it is pending, tells when evhttp frees it.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include "accept_pause.h"
#include "connpool.h"
#include "log.h"

#include "pending.h"

struct pending_conn {
	struct connpool_entry	 pool;
	TAILQ_ENTRY(pending_conn) entry;	/* fresh, or pending */
	struct pending		*pd;
	struct bufferevent	*bev;		/* one reference is ours */
	struct evhttp_connection *evcon;	/* NULL while fresh */
	struct evbuffer_cb_entry *input_cb;	/* sees the first byte */
	struct event		*deadline;	/* the head's */
	char			 addr[64];	/* peer, for the log */
};
TAILQ_HEAD(pending_list, pending_conn);

struct pending {
	struct event_base	*base;
	struct pending_conf	 conf;
	struct accept_pause	*ap;		/* counts accepts, or NULL */
	pending_bev_cb		 make;		/* makes bufferevents, or NULL */
	void			*make_arg;
	struct connpool		*pool;
	struct pending_list	 fresh;		/* accepted, not yet placed */
	struct pending_list	 conns;		/* in the pool */
	size_t			 nconns;
	struct event		*ev_fresh;	/* places the fresh ones */
	struct pending_conn	*closing;	/* being freed by us */
	unsigned long long	 evicted;
	unsigned long long	 timeouts;
};

static void	pending_deadline(evutil_socket_t, short, void *);
static void	pending_place(evutil_socket_t, short, void *);

/* Forgets a connection: out of the pool, our reference dropped. */
static void
pending_leave(struct pending_conn *pc)
{
	struct pending	*pd = pc->pd;

	if (pc->input_cb != NULL)
		evbuffer_remove_cb_entry(bufferevent_get_input(pc->bev),
		    pc->input_cb);
	if (pc->deadline != NULL)
		event_free(pc->deadline);
	if (pc->evcon != NULL) {
		TAILQ_REMOVE(&pd->conns, pc, entry);
		pd->nconns--;
		connpool_remove(pd->pool, &pc->pool);
	} else
		TAILQ_REMOVE(&pd->fresh, pc, entry);
	if (pd->closing == pc)
		pd->closing = NULL;
	bufferevent_decref(pc->bev);
	free(pc);
}

/* evhttp frees a pending connection. */
static void
pending_closed(struct evhttp_connection *evcon, void *arg)
{
	pending_leave(arg);
}

/* True while evhttp still runs the connection on our bufferevent. */
static int
pending_alive(struct pending_conn *pc)
{
	bufferevent_event_cb	 eventcb;
	void			*cbarg;

	bufferevent_getcb(pc->bev, NULL, NULL, &eventcb, &cbarg);
	return (eventcb != NULL && (pc->evcon == NULL || cbarg == pc->evcon));
}

/* Closes a pending connection. */
static void
pending_kill(struct pending_conn *pc)
{
	struct pending	*pd = pc->pd;

	if (!pending_alive(pc)) {
		pending_leave(pc);
		return;
	}
	pd->closing = pc;
	evhttp_connection_free(pc->evcon);
	/* Our close callback forgot it, unless evhttp did not call it. */
	if (pd->closing == pc)
		pending_leave(pc);
}

/* Bytes came in: the head's clock starts at the first. */
static void
pending_input(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct pending_conn	*pc = arg;

	if (info->n_added > 0 && !evtimer_pending(pc->deadline, NULL))
		evtimer_add(pc->deadline, &pc->pd->conf.head_timeout);
}

/* The head took too long since its first byte. */
static void
pending_deadline(evutil_socket_t fd, short what, void *arg)
{
	static struct log_rate	 lr = LOG_RATE_INIT("slow request heads");
	struct pending_conn	*pc = arg;

	log_rate_info(&lr, "%s: no request head in time", pc->addr);
	pc->pd->timeouts++;
	pending_kill(pc);
}

/* The peer's address for the pool and the log. */
static void
pending_peer(struct pending_conn *pc)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	char			 host[48], port[8];
	int			 fd = bufferevent_getfd(pc->bev);

	memset(&ss, 0, sizeof(ss));
	if (fd == -1 || getpeername(fd, (struct sockaddr *)&ss, &sslen) == -1)
		sslen = 0;
	connpool_entry_init(&pc->pool, sslen > 0 ? (struct sockaddr *)&ss :
	    NULL, sslen);
	if (sslen == 0 || getnameinfo((struct sockaddr *)&ss, sslen, host,
	    sizeof(host), port, sizeof(port),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(pc->addr, sizeof(pc->addr), "?");
	else if (ss.ss_family == AF_INET6)
		snprintf(pc->addr, sizeof(pc->addr), "[%s]:%s", host, port);
	else
		snprintf(pc->addr, sizeof(pc->addr), "%s:%s", host, port);
}

/*
 * Puts a connection in the pool, closing the oldest pending ones (its
 * address's own first) to make room.  A connection that cannot be tracked
 * (out of memory) is left to evhttp's own timeout.
 */
static void
pending_enter(struct pending *pd, struct pending_conn *pc,
    struct evhttp_connection *evcon)
{
	static struct log_rate	 lr = LOG_RATE_INIT("evicted connections");
	struct connpool_entry	*e;
	struct pending_conn	*v;
	struct evbuffer		*in = bufferevent_get_input(pc->bev);

	pending_peer(pc);
	while ((e = connpool_victim(pd->pool, &pc->pool)) != NULL) {
		v = (struct pending_conn *)((char *)e -
		    offsetof(struct pending_conn, pool));
		log_rate_info(&lr, "%s: closed, still without a request "
		    "head, to make room for %s", v->addr, pc->addr);
		pd->evicted++;
		pending_kill(v);
	}
	TAILQ_REMOVE(&pd->fresh, pc, entry);
	pc->evcon = evcon;
	TAILQ_INSERT_TAIL(&pd->conns, pc, entry);
	pd->nconns++;
	pc->deadline = evtimer_new(pd->base, pending_deadline, pc);
	if (pc->deadline == NULL ||
	    connpool_pend(pd->pool, &pc->pool) == -1 ||
	    (pc->input_cb = evbuffer_add_cb(in, pending_input, pc)) == NULL) {
		pending_leave(pc);
		return;
	}
	if (evbuffer_get_length(in) > 0)
		evtimer_add(pc->deadline, &pd->conf.head_timeout);
	evhttp_connection_set_closecb(evcon, pending_closed, pc);
}

/* A new tracking record for a connection's bufferevent, held by us. */
static struct pending_conn *
pending_conn_new(struct pending *pd, struct bufferevent *bev)
{
	struct pending_conn	*pc;

	if ((pc = calloc(1, sizeof(*pc))) == NULL)
		return (NULL);
	pc->pd = pd;
	pc->bev = bev;
	bufferevent_incref(bev);
	TAILQ_INSERT_TAIL(&pd->fresh, pc, entry);
	return (pc);
}

/*
 * evhttp accepts a connection and asks for its bufferevent.  The ones
 * accepted before it in the same burst are whole by now: they are placed
 * first, so a burst never holds more than one unplaced socket.
 */
static struct bufferevent *
pending_bev(struct event_base *base, void *arg)
{
	struct pending		*pd = arg;
	struct bufferevent	*bev;

	pending_place(-1, 0, pd);
	if (pd->ap != NULL)
		accept_pause_accepted(pd->ap);
	if (pd->make != NULL)
		bev = pd->make(base, pd->make_arg);
	else
		bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		return (NULL);
	if (pending_conn_new(pd, bev) == NULL) {
		bufferevent_free(bev);
		return (NULL);
	}
	event_active(pd->ev_fresh, EV_TIMEOUT, 0);
	return (bev);
}

/* Right after the accepts: the pool takes the new connections. */
static void
pending_place(evutil_socket_t fd, short what, void *arg)
{
	struct pending		*pd = arg;
	struct pending_conn	*pc;
	bufferevent_event_cb	 eventcb;
	void			*cbarg;

	while ((pc = TAILQ_FIRST(&pd->fresh)) != NULL) {
		bufferevent_getcb(pc->bev, NULL, NULL, &eventcb, &cbarg);
		if (eventcb == NULL || cbarg == NULL ||
		    bufferevent_getfd(pc->bev) == -1)
			pending_leave(pc);	/* evhttp gave up on it */
		else
			pending_enter(pd, pc, cbarg);
	}
}

/* A kept-alive connection's answer is out: it waits for a head again. */
static void
pending_again(struct evhttp_request *req, void *arg)
{
	struct pending			*pd = arg;
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	struct pending_conn		*pc;

	if ((evcon = evhttp_request_get_connection(req)) == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evcon)) == NULL)
		return;
	evhttp_connection_set_closecb(evcon, NULL, NULL);
	if ((pc = pending_conn_new(pd, bev)) != NULL)
		pending_enter(pd, pc, evcon);
}

/* Hooks into http's new connections. */
struct pending *
pending_new(struct event_base *base, struct evhttp *http,
    const struct pending_conf *conf, pending_bev_cb make, void *make_arg,
    char *cause, size_t causelen)
{
	struct pending	*pd;

	if ((pd = calloc(1, sizeof(*pd))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	pd->base = base;
	pd->conf = *conf;
	pd->make = make;
	pd->make_arg = make_arg;
	TAILQ_INIT(&pd->fresh);
	TAILQ_INIT(&pd->conns);
	pd->pool = connpool_new(&conf->pool);
	pd->ev_fresh = event_new(base, -1, 0, pending_place, pd);
	if (pd->pool == NULL || pd->ev_fresh == NULL) {
		snprintf(cause, causelen, "out of memory");
		pending_free(pd);
		return (NULL);
	}
	evhttp_set_bevcb(http, pending_bev, pd);
	return (pd);
}

/* Counts each accept in ap. */
void
pending_set_accept_pause(struct pending *pd, struct accept_pause *ap)
{
	pd->ap = ap;
}

/* Frees what is left (evhttp_free() has closed the connections). */
void
pending_free(struct pending *pd)
{
	struct pending_conn	*pc;

	if (pd == NULL)
		return;
	while ((pc = TAILQ_FIRST(&pd->fresh)) != NULL)
		pending_leave(pc);
	while ((pc = TAILQ_FIRST(&pd->conns)) != NULL)
		pending_leave(pc);
	if (pd->ev_fresh != NULL)
		event_free(pd->ev_fresh);
	connpool_free(pd->pool);
	free(pd);
}

/* A request head was read: its connection leaves the pool. */
void
pending_done(struct pending *pd, struct evhttp_request *req)
{
	struct evhttp_connection	*evcon;
	struct pending_conn		*pc;

	if ((evcon = evhttp_request_get_connection(req)) == NULL)
		return;
	TAILQ_FOREACH(pc, &pd->conns, entry) {
		if (pc->evcon == evcon) {
			evhttp_connection_set_closecb(evcon, NULL, NULL);
			pending_leave(pc);
			break;
		}
	}
	evhttp_request_set_on_complete_cb(req, pending_again, pd);
}

/* Connections in the pool now. */
size_t
pending_count(const struct pending *pd)
{
	return (pd->nconns);
}

/* Connections closed to make room. */
unsigned long long
pending_evicted(const struct pending *pd)
{
	return (pd->evicted);
}

/* Connections cut at --head-timeout. */
unsigned long long
pending_timeouts(const struct pending *pd)
{
	return (pd->timeouts);
}
