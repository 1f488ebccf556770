/* SPDX-License-Identifier: ISC */
/*
 * handoff_rec.h: the record httpd sends with a connection it hands over
 * (docs/handoff.md), to wsd or rtcd: the client's address, the user httpd
 * authenticated, the request head and the body httpd read.  Built and
 * parsed without I/O.
 */
#ifndef CAMPIPE_HANDOFF_REC_H
#define CAMPIPE_HANDOFF_REC_H

#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#define HANDOFF_REC_MAGIC	"CPWH"
#define HANDOFF_REC_VERSION	1
#define HANDOFF_REC_FIXED	28	/* bytes before the user name */
#define HANDOFF_REC_USER_MAX	64	/* AUTH_BASIC_MAX_USER */
#define HANDOFF_REC_HEAD_MAX	8192	/* WS_REQUEST_HEAD_MAX */
#define HANDOFF_REC_BODY_MAX	16384	/* SDP_OFFER_MAX */
#define HANDOFF_REC_MAX		(HANDOFF_REC_FIXED + HANDOFF_REC_USER_MAX + \
				    HANDOFF_REC_HEAD_MAX + HANDOFF_REC_BODY_MAX)

struct handoff_rec {
	struct sockaddr_storage	 sa;	/* AF_UNSPEC when httpd knew none */
	socklen_t		 salen;
	char			 user[HANDOFF_REC_USER_MAX + 1]; /* "" if none */
	const char		*head;	/* into the record: not NUL-terminated */
	size_t			 headlen;
	const uint8_t		*body;	/* into the record, after the head */
	size_t			 bodylen;	/* 0 without a body */
};

/*
 * Writes a record into buf (HANDOFF_REC_MAX bytes do for any), with
 * bodylen bytes of body after the head (0: none).  Returns its length, or
 * -1 with cause when a field is out of bounds.
 */
int	handoff_rec_build(uint8_t *buf, size_t len, const struct sockaddr *sa,
	    const char *user, const char *head, size_t headlen,
	    const void *body, size_t bodylen, char *cause, size_t causelen);
/*
 * Parses one whole record (len is the datagram's length).  Returns 0, or
 * -1 with cause for anything docs/handoff.md does not allow.
 */
int	handoff_rec_parse(struct handoff_rec *rec, const uint8_t *buf,
	    size_t len, char *cause, size_t causelen);

#endif
