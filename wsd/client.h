/*
 * client.h: one connection to wsd, from the request head through the
 * WebSocket session to the close.  Sends frames latest-wins: at most one
 * frame in the output buffer and one pending, the payload by reference.
 */
#ifndef CAMPIPE_CLIENT_H
#define CAMPIPE_CLIENT_H

#include <sys/socket.h>
#include <stddef.h>

struct client;
struct frame;
struct relay;

/* Takes over an accepted socket; NULL (socket closed) on failure. */
struct client	*client_new(struct relay *r, int fd, const struct sockaddr *sa,
		    int salen, size_t slot);
/* Closes the connection without ceremony and frees. */
void		 client_free(struct client *c);
/* As the daemon exits: writes a close with code if the WebSocket is open. */
void		 client_goodbye(struct client *c, unsigned short code);
/* Offers a new frame: sent now, or kept as the pending one. */
void		 client_frame(struct client *c, struct frame *f);
/* The relay moved this client in its table. */
void		 client_set_slot(struct client *c, size_t slot);

#endif
