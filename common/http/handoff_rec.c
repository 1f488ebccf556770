/* SPDX-License-Identifier: ISC */
/*
 * handoff_rec.c: builds and parses the handoff record (docs/handoff.md),
 * no I/O.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "handoff_rec.h"

/* Whether a user name is 1 to 64 bytes without controls or ':'. */
static int
handoff_rec_user_ok(const uint8_t *u, size_t len)
{
	size_t	 i;

	if (len == 0 || len > HANDOFF_REC_USER_MAX)
		return (0);
	for (i = 0; i < len; i++)
		if (u[i] < 0x20 || u[i] == 0x7f || u[i] == ':')
			return (0);
	return (1);
}

/* Whether the head ends with its blank line and holds no other one. */
static int
handoff_rec_head_ok(const char *h, size_t len)
{
	size_t	 i;

	if (len < 4 || memcmp(h + len - 4, "\r\n\r\n", 4) != 0)
		return (0);
	for (i = 0; i + 4 < len; i++)
		if (memcmp(h + i, "\r\n\r\n", 4) == 0)
			return (0);
	return (1);
}

/* Writes a record. */
int
handoff_rec_build(uint8_t *buf, size_t len, const struct sockaddr *sa,
    const char *user, const char *head, size_t headlen, const void *body,
    size_t bodylen, char *cause, size_t causelen)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;
	size_t				 ulen = user != NULL ? strlen(user) : 0;
	uint16_t			 port = 0;

	if (ulen != 0 && !handoff_rec_user_ok((const uint8_t *)user, ulen)) {
		snprintf(cause, causelen, "user name not allowed in a record");
		return (-1);
	}
	if (headlen > HANDOFF_REC_HEAD_MAX ||
	    !handoff_rec_head_ok(head, headlen)) {
		snprintf(cause, causelen, "request head of %zu bytes not "
		    "allowed in a record", headlen);
		return (-1);
	}
	if (bodylen > HANDOFF_REC_BODY_MAX) {
		snprintf(cause, causelen, "request body of %zu bytes not "
		    "allowed in a record", bodylen);
		return (-1);
	}
	if (len < HANDOFF_REC_FIXED + ulen + headlen + bodylen) {
		snprintf(cause, causelen, "record buffer too small");
		return (-1);
	}
	memset(buf, 0, HANDOFF_REC_FIXED);
	memcpy(buf, HANDOFF_REC_MAGIC, 4);
	buf[4] = HANDOFF_REC_VERSION;
	if (sa != NULL && sa->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)sa;
		buf[5] = 4;
		port = ntohs(sin->sin_port);
		memcpy(buf + 8, &sin->sin_addr, 4);
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)sa;
		buf[5] = 6;
		port = ntohs(sin6->sin6_port);
		memcpy(buf + 8, &sin6->sin6_addr, 16);
	}
	buf[6] = port >> 8;
	buf[7] = port & 0xff;
	buf[24] = (uint8_t)ulen;
	buf[26] = headlen >> 8;
	buf[27] = headlen & 0xff;
	if (ulen != 0)
		memcpy(buf + HANDOFF_REC_FIXED, user, ulen);
	memcpy(buf + HANDOFF_REC_FIXED + ulen, head, headlen);
	if (bodylen != 0)
		memcpy(buf + HANDOFF_REC_FIXED + ulen + headlen, body, bodylen);
	return ((int)(HANDOFF_REC_FIXED + ulen + headlen + bodylen));
}

/* Parses one whole record. */
int
handoff_rec_parse(struct handoff_rec *rec, const uint8_t *buf, size_t len,
    char *cause, size_t causelen)
{
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;
	size_t			 ulen, hlen, i;
	uint16_t		 port;

	memset(rec, 0, sizeof(*rec));
	if (len < HANDOFF_REC_FIXED || memcmp(buf, HANDOFF_REC_MAGIC, 4) != 0) {
		snprintf(cause, causelen, "not a handoff record");
		return (-1);
	}
	if (buf[4] != HANDOFF_REC_VERSION) {
		snprintf(cause, causelen, "handoff record version %u",
		    buf[4]);
		return (-1);
	}
	port = (uint16_t)(buf[6] << 8 | buf[7]);
	ulen = buf[24];
	hlen = (size_t)buf[26] << 8 | buf[27];
	if (buf[25] != 0) {
		snprintf(cause, causelen, "reserved byte not zero");
		return (-1);
	}
	switch (buf[5]) {
	case 0:
		for (i = 6; i < 24; i++)
			if (buf[i] != 0) {
				snprintf(cause, causelen,
				    "address bytes without a family");
				return (-1);
			}
		rec->sa.ss_family = AF_UNSPEC;
		rec->salen = 0;
		break;
	case 4:
		for (i = 12; i < 24; i++)
			if (buf[i] != 0) {
				snprintf(cause, causelen,
				    "IPv4 address with trailing bytes");
				return (-1);
			}
		sin = (struct sockaddr_in *)&rec->sa;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, buf + 8, 4);
		rec->salen = sizeof(*sin);
		break;
	case 6:
		sin6 = (struct sockaddr_in6 *)&rec->sa;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, buf + 8, 16);
		rec->salen = sizeof(*sin6);
		break;
	default:
		snprintf(cause, causelen, "address family %u", buf[5]);
		return (-1);
	}
	if (ulen > HANDOFF_REC_USER_MAX || hlen == 0 ||
	    hlen > HANDOFF_REC_HEAD_MAX) {
		snprintf(cause, causelen, "user of %zu or head of %zu bytes",
		    ulen, hlen);
		return (-1);
	}
	if (len < HANDOFF_REC_FIXED + ulen + hlen ||
	    len - (HANDOFF_REC_FIXED + ulen + hlen) > HANDOFF_REC_BODY_MAX) {
		snprintf(cause, causelen, "record of %zu bytes, fields say %zu "
		    "and a body of at most %d", len, HANDOFF_REC_FIXED + ulen +
		    hlen, HANDOFF_REC_BODY_MAX);
		return (-1);
	}
	if (ulen != 0 && !handoff_rec_user_ok(buf + HANDOFF_REC_FIXED, ulen)) {
		snprintf(cause, causelen, "user name with a control "
		    "character or ':'");
		return (-1);
	}
	memcpy(rec->user, buf + HANDOFF_REC_FIXED, ulen);
	rec->user[ulen] = '\0';
	rec->head = (const char *)buf + HANDOFF_REC_FIXED + ulen;
	rec->headlen = hlen;
	rec->body = buf + HANDOFF_REC_FIXED + ulen + hlen;
	rec->bodylen = len - (HANDOFF_REC_FIXED + ulen + hlen);
	if (!handoff_rec_head_ok(rec->head, hlen)) {
		snprintf(cause, causelen, "head not ending at its first "
		    "blank line");
		return (-1);
	}
	return (0);
}
